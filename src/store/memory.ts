/**
 * @module store/memory
 * The store for unit tests: a sorted map, copying values in and out like a real store would.
 */
import { checkKey, type Store, type StoreOp } from './store.js';

export class MemoryStore implements Store {
  #data = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.#data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async list<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
    return [...this.#data.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => ({ key, value: JSON.parse(this.#data.get(key)!) as T }));
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.txn([{ op: 'put', key, value }]);
  }

  async delete(key: string): Promise<void> {
    await this.txn([{ op: 'delete', key }]);
  }

  async txn(ops: StoreOp[]): Promise<void> {
    ops.forEach((op) => checkKey(op.key));
    for (const op of ops) {
      if (op.op === 'put') this.#data.set(op.key, JSON.stringify(op.value));
      else this.#data.delete(op.key);
    }
  }

  async close(): Promise<void> {}
}

const _check: Store = new MemoryStore();
void _check;
