/**
 * @module engine/top
 * `docker top`: the host's `ps` output, restricted to the container's processes (their host
 * PIDs come from runc, which reads the container's cgroup), parsed the way moby does
 * (daemon/top_unix.go: validatePSArgs, parsePSOutput).
 */
import { hostPs } from '../dataplane/ps.js';
import { runcPids } from '../dataplane/runc.js';
import { conflict, invalidParameter, systemError } from '../lib/errors.js';
import type { ContainerRecord } from './model.js';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** moby refuses "-o x=PID…" style renames of the PID column other than pid=: the PID column is needed to filter. */
export function checkPsArgs(psArgs: string): void {
  for (const m of psArgs.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (m[1] !== 'pid') throw invalidParameter(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

/** The header's fields, and every row whose PID is one of `pids`; overhanging fields merge into the last column. */
export function parsePsOutput(output: string, pids: number[]): TopResult {
  const lines = output.split('\n');
  const Titles = fields(lines[0] ?? '');
  const pidIndex = Titles.indexOf('PID');
  if (pidIndex < 0) throw systemError("Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const row = fields(line);
    const pid = Number(row[pidIndex]);
    if (!Number.isInteger(pid)) throw systemError(`Unexpected pid '${row[pidIndex]}'`);
    if (!wanted.has(pid)) continue;
    Processes.push([...row.slice(0, Titles.length - 1), row.slice(Titles.length - 1).join(' ')]);
  }
  return { Titles, Processes };
}

/** ASCII whitespace only (moby's fieldsASCII): a command line may hold other spaces. */
const fields = (s: string): string[] => s.split(/[ \t\n\v\f\r]+/).filter(Boolean);

export async function containerTop(c: ContainerRecord, psArgs: string, runcRoot: string, runtime: string): Promise<TopResult> {
  checkPsArgs(psArgs);
  if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
  if (c.state.Restarting) throw conflict(`Container ${c.id} is restarting, wait until the container is running`);
  const pids = await runcPids(runcRoot, c.id, { runtime });
  return parsePsOutput(await hostPs(fields(psArgs)), pids);
}
