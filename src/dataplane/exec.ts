/**
 * @module dataplane/exec
 * The only place in berth that starts a process. Always an argument array, never a shell
 * string; a failure becomes a BerthError carrying the command and what it printed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { BerthError } from '../lib/errors.js';
import { log } from '../lib/log.js';

export interface RunOptions {
  /** Written to the process's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the process (SIGKILL) after this many ms. Default 60 s. */
  timeoutMs?: number;
  /** Resolve with the exit code instead of throwing when it is not 0. */
  allowFail?: boolean;
  /** Run inside this network namespace (a name under /run/netns). */
  netns?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class ExecError extends BerthError {
  constructor(
    readonly argv: string[],
    readonly code: number | null,
    readonly stderr: string,
    message?: string,
  ) {
    super('system', message ?? `${argv.join(' ')}: ${stderr.trim() || `exit status ${code}`}`);
  }
}

/** `argv` prefixed to run inside a named network namespace without touching the mount namespace. */
export function inNetns(netns: string | undefined, argv: string[]): string[] {
  return netns ? ['nsenter', `--net=/run/netns/${netns}`, '--', ...argv] : argv;
}

export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const full = inNetns(opts.netns, argv);
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new ExecError(full, null, '', `${full[0]}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? 128 };
      if (signal) result.stderr += `killed by ${signal}`;
      log.debug(`exec ${full.join(' ')} -> ${result.code}`);
      if (result.code !== 0 && !opts.allowFail) reject(new ExecError(full, code, result.stderr));
      else resolve(result);
    });
    child.stdin!.on('error', () => undefined); // the process may exit without reading its input
    child.stdin!.end(opts.input ?? '');
  });
}

/**
 * A raw process for the cases that stream (tar) or outlive the call (the container shim). The
 * caller owns it; prefer `run` whenever the output fits in memory.
 */
export function spawnProcess(argv: string[], options: SpawnOptions & { netns?: string } = {}): ChildProcess {
  const full = inNetns(options.netns, argv);
  log.debug(`spawn ${full.join(' ')}`);
  return spawn(full[0]!, full.slice(1), options);
}
