/**
 * IpBatch: the lines it writes (pure), and against the kernel inside a test namespace: one
 * process per batch, all-or-error on failure, tolerated lines, and the typed reads.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { IpBatch, listAddrs, listLinks, listRoutes } from './ip.js';
import { netnsAdd, netnsDelete } from './netns.js';

describe('IpBatch lines', () => {
  it('writes iproute2 batch lines', () => {
    const b = new IpBatch('ns1')
      .linkAdd({ kind: 'bridge', name: 'br0', address: '02:00:00:00:00:01', mtu: 1400, up: true })
      .linkAdd({ kind: 'macvlan', name: 'eth1', parent: 'eth0', mode: 'bridge', netns: 'sb' })
      .addrAdd('br0', '10.0.0.1/24')
      .routeReplace({ dst: 'default', via: '10.0.0.254', dev: 'br0' })
      .routeDel({ dst: '10.9.0.0/16' })
      .linkDel('veth0');
    assert.deepEqual(b.lines, [
      'link add br0 address 02:00:00:00:00:01 mtu 1400 up type bridge',
      'link add eth1 link eth0 netns sb type macvlan mode bridge',
      'addr add 10.0.0.1/24 broadcast + dev br0',
      'route replace default via 10.0.0.254 dev br0',
      'route del 10.9.0.0/16',
      'link del veth0',
    ]);
  });

  it('gives IPv4 addresses up to /30 their broadcast address, none to /31, /32 and IPv6', () => {
    const b = new IpBatch().addrAdd('e0', '10.0.0.2/30').addrAdd('e0', '10.0.0.4/31').addrAdd('e0', '10.0.0.9/32').addrAdd('e0', 'fd00::2/64');
    assert.deepEqual(b.lines, ['addr add 10.0.0.2/30 broadcast + dev e0', 'addr add 10.0.0.4/31 dev e0', 'addr add 10.0.0.9/32 dev e0', 'addr add fd00::2/64 dev e0']);
  });

  it('refuses words that would change how a line is read', () => {
    for (const bad of ['a b', 'x\ny', '"q"', 'a#b', '']) {
      assert.throws(() => new IpBatch().linkDel(bad), /unsafe word/);
    }
  });
});

describe('IpBatch (kernel)', () => {
  const ns = `berth-tdp${randomBytes(3).toString('hex')}`;
  before(() => netnsAdd(ns));
  after(() => netnsDelete(ns));

  it('applies a batch and reads links, addresses, routes back', async () => {
    await new IpBatch(ns)
      .linkSet('lo', { up: true })
      .linkAdd({ kind: 'bridge', name: 'br0', mtu: 1400, up: true })
      .addrAdd('br0', '10.0.0.1/24')
      .commit();
    const [br] = await listLinks({ netns: ns, dev: 'br0' });
    assert.equal(br!.kind, 'bridge');
    assert.equal(br!.mtu, 1400);
    assert.ok(br!.up);
    assert.deepEqual(
      (await listAddrs({ netns: ns, dev: 'br0', family: 'inet' })).map((a) => `${a.local}/${a.prefixlen}`),
      ['10.0.0.1/24'],
    );
    assert.ok((await listRoutes({ netns: ns })).some((r) => r.dst === '10.0.0.0/24' && r.dev === 'br0'));
    assert.deepEqual(await listLinks({ netns: ns, dev: 'nosuch' }), []);
  });

  it('all or error: a failing line undoes the creates before it and names itself', async () => {
    const b = new IpBatch(ns)
      .linkAdd({ kind: 'bridge', name: 'br1' })
      .linkAdd({ kind: 'veth', name: 'v1', master: 'br1', peer: { name: 'v1p' } })
      .addrAdd('br1', '10.1.0.1/24')
      .linkSet('nosuch', { up: true });
    await assert.rejects(b.commit(), /"link set nosuch up" \(batch line 4\): Cannot find device "nosuch"/);
    assert.deepEqual(await listLinks({ netns: ns, dev: 'br1' }), []);
    assert.deepEqual(await listLinks({ netns: ns, dev: 'v1' }), []);
  });

  it('tolerated lines: deleting what is gone, adding what exists', async () => {
    await new IpBatch(ns)
      .linkDel('nosuch')
      .linkAdd({ kind: 'bridge', name: 'br0' }, { tolerate: 'exists' })
      .addrAdd('br0', '10.0.0.1/24', { tolerate: 'exists' })
      .addrDel('br0', '10.7.0.1/24')
      .routeDel({ dst: '10.8.0.0/16' })
      .linkAdd({ kind: 'bridge', name: 'br2' })
      .commit();
    assert.equal((await listLinks({ netns: ns, dev: 'br2' })).length, 1);
  });
});
