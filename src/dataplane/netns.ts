/**
 * @module dataplane/netns
 * Named network namespaces under /run/netns (what `ip netns` and `ip -n` use). Add can accept an
 * existing namespace, delete accepts a missing one, and list/exists read the directory without
 * spawning anything.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { systemError } from '../lib/errors.js';
import { run } from './exec.js';

export const NETNS_DIR = '/run/netns';

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function checkName(name: string): string {
  if (!NAME_RULE.test(name)) throw systemError(`invalid network namespace name ${JSON.stringify(name)}`);
  return name;
}

export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${checkName(name)}`;
}

/** Create a namespace. With `existOk`, an existing one is fine (restore after a daemon restart). */
export async function netnsAdd(name: string, opts: { existOk?: boolean } = {}): Promise<void> {
  const res = await run(['ip', 'netns', 'add', checkName(name)], { allowFail: true });
  if (res.code === 0) return;
  if (opts.existOk && /File exists/.test(res.stderr)) return;
  throw systemError(`failed to create network namespace ${name}: ${res.stderr.trim()}`);
}

/** Delete a namespace; a missing one is fine. */
export async function netnsDelete(name: string): Promise<void> {
  const res = await run(['ip', 'netns', 'delete', checkName(name)], { allowFail: true });
  if (res.code === 0 || /No such file or directory/.test(res.stderr)) return;
  throw systemError(`failed to delete network namespace ${name}: ${res.stderr.trim()}`);
}

export function netnsExists(name: string): boolean {
  return existsSync(netnsPath(name));
}

/** Names of the namespaces starting with `prefix` (all when empty). */
export async function netnsList(prefix = ''): Promise<string[]> {
  try {
    const names = await readdir(NETNS_DIR);
    return names.filter((n) => n.startsWith(prefix)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Aliases in verb-last form (the daemon's purge uses these names). */
export const addNetns = netnsAdd;
export const deleteNetns = netnsDelete;
export const listNetns = netnsList;
