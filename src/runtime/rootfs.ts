/**
 * @module runtime/rootfs
 * A container's root filesystem: an overlay whose only lower layer is the image's flattened
 * rootfs, with the container's own writes in `<containerDir>/upper` (and overlayfs's scratch in
 * `work`), mounted at `<containerDir>/rootfs`. The image directory is never written.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, systemError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { isMounted, mountOverlay, unmount } from '../dataplane/mount.js';

const MAX_STACKED = 8; // a merged dir mounted several times over (never by berth) still comes off

export function layerPaths(containerDir: string): { upper: string; work: string; merged: string } {
  return { upper: join(containerDir, 'upper'), work: join(containerDir, 'work'), merged: join(containerDir, 'rootfs') };
}

/** Mount the container's overlay (a no-op when it is already mounted); returns the merged path. */
export async function mountRootfs(containerDir: string, imageRootfs: string): Promise<string> {
  const { upper, work, merged } = layerPaths(containerDir);
  if (await isMounted(merged)) return merged;
  await mkdir(upper, { recursive: true, mode: 0o755 });
  await mkdir(work, { recursive: true, mode: 0o700 });
  await mkdir(merged, { recursive: true, mode: 0o755 });
  await mountOverlay({ lower: [imageRootfs], upper, work, target: merged });
  return merged;
}

/** Unmount the merged root (a no-op when it is not mounted); detaches lazily if it is busy. */
export async function unmountRootfs(containerDir: string): Promise<void> {
  const { merged } = layerPaths(containerDir);
  for (let i = 0; i < MAX_STACKED && (await isMounted(merged)); i++) {
    try {
      await unmount(merged);
    } catch (err) {
      log.debug(`umount ${merged} failed (${errorMessage(err)}), detaching lazily`);
      await unmount(merged, { lazy: true });
    }
  }
}

/** Unmount, then delete the container's layer: its writes, overlay scratch and mount point. */
export async function removeContainerLayer(containerDir: string): Promise<void> {
  await unmountRootfs(containerDir);
  const { upper, work, merged } = layerPaths(containerDir);
  if (await isMounted(merged)) throw systemError(`${merged} is still mounted`);
  for (const dir of [upper, work, merged]) await rm(dir, { recursive: true, force: true });
}
