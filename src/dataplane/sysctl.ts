/**
 * @module dataplane/sysctl
 * Kernel parameters. In the calling process's namespace they are files under /proc/sys, written
 * directly; in another network namespace a `sysctl` process runs there (one spawn for several
 * keys), because /proc/sys/net shows the namespace of the process that opens it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { systemError } from '../lib/errors.js';
import { run } from './exec.js';

// Dotted keys like "net.ipv4.conf.all.route_localnet"; an interface name with a dot cannot be
// written this way (sysctl's own rule), so those keys use '/' separators instead.
const KEY_RULE = /^[a-z0-9_]+([./][A-Za-z0-9_@-]+)+$/;

function checkKey(key: string): string {
  if (!KEY_RULE.test(key) || key.includes('..')) throw systemError(`invalid sysctl key ${JSON.stringify(key)}`);
  return key;
}

/** /proc/sys path of a key: dots (or slashes) become directory separators. */
export function sysctlPath(key: string): string {
  const k = checkKey(key);
  return `/proc/sys/${k.includes('/') ? k : k.replace(/\./g, '/')}`;
}

export async function sysctlSet(key: string, value: string | number, opts: { netns?: string } = {}): Promise<void> {
  await sysctlSetMany({ [key]: value }, opts);
}

/** Set several keys: direct writes here, or one `sysctl -w` process inside `netns`. */
export async function sysctlSetMany(values: Record<string, string | number>, opts: { netns?: string } = {}): Promise<void> {
  const entries = Object.entries(values);
  if (!opts.netns) {
    for (const [key, value] of entries) {
      try {
        await writeFile(sysctlPath(key), `${value}\n`);
      } catch (err) {
        throw systemError(`failed to set ${key}=${value}: ${(err as Error).message}`, err);
      }
    }
    return;
  }
  const args = entries.map(([key, value]) => {
    const v = String(value);
    if (!/^[A-Za-z0-9_. -]*$/.test(v)) throw systemError(`invalid sysctl value ${JSON.stringify(v)}`);
    return `${checkKey(key)}=${v}`;
  });
  const res = await run(['sysctl', '-q', '-w', ...args], { netns: opts.netns, allowFail: true });
  if (res.code !== 0) throw systemError(`failed to set ${args.join(' ')} in ${opts.netns}: ${res.stderr.trim()}`);
}

export async function sysctlGet(key: string, opts: { netns?: string } = {}): Promise<string> {
  if (!opts.netns) {
    try {
      return (await readFile(sysctlPath(key), 'utf8')).trim();
    } catch (err) {
      throw systemError(`failed to read ${key}: ${(err as Error).message}`, err);
    }
  }
  const res = await run(['sysctl', '-n', checkKey(key)], { netns: opts.netns, allowFail: true });
  if (res.code !== 0) throw systemError(`failed to read ${key} in ${opts.netns}: ${res.stderr.trim()}`);
  return res.stdout.trim();
}
