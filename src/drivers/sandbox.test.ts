/**
 * Sandbox kernel ops against the real kernel: the embedded-DNS redirect (UDP and TCP queries to
 * 127.0.0.11:53 reach a server on the gateway address with the container's source address, and
 * the answer comes back), retargeting, removal, the loopback guard, and the default route.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { run, spawnProcess } from '../dataplane/exec.js';
import { IpBatch, listRoutes } from '../dataplane/ip.js';
import { netnsExists } from '../dataplane/netns.js';
import { sysctlGet } from '../dataplane/sysctl.js';
import { UndoStack, withUndo } from '../lib/undo.js';
import { BridgeDriver } from './bridge/driver.js';
import type { NetworkState, SandboxRef } from './driver.js';
import { SandboxNet } from './sandbox.js';
import { canPing, makeTestHost, removeNetns, sandboxRef, testNames } from './testing.js';

const names = testNames();
const NET: NetworkState = {
  id: 'd'.repeat(64),
  name: 'dnsnet',
  driver: 'bridge',
  internal: false,
  subnets: [{ subnet: '172.30.0.0/16', gateway: '172.30.0.1' }],
  options: {},
  dns: true,
};

// A stand-in resolver: answers every UDP datagram and TCP connection with the peer's address.
const SERVER = `
const dgram = require('node:dgram'), net = require('node:net');
const [addr, tag] = process.argv.slice(1);
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => u.send(tag + ' udp ' + r.address, r.port, r.address));
u.bind(53, addr, () => {
  net.createServer((s) => s.once('data', () => s.end(tag + ' tcp ' + s.remoteAddress))).listen(53, addr, () => console.log('ready'));
});`;

// A stand-in stub resolver inside the container: one UDP and one TCP query to 127.0.0.11:53.
const CLIENT = `
const dgram = require('node:dgram'), net = require('node:net');
const out = {};
const done = () => { if ('udp' in out && 'tcp' in out) { console.log(JSON.stringify(out)); process.exit(0); } };
const u = dgram.createSocket('udp4');
u.on('message', (m) => { out.udp = String(m); u.close(); done(); });
u.send('query', 53, '127.0.0.11');
const s = net.connect(53, '127.0.0.11', () => s.write('query'));
s.on('data', (d) => { out.tcp = String(d); done(); });
s.on('error', () => { out.tcp = null; done(); });
setTimeout(() => { out.udp ??= null; out.tcp ??= null; done(); }, 1500);`;

async function startServer(ns: string, addr: string, tag: string): Promise<ChildProcess> {
  const child = spawnProcess(['node', '-e', SERVER, addr, tag], { netns: ns, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return child;
}

async function query(sb: SandboxRef): Promise<{ udp: string | null; tcp: string | null }> {
  const res = await run(['node', '-e', CLIENT], { netns: sb.netns, timeoutMs: 10_000 });
  return JSON.parse(res.stdout) as { udp: string | null; tcp: string | null };
}

describe('sandbox (kernel)', () => {
  let host = '';
  let sb: SandboxRef;
  let neighbour: SandboxRef;
  const servers: ChildProcess[] = [];
  const sandboxes = new SandboxNet(names);
  const driver = () => new BridgeDriver(names, { hostNetns: host });

  before(async () => {
    host = await makeTestHost();
    const d = driver();
    await d.createNetwork(NET, new UndoStack());
    // a second address on the bridge plays a second resolver
    await new IpBatch(host).addrAdd(names.networkBridge(NET.id), '172.30.0.254/16').commit();
    sb = sandboxRef();
    neighbour = sandboxRef();
    for (const [i, s] of [sb, neighbour].entries()) {
      await sandboxes.create(s, new UndoStack());
      const ep = { id: `e${i}`, networkId: NET.id, containerId: `c${i}`, ifname: 'eth0', hostIfname: names.vethHost(`d0${i}`), mac: `02:00:00:00:01:0${i}`, ipv4: `172.30.0.${i + 2}/16` };
      await d.join(ep, NET, s, new UndoStack());
    }
    servers.push(await startServer(host, '172.30.0.1', 'gw'), await startServer(host, '172.30.0.254', 'alt'));
  });

  after(async () => {
    for (const s of servers) s.kill();
    await removeNetns(sb.netns, neighbour.netns, host);
  });

  it('create sets loopback up and the sysctls', async () => {
    assert.ok(await canPing(sb.netns, '127.0.0.1'));
    assert.equal(await sysctlGet('net.ipv4.conf.all.route_localnet', { netns: sb.netns }), '1');
    assert.equal(await sysctlGet('net.ipv4.conf.all.arp_notify', { netns: sb.netns }), '1');
  });

  it('without a redirect, 127.0.0.11:53 answers nothing', async () => {
    assert.deepEqual(await query(sb), { udp: null, tcp: null });
  });

  it('UDP and TCP queries reach the target with the container address as source', async () => {
    await sandboxes.setDnsRedirect(sb, '172.30.0.1');
    assert.deepEqual(await query(sb), { udp: 'gw udp 172.30.0.2', tcp: 'gw tcp 172.30.0.2' });
  });

  it('retargets in one transaction and removes the redirect', async () => {
    await sandboxes.setDnsRedirect(sb, '172.30.0.254');
    assert.deepEqual(await query(sb), { udp: 'alt udp 172.30.0.2', tcp: 'alt tcp 172.30.0.2' });
    await sandboxes.setDnsRedirect(sb, undefined);
    assert.deepEqual(await query(sb), { udp: null, tcp: null });
    await sandboxes.setDnsRedirect(sb, '172.30.0.1');
    assert.deepEqual(await query(sb), { udp: 'gw udp 172.30.0.2', tcp: 'gw tcp 172.30.0.2' });
  });

  it("the loopback guard keeps the container's 127/8 away from neighbours", async () => {
    // The neighbour routes 127/8 to the container (its own loopback down, local 127 routes removed)
    // and sends UDP datagrams to 127.0.0.1:9999, where the container listens.
    await new IpBatch(neighbour.netns)
      .linkSet('lo', { down: true })
      .raw(['route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local'], { tolerate: 'missing' })
      .raw(['route', 'del', 'local', '127.0.0.1', 'dev', 'lo', 'table', 'local'], { tolerate: 'missing' })
      .routeAdd({ dst: '127.0.0.0/8', via: '172.30.0.2', dev: 'eth0' })
      .commit();
    const listener = spawnProcess(
      ['node', '-e', "const u=require('node:dgram').createSocket('udp4');u.on('message',m=>console.log(String(m)));u.bind(9999,'127.0.0.1',()=>console.log('ready'))"],
      { netns: sb.netns, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let heard = '';
    listener.stdout!.on('data', (b: Buffer) => (heard += b.toString()));
    try {
      while (!heard.includes('ready')) await new Promise((r) => setTimeout(r, 20));
      const send = (tag: string) =>
        run(['node', '-e', `const u=require('node:dgram').createSocket('udp4');u.send('${tag}',9999,'127.0.0.1',()=>u.close())`], { netns: neighbour.netns });
      await send('guarded');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heard.includes('guarded'), false);
      // proof that the probe works: without the guard chain the datagram arrives
      await run(['nft', 'delete', 'chain', 'ip', names.nftContainerTable(), 'guard'], { netns: sb.netns });
      await send('exposed');
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(heard.includes('exposed'));
      await sandboxes.setDnsRedirect(sb, '172.30.0.1'); // puts the guard back
      await send('guarded-again');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(heard.includes('guarded-again'), false);
    } finally {
      listener.kill();
    }
  });

  it('setDefaultRoute replaces and removes the default route', async () => {
    await sandboxes.setDefaultRoute(sb, { gateway: '172.30.0.254', ifname: 'eth0' });
    assert.deepEqual((await listRoutes({ netns: sb.netns })).find((r) => r.dst === 'default'), { dst: 'default', gateway: '172.30.0.254', dev: 'eth0' });
    await sandboxes.setDefaultRoute(sb, { gateway: '172.30.0.1', ifname: 'eth0' });
    assert.equal((await listRoutes({ netns: sb.netns })).find((r) => r.dst === 'default')?.gateway, '172.30.0.1');
    await sandboxes.setDefaultRoute(sb, undefined);
    await sandboxes.setDefaultRoute(sb, undefined);
    assert.equal((await listRoutes({ netns: sb.netns })).find((r) => r.dst === 'default'), undefined);
  });

  it('create with a DNS target sets the redirect up in the same transaction', async () => {
    const t = sandboxRef();
    try {
      await sandboxes.create(t, new UndoStack(), '172.30.0.1');
      const table = await run(['nft', 'list', 'ruleset'], { netns: t.netns });
      assert.match(table.stdout, /ip daddr 127\.0\.0\.11 .*dnat to 172\.30\.0\.1:53/);
      assert.match(table.stdout, /LOOPBACK GUARD/);
    } finally {
      await sandboxes.delete(t);
    }
  });

  it('delete is idempotent, and a failed create leaves no namespace', async () => {
    const t = sandboxRef();
    await sandboxes.create(t, new UndoStack());
    await sandboxes.delete(t);
    await sandboxes.delete(t);
    assert.equal(netnsExists(t.netns), false);
    const u = sandboxRef();
    process.env.BERTH_TEST_FAIL_AT = 'sandbox.create';
    try {
      await assert.rejects(withUndo((undo) => sandboxes.create(u, undo)), /injected failure/);
    } finally {
      delete process.env.BERTH_TEST_FAIL_AT;
    }
    assert.equal(netnsExists(u.netns), false);
  });
});
