/**
 * @module cli/commands/container/start
 * `berth start` (docker/cli container/start.go) and `berth attach` (attach.go).
 */
import { StatusError, boolFlag, stringFlag, type Command, type Context } from '../../command.js';
import { awaitRemoval, checkTty, detachKeyBytes, monitorTtySize, openSession, proxySignals, waitForExit } from './session.js';

interface InspectedContainer {
  Id: string;
  Config: { Tty: boolean; OpenStdin: boolean };
  HostConfig?: { AutoRemove?: boolean };
  State?: { Running?: boolean; Paused?: boolean; Restarting?: boolean };
}

export function inspectContainer(ctx: Context, ref: string): Promise<InspectedContainer> {
  return ctx.client().get<InspectedContainer>(`/containers/${ref}/json`);
}

/** Start one container attached to it: attach, wait, start, then follow the stream. */
async function startAttached(ctx: Context, ref: string, openStdin: boolean, detachKeys: string): Promise<number> {
  const c = await inspectContainer(ctx, ref);
  const client = ctx.client();
  const stopProxy = !c.Config.Tty ? proxySignals(ctx.io, client, c.Id) : () => {};
  try {
    const withStdin = openStdin && c.Config.OpenStdin;
    const session = await openSession(ctx, `/containers/${c.Id}/attach`, { stream: true, stdin: withStdin || undefined, stdout: true, stderr: true }, undefined, {
      stdin: withStdin,
      stdout: true,
      stderr: true,
      tty: c.Config.Tty,
      detachKeys,
    });
    const waiter = await waitForExit(ctx, c.Id, c.HostConfig?.AutoRemove ? 'removed' : 'next-exit');
    try {
      await client.request('POST', `/containers/${c.Id}/start`);
    } catch (err) {
      session.close();
      await session.done.catch(() => undefined);
      if (c.HostConfig?.AutoRemove) await awaitRemoval(waiter);
      else waiter.cancel();
      throw err;
    }
    const stopResize = c.Config.Tty ? monitorTtySize(ctx, `/containers/${c.Id}/resize`) : () => {};
    try {
      if ((await session.done) === 'detached') {
        waiter.cancel();
        return 0;
      }
    } finally {
      stopResize();
    }
    return await waiter.status;
  } finally {
    stopProxy();
  }
}

export const startCommand: Command = {
  name: 'start',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  aliasesText: 'berth container start, berth start',
  flags: [
    boolFlag('attach', 'a', 'Attach STDOUT/STDERR and forward signals'),
    stringFlag('checkpoint', undefined, 'Restore from this checkpoint'),
    stringFlag('checkpoint-dir', undefined, 'Use a custom checkpoint storage directory'),
    stringFlag('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    boolFlag('interactive', 'i', "Attach container's STDIN"),
  ],
  args: { min: 1 },
  async run(ctx, p) {
    if (p.bool('attach') || p.bool('interactive')) {
      if (p.args.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
      detachKeyBytes(p.string('detach-keys'));
      const status = await startAttached(ctx, p.args[0]!, p.bool('interactive'), p.string('detach-keys'));
      if (status !== 0) throw new StatusError(status);
      return;
    }
    if (p.string('checkpoint')) throw new StatusError(1, 'checkpoints are not supported by berth');
    const failed: string[] = [];
    for (const c of p.args) {
      try {
        await ctx.client().request('POST', `/containers/${c}/start`);
        ctx.out(`${c}\n`);
      } catch (err) {
        ctx.err(`${(err as Error).message}\n`);
        failed.push(c);
      }
    }
    if (failed.length) throw new StatusError(1, `failed to start containers: ${failed.join(', ')}`);
  },
};

function checkState(c: InspectedContainer): void {
  if (!c.State?.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
  if (c.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
  if (c.State.Restarting) throw new StatusError(1, 'You cannot attach to a restarting container, wait until it is running');
}

export const attachCommand: Command = {
  name: 'attach',
  use: '[OPTIONS] CONTAINER',
  short: 'Attach local standard input, output, and error streams to a running container',
  aliasesText: 'berth container attach, berth attach',
  flags: [
    stringFlag('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    boolFlag('no-stdin', undefined, 'Do not attach STDIN'),
    boolFlag('sig-proxy', undefined, 'Proxy all received signals to the process', { value: true }),
  ],
  args: { exact: 1 },
  async run(ctx, p) {
    const ref = p.args[0]!;
    const waiter = await waitForExit(ctx, ref);
    try {
      const c = await inspectContainer(ctx, ref);
      checkState(c);
      checkTty(ctx.io, !p.bool('no-stdin'), c.Config.Tty);
      const withStdin = !p.bool('no-stdin') && c.Config.OpenStdin;
      const stopProxy = p.bool('sig-proxy') && !c.Config.Tty ? proxySignals(ctx.io, ctx.client(), ref) : () => {};
      const stopResize = c.Config.Tty ? monitorTtySize(ctx, `/containers/${ref}/resize`) : () => {};
      try {
        const session = await openSession(ctx, `/containers/${ref}/attach`, { stream: true, stdin: withStdin || undefined, stdout: true, stderr: true }, undefined, {
          stdin: withStdin,
          stdout: true,
          stderr: true,
          tty: c.Config.Tty,
          detachKeys: p.string('detach-keys'),
        });
        if ((await session.done) === 'detached') {
          waiter.cancel();
          return;
        }
      } finally {
        stopResize();
        stopProxy();
      }
    } catch (err) {
      waiter.cancel();
      throw err;
    }
    const status = await waiter.status;
    if (status !== 0) throw new StatusError(status);
  },
};
