/**
 * @module runtime/images/store
 * The image store. An image is its config JSON (its ID is that JSON's sha256, as in Docker) and
 * one flattened root filesystem, `<imagesDir>/<hex>/rootfs`, with every layer applied in order;
 * containers mount it as the single lower layer of their overlay. Records live in the Store under
 * `images/<hex>`; each carries its tags, from which the tag index is rebuilt on open.
 *
 * Crash safety: an image's directory is built under a scratch directory and renamed into place,
 * then its record is written; removal deletes the record, then the directory. Whatever a crash
 * leaves is a directory no record names, which `open` deletes.
 *
 * An image force-removed while a container still uses it loses its record but keeps its
 * directory (`image-retained/<hex>`), because the container's overlay needs it; call
 * `releaseUnused` once containers are gone.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidParameter, notFound } from '../../lib/errors.js';
import { KeyedMutex } from '../../lib/mutex.js';
import { nowRfc3339Nano } from '../../lib/ids.js';
import { log } from '../../lib/log.js';
import type { InstanceNames } from '../../lib/names.js';
import type { Store, StoreOp } from '../../store/store.js';
import { readArchive, hostArchitecture, type ArchiveImage } from './archive.js';
import { applyChanges } from './changes.js';
import { importedConfigFile, parseConfigFile, recordFromConfigFile, sha256Hex } from './config-file.js';
import { inspectImage } from './inspect.js';
import { applyLayer, diskUsage, emptyRootfs } from './layers.js';
import { familiarString, parseAnyReference, parseNormalizedNamed, parseTagReference, withDefaultTag } from './reference.js';
import { planRemove, type DeleteResponse, type ImageUser } from './remove.js';
import { extractTar } from '../../dataplane/tar.js';
import type { ImageRecord } from './types.js';

export type { ImageConfig, ImageRecord } from './types.js';
export type { DeleteResponse, ImageUser } from './remove.js';

const RECORD_PREFIX = 'images/';
const RETAINED_PREFIX = 'image-retained/';
const HEX_RE = /^[a-f0-9]{64}$/;

/** Who uses an image: a container ID (taken as a stopped container), or ID and state. */
export type InUse = (imageId: string) => string | ImageUser | undefined;

export class ImageStore {
  #records = new Map<string, ImageRecord>(); // hex -> record
  #refs = new Map<string, string>(); //          familiar tag or digest reference -> hex
  #retained = new Set<string>();
  #lock = new KeyedMutex();

  private constructor(
    readonly dir: string,
    readonly store: Store,
  ) {}

  static async open(names: InstanceNames, store: Store): Promise<ImageStore> {
    const images = new ImageStore(names.imagesDir(), store);
    await mkdir(images.dir, { recursive: true, mode: 0o700 });
    for (const { value } of await store.list<ImageRecord>(RECORD_PREFIX)) images.#remember(value);
    for (const { key } of await store.list(RETAINED_PREFIX)) images.#retained.add(key.slice(RETAINED_PREFIX.length));
    for (const entry of await readdir(images.dir)) {
      if (images.#records.has(entry) || images.#retained.has(entry)) continue;
      log.info(`removing unreferenced image directory ${entry}`);
      await rm(join(images.dir, entry), { recursive: true, force: true });
    }
    return images;
  }

  list(): ImageRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r)).sort((a, b) => b.created.localeCompare(a.created));
  }

  resolve(ref: string): ImageRecord {
    return structuredClone(this.#find(ref));
  }

  rootfsDir(image: ImageRecord): string {
    return join(this.dir, hexOf(image.id), 'rootfs');
  }

  /** The root filesystem of an image by ID, also after a forced removal while a container used it. */
  rootfsDirById(imageId: string): string {
    const hex = hexOf(imageId);
    if (!this.#records.has(hex) && !this.#retained.has(hex)) throw notFound(`No such image: ${imageId}`);
    return join(this.dir, hex, 'rootfs');
  }

  inspect(image: ImageRecord): object {
    return inspectImage(image, this.rootfsDir(image));
  }

  async load(archive: NodeJS.ReadableStream): Promise<string[]> {
    return this.#withScratch(async (scratch) => {
      const unpacked = join(scratch, 'archive');
      await mkdir(unpacked);
      await extractTar(archive, unpacked);
      const messages: string[] = [];
      const loadedIds: string[] = [];
      let lastTagged = 0;
      for (const entry of await readArchive(unpacked)) {
        const tags = entry.repoTags.map((t) => {
          const ref = parseNormalizedNamed(t);
          if (!ref.tag || ref.digest) throw invalidParameter(`invalid tag "${t}"`);
          return familiarString(ref);
        });
        const record = await this.#loadOne(scratch, entry);
        loadedIds.push(record.id);
        await this.#lock.run('images', async () => {
          for (const tag of tags) {
            const previous = this.#refs.get(tag);
            if (previous && previous !== hexOf(record.id)) {
              messages.push(`The image ${tag} already exists, renaming the old one with ID sha256:${previous} to empty string`);
            }
            messages.push(`Loaded image: ${tag}`);
          }
          await this.#commit(record, tags);
        });
        lastTagged = tags.length;
      }
      // Docker prints the IDs only when the last image carried no name.
      if (lastTagged === 0) messages.push(...loadedIds.map((id) => `Loaded image ID: ${id}`));
      return messages;
    });
  }

  async import(archive: NodeJS.ReadableStream, opts: { reference?: string; changes?: string[]; message?: string }): Promise<ImageRecord> {
    const tag = opts.reference ? familiarString(parseTagReference(opts.reference)) : undefined;
    const config = applyChanges({}, opts.changes ?? []);
    const comment = opts.message || 'Imported from -';
    return this.#withScratch(async (scratch) => {
      const build = join(scratch, 'image');
      await mkdir(build);
      const rootfs = join(build, 'rootfs');
      const { diffId } = await applyLayer(rootfs, scratch, archive);
      const created = nowRfc3339Nano();
      const file = importedConfigFile({ config, created, comment, architecture: hostArchitecture(), diffId });
      const json = JSON.stringify(file);
      const hex = sha256Hex(json);
      await writeFile(join(build, 'config.json'), json);
      const record = recordFromConfigFile(hex, file, await diskUsage(rootfs));
      await this.#lock.run('images', async () => {
        await this.#place(build, hex);
        await this.#commit(record, tag ? [tag] : []);
      });
      return this.resolve(record.id);
    });
  }

  async tag(ref: string, target: string): Promise<void> {
    const tag = familiarString(parseTagReference(target));
    await this.#lock.run('images', async () => {
      const image = this.#find(ref);
      await this.#commit(image, [tag]);
    });
  }

  async remove(ref: string, opts: { force: boolean; inUse: InUse }): Promise<DeleteResponse[]> {
    return this.#lock.run('images', async () => {
      const image = this.#find(ref);
      const used = opts.inUse(image.id);
      const user = typeof used === 'string' ? { id: used, running: false } : used;
      const plan = planRemove(image, ref, opts.force, user);
      const hex = hexOf(image.id);
      const kept = { ...image, repoTags: image.repoTags.filter((t) => !plan.untag.includes(t)), repoDigests: image.repoDigests.filter((d) => !plan.untag.includes(d)) };
      const ops: StoreOp[] = [];
      if (!plan.deleteImage) ops.push({ op: 'put', key: RECORD_PREFIX + hex, value: kept });
      else {
        ops.push({ op: 'delete', key: RECORD_PREFIX + hex });
        if (user) ops.push({ op: 'put', key: RETAINED_PREFIX + hex, value: { id: image.id, usedBy: user.id } });
      }
      await this.store.txn(ops);
      this.#forget(image);
      if (!plan.deleteImage) this.#remember(kept);
      else if (user) this.#retained.add(hex);
      else await rm(join(this.dir, hex), { recursive: true, force: true });
      return plan.responses;
    });
  }

  /** Delete the directories of force-removed images that no container uses any more. */
  async releaseUnused(inUse: InUse): Promise<void> {
    await this.#lock.run('images', async () => {
      for (const hex of [...this.#retained]) {
        if (inUse(`sha256:${hex}`)) continue;
        await this.store.delete(RETAINED_PREFIX + hex);
        this.#retained.delete(hex);
        await rm(join(this.dir, hex), { recursive: true, force: true });
      }
    });
  }

  // ---- internals ----

  /** Docker's GetImage: a tag or digest reference first, then a full or unique partial ID. */
  #find(ref: string): ImageRecord {
    const parsed = parseAnyReference(ref);
    if (parsed.kind === 'digest') {
      const record = parsed.digest.startsWith('sha256:') ? this.#records.get(parsed.digest.slice(7)) : undefined;
      if (!record) throw notFound(`No such image: ${parsed.digest}`);
      return record;
    }
    const named = withDefaultTag(parsed.ref);
    const byRef = this.#refs.get(familiarString(named));
    if (byRef) return this.#records.get(byRef)!;
    const prefix = ref.startsWith('sha256:') ? ref.slice(7) : ref;
    if (/^[a-f0-9]+$/.test(prefix)) {
      const matches = [...this.#records.keys()].filter((hex) => hex.startsWith(prefix));
      if (matches.length === 1) return this.#records.get(matches[0]!)!;
    }
    throw notFound(`No such image: ${familiarString(named)}`);
  }

  /** Build (unless already here) the directory of one archived image; returns its record, untagged. */
  async #loadOne(scratch: string, entry: ArchiveImage): Promise<ImageRecord> {
    const bytes = await readFile(entry.configPath);
    const hex = sha256Hex(bytes);
    if (entry.configDigest && entry.configDigest !== `sha256:${hex}`) {
      throw invalidParameter(`invalid archive: config digest mismatch: expected ${entry.configDigest}, got sha256:${hex}`);
    }
    const { file, diffIds } = parseConfigFile(bytes, entry.layerPaths.length);
    const existing = this.#records.get(hex);
    if (existing) return { ...existing, repoTags: [], repoDigests: [] };
    const build = join(scratch, hex);
    let rootfs = join(build, 'rootfs');
    if (this.#retained.has(hex)) {
      rootfs = join(this.dir, hex, 'rootfs'); // force-removed earlier, still on disk
    } else {
      await mkdir(build);
      if (!diffIds.length) await emptyRootfs(rootfs);
      for (const [i, layer] of entry.layerPaths.entries()) {
        const { diffId } = await applyLayer(rootfs, scratch, layer);
        if (diffId !== diffIds[i]) throw invalidParameter(`invalid diffID for layer ${i}: expected "${diffIds[i]}", got "${diffId}"`);
      }
      await writeFile(join(build, 'config.json'), bytes);
    }
    const record = recordFromConfigFile(hex, file, await diskUsage(rootfs));
    await this.#lock.run('images', () => this.#place(build, hex));
    return record;
  }

  /** Move a built image directory into place (under the lock); an existing one wins. */
  async #place(build: string, hex: string): Promise<void> {
    if (this.#records.has(hex) || this.#retained.has(hex)) return;
    try {
      await rename(build, join(this.dir, hex));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
    }
  }

  /** Write `image` (new or known) with `tags` added, moving each tag off whichever image had it. Under the lock. */
  async #commit(image: ImageRecord, tags: string[]): Promise<void> {
    const hex = hexOf(image.id);
    const current = this.#records.get(hex) ?? image;
    const now = nowRfc3339Nano();
    const updated: ImageRecord = { ...current, repoTags: [...current.repoTags] };
    const changed = new Map<string, ImageRecord>();
    for (const tag of tags) {
      const owner = this.#refs.get(tag);
      if (owner && owner !== hex) {
        const old = changed.get(owner) ?? this.#records.get(owner)!;
        changed.set(owner, { ...old, repoTags: old.repoTags.filter((t) => t !== tag) });
      }
      if (!updated.repoTags.includes(tag)) updated.repoTags.push(tag);
      updated.lastTagTime = now;
    }
    changed.set(hex, updated);
    const ops: StoreOp[] = [...changed.entries()].map(([h, value]) => ({ op: 'put', key: RECORD_PREFIX + h, value }));
    if (this.#retained.has(hex)) ops.push({ op: 'delete', key: RETAINED_PREFIX + hex });
    await this.store.txn(ops);
    this.#retained.delete(hex);
    for (const record of changed.values()) {
      const previous = this.#records.get(hexOf(record.id));
      if (previous) this.#forget(previous);
      this.#remember(record);
    }
  }

  #remember(record: ImageRecord): void {
    const hex = hexOf(record.id);
    this.#records.set(hex, record);
    for (const ref of [...record.repoTags, ...record.repoDigests]) this.#refs.set(ref, hex);
  }

  #forget(record: ImageRecord): void {
    const hex = hexOf(record.id);
    this.#records.delete(hex);
    for (const ref of [...record.repoTags, ...record.repoDigests]) if (this.#refs.get(ref) === hex) this.#refs.delete(ref);
  }

  async #withScratch<T>(body: (scratch: string) => Promise<T>): Promise<T> {
    const scratch = await mkdtemp(join(this.dir, '.tmp-'));
    try {
      return await body(scratch);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

function hexOf(imageId: string): string {
  const hex = imageId.startsWith('sha256:') ? imageId.slice(7) : imageId;
  if (!HEX_RE.test(hex)) throw invalidParameter(`invalid image ID ${imageId}`);
  return hex;
}
