import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { queryBytes, reply, StubUpstream } from './stub.fixture.js';
import { Forwarder } from './upstream.js';
import { decodeMessage, encodeMessage, parseQuery, TYPE } from './wire.js';

const forwardOnce = (f: Forwarder, raw: Buffer, upstreams: string[], tcp = false) => f.forward(raw, parseQuery(raw).questionEnd, upstreams, tcp, 512);

test('replies that do not match the question, ID or source are ignored (anti-spoofing)', async () => {
  const upstream = createSocket('udp4');
  const spoofer = createSocket('udp4');
  await new Promise<void>((r) => upstream.bind({ address: '127.0.0.121', port: 0 }, r));
  await new Promise<void>((r) => spoofer.bind({ address: '127.0.0.121', port: 0 }, r));
  upstream.on('message', (msg, rinfo) => {
    const q = decodeMessage(msg);
    const fake = encodeMessage(reply(q, ['6.6.6.6']));
    spoofer.send(fake, rinfo.port, rinfo.address); // right ID and question, wrong source port
    const otherQuestion = reply(q, ['6.6.6.7']);
    otherQuestion.questions = [{ name: 'evil.example', type: TYPE.A, class: 1 }];
    upstream.send(encodeMessage(otherQuestion), rinfo.port, rinfo.address); // right source, wrong question
    const wrongId = reply(q, ['6.6.6.8']);
    wrongId.id = (q.id + 1) & 0xffff;
    upstream.send(encodeMessage(wrongId), rinfo.port, rinfo.address);
    setTimeout(() => upstream.send(encodeMessage(reply(q, ['192.0.2.44'])), rinfo.port, rinfo.address), 20);
  });
  const f = new Forwarder({ timeoutMs: 500 });
  const raw = queryBytes('real.example', TYPE.A, { id: 0x1234 });
  const out = await forwardOnce(f, raw, [`127.0.0.121:${upstream.address().port}`]);
  assert.ok(Buffer.isBuffer(out));
  const m = decodeMessage(out);
  assert.equal(m.id, 0x1234);
  assert.deepEqual(m.answers.map((a) => a.data), ['192.0.2.44']);
  f.close();
  upstream.close();
  spoofer.close();
});

test('the upstream sees a random ID, not the client one; the source port rotates over time', async () => {
  const stub = await StubUpstream.start('127.0.0.122', (q) => reply(q, ['192.0.2.1']));
  const f = new Forwarder({ timeoutMs: 500 });
  const ids = new Set<number>();
  for (let i = 0; i < 50; i++) {
    const out = await forwardOnce(f, queryBytes('id.example', TYPE.A, { id: 7 }), [stub.spec]);
    assert.equal(decodeMessage(out as Buffer).id, 7);
  }
  for (const s of stub.seen) ids.add(s.id);
  assert.ok(ids.size > 40, `upstream saw only ${ids.size} distinct IDs`);
  const ports = new Set<number>();
  for (let i = 0; i < 8100; i += 100) {
    await Promise.all(Array.from({ length: 100 }, () => forwardOnce(f, queryBytes('p.example', TYPE.A), [stub.spec])));
  }
  for (const s of stub.seen) ports.add(s.port);
  assert.ok(ports.size > 4, `only ${ports.size} source ports over 8000 queries`);
  f.close();
  await stub.close();
});

test('unparsable upstream strings are skipped; no usable upstream -> servfail', async () => {
  const stub = await StubUpstream.start('127.0.0.123', (q) => reply(q, ['192.0.2.2']));
  const f = new Forwarder({ timeoutMs: 200 });
  const out = await forwardOnce(f, queryBytes('x.example', TYPE.A), ['dns.google', stub.spec]);
  assert.deepEqual(decodeMessage(out as Buffer).answers.map((a) => a.data), ['192.0.2.2']);
  assert.equal(await forwardOnce(f, queryBytes('x.example', TYPE.A), ['nonsense']), 'servfail');
  f.close();
  assert.equal(await forwardOnce(f, queryBytes('x.example', TYPE.A), [stub.spec]), 'servfail'); // closed
  await stub.close();
});

test('TCP forwarding: a dead upstream (connection refused) moves on quickly', async () => {
  const stub = await StubUpstream.start('127.0.0.124', (q) => reply(q, ['192.0.2.3']));
  const f = new Forwarder({ timeoutMs: 1000 });
  const started = Date.now();
  const out = await forwardOnce(f, queryBytes('t.example', TYPE.A), ['127.0.0.125:9', stub.spec], true);
  assert.deepEqual(decodeMessage(out as Buffer).answers.map((a) => a.data), ['192.0.2.3']);
  assert.ok(Date.now() - started < 500);
  assert.equal(stub.seen.at(-1)!.via, 'tcp');
  f.close();
  await stub.close();
});

test('UDP forwarding: an upstream nobody listens on (port unreachable) moves on at once, not after the timeout', async () => {
  const stub = await StubUpstream.start('127.0.0.126', (q) => reply(q, ['192.0.2.4']));
  const f = new Forwarder({ timeoutMs: 3000 });
  const started = Date.now();
  const out = await forwardOnce(f, queryBytes('u.example', TYPE.A), ['127.0.0.127:9', stub.spec]);
  assert.deepEqual(decodeMessage(out as Buffer).answers.map((a) => a.data), ['192.0.2.4']);
  assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  assert.equal(await forwardOnce(f, queryBytes('u.example', TYPE.A), ['127.0.0.127:9']), 'servfail');
  f.close();
  await stub.close();
});
