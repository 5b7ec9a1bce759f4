/**
 * @module runtime/images/layers
 * Applying image layers, in order, to one flattened directory. Each layer is first unpacked by
 * GNU tar into an empty scratch directory (so tar never follows a symbolic link left by an earlier
 * layer, which could point anywhere on the host), then merged in with plain renames:
 *   - `.wh.<name>` deletes <name> from the layers below; `.wh..wh..opq` empties its directory of
 *     what the layers below put there (OCI image-spec "whiteouts", applied before the layer's own
 *     entries, so that a layer never hides what it adds itself);
 *   - a directory over a directory merges and takes the new directory's owner, mode and times;
 *   - anything else replaces what was there.
 */
import { chmod, lchown, lstat, mkdir, mkdtemp, readdir, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { extractTar, type ExtractResult } from '../../dataplane/tar.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Unpack one layer (a tar stream or file, plain or compressed) onto `rootfs`, creating `rootfs`
 * if it does not exist. `scratch` is a directory on the same filesystem for the unpacking.
 */
export async function applyLayer(rootfs: string, scratch: string, layer: NodeJS.ReadableStream | string): Promise<ExtractResult> {
  const unpacked = await mkdtemp(join(scratch, 'layer-'));
  try {
    await chmod(unpacked, 0o755); // mkdtemp's 0700 would become the image's "/" unless the layer has "./"
    const result = await extractTar(layer, unpacked);
    if (await exists(rootfs)) {
      await mergeDir(unpacked, rootfs);
    } else {
      await stripWhiteouts(unpacked);
      await rename(unpacked, rootfs);
    }
    return result;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

async function mergeDir(src: string, dst: string): Promise<void> {
  const names = await readdir(src);
  if (names.includes(OPAQUE)) {
    for (const old of await readdir(dst)) await rm(join(dst, old), { recursive: true, force: true });
  }
  for (const name of names) {
    if (!name.startsWith(WHITEOUT_PREFIX)) continue;
    const hidden = name.slice(WHITEOUT_PREFIX.length);
    // ".wh..wh.*" are markers (opaque, aufs metadata), not whiteouts of a file named ".wh.*".
    if (!hidden.startsWith(WHITEOUT_PREFIX) && hidden !== '' && hidden !== '.' && hidden !== '..') {
      await rm(join(dst, hidden), { recursive: true, force: true });
    }
    await rm(join(src, name), { recursive: true, force: true });
  }
  for (const name of names) {
    if (name.startsWith(WHITEOUT_PREFIX)) continue;
    const from = join(src, name);
    const to = join(dst, name);
    const fromStat = await lstat(from);
    const toStat = await lstat(to).catch(() => undefined);
    if (fromStat.isDirectory() && toStat?.isDirectory()) {
      await mergeDir(from, to);
      await copyMetadata(from, to);
      continue;
    }
    if (toStat) await rm(to, { recursive: true, force: true });
    if (fromStat.isDirectory()) await stripWhiteouts(from);
    await rename(from, to);
  }
}

/** Whiteouts in a directory that covers nothing below are meaningless: drop them. */
async function stripWhiteouts(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith(WHITEOUT_PREFIX)) await rm(path, { recursive: true, force: true });
    else if (entry.isDirectory()) await stripWhiteouts(path);
  }
}

async function copyMetadata(from: string, to: string): Promise<void> {
  const st = await lstat(from);
  await lchown(to, st.uid, st.gid); // before chmod: chown clears set-id bits
  await chmod(to, st.mode & 0o7777);
  await utimes(to, st.atime, st.mtime);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Bytes used by the files under `dir` (each hard-linked file once), as Docker reports image sizes. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        await walk(child);
        continue;
      }
      const st = await lstat(child);
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}

/** An empty root (an image with no layers). */
export async function emptyRootfs(rootfs: string): Promise<void> {
  await mkdir(rootfs, { recursive: true, mode: 0o755 });
}
