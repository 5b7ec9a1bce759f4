/**
 * The bridge driver against the real kernel, inside a namespace playing the host: reachability,
 * isolation, ICC, internal networks, masquerade, leave/delete/restore, and rollback on failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run, spawnProcess } from '../../dataplane/exec.js';
import { IpBatch, listLinks } from '../../dataplane/ip.js';
import { applyNft, Changeset, listTable } from '../../dataplane/nft.js';
import { UndoStack, withUndo } from '../../lib/undo.js';
import type { EndpointState, NetworkState, SandboxRef } from '../driver.js';
import { SandboxNet } from '../sandbox.js';
import { canPing, makeOutside, makeTestHost, removeNetns, sandboxRef, testNames } from '../testing.js';
import { BridgeDriver } from './driver.js';
import { networkChain, publishedPortElement } from './firewall.js';
import { hostTable, purgeHost } from './host.js';

const names = testNames();
let host = '';
let outside = { netns: '', address: '' };
let driver: BridgeDriver;
let sandboxes: SandboxNet;
const created: SandboxRef[] = [];

function network(id: string, n: number, extra: Partial<NetworkState> = {}, options: Record<string, string> = {}): NetworkState {
  return {
    id: id.padEnd(64, '0'),
    name: id,
    driver: 'bridge',
    internal: false,
    subnets: [{ subnet: `172.${n}.0.0/16`, gateway: `172.${n}.0.1` }],
    options,
    dns: true,
    ...extra,
  };
}

let seq = 0;
function endpoint(net: NetworkState, host4: number, ifname = 'eth0', gateway = true): EndpointState {
  const octet = net.subnets[0]!.subnet.split('.')[1];
  seq++;
  return {
    id: `ep${seq}`,
    networkId: net.id,
    containerId: `c${seq}`,
    ifname,
    hostIfname: names.vethHost(`${seq.toString(16).padStart(4, '0')}${Math.random().toString(16).slice(2, 8)}`),
    mac: `02:42:ac:${Number(octet).toString(16)}:00:${host4.toString(16).padStart(2, '0')}`,
    ipv4: `172.${octet}.0.${host4}/16`,
    ...(gateway ? { defaultGateway: `172.${octet}.0.1` } : {}),
  };
}

async function newSandbox(): Promise<SandboxRef> {
  const sb = sandboxRef();
  await sandboxes.create(sb, new UndoStack());
  created.push(sb);
  return sb;
}

async function attach(net: NetworkState, host4: number, sb?: SandboxRef, ifname = 'eth0', gateway = true) {
  const s = sb ?? (await newSandbox());
  const ep = endpoint(net, host4, ifname, gateway);
  await driver.join(ep, net, s, new UndoStack());
  return { sb: s, ep, ip: ep.ipv4!.split('/')[0]! };
}

const A = network('aaaa', 30);
const B = network('bbbb', 31);
const INTERNAL = network('iiii', 29, { internal: true });
const NOICC = network('nnnn', 28, {}, { 'com.docker.network.bridge.enable_icc': 'false' });
const NOMASQ = network('mmmm', 27, {}, { 'com.docker.network.bridge.enable_ip_masquerade': 'false' });

describe('bridge driver (kernel)', () => {
  let a1: Awaited<ReturnType<typeof attach>>, a2: typeof a1, b1: typeof a1, ab: SandboxRef, i1: typeof a1, i2: typeof a1;
  let n1: typeof a1, n2: typeof a1, m1: typeof a1;

  before(async () => {
    host = await makeTestHost();
    outside = await makeOutside(host, 'btestout0');
    driver = new BridgeDriver(names, { hostNetns: host });
    sandboxes = new SandboxNet(names);
    for (const net of [A, B, INTERNAL, NOICC, NOMASQ]) await driver.createNetwork(net, new UndoStack());
    [a1, a2, b1, i1, i2, n1, n2, m1] = await Promise.all([
      attach(A, 2),
      attach(A, 3),
      attach(B, 2),
      attach(INTERNAL, 2), // the engine gives internal endpoints no default route; the firewall must hold anyway
      attach(INTERNAL, 3),
      attach(NOICC, 2),
      attach(NOICC, 3),
      attach(NOMASQ, 2),
    ]);
    ab = await newSandbox();
    await attach(A, 10, ab, 'eth0', true);
    await attach(B, 10, ab, 'eth1', false);
  });

  after(async () => {
    await removeNetns(...created.map((s) => s.netns), outside.netns, host);
  });

  it('containers on one network reach each other and the gateway', async () => {
    assert.ok(await canPing(a1.sb.netns, a2.ip));
    assert.ok(await canPing(a2.sb.netns, a1.ip));
    assert.ok(await canPing(a1.sb.netns, '172.30.0.1'));
  });

  it('isolates networks from each other', async () => {
    assert.equal(await canPing(a1.sb.netns, b1.ip), false);
    assert.equal(await canPing(b1.sb.netns, a1.ip), false);
  });

  it('a container on two networks reaches both', async () => {
    assert.ok(await canPing(ab.netns, a1.ip));
    assert.ok(await canPing(ab.netns, b1.ip));
  });

  it('masquerades egress to the outside, unless disabled', async () => {
    assert.ok(await canPing(a1.sb.netns, outside.address));
    assert.ok(await canPing(ab.netns, outside.address));
    assert.equal(await canPing(m1.sb.netns, outside.address), false);
    assert.ok(await canPing(m1.sb.netns, '172.27.0.1'));
  });

  it('ICC off: no container-to-container, gateway and outside still reachable', async () => {
    assert.equal(await canPing(n1.sb.netns, n2.ip), false);
    assert.ok(await canPing(n1.sb.netns, '172.28.0.1'));
    assert.ok(await canPing(n1.sb.netns, outside.address));
  });

  it('internal: each other and the gateway only', async () => {
    assert.ok(await canPing(i1.sb.netns, i2.ip));
    assert.ok(await canPing(i1.sb.netns, '172.29.0.1'));
    assert.equal(await canPing(i1.sb.netns, outside.address), false);
    assert.equal(await canPing(i1.sb.netns, a1.ip), false);
    assert.equal(await canPing(a1.sb.netns, i1.ip), false);
  });

  it('a published port (one set element) is reachable from another network; others are not', async () => {
    const server = spawnProcess(['/bin/busybox', 'nc', '-l', '-p', '8080', '-e', '/bin/busybox', 'echo', 'hello'], { netns: a1.sb.netns, stdio: 'ignore' });
    try {
      const table = hostTable(names);
      const probe = () => run(['/bin/busybox', 'nc', '-w', '1', a1.ip, '8080'], { netns: b1.sb.netns, allowFail: true, timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      assert.notEqual((await probe()).stdout.trim(), 'hello');
      const port = new Changeset().create(publishedPortElement(table, a1.ip, 'tcp', 8080));
      await applyNft(port, { netns: host });
      let out = '';
      for (let i = 0; i < 10 && out !== 'hello'; i++) {
        out = (await probe()).stdout.trim();
        if (out !== 'hello') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(out, 'hello');
      await applyNft(port.reverse(), { netns: host });
    } finally {
      server.kill();
    }
  });

  it('leave removes the host veth and is idempotent', async () => {
    const t = await attach(A, 50);
    assert.equal((await listLinks({ netns: host, dev: t.ep.hostIfname })).length, 1);
    await driver.leave(t.ep, A, t.sb);
    assert.equal((await listLinks({ netns: host, dev: t.ep.hostIfname })).length, 0);
    assert.equal((await listLinks({ netns: t.sb.netns, dev: 'eth0' })).length, 0);
    await driver.leave(t.ep, A, t.sb);
  });

  it('restoreNetwork brings back a bridge deleted by hand, with its ports', async () => {
    const bridge = names.networkBridge(A.id);
    await new IpBatch(host).linkDel(bridge).commit();
    assert.equal(await canPing(a1.sb.netns, a2.ip), false);
    await driver.restoreNetwork({ ...A, ifname: bridge });
    assert.ok(await canPing(a1.sb.netns, a2.ip), 'same network after restore');
    assert.ok(await canPing(a1.sb.netns, outside.address), 'outside after restore');
    await driver.restoreNetwork({ ...A, ifname: bridge }); // idempotent
    const t = await listTable(hostTable(names), { netns: host });
    assert.equal(t!.chains.get(networkChain.forwardIn(bridge))!.rules.length, 4);
  });

  it('deleteNetwork removes the bridge and every nft piece, idempotently', async () => {
    const X = network('xxxx', 26);
    const before = await tableSnapshot();
    await driver.createNetwork(X, new UndoStack());
    const bridge = names.networkBridge(X.id);
    assert.equal((await listLinks({ netns: host, dev: bridge })).length, 1);
    await driver.deleteNetwork(X);
    await driver.deleteNetwork(X);
    assert.equal((await listLinks({ netns: host, dev: bridge })).length, 0);
    assert.deepEqual(await tableSnapshot(), before);
  });

  it('a failure halfway through createNetwork leaves nothing', async () => {
    const X = network('ffff', 25);
    const before = await tableSnapshot();
    process.env.BERTH_TEST_FAIL_AT = 'bridge.createNetwork';
    try {
      await assert.rejects(withUndo((undo) => driver.createNetwork(X, undo)), /injected failure/);
    } finally {
      delete process.env.BERTH_TEST_FAIL_AT;
    }
    assert.equal((await listLinks({ netns: host, dev: names.networkBridge(X.id) })).length, 0);
    assert.deepEqual(await tableSnapshot(), before);
    // and the name is free again
    await driver.createNetwork(X, new UndoStack());
    await driver.deleteNetwork(X);
  });

  it('a failure halfway through join leaves no veth', async () => {
    const sb = await newSandbox();
    const ep = endpoint(A, 60);
    process.env.BERTH_TEST_FAIL_AT = 'bridge.join';
    try {
      await assert.rejects(withUndo((undo) => driver.join(ep, A, sb, undo)), /injected failure/);
    } finally {
      delete process.env.BERTH_TEST_FAIL_AT;
    }
    assert.equal((await listLinks({ netns: host, dev: ep.hostIfname })).length, 0);
    assert.equal((await listLinks({ netns: sb.netns, dev: 'eth0' })).length, 0);
  });

  it('refuses a second network with the same bridge name', async () => {
    const opts = { 'com.docker.network.bridge.name': 'btestdup' };
    const X = network('dup1', 24, {}, opts);
    const Y = network('dup2', 23, {}, opts);
    await driver.createNetwork(X, new UndoStack());
    await assert.rejects(withUndo((undo) => driver.createNetwork(Y, undo)), /networks have same bridge name/);
    assert.equal((await listLinks({ netns: host, dev: 'btestdup' })).length, 1);
    await driver.deleteNetwork(X);
  });

  it('purgeHost removes the table', async () => {
    await purgeHost(names, { netns: host });
    assert.equal(await listTable(hostTable(names), { netns: host }), undefined);
    await purgeHost(names, { netns: host });
  });
});

/** The host table without handles, for before/after comparisons. */
async function tableSnapshot(): Promise<unknown> {
  const t = await listTable(hostTable(names), { netns: host });
  if (!t) return undefined;
  const chains = [...t.chains.values()].map((c) => ({ ...c, rules: c.rules.map(({ handle: _h, ...r }) => r) }));
  return { chains, sets: [...t.sets.values()] };
}
