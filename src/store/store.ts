/**
 * @module store
 * Persistent state behind a small key-value interface, so an etcd store can replace the embedded
 * one later. Keys are slash-separated paths ("networks/<id>"); values are JSON. A transaction
 * applies all of its operations or none of them.
 */

export type StoreOp = { op: 'put'; key: string; value: unknown } | { op: 'delete'; key: string };

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list<T>(prefix: string): Promise<Array<{ key: string; value: T }>>;
  put(key: string, value: unknown): Promise<void>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  txn(ops: StoreOp[]): Promise<void>;
  close(): Promise<void>;
}

const KEY_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.:@-]*(\/[a-zA-Z0-9_.:@-]+)*$/;

export function checkKey(key: string): void {
  if (!KEY_RULE.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`invalid store key "${key}"`);
  }
}
