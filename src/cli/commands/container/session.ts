/**
 * @module cli/commands/container/session
 * What run, start -a, attach and exec share: the hijacked stream, waiting for a container's exit
 * (`POST /containers/{id}/wait`, sent before the container starts), TTY size forwarding, and the
 * signal proxy (`--sig-proxy`: signals the CLI receives are sent to the container with kill).
 */
import type { ApiClient, Query } from '../../client.js';
import { readAll } from '../../client.js';
import type { CliIO, Context } from '../../command.js';
import { StatusError } from '../../command.js';
import { DetachKeysError, parseDetachKeys, streamHijacked, type StreamResult } from '../../hijack.js';

export interface AttachStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  detachKeys?: string;
}

export interface OpenSession {
  /** Settles when the output ends or the user detaches. */
  done: Promise<StreamResult>;
  /** Stop streaming (closes the connection). */
  close(): void;
}

/** docker's validateDetachKeys error. */
export function detachKeyBytes(keys: string | undefined): number[] | undefined {
  if (!keys) return undefined;
  try {
    return parseDetachKeys(keys);
  } catch (err) {
    throw new Error(`invalid detach keys (${keys}): ${(err as DetachKeysError).message}`);
  }
}

/** Hijack `path` and start streaming with the CLI's stdio (stderr goes to stdout with a TTY). */
export async function openSession(ctx: Context, path: string, query: Query | undefined, json: unknown, s: AttachStreams): Promise<OpenSession> {
  const conn = await ctx.client().hijack(path, { ...(query ? { query } : {}), ...(json !== undefined ? { json } : {}) });
  const { io } = ctx;
  const done = streamHijacked(conn, {
    stdin: s.stdin ? io.stdin : undefined,
    stdout: s.stdout ? io.stdout : undefined,
    stderr: s.stderr ? (s.tty ? io.stdout : io.stderr) : undefined,
    tty: s.tty,
    detachKeys: detachKeyBytes(s.detachKeys),
  });
  return { done, close: () => conn.socket.destroy() };
}

export interface ExitWaiter {
  /** The exit status (125 when the wait failed, as docker reports it). */
  status: Promise<number>;
  cancel(): void;
}

/** docker's waitExitOrRemoved: the request is on the wire (headers back) when this resolves. */
export async function waitForExit(ctx: Context, id: string, condition?: 'next-exit' | 'removed'): Promise<ExitWaiter> {
  const abort = new AbortController();
  const res = await ctx.client().stream('POST', `/containers/${id}/wait`, { query: { condition }, signal: abort.signal });
  const status = readAll(res).then(
    (body) => {
      const result = JSON.parse(body.toString('utf8') || '{}') as { StatusCode?: number; Error?: { Message?: string } | null };
      if (result.Error?.Message) {
        ctx.err(`Error waiting for container: ${result.Error.Message}\n`);
        return 125;
      }
      return result.StatusCode ?? 0;
    },
    (err: unknown) => {
      if (abort.signal.aborted) return 0;
      ctx.err(`error waiting for container: ${(err as Error).message}\n`);
      return 125;
    },
  );
  return { status, cancel: () => abort.abort() };
}

/**
 * After a failed start with --rm, docker waits until the daemon has removed the container. Bound
 * that wait, so a daemon that keeps the container cannot hang the CLI.
 */
export async function awaitRemoval(waiter: ExitWaiter, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([waiter.status, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  waiter.cancel();
}

/** Send the terminal size now and whenever it changes; returns the stop function. */
export function monitorTtySize(ctx: Context, path: string): () => void {
  const out = ctx.io.stdout;
  if (!out.isTTY) return () => {};
  const resize = () => {
    const h = out.rows ?? 0;
    const w = out.columns ?? 0;
    if (h === 0 && w === 0) return;
    ctx.client().request('POST', path, { query: { h, w } }).catch(() => {});
  };
  resize();
  out.on('resize', resize);
  return () => void out.off('resize', resize);
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

/** docker's ForwardAllSignals: each signal the CLI gets is sent to the container. */
export function proxySignals(io: CliIO, client: ApiClient, id: string): () => void {
  const emitter = io.signals;
  if (!emitter) return () => {};
  const handlers = FORWARDED_SIGNALS.map((sig) => {
    const handler = () => void client.request('POST', `/containers/${id}/kill`, { query: { signal: sig } }).catch(() => {});
    emitter.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => handlers.forEach(([sig, handler]) => emitter.off(sig, handler));
}

/** docker's CheckTty. */
export function checkTty(io: CliIO, attachStdin: boolean, tty: boolean): void {
  if (tty && attachStdin && !io.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY');
}

/** The size docker puts in HostConfig.ConsoleSize: the output terminal's, else zeros. */
export function consoleSize(io: CliIO): [number, number] {
  return io.stdout.isTTY ? [io.stdout.rows ?? 0, io.stdout.columns ?? 0] : [0, 0];
}
