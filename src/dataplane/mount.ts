/**
 * @module dataplane/mount
 * Overlay mounts for container root filesystems, through the `mount` and `umount` binaries.
 * What is mounted is read from /proc/self/mountinfo, so checking needs no process.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { invalidParameter } from '../lib/errors.js';
import { run } from './exec.js';

export interface OverlayOptions {
  /** Lower directories, topmost first. */
  lower: string[];
  upper: string;
  work: string;
  target: string;
}

export interface MountEntry {
  id: number;
  parent: number;
  mountPoint: string;
  fsType: string;
  source: string;
  options: string;
  superOptions: string;
}

// mount(8) splits options at commas and overlayfs splits lowerdir at colons; refuse what would be misread.
const UNSAFE_IN_OPTION = /[,:\s\\]/;

export async function mountOverlay(opts: OverlayOptions): Promise<void> {
  const paths = [...opts.lower, opts.upper, opts.work, opts.target];
  for (const path of paths) {
    if (!path.startsWith('/') || UNSAFE_IN_OPTION.test(path)) throw invalidParameter(`unusable path for an overlay mount: ${JSON.stringify(path)}`);
  }
  // index=off: many overlays share one lower directory; the inode index would tie it to one upper.
  const options = `lowerdir=${opts.lower.join(':')},upperdir=${opts.upper},workdir=${opts.work},index=off`;
  await run(['mount', '-t', 'overlay', 'overlay', '-o', options, opts.target]);
}

/** Unmount `target`; `lazy` detaches it now and lets the kernel finish when it is no longer busy. */
export async function unmount(target: string, opts: { lazy?: boolean } = {}): Promise<void> {
  await run(opts.lazy ? ['umount', '-l', target] : ['umount', target]);
}

export async function readMountInfo(): Promise<MountEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

export async function isMounted(path: string): Promise<boolean> {
  const want = resolve(path);
  return (await readMountInfo()).some((m) => m.mountPoint === want);
}

/** Mount points at or below `dir`, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = resolve(dir);
  return (await readMountInfo())
    .map((m) => m.mountPoint)
    .filter((p) => p === root || p.startsWith(root + '/'))
    .sort((a, b) => b.length - a.length);
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 4) continue;
    entries.push({
      id: Number(fields[0]),
      parent: Number(fields[1]),
      mountPoint: unescapeOctal(fields[4]!),
      options: fields[5]!,
      fsType: fields[dash + 1]!,
      source: unescapeOctal(fields[dash + 2]!),
      superOptions: fields[dash + 3]!,
    });
  }
  return entries;
}

/** The kernel writes space, tab, newline and backslash in mountinfo as \040, \011, \012, \134. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
