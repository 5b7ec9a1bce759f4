/**
 * @module cli/commands/container/lifecycle
 * stop, restart, kill, rm, wait, rename (docker/cli container/*.go): the names given are echoed
 * back on success, in order; operations on several containers run in parallel, and the errors are
 * printed after the output, one per line, with exit 1.
 */
import type { ParsedArgs } from '../../args.js';
import { DaemonError, type Query } from '../../client.js';
import { StatusError, boolFlag, intFlag, stringFlag, type Command, type Context } from '../../command.js';

/** docker's parallelOperation + errors.Join: results reported in argument order. */
export async function eachInOrder(
  ctx: Context,
  names: readonly string[],
  op: (name: string) => Promise<string | void>,
  onError: (name: string, err: unknown) => 'skip' | 'fail' = () => 'fail',
): Promise<void> {
  const pending = names.map((n) => op(n).then((out) => ({ ok: true as const, out }), (err: unknown) => ({ ok: false as const, err })));
  const errors: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const res = await pending[i]!;
    if (res.ok) ctx.out(`${res.out ?? names[i]}\n`);
    else if (onError(names[i]!, res.err) === 'fail') errors.push((res.err as Error).message);
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'));
}

const timeoutFlags = [
  stringFlag('signal', 's', 'Signal to send to the container'),
  intFlag('timeout', 't', 'Seconds to wait before killing the container'),
  intFlag('time', undefined, 'Seconds to wait before killing the container (deprecated: use --timeout)', {
    hidden: true,
    deprecated: 'use --timeout instead',
  }),
];

function stopQuery(p: ParsedArgs): Query {
  if (p.changed('timeout') && p.changed('time')) throw new StatusError(1, 'conflicting options: cannot specify both --timeout and --time');
  const t = p.changed('time') ? p.int('time') : p.changed('timeout') ? p.int('timeout') : undefined;
  return { t, signal: p.string('signal') || undefined };
}

export const stopCommand: Command = {
  name: 'stop',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  aliasesText: 'berth container stop, berth stop',
  flags: timeoutFlags,
  args: { min: 1 },
  async run(ctx, p) {
    const query = stopQuery(p);
    await eachInOrder(ctx, p.args, (c) => ctx.client().request('POST', `/containers/${c}/stop`, { query }).then(() => undefined));
  },
};

export const restartCommand: Command = {
  name: 'restart',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  aliasesText: 'berth container restart, berth restart',
  flags: timeoutFlags,
  args: { min: 1 },
  async run(ctx, p) {
    const query = stopQuery(p);
    await eachInOrder(ctx, p.args, (c) => ctx.client().request('POST', `/containers/${c}/restart`, { query }).then(() => undefined));
  },
};

export const killCommand: Command = {
  name: 'kill',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  aliasesText: 'berth container kill, berth kill',
  flags: [stringFlag('signal', 's', 'Signal to send to the container')],
  args: { min: 1 },
  async run(ctx, p) {
    const query = { signal: p.string('signal') || undefined };
    await eachInOrder(ctx, p.args, (c) => ctx.client().request('POST', `/containers/${c}/kill`, { query }).then(() => undefined));
  },
};

export const rmCommand: Command = {
  name: 'rm',
  aliases: ['remove'],
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  aliasesText: 'berth container rm, berth container remove, berth rm',
  flags: [
    boolFlag('force', 'f', 'Force the removal of a running container (uses SIGKILL)'),
    boolFlag('link', 'l', 'Remove the specified link'),
    boolFlag('volumes', 'v', 'Remove anonymous volumes associated with the container'),
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const query = { v: p.bool('volumes') || undefined, link: p.bool('link') || undefined, force: p.bool('force') || undefined };
    await eachInOrder(
      ctx,
      p.args,
      async (name) => {
        const id = name.replace(/^\/+|\/+$/g, '');
        if (id === '') throw new Error('container name cannot be empty');
        await ctx.client().request('DELETE', `/containers/${id}`, { query });
      },
      (_name, err) => {
        if (!p.bool('force') || !(err instanceof DaemonError && err.notFound)) return 'fail';
        ctx.err(`${err.message}\n`);
        return 'skip';
      },
    );
  },
};

export const waitCommand: Command = {
  name: 'wait',
  use: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  aliasesText: 'berth container wait, berth wait',
  args: { min: 1 },
  async run(ctx, p) {
    await eachInOrder(ctx, p.args, async (c) => {
      const res = await ctx.client().post<{ StatusCode: number; Error?: { Message?: string } | null }>(`/containers/${c}/wait`);
      if (res.Error?.Message) throw new Error(res.Error.Message);
      return String(res.StatusCode);
    });
  },
};

export const renameCommand: Command = {
  name: 'rename',
  use: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  aliasesText: 'berth container rename, berth rename',
  args: { exact: 2 },
  async run(ctx, p) {
    const oldName = p.args[0]!.trim();
    const newName = p.args[1]!.trim();
    if (oldName === '' || newName === '') throw new StatusError(1, 'Error: Neither old nor new names may be empty');
    try {
      await ctx.client().request('POST', `/containers/${oldName}/rename`, { query: { name: newName } });
    } catch (err) {
      ctx.err(`${(err as Error).message}\n`);
      throw new StatusError(1, `Error: failed to rename container named ${oldName}`);
    }
  },
};
