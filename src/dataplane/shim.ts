/**
 * @module dataplane/shim
 * Starting a berth-shim: the one process berth lets outlive the call that made it. The shim runs in
 * its own session (detached), with /dev/null for stdin/stdout, its diagnostics appended to a file,
 * and fd 3 a pipe on which it reports readiness with a single JSON line.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { systemError } from '../lib/errors.js';
import { spawnProcess } from './exec.js';

export interface ShimLaunch {
  /** Path of the berth-shim binary. */
  shim: string;
  args: string[];
  /** The shim's own stderr (its diagnostics), opened for append. */
  stderrPath: string;
  /** Give up (and SIGKILL the shim) if it has not reported by then. Default 60 s. */
  timeoutMs?: number;
}

export interface LaunchedShim {
  pid: number;
  /** The line the shim wrote on fd 3 (without the newline); '' if it closed fd 3 without one. */
  line: string;
  /** Resolves with the shim's exit code (null if killed by a signal) if it exits while we live. */
  exited: Promise<number | null>;
}

const MAX_SYNC_LINE = 64 * 1024;
const EMPTY_REPORT_WAIT_MS = 2000;

/** Await `promise` (rethrowing its rejection) for at most `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Spawn the shim detached and wait for its readiness line. */
export async function launchShim(launch: ShimLaunch): Promise<LaunchedShim> {
  const stderr = await open(launch.stderrPath, 'a', 0o600);
  let child;
  try {
    child = spawnProcess([launch.shim, ...launch.args], {
      detached: true,
      stdio: ['ignore', 'ignore', stderr.fd, 'pipe'],
    });
  } catch (err) {
    await stderr.close();
    throw err;
  }
  // Listen before any await: a failed spawn reports 'error' on the next tick.
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(systemError(`cannot start ${launch.shim}: ${err.message}`, err))),
  );
  spawnFailed.catch(() => undefined);
  const sync = child.stdio[3] as Readable;
  const reading = readLine(sync, launch.timeoutMs ?? 60_000);
  reading.catch(() => undefined);
  await stderr.close(); // the child has its own copy
  try {
    const line = await Promise.race([reading, spawnFailed]);
    // No report: fd 3 closed because the spawn failed or the shim died; say which.
    if (!line) await settledWithin(Promise.race([exited, spawnFailed]), EMPTY_REPORT_WAIT_MS);
    return { pid: child.pid!, line, exited };
  } catch (err) {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    }
    throw err;
  } finally {
    sync.destroy();
    child.unref(); // the daemon may exit; the shim stays
  }
}

function readLine(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (chunk.includes(0x0a) || size > MAX_SYNC_LINE) done();
    };
    const onEnd = () => done(); // 'close' too: a stream destroyed (failed spawn) never ends
    const onError = (err: Error) => done(systemError(`shim sync pipe: ${err.message}`, err));
    const timer = setTimeout(() => done(systemError(`shim did not report within ${timeoutMs} ms`)), timeoutMs);
    function done(err?: Error): void {
      clearTimeout(timer);
      stream.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      stream.on('error', () => undefined); // late errors after we stopped listening
      if (err) return reject(err);
      const text = Buffer.concat(chunks).toString();
      const nl = text.indexOf('\n');
      resolve(nl >= 0 ? text.slice(0, nl) : text);
    }
    stream.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    if (stream.destroyed) done();
  });
}
