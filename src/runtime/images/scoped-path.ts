/**
 * @module runtime/images/scoped-path
 * Resolving a path inside a root directory as if the root were `/` (a chroot): symbolic links,
 * absolute or relative, and `..` can never lead outside it. Used to read an image's /etc/passwd
 * and the members an archive's manifest names, which are both untrusted.
 */
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter } from '../../lib/errors.js';

const MAX_LINKS = 255;

/** The host path of `path` seen from inside `root`. Missing components are kept as written. */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  const pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length) {
    const component = pending.shift()!;
    if (component === '.') continue;
    if (component === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, component);
    let target: string | undefined;
    try {
      if ((await lstat(candidate)).isSymbolicLink()) target = await readlink(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
    }
    if (target === undefined) {
      resolved.push(component);
      continue;
    }
    if (++links > MAX_LINKS) throw invalidParameter(`too many levels of symbolic links resolving ${path}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((c) => c !== ''));
  }
  return join(root, ...resolved);
}
