/**
 * @module runtime/supervisor
 * The engine's handle on berth-shim, the small C process that stays with each container (and each
 * exec): it runs runc, reaps the process, keeps its exit code and log, and outlives the daemon. Here:
 * spawn it, talk to its attach socket, read what it left in its directory.
 *
 * A shim directory holds: attach.sock (while the shim lives), shim.pid, pid (the process), exit (the
 * exit code, once reaped), runc.log, shim.log (the shim's own diagnostics), process.json (exec).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { runcDelete } from '../dataplane/runc.js';
import { launchShim } from '../dataplane/shim.js';
import { errorMessage, invalidParameter, isBerthError, notFound, systemError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { decodeExitCode, encodeFrame, encodeFrames, encodeResize, FrameDecoder, FrameType, type Frame } from './shim-protocol.js';

export interface SupervisorPaths {
  /** The berth-shim binary. */
  shim: string;
  /** runc. */
  runtime: string;
  /** runc --root: InstanceNames.runcRoot(). */
  runtimeRoot: string;
}

export interface ShimStart {
  /** Container id (run mode) or exec id. */
  id: string;
  /** InstanceNames.shimDir(id): created here, removed by `cleanup`. */
  dir: string;
  /** Run mode: the OCI bundle; its config's process.terminal must equal `tty`. */
  bundle?: string;
  /** Exec mode: the container and an OCI "process" object (terminal is set from `tty`). */
  exec?: { containerId: string; process: object };
  tty: boolean;
  stdin: boolean;
  /** The container's log file (appended to). */
  logPath?: string;
}

export interface ShimConnection {
  /** Send START and wait for the shim's answer; rejects with runc's error text. */
  start(): Promise<void>;
  on(event: 'output', fn: (stream: 1 | 2, data: Buffer) => void): this;
  writeStdin(data: Buffer): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  /**
   * The exit code once the process exits (frame 4, or the exit file if the socket closes without
   * one). Rejects if the connection is lost with no exit recorded; stays pending after `close()`.
   */
  exited: Promise<number>;
  /** Disconnect; the shim and its process keep running. */
  close(): void;
}

export const ATTACH_SOCKET = 'attach.sock';
const SHIM_EXIT_WAIT_MS = 5000;

export class Supervisor {
  readonly #paths: SupervisorPaths;

  constructor(paths: SupervisorPaths) {
    this.#paths = paths;
  }

  /**
   * Spawn the shim. Run mode resolves once runc create is done, with the container's pid; exec mode
   * resolves with pid 0 once the shim listens (the process runs on START). On failure rejects with a
   * system error carrying runc's message, having removed the directory and any runc state.
   */
  async create(start: ShimStart): Promise<{ pid: number }> {
    if (!start.bundle === !start.exec) throw invalidParameter('shim start needs exactly one of bundle and exec');
    await mkdir(start.dir, { recursive: true, mode: 0o700 });
    await mkdir(this.#paths.runtimeRoot, { recursive: true, mode: 0o700 });
    try {
      const args = await this.#args(start);
      const shim = await launchShim({ shim: this.#paths.shim, args, stderrPath: join(start.dir, 'shim.log') });
      const reply = parseSyncLine(shim.line);
      if (reply.pid !== undefined) return { pid: reply.pid };
      // The shim exits right after reporting; wait so that nothing of it is left when we reject.
      const timeout = new AbortController();
      const code = await Promise.race([shim.exited, delay(SHIM_EXIT_WAIT_MS, 'running' as const, { signal: timeout.signal })]);
      timeout.abort();
      throw systemError(reply.error ?? `berth-shim exited without reporting (${code === 'running' ? 'still running' : `exit ${code}`})`);
    } catch (err) {
      await this.#undoCreate(start);
      throw isBerthError(err) ? err : systemError(errorMessage(err), err);
    }
  }

  async #args(start: ShimStart): Promise<string[]> {
    const p = this.#paths;
    const args = ['--id', start.id, '--dir', start.dir, '--runtime', p.runtime, '--runtime-root', p.runtimeRoot];
    if (start.bundle) {
      args.push('--bundle', start.bundle);
    } else {
      const processPath = join(start.dir, 'process.json');
      await writeFile(processPath, JSON.stringify({ ...start.exec!.process, terminal: start.tty }), { mode: 0o600 });
      args.push('--exec-container', start.exec!.containerId, '--exec-process', processPath);
    }
    if (start.tty) args.push('--tty');
    if (start.stdin) args.push('--stdin');
    if (start.logPath) args.push('--log', start.logPath);
    return args;
  }

  async #undoCreate(start: ShimStart): Promise<void> {
    const pid = await this.shimPid(start.dir);
    if (pid) process.kill(pid, 'SIGKILL');
    if (start.bundle) {
      await runcDelete(this.#paths.runtimeRoot, start.id, { force: true, runtime: this.#paths.runtime }).catch((err) => {
        if (!isBerthError(err, 'notFound')) log.warn(`runc delete ${start.id} after a failed create`, err);
      });
    }
    await rm(start.dir, { recursive: true, force: true });
  }

  /** Connect to a live shim. Rejects with notFound when it is gone (then read `exitCode(dir)`). */
  connect(dir: string): Promise<ShimConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(join(dir, ATTACH_SOCKET));
      const onError = (err: NodeJS.ErrnoException) => {
        const gone = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTDIR';
        reject(gone ? notFound(`no shim is running in ${dir}`, err) : systemError(`connect to shim in ${dir}: ${err.message}`, err));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new Connection(socket, () => this.exitCode(dir)));
      });
    });
  }

  /** The recorded exit code, or undefined if the process has not exited (or never ran). */
  async exitCode(dir: string): Promise<number | undefined> {
    try {
      return decodeExitCode(await readFile(join(dir, 'exit')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The pid of the shim serving `dir`, if one runs (checked against its command line, not only the pid file). */
  async shimPid(dir: string): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(join(dir, 'shim.pid'), 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      const at = argv.indexOf('--dir');
      return at >= 0 && argv[at + 1] === dir ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Remove the shim directory. A shim still running there (an exec that was never started) is
   * killed first; the process it supervises, if any, is the caller's (runc delete).
   */
  async cleanup(dir: string): Promise<void> {
    const pid = await this.shimPid(dir);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function parseSyncLine(line: string): { pid?: number; error?: string } {
  if (!line) return {};
  try {
    const parsed = JSON.parse(line) as { pid?: unknown; error?: unknown };
    if (typeof parsed.pid === 'number') return { pid: parsed.pid };
    if (typeof parsed.error === 'string') return { error: parsed.error };
  } catch {
    /* fall through */
  }
  return { error: `berth-shim: unexpected report ${JSON.stringify(line)}` };
}

type OutputListener = (stream: 1 | 2, data: Buffer) => void;

class Connection implements ShimConnection {
  readonly exited: Promise<number>;
  #socket: Socket;
  #decoder = new FrameDecoder();
  #outputListeners: OutputListener[] = [];
  #startWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  #exitCode: number | undefined;
  #closedByUs = false;
  #settleExit!: { resolve: (code: number) => void; reject: (err: Error) => void };

  constructor(socket: Socket, readExitFile: () => Promise<number | undefined>) {
    this.#socket = socket;
    this.exited = new Promise((resolve, reject) => (this.#settleExit = { resolve, reject }));
    this.exited.catch(() => undefined); // a caller that never awaits it must not crash the daemon
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) this.#onFrame(frame);
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => void this.#onClose(readExitFile));
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case FrameType.stdout:
      case FrameType.stderr:
        for (const fn of this.#outputListeners) fn(frame.type, frame.payload);
        break;
      case FrameType.startResult: {
        const waiter = this.#startWaiters.shift();
        const text = frame.payload.toString();
        if (text) waiter?.reject(systemError(text));
        else waiter?.resolve();
        break;
      }
      case FrameType.exit:
        this.#exitCode = decodeExitCode(frame.payload);
        this.#settleExit.resolve(this.#exitCode);
        break;
      default:
        break; // status frames and future types
    }
  }

  async #onClose(readExitFile: () => Promise<number | undefined>): Promise<void> {
    for (const waiter of this.#startWaiters.splice(0)) waiter.reject(systemError('connection to the shim closed before it answered START'));
    if (this.#exitCode !== undefined || this.#closedByUs) return;
    try {
      const code = await readExitFile();
      if (code !== undefined) this.#settleExit.resolve(code);
      else this.#settleExit.reject(systemError('lost the connection to the shim before the process exited'));
    } catch (err) {
      this.#settleExit.reject(systemError(`reading the exit code: ${errorMessage(err)}`, err));
    }
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#socket.destroyed) return reject(systemError('connection to the shim is closed'));
      this.#startWaiters.push({ resolve, reject });
      this.#socket.write(encodeFrame(FrameType.start));
    });
  }

  on(event: 'output', fn: OutputListener): this {
    if (event === 'output') this.#outputListeners.push(fn);
    return this;
  }

  writeStdin(data: Buffer): void {
    if (data.length === 0) return;
    for (const frame of encodeFrames(FrameType.stdin, data)) this.#write(frame);
  }

  closeStdin(): void {
    this.#write(encodeFrame(FrameType.closeStdin));
  }

  resize(rows: number, cols: number): void {
    this.#write(encodeResize(rows, cols));
  }

  close(): void {
    this.#closedByUs = true;
    this.#socket.destroy();
  }

  #write(frame: Buffer): void {
    if (!this.#socket.destroyed) this.#socket.write(frame);
  }
}
