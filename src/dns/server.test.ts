/**
 * The resolver over real sockets, all on loopback: 127.0.0.x addresses play container IPs and
 * gateways; stub upstreams are scripted DNS servers on other 127.0.0.x addresses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBerthError } from '../lib/errors.js';
import { DnsServer, type DnsServerOptions, type ListenAddress } from './server.js';
import { ask, exchange, exchangeTcp, queryBytes, reply, StubUpstream, type Target } from './stub.fixture.js';
import { NameTable, type DnsContainerOptions, type DnsNetwork } from './table.js';
import { decodeMessage, RCODE, TYPE } from './wire.js';

const crowd = Array.from({ length: 100 }, (_, i) => ({ containerId: `crowd${i}`, ipv4: `127.0.1.${i + 1}`, names: [`crowd${i}`, 'crowd'] }));
const APP: DnsNetwork = {
  id: 'n-app', name: 'app', internal: false, subnets: ['127.0.0.0/16'],
  endpoints: [
    { containerId: 'c-db', ipv4: '127.0.0.2', ipv6: 'fd00::2', names: ['db', 'database'] },
    { containerId: 'c-web', ipv4: '127.0.0.3', names: ['web', 'trio'] },
    { containerId: 'c-web2', ipv4: '127.0.0.4', names: ['web2', 'trio'] },
    { containerId: 'c-web3', ipv4: '127.0.0.5', names: ['web3', 'trio'] },
    { containerId: 'c-own', ipv4: '127.0.0.9', names: ['own'] },
    ...crowd,
  ],
};
const OTHER: DnsNetwork = { id: 'n-other', name: 'other', internal: false, endpoints: [{ containerId: 'c-hidden', ipv4: '127.0.0.50', names: ['hidden'] }] };
const VAULT: DnsNetwork = { id: 'n-vault', name: 'vault', internal: true, endpoints: [{ containerId: 'c-secret', ipv4: '127.0.0.60', names: ['secret'] }] };

async function startServer(table: NameTable, opts: Partial<DnsServerOptions> = {}, listen: ListenAddress[] = [{ address: '127.0.0.1', networkId: 'n-app' }]) {
  const server = new DnsServer({ upstreams: [], port: 0, upstreamTimeoutMs: 200, ...opts });
  server.setTable(table);
  await server.setListenAddresses(listen);
  const first = server.listening()[0]!;
  return { server, target: { address: first.address, port: first.port } as Target };
}

const addresses = (m: { answers: Array<{ data: unknown }> }) => m.answers.map((a) => a.data as string);

describe('answers from the table', () => {
  let server: DnsServer;
  let target: Target;
  let upstream: StubUpstream;
  before(async () => {
    upstream = await StubUpstream.start('127.0.0.101', (q) => reply(q, ['192.0.2.7']));
    ({ server, target } = await startServer(NameTable.build([APP, OTHER]), { upstreams: [upstream.spec] }));
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('UDP: a container name, with Docker flags and TTL 600', async () => {
    const m = await ask(target, 'web', TYPE.A, { from: '127.0.0.2', id: 4242 });
    assert.equal(m.id, 4242);
    assert.deepEqual(addresses(m), ['127.0.0.3']);
    assert.equal(m.answers[0]!.ttl, 600);
    assert.ok(m.qr && m.ra && m.rd && !m.aa && !m.tc);
    assert.equal(m.rcode, RCODE.NOERROR);
    assert.deepEqual(m.questions, [{ name: 'web', type: TYPE.A, class: 1 }]);
  });

  test('TCP: several queries down one connection', async () => {
    const replies = await exchangeTcp(target, [
      queryBytes('db', TYPE.A, { id: 1 }), queryBytes('DB.app', TYPE.AAAA, { id: 2 }), queryBytes('3.0.0.127.in-addr.arpa', TYPE.PTR, { id: 3 }),
    ], { from: '127.0.0.2' });
    const byId = new Map(replies.map((r) => [decodeMessage(r).id, decodeMessage(r)]));
    assert.deepEqual(addresses(byId.get(1)!), ['127.0.0.2']);
    assert.deepEqual(addresses(byId.get(2)!), ['fd00::2']);
    assert.deepEqual(addresses(byId.get(3)!), ['web.app']);
  });

  test('NODATA, NXDOMAIN for an unknown in-subnet PTR, implicit MX', async () => {
    const nodata = await ask(target, 'web', TYPE.AAAA, { from: '127.0.0.2' });
    assert.equal(nodata.rcode, RCODE.NOERROR);
    assert.equal(nodata.answers.length, 0);
    const mx = await ask(target, 'db', TYPE.MX, { from: '127.0.0.2' });
    assert.equal(mx.rcode, RCODE.NOERROR);
    assert.equal(mx.answers.length, 0);
    const nx = await ask(target, '200.200.0.127.in-addr.arpa', TYPE.PTR, { from: '127.0.0.2' });
    assert.equal(nx.rcode, RCODE.NXDOMAIN);
  });

  test('scoping by the source address of the query', async () => {
    // db is not on "other": hidden is forwarded (the stub answers 192.0.2.7)
    assert.deepEqual(addresses(await ask(target, 'hidden', TYPE.A, { from: '127.0.0.2' })), ['192.0.2.7']);
    // hidden itself asks (through the app gateway): its own network's names
    assert.deepEqual(addresses(await ask(target, 'hidden', TYPE.A, { from: '127.0.0.50' })), ['127.0.0.50']);
    // a stranger asking through the app gateway: app's names, and no forwarding
    assert.deepEqual(addresses(await ask(target, 'db', TYPE.A, { from: '127.0.0.77' })), ['127.0.0.2']);
    assert.equal((await ask(target, 'example.com', TYPE.A, { from: '127.0.0.77' })).rcode, RCODE.REFUSED);
  });

  test('a shared alias returns every address, shuffled (round-robin)', async () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const got = addresses(await ask(target, 'trio', TYPE.A, { from: '127.0.0.2' }));
      assert.deepEqual([...got].sort(), ['127.0.0.3', '127.0.0.4', '127.0.0.5']);
      firsts.add(got[0]!);
    }
    assert.equal(firsts.size, 3);
  });

  test('a big answer is truncated (TC) over UDP, whole over TCP', async () => {
    const raw = await exchange(target, queryBytes('crowd', TYPE.A), { from: '127.0.0.2' });
    assert.ok(raw.length <= 512);
    const udp = decodeMessage(raw);
    assert.ok(udp.tc);
    assert.ok(udp.answers.length > 0 && udp.answers.length < 100);
    const edns = await exchange(target, queryBytes('crowd', TYPE.A, { edns: 4096 }), { from: '127.0.0.2' });
    assert.ok(edns.length <= 1232 && decodeMessage(edns).tc && decodeMessage(edns).edns?.udpSize === 1232);
    const tcp = await ask(target, 'crowd', TYPE.A, { from: '127.0.0.2', tcp: true });
    assert.ok(!tcp.tc);
    assert.deepEqual([...addresses(tcp)].sort(), crowd.map((c) => c.ipv4).sort());
  });

  test('EDNS queries get an OPT back; a non-zero EDNS version gets BADVERS', async () => {
    const m = await ask(target, 'db', TYPE.A, { from: '127.0.0.2', edns: 1400 });
    assert.equal(m.edns?.udpSize, 1232);
    const raw = queryBytes('db', TYPE.A, { edns: 1400 });
    raw[raw.length - 11 + 6] = 1; // OPT TTL: version 1
    const bad = decodeMessage(await exchange(target, raw, { from: '127.0.0.2' }));
    assert.equal(bad.rcode, RCODE.BADVERS);
  });

  test('other opcodes get NOTIMP', async () => {
    const raw = queryBytes('db', TYPE.A);
    raw[2] = (raw[2]! & 0x87) | (2 << 3); // opcode STATUS
    assert.equal(decodeMessage(await exchange(target, raw, { from: '127.0.0.2' })).rcode, RCODE.NOTIMP);
  });
});

describe('forwarding', () => {
  const stubs: StubUpstream[] = [];
  const stub = async (address: string, handler: Parameters<typeof StubUpstream.start>[1]) => {
    const s = await StubUpstream.start(address, handler);
    stubs.push(s);
    return s;
  };
  let good: StubUpstream, silent: StubUpstream, failing: StubUpstream, refusing: StubUpstream, big: StubUpstream;
  before(async () => {
    good = await stub('127.0.0.111', (q) => reply(q, ['192.0.2.1']));
    silent = await stub('127.0.0.112', () => 'silent');
    failing = await stub('127.0.0.113', (q) => reply(q, [], { rcode: RCODE.SERVFAIL }));
    refusing = await stub('127.0.0.114', (q) => reply(q, [], { rcode: RCODE.REFUSED }));
    // 60 addresses: over UDP it says "truncated" (no answers, TC) as a non-EDNS-aware server would
    const sixty = Array.from({ length: 60 }, (_, i) => `198.51.100.${i}`);
    big = await stub('127.0.0.115', (q, via) => (via === 'udp' ? reply(q, [], { tc: true }) : reply(q, sixty)));
  });
  after(async () => {
    for (const s of stubs) await s.close();
  });

  test('unknown names go to the first upstream; the reply keeps the client ID', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { upstreams: [good.spec] });
    const m = await ask(target, 'example.com', TYPE.A, { from: '127.0.0.2', id: 777 });
    assert.equal(m.id, 777);
    assert.deepEqual(addresses(m), ['192.0.2.1']);
    assert.equal(good.seen.at(-1)!.name, 'example.com');
    assert.equal(server.stats().forwarded, 1);
    await server.close();
  });

  test('a silent first upstream times out and the second answers', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { upstreams: [silent.spec, good.spec] });
    const started = Date.now();
    assert.deepEqual(addresses(await ask(target, 'slow.example', TYPE.A, { from: '127.0.0.2' })), ['192.0.2.1']);
    assert.ok(Date.now() - started >= 150);
    assert.equal(silent.seen.at(-1)!.name, 'slow.example');
    await server.close();
  });

  test('SERVFAIL and REFUSED from upstreams move on; all failing -> SERVFAIL', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { upstreams: [failing.spec, refusing.spec, good.spec] });
    assert.deepEqual(addresses(await ask(target, 'a.example', TYPE.A, { from: '127.0.0.2' })), ['192.0.2.1']);
    server.setUpstreams([failing.spec, silent.spec, refusing.spec, good.spec]); // only the first 3 are tried
    const m = await ask(target, 'b.example', TYPE.A, { from: '127.0.0.2', edns: 1232 });
    assert.equal(m.rcode, RCODE.SERVFAIL);
    assert.ok(m.edns);
    assert.ok(!good.seen.some((s) => s.name === 'b.example'));
    assert.equal(server.stats().failures, 1);
    await server.close();
  });

  test('no upstreams, or an internal-only requester: SERVFAIL without asking anyone', async () => {
    const { server, target } = await startServer(NameTable.build([APP, VAULT]), { upstreams: [good.spec] }, [{ address: '127.0.0.1', networkId: 'n-vault' }]);
    assert.equal((await ask(target, 'int.example', TYPE.A, { from: '127.0.0.60' })).rcode, RCODE.SERVFAIL);
    assert.ok(!good.seen.some((s) => s.name === 'int.example'));
    assert.deepEqual(addresses(await ask(target, 'secret', TYPE.A, { from: '127.0.0.60' })), ['127.0.0.60']);
    server.setUpstreams([]);
    assert.equal((await ask(target, 'none.example', TYPE.A, { from: '127.0.0.2' })).rcode, RCODE.SERVFAIL);
    await server.close();
  });

  test('a container --dns server replaces the defaults for that container', async () => {
    const other = await stub('127.0.0.116', (q) => reply(q, ['203.0.113.9']));
    const opts = new Map<string, DnsContainerOptions>([['c-db', { upstreams: [other.spec] }]]);
    const { server, target } = await startServer(NameTable.build([APP], opts), { upstreams: [good.spec] });
    assert.deepEqual(addresses(await ask(target, 'x.example', TYPE.A, { from: '127.0.0.2' })), ['203.0.113.9']);
    assert.deepEqual(addresses(await ask(target, 'x.example', TYPE.A, { from: '127.0.0.3' })), ['192.0.2.1']);
    await server.close();
  });

  test('TCP queries are forwarded over TCP; a truncated UDP reply is retried over TCP', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { upstreams: [big.spec] });
    const viaTcp = await ask(target, 'tcp.example', TYPE.A, { from: '127.0.0.2', tcp: true });
    assert.equal(viaTcp.answers.length, 60);
    assert.deepEqual(big.seen.filter((s) => s.name === 'tcp.example').map((s) => s.via), ['tcp']);
    // EDNS 4096 client: the full 60-address answer (~1 KB) fits, so it is relayed
    const full = await ask(target, 'retry.example', TYPE.A, { from: '127.0.0.2', edns: 4096 });
    assert.equal(full.answers.length, 60);
    assert.deepEqual(big.seen.filter((s) => s.name === 'retry.example').map((s) => s.via), ['udp', 'tcp']);
    // a plain 512-byte client cannot take it: it gets the truncated reply and retries with TCP itself
    const small = await ask(target, 'small.example', TYPE.A, { from: '127.0.0.2' });
    assert.ok(small.tc);
    await server.close();
  });

  test('beyond the concurrency cap: REFUSED', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { upstreams: [silent.spec], maxConcurrentForwards: 2 });
    const slow = [ask(target, 'c1.example', TYPE.A, { from: '127.0.0.2' }), ask(target, 'c2.example', TYPE.A, { from: '127.0.0.2' })];
    await sleep(30);
    assert.equal((await ask(target, 'c3.example', TYPE.A, { from: '127.0.0.2' })).rcode, RCODE.REFUSED);
    assert.deepEqual((await Promise.all(slow)).map((m) => m.rcode), [RCODE.SERVFAIL, RCODE.SERVFAIL]);
    await server.close();
  });

  test('its own listen address as upstream is skipped (no loop)', async () => {
    const { server, target } = await startServer(NameTable.build([APP]));
    server.setUpstreams([`${target.address}:${target.port}`]);
    const started = Date.now();
    assert.equal((await ask(target, 'loop.example', TYPE.A, { from: '127.0.0.2' })).rcode, RCODE.SERVFAIL);
    assert.ok(Date.now() - started < 150);
    await server.close();
  });
});

describe('robustness and lifecycle', () => {
  test('malformed packets get FORMERR or silence, and the server keeps answering', async () => {
    const { server, target } = await startServer(NameTable.build([APP]));
    const valid = queryBytes('db', TYPE.A, { id: 99 });
    await assert.rejects(exchange(target, Buffer.from([1, 2, 3]), { from: '127.0.0.2', timeoutMs: 150 }));
    const asResponse = Buffer.from(valid);
    asResponse[2]! |= 0x80;
    await assert.rejects(exchange(target, asResponse, { from: '127.0.0.2', timeoutMs: 150 }));
    const cut = valid.subarray(0, valid.length - 3);
    assert.equal(decodeMessage(await exchange(target, cut, { from: '127.0.0.2' })).rcode, RCODE.FORMERR);
    const loop = Buffer.concat([valid.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    assert.equal(decodeMessage(await exchange(target, loop, { from: '127.0.0.2' })).rcode, RCODE.FORMERR);
    const sock = createSocket('udp4');
    for (let i = 0; i < 2000; i++) {
      const junk = Buffer.from(valid);
      junk[Math.floor(Math.random() * junk.length)] = Math.floor(Math.random() * 256);
      sock.send(i % 4 ? junk : Buffer.alloc(i % 40, i), target.port, target.address);
    }
    await sleep(100);
    sock.close();
    // TCP garbage: that connection is dropped, others are fine
    await assert.rejects(exchangeTcp(target, [Buffer.from([9])], { from: '127.0.0.2', timeoutMs: 300 }));
    assert.deepEqual(addresses(await ask(target, 'db', TYPE.A, { from: '127.0.0.3' })), ['127.0.0.2']);
    assert.deepEqual(addresses(await ask(target, 'db', TYPE.A, { from: '127.0.0.3', tcp: true })), ['127.0.0.2']);
    assert.ok(server.stats().failures >= 3);
    await server.close();
  });

  test('setListenAddresses adds and removes gateways; each serves its network to strangers', async () => {
    const server = new DnsServer({ upstreams: [], port: 0 });
    server.setTable(NameTable.build([APP, OTHER]));
    await server.setListenAddresses([{ address: '127.0.0.21', networkId: 'n-app' }, { address: '127.0.0.22', networkId: 'n-other' }]);
    const at = (a: string) => ({ address: a, port: server.listening().find((l) => l.address === a)!.port });
    const gw1 = at('127.0.0.21');
    const gw2 = at('127.0.0.22');
    assert.deepEqual(addresses(await ask(gw1, 'db', TYPE.A, { from: '127.0.0.88' })), ['127.0.0.2']);
    assert.deepEqual(addresses(await ask(gw2, 'hidden', TYPE.A, { from: '127.0.0.88' })), ['127.0.0.50']);
    assert.equal((await ask(gw2, 'db', TYPE.A, { from: '127.0.0.88' })).rcode, RCODE.REFUSED);
    await server.setListenAddresses([{ address: '127.0.0.21', networkId: 'n-other' }]);
    assert.deepEqual(server.listening().map((l) => l.address), ['127.0.0.21']);
    assert.deepEqual(addresses(await ask(gw1, 'hidden', TYPE.A, { from: '127.0.0.88' })), ['127.0.0.50']);
    await assert.rejects(exchangeTcp(gw2, [queryBytes('db', TYPE.A)]), /ECONNREFUSED/);
    await server.setListenAddresses([]);
    await assert.rejects(exchangeTcp(gw1, [queryBytes('db', TYPE.A)]), /ECONNREFUSED/);
    await server.close();
  });

  test('an address already bound by someone else: a clear system error, nothing changed', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind({ address: '127.0.0.31', port: 0 }, resolve));
    const port = taken.address().port;
    const server = new DnsServer({ upstreams: [], port });
    await server.setListenAddresses([{ address: '127.0.0.32' }]);
    await assert.rejects(server.setListenAddresses([{ address: '127.0.0.32' }, { address: '127.0.0.33' }, { address: '127.0.0.31' }]), (err: unknown) => {
      assert.ok(isBerthError(err, 'system'));
      assert.match((err as Error).message, new RegExp(`127\\.0\\.0\\.31:${port}: address already in use`));
      return true;
    });
    // all or nothing: .33 was bound and closed again, .32 still serves
    assert.deepEqual(server.listening().map((l) => l.address), ['127.0.0.32']);
    await assert.rejects(exchangeTcp({ address: '127.0.0.33', port }, [queryBytes('x', TYPE.A)]), /ECONNREFUSED/);
    taken.close();
    // TCP taken too
    const tcpTaken = createServer();
    await new Promise<void>((resolve) => tcpTaken.listen({ host: '127.0.0.34', port }, resolve));
    await assert.rejects(server.setListenAddresses([{ address: '127.0.0.34' }]), /DNS tcp listener on 127\.0\.0\.34:\d+: address already in use/);
    tcpTaken.close();
    await assert.rejects(server.setListenAddresses([{ address: 'not-an-ip' }]), (err: unknown) => isBerthError(err, 'invalidParameter'));
    await server.close();
  });

  test('IPv6 listen address and requester (::1)', async () => {
    const six: DnsNetwork = { id: 'n6', name: 'six', internal: false, endpoints: [
      { containerId: 'c6', ipv6: '0:0:0:0:0:0:0:1', names: ['me'] },
      { containerId: 'c7', ipv4: '127.0.0.70', ipv6: 'fd00:6::7', names: ['peer'] },
    ] };
    const { server, target } = await startServer(NameTable.build([six]), {}, [{ address: '::1', networkId: 'n6' }]);
    assert.equal(target.address, '::1');
    assert.deepEqual(addresses(await ask(target, 'peer', TYPE.AAAA)), ['fd00:6::7']);
    assert.deepEqual(addresses(await ask(target, 'peer.six', TYPE.A, { tcp: true })), ['127.0.0.70']);
    const ptr = await ask(target, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', TYPE.PTR);
    assert.deepEqual(addresses(ptr), ['me.six']);
    await server.close();
  });

  test('idle TCP connections are closed', async () => {
    const { server, target } = await startServer(NameTable.build([APP]), { tcpIdleMs: 150 });
    const socket = connect({ host: target.address, port: target.port, localAddress: '127.0.0.2' });
    const closedAt = await new Promise<number>((resolve) => {
      socket.on('close', () => resolve(Date.now()));
      socket.on('error', () => undefined);
    });
    assert.ok(closedAt > 0);
    await server.close();
  });

  test('a table swap while queries are in flight: every answer comes whole from one table', async () => {
    const tableWith = (third: number) => NameTable.build([{
      id: 'n-app', name: 'app', internal: false,
      endpoints: [
        { containerId: 'asker', ipv4: '127.0.0.2', names: ['asker'] },
        ...Array.from({ length: 20 }, (_, i) => ({ containerId: `f${i}`, ipv4: `127.0.${third}.${i + 1}`, names: [`f${i}`, 'flip'] })),
      ],
    }]);
    const [t1, t2] = [tableWith(2), tableWith(3)];
    const { server, target } = await startServer(t1);
    let swaps = 0;
    const swapper = setInterval(() => server.setTable(++swaps % 2 ? t2 : t1), 1);
    const seen = new Set<string>();
    for (let round = 0; round < 40; round++) {
      const batch = await Promise.all(Array.from({ length: 25 }, (_, i) => ask(target, 'flip', TYPE.A, { from: '127.0.0.2', tcp: i % 5 === 0 })));
      for (const m of batch) {
        const thirds = new Set(addresses(m).map((a) => a.split('.')[2]));
        assert.equal(m.answers.length, 20);
        assert.equal(thirds.size, 1, 'an answer mixes two tables');
        seen.add([...thirds][0]!);
      }
    }
    clearInterval(swapper);
    assert.ok(swaps > 10);
    assert.deepEqual([...seen].sort(), ['2', '3']);
    await server.close();
  });
});
