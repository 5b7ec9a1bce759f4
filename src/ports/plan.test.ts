/**
 * Published ports as nft elements: the exact JSON (pure), the Docker-shaped view, and the
 * elements against the real table layout of the bridge driver inside a test namespace.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { applyNft, listTable } from '../dataplane/nft.js';
import { netnsAdd, netnsDelete } from '../dataplane/netns.js';
import { planHostInit, portLayout } from '../drivers/bridge/firewall.js';
import { bindingsFromView, planPublish, planRestore, planUnpublish, portsView, publicationElements, type Publication } from './plan.js';

const TABLE = { family: 'ip' as const, name: 'berth' };
const layout = portLayout(TABLE);

const pub: Publication = {
  containerAddr: '172.18.0.2',
  bindings: [
    { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 },
    { proto: 'tcp', containerPort: 80, hostIp: '127.0.0.1', hostPort: 8081 },
    { proto: 'udp', containerPort: 53, hostIp: '0.0.0.0', hostPort: 5353 },
  ],
};

describe('published ports as elements (pure)', () => {
  it('per binding: two DNAT map elements; per container port: one published-ports element', () => {
    const cmds = planPublish(layout, pub).commands();
    assert.deepEqual(cmds, [
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-any-to-addr', elem: [[{ concat: ['tcp', 8080] }, '172.18.0.2']] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-any-to-port', elem: [[{ concat: ['tcp', 8080] }, 80]] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'published-ports', elem: [{ concat: ['172.18.0.2', 'tcp', 80] }] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-addr-to-addr', elem: [[{ concat: ['127.0.0.1', 'tcp', 8081] }, '172.18.0.2']] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-addr-to-port', elem: [[{ concat: ['127.0.0.1', 'tcp', 8081] }, 80]] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-any-to-addr', elem: [[{ concat: ['udp', 5353] }, '172.18.0.2']] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'dnat-on-any-to-port', elem: [[{ concat: ['udp', 5353] }, 53]] } } },
      { add: { element: { family: 'ip', table: 'berth', name: 'published-ports', elem: [{ concat: ['172.18.0.2', 'udp', 53] }] } } },
    ]);
  });

  it('unpublish deletes by key; restore adds (idempotent)', () => {
    const del = planUnpublish(layout, pub).commands();
    assert.deepEqual(del[0], { delete: { element: { family: 'ip', table: 'berth', name: 'dnat-on-any-to-addr', elem: [{ concat: ['tcp', 8080] }] } } });
    assert.equal(del.length, 8);
    assert.deepEqual(planRestore(layout, pub).commands(), planPublish(layout, pub).commands());
  });

  it('routed bindings (no host port): only the forward filter element', () => {
    const els = publicationElements(layout, { containerAddr: '172.18.0.2', bindings: [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 0 }] });
    assert.deepEqual(els.map((e) => e.set), ['published-ports']);
  });

  it("the view is Docker's NetworkSettings.Ports, keys in Go's order; it round-trips", () => {
    const bindings = [...pub.bindings, { proto: 'tcp' as const, containerPort: 443, hostIp: '0.0.0.0', hostPort: 32768 }];
    const view = portsView(bindings);
    assert.deepEqual(Object.keys(view), ['443/tcp', '53/udp', '80/tcp']);
    assert.deepEqual(view['80/tcp'], [
      { HostIp: '0.0.0.0', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '8081' },
    ]);
    assert.deepEqual(portsView([{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 0 }]), { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '' }] });
    assert.deepEqual(new Set(bindingsFromView(view).map((b) => JSON.stringify(b))), new Set(bindings.map((b) => JSON.stringify(b))));
  });
});

describe('published ports in the bridge table (kernel)', () => {
  const ns = `berth-tdp${randomBytes(3).toString('hex')}`;
  before(() => netnsAdd(ns));
  after(() => netnsDelete(ns));

  it('the elements fit the maps and sets planHostInit declares; unpublish leaves none', async () => {
    await applyNft(planHostInit(TABLE), { netns: ns });
    await applyNft(planPublish(layout, pub), { netns: ns });
    await applyNft(planRestore(layout, pub), { netns: ns }); // restore of what exists: no error
    const t = (await listTable(TABLE, { netns: ns }))!;
    assert.deepEqual(t.sets.get('dnat-on-any-to-addr')!.elements, [
      [{ concat: ['tcp', 8080] }, '172.18.0.2'],
      [{ concat: ['udp', 5353] }, '172.18.0.2'],
    ]);
    assert.deepEqual(t.sets.get('dnat-on-addr-to-port')!.elements, [[{ concat: ['127.0.0.1', 'tcp', 8081] }, 80]]);
    assert.equal(t.sets.get('published-ports')!.elements.length, 2);
    // a second container cannot take the same key: the transaction fails as a whole
    const clash: Publication = { containerAddr: '172.18.0.3', bindings: [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }] };
    await assert.rejects(applyNft(planPublish(layout, clash), { netns: ns }), /File exists/);
    await applyNft(planUnpublish(layout, pub), { netns: ns });
    const empty = (await listTable(TABLE, { netns: ns }))!;
    for (const name of ['dnat-on-any-to-addr', 'dnat-on-any-to-port', 'dnat-on-addr-to-addr', 'dnat-on-addr-to-port', 'published-ports']) {
      assert.deepEqual(empty.sets.get(name)!.elements, [], name);
    }
    // init again (daemon restart) keeps elements: maps are ensured, not flushed
    await applyNft(planPublish(layout, pub), { netns: ns });
    await applyNft(planHostInit(TABLE), { netns: ns });
    assert.equal((await listTable(TABLE, { netns: ns }))!.sets.get('dnat-on-any-to-port')!.elements.length, 2);
  });
});
