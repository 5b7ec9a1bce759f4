/**
 * @module cli/commands/container/exec
 * `berth exec` (docker/cli container/exec.go): inspect the container (so "No such container" wins),
 * POST /containers/{id}/exec, then POST /exec/{id}/start hijacked (or detached with -d), and exit
 * with the process's code from GET /exec/{id}/json.
 */
import { StatusError, boolFlag, listFlag, stringFlag, type Command, type Context } from '../../command.js';
import type { ParsedArgs } from '../../args.js';
import { readEnv, validateEnv } from '../../opts/kv.js';
import { checkTty, consoleSize, detachKeyBytes, monitorTtySize, openSession } from './session.js';
import { inspectContainer } from './start.js';

function execConfig(ctx: Context, p: ParsedArgs, cmd: string[]): Record<string, unknown> {
  const detach = p.bool('detach');
  const tty = p.bool('tty');
  const env = readEnv(p.list('env-file'), p.list('env'), ctx.env);
  detachKeyBytes(p.string('detach-keys'));
  const size = consoleSize(ctx.io);
  return {
    User: p.string('user'),
    Privileged: p.bool('privileged'),
    Tty: tty,
    ...(tty && size[0] + size[1] > 0 ? { ConsoleSize: size } : {}),
    AttachStdin: !detach && p.bool('interactive'),
    AttachStderr: !detach,
    AttachStdout: !detach,
    Detach: detach,
    DetachKeys: p.string('detach-keys'),
    Env: env.length ? env : null,
    WorkingDir: p.string('workdir'),
    Cmd: cmd,
  };
}

async function runExec(ctx: Context, p: ParsedArgs): Promise<number> {
  const [container, ...cmd] = p.args as [string, ...string[]];
  const config = execConfig(ctx, p, cmd);
  const client = ctx.client();
  await inspectContainer(ctx, container);
  const tty = config.Tty as boolean;
  if (!p.bool('detach')) checkTty(ctx.io, config.AttachStdin as boolean, tty);
  const { Id: execId } = await client.post<{ Id: string }>(`/containers/${container}/exec`, { json: config });
  if (!execId) throw new StatusError(1, 'exec ID empty');
  const startBody = { Detach: p.bool('detach'), Tty: tty, ...(config.ConsoleSize ? { ConsoleSize: config.ConsoleSize } : {}) };
  if (p.bool('detach')) {
    await client.request('POST', `/exec/${execId}/start`, { json: startBody });
    return 0;
  }
  const session = await openSession(ctx, `/exec/${execId}/start`, undefined, startBody, {
    stdin: config.AttachStdin as boolean,
    stdout: true,
    stderr: true,
    tty,
    detachKeys: p.string('detach-keys'),
  });
  const stopResize = tty && ctx.io.stdin.isTTY ? monitorTtySize(ctx, `/exec/${execId}/resize`) : () => {};
  try {
    await session.done;
  } finally {
    stopResize();
  }
  const info = await client.get<{ ExitCode?: number | null }>(`/exec/${execId}/json`);
  return info.ExitCode ?? 0;
}

export const execCommand: Command = {
  name: 'exec',
  use: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Execute a command in a running container',
  aliasesText: 'berth container exec, berth exec',
  flags: [
    stringFlag('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    boolFlag('interactive', 'i', 'Keep STDIN open even if not attached'),
    boolFlag('tty', 't', 'Allocate a pseudo-TTY'),
    boolFlag('detach', 'd', 'Detached mode: run command in the background'),
    stringFlag('user', 'u', 'Username or UID (format: "<name|uid>[:<group|gid>]")'),
    boolFlag('privileged', undefined, 'Give extended privileges to the command'),
    listFlag('env', 'e', 'Set environment variables', { validate: validateEnv }),
    listFlag('env-file', undefined, 'Read in a file of environment variables'),
    stringFlag('workdir', 'w', 'Working directory inside the container'),
  ],
  args: { min: 2 },
  interspersed: false,
  async run(ctx, p) {
    const status = await runExec(ctx, p);
    if (status !== 0) throw new StatusError(status);
  },
};
