/**
 * @module cli/prompt
 * docker's prompt.Confirm: the question and ` [y/N] ` on stdout, one line read from stdin; only
 * "y" or "Y" says yes. A closed stdin is a no.
 */
import type { Context } from './command.js';

export function readLine(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (line: string | undefined) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      stdin.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onEnd = () => done(buf === '' ? undefined : buf);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
    stdin.resume();
  });
}

export async function confirm(ctx: Context, message: string): Promise<boolean> {
  ctx.out(`${message} [y/N] `);
  const answer = (await readLine(ctx.io.stdin))?.trim();
  return answer === 'y' || answer === 'Y';
}
