/**
 * @module dataplane/runc
 * The runc calls the daemon makes itself (the shim makes create/start/exec). Every call carries
 * `--root`, so berth only ever sees its own containers.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, isBerthError, notFound, systemError } from '../lib/errors.js';
import { ExecError, run } from './exec.js';

export const DEFAULT_RUNC = '/usr/sbin/runc';

/** `runc state` output (the fields berth reads; runc prints more). */
export interface RuncState {
  ociVersion: string;
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
  rootfs: string;
  created: string;
  annotations?: Record<string, string>;
  owner?: string;
}

/** runc's messages, mapped to berth's error kinds. */
function mapRuncError(err: unknown, id: string): unknown {
  if (!(err instanceof ExecError)) return err;
  const text = runcMessage(err.stderr);
  if (/container does not exist|container .* does not exist/.test(text)) return notFound(`No such container: ${id}`, err);
  if (/not running|container not running|is not running/.test(text)) return conflict(`Container ${id} is not running`, err);
  if (/cannot delete container .* that is not stopped|is not stopped/.test(text)) {
    return conflict(`cannot remove container ${id}: it is running`, err);
  }
  return systemError(`runc: ${text || `exit status ${err.code}`}`, err);
}

/** runc prints errors either plain or as logrus text/JSON lines; keep the message. */
function runcMessage(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const last = lines.at(-1) ?? '';
  try {
    const parsed = JSON.parse(last) as { msg?: unknown };
    if (typeof parsed.msg === 'string') return parsed.msg;
  } catch {
    /* not JSON */
  }
  const logrus = /msg="((?:[^"\\]|\\.)*)"/.exec(last);
  return logrus ? logrus[1]!.replace(/\\(.)/g, '$1') : last;
}

async function runc(root: string, args: string[], id: string, runtime: string): Promise<string> {
  try {
    return (await run([runtime, '--root', root, ...args], { timeoutMs: 30_000 })).stdout;
  } catch (err) {
    throw mapRuncError(err, id);
  }
}

/** Send a signal ("KILL", "SIGTERM", 9...) to the container's init, or with `all` to every process. */
export async function runcKill(
  root: string,
  id: string,
  signal: string | number,
  opts: { all?: boolean; runtime?: string } = {},
): Promise<void> {
  const args = ['kill', ...(opts.all ? ['--all'] : []), id, String(signal)];
  await runc(root, args, id, opts.runtime ?? DEFAULT_RUNC);
}

/** Remove the container's runc state; `force` kills it first if it still runs. Unknown ids are notFound. */
export async function runcDelete(root: string, id: string, opts: { force?: boolean; runtime?: string } = {}): Promise<void> {
  await runc(root, ['delete', ...(opts.force ? ['--force'] : []), id], id, opts.runtime ?? DEFAULT_RUNC);
}

/** Whether runc keeps any state for the container (a directory under its root), without a process. */
export async function runcHasState(root: string, id: string): Promise<boolean> {
  try {
    await access(join(root, id));
    return true;
  } catch {
    return false;
  }
}

/** The container's state, or undefined if runc does not know it. */
export async function runcState(root: string, id: string, opts: { runtime?: string } = {}): Promise<RuncState | undefined> {
  try {
    return JSON.parse(await runc(root, ['state', id], id, opts.runtime ?? DEFAULT_RUNC)) as RuncState;
  } catch (err) {
    if (isBerthError(err, 'notFound')) return undefined;
    throw err;
  }
}

/** Every container under this root (runc prints `null` for none). */
export async function runcList(root: string, opts: { runtime?: string } = {}): Promise<RuncState[]> {
  const out = await runc(root, ['list', '--format', 'json'], '', opts.runtime ?? DEFAULT_RUNC);
  const parsed = JSON.parse(out.trim() || 'null') as RuncState[] | null;
  return parsed ?? [];
}

/** The host PIDs of every process in the container (`runc ps`, read from its cgroup). */
export async function runcPids(root: string, id: string, opts: { runtime?: string } = {}): Promise<number[]> {
  const out = await runc(root, ['ps', '--format', 'json', id], id, opts.runtime ?? DEFAULT_RUNC);
  return (JSON.parse(out.trim() || '[]') as number[] | null) ?? [];
}
