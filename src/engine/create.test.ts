import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeHostConfig, resolveNetworks } from './create.js';
import type { NetworkRecord } from './model.js';

const NETS = new Map([['blue', { id: 'b'.repeat(64), name: 'blue' } as NetworkRecord]]);
const find = (ref: string) => NETS.get(ref) ?? [...NETS.values()].find((n) => n.id === ref);

describe('resolveNetworks', () => {
  it('keys the networks by name, with their IDs and endpoint settings', () => {
    const hc = normalizeHostConfig({ NetworkMode: 'blue' });
    assert.deepEqual(resolveNetworks(hc, { blue: { Aliases: ['web'] } }, find), { blue: { Aliases: ['web'], NetworkID: 'b'.repeat(64) } });
  });

  it('keeps an unknown network without an ID: Docker creates the container and fails its start', () => {
    const hc = normalizeHostConfig({ NetworkMode: 'nosuch' });
    assert.deepEqual(resolveNetworks(hc, { nosuch: { Aliases: ['a'] } }, find), { nosuch: { Aliases: ['a'], NetworkID: '' } });
    const extra = normalizeHostConfig({ NetworkMode: 'blue' });
    assert.deepEqual(Object.keys(resolveNetworks(extra, { gone: {} }, find)), ['blue', 'gone']);
  });
});
