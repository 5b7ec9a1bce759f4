/**
 * nft Changesets: the JSON they produce (pure), and against the kernel inside a test namespace:
 * one atomic transaction, reverse() undoing it, idempotent purge, and listTable.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyNft, Changeset, expr, listTable, nft } from './nft.js';
import { netnsAdd, netnsDelete } from './netns.js';

const T = { family: 'ip' as const, name: 'tt' };
const table = nft.table('ip', 'tt');
const vmap = nft.map(T, 'jumps', 'ifname', 'verdict');
const base = nft.chain(T, 'fwd', [{ expr: [expr.vmap(expr.meta('oifname'), 'jumps')] }], { type: 'filter', hook: 'forward', prio: 0, policy: 'accept' });
const chain = nft.chain(T, 'in__br0', [{ expr: [expr.match(expr.meta('iifname'), '==', 'br0'), expr.drop()], comment: 'ICC' }]);
const elem = nft.element(T, 'jumps', 'br0', expr.jump('in__br0'));

describe('Changeset (pure)', () => {
  it('create emits the object then its rules; reverse deletes in reverse order', () => {
    const cs = new Changeset().ensure(table, vmap).create(chain, elem);
    assert.deepEqual(cs.commands(), [
      { add: { table: { family: 'ip', name: 'tt' } } },
      { add: { map: { family: 'ip', table: 'tt', name: 'jumps', type: 'ifname', map: 'verdict' } } },
      { add: { chain: { family: 'ip', table: 'tt', name: 'in__br0' } } },
      { add: { rule: { family: 'ip', table: 'tt', chain: 'in__br0', expr: chain.rules[0]!.expr, comment: 'ICC' } } },
      { add: { element: { family: 'ip', table: 'tt', name: 'jumps', elem: [['br0', { jump: { target: 'in__br0' } }]] } } },
    ]);
    assert.deepEqual(cs.reverse().commands().slice(2), [
      { delete: { element: { family: 'ip', table: 'tt', name: 'jumps', elem: ['br0'] } } },
      { delete: { chain: { family: 'ip', table: 'tt', name: 'in__br0' } } },
    ]);
  });

  it('ensure of a chain replaces its rules (add, flush, rules)', () => {
    assert.deepEqual(
      new Changeset().ensure(base).commands().map((c) => Object.keys(c)[0]),
      ['add', 'flush', 'add'],
    );
  });

  it('a run of purges makes everything present in reverse order, then deletes in order', () => {
    const cmds = new Changeset().purge(elem, chain).commands();
    assert.deepEqual(
      cmds.map((c) => `${Object.keys(c)[0]} ${Object.keys(Object.values(c)[0]!)[0]}`),
      ['add chain', 'add element', 'delete element', 'delete chain'],
    );
    assert.equal(new Changeset().purge(elem).reverse().isEmpty, true);
  });
});

describe('applyNft (kernel)', () => {
  const ns = `berth-tdp${randomBytes(3).toString('hex')}`;
  before(() => netnsAdd(ns));
  after(() => netnsDelete(ns));

  it('applies, lists, reverses', async () => {
    const setup = new Changeset().ensure(table, vmap, base);
    await applyNft(setup, { netns: ns });
    await applyNft(setup, { netns: ns }); // idempotent: no duplicate dispatch rule
    const cs = new Changeset().create(chain, elem);
    await applyNft(cs, { netns: ns });
    let t = await listTable(T, { netns: ns });
    assert.equal(t!.chains.get('fwd')!.rules.length, 1);
    assert.deepEqual(t!.chains.get('fwd')!.base, { type: 'filter', hook: 'forward', prio: 0, policy: 'accept' });
    assert.equal(t!.chains.get('in__br0')!.rules[0]!.comment, 'ICC');
    assert.deepEqual(t!.sets.get('jumps')!.elements, [['br0', { jump: { target: 'in__br0' } }]]);
    await applyNft(cs.reverse(), { netns: ns });
    t = await listTable(T, { netns: ns });
    assert.equal(t!.chains.has('in__br0'), false);
    assert.deepEqual(t!.sets.get('jumps')!.elements, []);
  });

  it('a failing transaction changes nothing', async () => {
    const bad = new Changeset().create(chain, elem, nft.element(T, 'nosuchmap', 'x', expr.accept()));
    await assert.rejects(applyNft(bad, { netns: ns }), /nft transaction of \d+ commands failed/);
    assert.equal((await listTable(T, { netns: ns }))!.chains.has('in__br0'), false);
  });

  it('purge is idempotent; listTable of a missing table is undefined', async () => {
    await applyNft(new Changeset().purge(elem, chain), { netns: ns });
    await applyNft(new Changeset().create(chain, elem), { netns: ns });
    await applyNft(new Changeset().purge(elem, chain), { netns: ns });
    assert.equal((await listTable(T, { netns: ns }))!.chains.has('in__br0'), false);
    assert.equal(await listTable({ family: 'ip', name: 'nosuch' }, { netns: ns }), undefined);
  });
});
