/**
 * @module store/file
 * The embedded store: one JSON file per key under a directory. Every write goes to a temporary
 * file, is flushed, then renamed over the old one, so a crash leaves the old value or the new,
 * never a torn file. A multi-key transaction is first written whole to a journal; a crash in the
 * middle of applying it is finished by the next open, which replays the journal.
 */
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkKey, type Store, type StoreOp } from './store.js';

const SUFFIX = '.json';
const JOURNAL = 'txn.journal';

export class FileStore implements Store {
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<FileStore> {
    await mkdir(join(dir, 'kv'), { recursive: true });
    const store = new FileStore(dir);
    await store.#replayJournal();
    return store;
  }

  #path(key: string): string {
    checkKey(key);
    return join(this.dir, 'kv', ...key.split('/')) + SUFFIX;
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.#path(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    const root = join(this.dir, 'kv');
    const keys = (await walk(root))
      .filter((file) => file.endsWith(SUFFIX))
      .map((file) => relative(root, file).slice(0, -SUFFIX.length).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
    const entries: Array<{ key: string; value: T }> = [];
    for (const key of keys) {
      const value = await this.get<T>(key);
      if (value !== undefined) entries.push({ key, value }); // deleted while listing
    }
    return entries;
  }

  put(key: string, value: unknown): Promise<void> {
    return this.txn([{ op: 'put', key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.txn([{ op: 'delete', key }]);
  }

  /** Transactions run one at a time, in call order. */
  txn(ops: StoreOp[]): Promise<void> {
    try {
      ops.forEach((op) => checkKey(op.key));
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.#queue.then(() => this.#apply(ops));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(ops: StoreOp[]): Promise<void> {
    if (ops.length === 1) return this.#applyOne(ops[0]!);
    const journal = join(this.dir, JOURNAL);
    await writeAtomic(journal, JSON.stringify(ops));
    for (const op of ops) await this.#applyOne(op);
    await unlink(journal);
  }

  async #applyOne(op: StoreOp): Promise<void> {
    const path = this.#path(op.key);
    if (op.op === 'put') {
      await mkdir(dirname(path), { recursive: true });
      await writeAtomic(path, JSON.stringify(op.value));
    } else {
      await rm(path, { force: true });
    }
  }

  async #replayJournal(): Promise<void> {
    const journal = join(this.dir, JOURNAL);
    let ops: StoreOp[];
    try {
      ops = JSON.parse(await readFile(journal, 'utf8')) as StoreOp[];
    } catch (err) {
      // The journal is written atomically, so it is whole or absent; an unreadable one is discarded.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') await rm(journal, { force: true });
      return;
    }
    for (const op of ops) await this.#applyOne(op);
    await unlink(journal);
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

const _check = (s: FileStore): Store => s;
void _check;
