/**
 * @module cli/commands/container/run
 * `berth run` in docker's order (cli/command/container/run.go): create (pulling when the image is
 * missing); print the ID when detached; otherwise attach (hijacked) before anything starts, send the
 * wait request (`next-exit`, or `removed` with --rm), start, forward the TTY size, and exit with the
 * container's status. Failures exit 125, or 126/127 when the command cannot be invoked or found.
 */
import { StatusError, withHelp, type Command, type Context } from '../../command.js';
import type { ParsedArgs } from '../../args.js';
import { createContainer, createOptions, parseForCreate } from './create.js';
import type { ContainerRequest } from './config.js';
import { RUN_FLAGS } from './flags.js';
import { awaitRemoval, checkTty, detachKeyBytes, monitorTtySize, openSession, proxySignals, waitForExit, type OpenSession } from './session.js';

/** docker's toStatusError: the exit code says whether the command could be found or run. */
export function toStatusError(err: unknown, command = 'run'): StatusError {
  if (err instanceof StatusError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  let code = 125;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) code = 127;
  else if (/permission denied|is a directory/.test(msg)) code = 126;
  return new StatusError(code, withHelp(msg, command));
}

function prepareAttach(ctx: Context, p: ParsedArgs, req: ContainerRequest): void {
  if (!p.bool('detach')) return checkTty(ctx.io, req.attachStdin, req.tty);
  if (p.list('attach').length) throw new StatusError(1, 'conflicting options: cannot specify both --attach and --detach');
  Object.assign(req.body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false });
  req.attachStdin = req.attachStdout = req.attachStderr = false;
}

async function runContainer(ctx: Context, p: ParsedArgs): Promise<number> {
  const req = await parseForCreate(ctx, p, 'run');
  prepareAttach(ctx, p, req);
  detachKeyBytes(p.string('detach-keys'));
  let id: string;
  try {
    id = await createContainer(ctx, req, createOptions(p));
  } catch (err) {
    throw toStatusError(err);
  }
  const client = ctx.client();
  const stopProxy = p.bool('sig-proxy') ? proxySignals(ctx.io, client, id) : () => {};
  const attached = req.attachStdin || req.attachStdout || req.attachStderr;
  let session: OpenSession | undefined;
  try {
    if (!attached) ctx.out(`${id}\n`);
    if (attached) {
      session = await openSession(
        ctx,
        `/containers/${id}/attach`,
        { stream: true, stdin: req.attachStdin || undefined, stdout: req.attachStdout || undefined, stderr: req.attachStderr || undefined },
        undefined,
        { stdin: req.attachStdin, stdout: req.attachStdout, stderr: req.attachStderr, tty: req.tty, detachKeys: p.string('detach-keys') },
      );
    }
    const waiter = await waitForExit(ctx, id, req.autoRemove ? 'removed' : 'next-exit');
    try {
      await client.request('POST', `/containers/${id}/start`);
    } catch (err) {
      if (session) {
        session.close();
        await session.done.catch(() => undefined);
      }
      if (req.autoRemove) await awaitRemoval(waiter);
      else waiter.cancel();
      throw toStatusError(err);
    }
    if (!session) {
      waiter.cancel();
      return 0;
    }
    return await followAttached(ctx, id, req, session, waiter);
  } finally {
    stopProxy();
  }
}

/** Wait for the stream and the exit status together, as docker's select does. */
async function followAttached(
  ctx: Context,
  id: string,
  req: ContainerRequest,
  session: OpenSession,
  waiter: { status: Promise<number>; cancel(): void },
): Promise<number> {
  const stopResize = req.tty ? monitorTtySize(ctx, `/containers/${id}/resize`) : () => {};
  try {
    const first = await Promise.race([
      session.done.then((r) => ({ kind: 'stream' as const, r })),
      waiter.status.then((status) => ({ kind: 'exit' as const, status })),
    ]);
    if (first.kind === 'stream') {
      if (first.r === 'detached') {
        waiter.cancel();
        return 0;
      }
      return await waiter.status;
    }
    // The container exited: without stdout/stderr there is nothing more to read.
    if (!req.attachStdout && !req.attachStderr) session.close();
    await session.done.catch(() => undefined);
    return first.status;
  } finally {
    stopResize();
  }
}

export const runCommand: Command = {
  name: 'run',
  use: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  aliasesText: 'berth container run, berth run',
  flags: RUN_FLAGS,
  args: { min: 1 },
  interspersed: false,
  async run(ctx, p) {
    const status = await runContainer(ctx, p);
    if (status !== 0) throw new StatusError(status);
  },
};
