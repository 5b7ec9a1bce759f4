import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from './store.js';
import { MemoryStore } from './memory.js';
import { FileStore } from './file.js';

/** One contract, run against every implementation (hono's runTest). */
function storeContract(name: string, open: () => Promise<{ store: Store; done: () => Promise<void> }>): void {
  test(`${name}: put, get, list by prefix in key order, delete`, async () => {
    const { store, done } = await open();
    await store.put('networks/b', { name: 'b' });
    await store.put('networks/a', { name: 'a', n: 1 });
    await store.put('containers/x', { id: 'x' });
    assert.deepEqual(await store.get('networks/a'), { name: 'a', n: 1 });
    assert.equal(await store.get('networks/missing'), undefined);
    assert.deepEqual((await store.list('networks/')).map((e) => e.key), ['networks/a', 'networks/b']);
    await store.delete('networks/a');
    await store.delete('networks/a');
    assert.deepEqual((await store.list('networks/')).map((e) => e.key), ['networks/b']);
    await done();
  });

  test(`${name}: a transaction applies puts and deletes together`, async () => {
    const { store, done } = await open();
    await store.put('a/1', 1);
    await store.txn([{ op: 'delete', key: 'a/1' }, { op: 'put', key: 'a/2', value: 2 }, { op: 'put', key: 'b/1', value: 3 }]);
    assert.deepEqual(await store.list(''), [{ key: 'a/2', value: 2 }, { key: 'b/1', value: 3 }]);
    await done();
  });

  test(`${name}: rejects keys that escape the store`, async () => {
    const { store, done } = await open();
    await assert.rejects(store.put('../etc/passwd', 1));
    await assert.rejects(store.put('a//b', 1));
    await done();
  });
}

storeContract('memory', async () => ({ store: new MemoryStore(), done: async () => {} }));

storeContract('file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-store-'));
  const store = await FileStore.open(dir);
  return { store, done: async () => { await store.close(); await rm(dir, { recursive: true }); } };
});

test('file: a journal left by a crash mid-transaction is finished on open', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-store-'));
  const first = await FileStore.open(dir);
  await first.put('a/1', 'old');
  await first.close();
  // Simulate a crash after the journal was written but before it was applied.
  await writeFile(join(dir, 'txn.journal'), JSON.stringify([{ op: 'put', key: 'a/1', value: 'new' }, { op: 'put', key: 'a/2', value: 2 }]));
  const reopened = await FileStore.open(dir);
  assert.deepEqual(await reopened.list('a/'), [{ key: 'a/1', value: 'new' }, { key: 'a/2', value: 2 }]);
  await reopened.close();
  await rm(dir, { recursive: true });
});

test('file: values survive reopening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-store-'));
  await mkdir(dir, { recursive: true });
  const s1 = await FileStore.open(dir);
  await s1.put('containers/abc', { name: 'web' });
  await s1.close();
  const s2 = await FileStore.open(dir);
  assert.deepEqual(await s2.get('containers/abc'), { name: 'web' });
  await s2.close();
  await rm(dir, { recursive: true });
});
