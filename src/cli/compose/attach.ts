/**
 * @module compose/attach
 * `compose up` without `-d`: every container's output, followed from its start, each line
 * prefixed like compose's log consumer (`web-1  | line`), `<name> exited with code N` when one
 * ends; returns when all have ended. The first Ctrl-C (or `signal`) stops the containers
 * ("Gracefully Stopping... press Ctrl+C again to force"), a second one leaves at once.
 */
import type { IncomingMessage } from 'node:http';
import type { EngineClient } from './client.js';
import type { ContainerInspect } from './containers.js';
import type { ComposeIO } from './main.js';
import type { Progress } from './progress.js';
import type { Converged } from './up.js';

export interface AttachContext {
  client: EngineClient;
  io: ComposeIO;
  progress: () => Progress;
  signal?: AbortSignal;
  timeout?: number;
}

export async function attachLogs(ctx: AttachContext, containers: Converged[], opts: { prefix: boolean; project: string; tty: (service: string) => boolean }): Promise<number> {
  const labels = containers.map((c) => (c.name.startsWith(`${opts.project}-`) ? c.name.slice(opts.project.length + 1) : c.name));
  const width = Math.max(0, ...labels.map((l) => l.length)) + 1;
  let interrupted = false;
  const stopAll = async () => {
    ctx.io.stderr.write('Gracefully Stopping... press Ctrl+C again to force\n');
    const progress = ctx.progress();
    for (const c of [...containers].reverse()) {
      progress.working(`Container ${c.name}`, 'Stopping');
      await ctx.client.post(`/containers/${c.id}/stop`, undefined, { t: ctx.timeout }).catch(() => undefined);
      progress.done(`Container ${c.name}`, 'Stopped');
    }
    progress.finish();
  };
  let onInterrupt = () => {};
  const leave = new Promise<void>((resolve) => {
    onInterrupt = () => {
      if (interrupted) return resolve();
      interrupted = true;
      void stopAll();
    };
  });
  if (ctx.signal) ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  else for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, onInterrupt);
  // Containers that were already running show only what they print from now on, as compose's attach does.
  const now = Math.floor(Date.now() / 1000);
  const follow = containers.map(async (c, i) => {
    const prefix = opts.prefix ? `${labels[i]!.padEnd(width)} | ` : '';
    const res = await ctx.client.stream('GET', `/containers/${c.id}/logs`, { follow: true, stdout: true, stderr: true, since: c.running ? now : undefined });
    if ((res.statusCode ?? 500) >= 400) return void res.resume();
    await pipeLines(res, opts.tty(c.service), (stream, line) => (stream === 2 ? ctx.io.stderr : ctx.io.stdout).write(`${prefix}${line}\n`));
    const { body } = await ctx.client.get<ContainerInspect>(`/containers/${c.id}/json`);
    ctx.io.stdout.write(`${labels[i]} exited with code ${body.State.ExitCode}\n`);
  });
  try {
    await Promise.race([Promise.all(follow), leave]);
  } finally {
    if (!ctx.signal) for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, onInterrupt);
  }
  return interrupted ? 130 : 0;
}

/** Lines of a logs response: Docker's multiplexed frames (8-byte headers), or raw bytes for a TTY. */
function pipeLines(res: IncomingMessage, tty: boolean, emit: (stream: number, line: string) => void): Promise<void> {
  const partial: Record<number, string> = { 1: '', 2: '' };
  let pending = Buffer.alloc(0);
  const push = (stream: number, text: string) => {
    const lines = (partial[stream] + text).split(/\r?\n/);
    partial[stream] = lines.pop()!;
    for (const line of lines) emit(stream, line);
  };
  return new Promise((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      if (tty) return push(1, chunk.toString());
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        push(pending[0] === 2 ? 2 : 1, pending.subarray(8, 8 + size).toString());
        pending = pending.subarray(8 + size);
      }
    });
    res.on('end', () => {
      for (const stream of [1, 2]) if (partial[stream]) emit(stream, partial[stream]!);
      resolve();
    });
    res.on('error', reject);
  });
}
