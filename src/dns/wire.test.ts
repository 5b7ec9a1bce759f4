import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { canonicalIP, formatIPv6, parseHostPort, reverseNameToIP } from './addr.js';
import { readName } from './name.js';
import { replyAddresses, replyFormErr, replyPtr, udpLimit } from './reply.js';
import { CLASS_IN, decodeMessage, DnsFormatError, encodeMessage, message, parseQuery, RCODE, TYPE } from './wire.js';

const query = (name: string, type: number = TYPE.A, edns?: number) =>
  encodeMessage(message({ id: 0xbeef, rd: true, questions: [{ name, type, class: CLASS_IN }],
    ...(edns ? { edns: { udpSize: edns, version: 0, dnssecOk: false, options: new Uint8Array() } } : {}) }));

test('encode/decode round trip with compression', () => {
  const msg = message({
    id: 7, qr: true, rd: true, ra: true, rcode: RCODE.NOERROR,
    questions: [{ name: 'www.Example.com', type: TYPE.A, class: CLASS_IN }],
    answers: [
      { name: 'www.example.com', type: TYPE.CNAME, class: CLASS_IN, ttl: 60, data: 'web.example.com' },
      { name: 'web.example.com', type: TYPE.A, class: CLASS_IN, ttl: 60, data: '192.0.2.1' },
      { name: 'web.example.com', type: TYPE.AAAA, class: CLASS_IN, ttl: 60, data: '2001:db8::1' },
      { name: 'x.example.com', type: TYPE.TXT, class: CLASS_IN, ttl: 5, data: Uint8Array.from([2, 0x68, 0x69]) },
    ],
  });
  const bytes = encodeMessage(msg);
  // "example.com" appears once in full; the rest are pointers
  assert.equal(bytes.indexOf(Buffer.from('\x07example\x03com')), bytes.lastIndexOf(Buffer.from('\x07example\x03com')));
  const back = decodeMessage(bytes);
  assert.equal(back.id, 7);
  assert.deepEqual(back.questions, msg.questions);
  // compression matches case-insensitively, so the first spelling of a suffix is what comes back
  assert.deepEqual(back.answers.map((a) => a.data instanceof Uint8Array ? [...a.data] : a.data), ['web.Example.com', '192.0.2.1', '2001:db8::1', [2, 0x68, 0x69]]);
  assert.equal(back.answers[1]!.name.toLowerCase(), 'web.example.com');
});

test('EDNS: OPT read on both sides, extended rcode split across header and OPT', () => {
  const bytes = encodeMessage(message({ qr: true, rcode: RCODE.BADVERS, edns: { udpSize: 1400, version: 0, dnssecOk: true, options: new Uint8Array() } }));
  const back = decodeMessage(bytes);
  assert.equal(back.rcode, RCODE.BADVERS);
  assert.deepEqual(back.edns, { udpSize: 1400, version: 0, dnssecOk: true, options: new Uint8Array() });
  assert.equal(back.additional.length, 0);
  const q = parseQuery(query('db', TYPE.A, 4096));
  assert.equal(q.udpSize, 4096);
  assert.equal(parseQuery(query('db', TYPE.A, 100)).udpSize, 512); // below 512 counts as 512
  assert.equal(parseQuery(query('db')).udpSize, 0);
  assert.equal(udpLimit(parseQuery(query('db'))), 512);
  assert.equal(udpLimit(parseQuery(query('db', TYPE.A, 4096))), 1232);
});

test('encode truncates at maxSize and sets TC, keeping room for OPT', () => {
  const answers = Array.from({ length: 100 }, (_, i) => ({ name: 'svc', type: TYPE.A, class: CLASS_IN, ttl: 1, data: `10.0.0.${i}` }));
  const bytes = encodeMessage(message({ qr: true, questions: [{ name: 'svc', type: TYPE.A, class: CLASS_IN }], answers }), { maxSize: 512 });
  assert.ok(bytes.length <= 512);
  const back = decodeMessage(bytes);
  assert.ok(back.tc);
  assert.equal(back.answers.length, Math.floor((512 - 12 - 9) / 16));
  const withOpt = encodeMessage(message({ qr: true, answers, edns: { udpSize: 512, version: 0, dnssecOk: false, options: new Uint8Array() } }), { maxSize: 512 });
  assert.ok(withOpt.length <= 512 && decodeMessage(withOpt).edns !== undefined);
});

test('parseQuery reads the question lower-cased and where it ends', () => {
  const raw = query('DB.App.');
  const q = parseQuery(raw);
  assert.equal(q.name, 'db.app');
  assert.equal(q.type, TYPE.A);
  assert.equal(q.id, 0xbeef);
  assert.equal(q.questionEnd, raw.length);
  assert.equal(parseQuery(query('.')).name, '');
});

test('names: escapes for odd bytes, pointer loops and forward pointers are errors, length capped', () => {
  const odd = Buffer.from([3, 0x61, 0x2e, 0x00, 1, 0x42, 0]);
  assert.equal(readName(odd, 0, false), 'a\\.\\000.B');
  assert.equal(readName(odd, 0, true), 'a\\.\\000.b');
  const selfLoop = Buffer.from([0xc0, 0x00]);
  assert.throws(() => readName(selfLoop, 0, false), DnsFormatError);
  const twoStep = Buffer.from([1, 0x61, 0xc0, 0x04, 1, 0x62, 0xc0, 0x00]); // 0 -> 4 -> 0
  assert.throws(() => readName(twoStep, 0, false), DnsFormatError);
  const long = Buffer.concat([...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])), Buffer.from([0])]);
  assert.throws(() => readName(long, 0, false), /255/);
  assert.throws(() => readName(Buffer.from([0x40, 0]), 0, false), /label type/);
});

test('malformed queries: replyable FORMERR vs silence', () => {
  const good = query('db');
  const cases: Array<[Buffer, boolean]> = [
    [Buffer.alloc(5), false], // shorter than a header
    [Buffer.from(good).fill(0x80, 2, 3), false], // QR set: a response, never answered
    [Buffer.concat([good.subarray(0, 4), Buffer.from([0, 2]), good.subarray(6)]), true], // two questions
    [good.subarray(0, good.length - 2), true], // question cut short
    [Buffer.concat([good.subarray(0, 10), Buffer.from([0, 1]), good.subarray(12)]), true], // ARCOUNT=1, nothing there
  ];
  for (const [bytes, replyable] of cases) {
    assert.throws(() => parseQuery(bytes), (err: unknown) => err instanceof DnsFormatError && err.replyable === replyable);
  }
  const formErr = decodeMessage(replyFormErr(cases[2]![0], 0));
  assert.equal(formErr.rcode, RCODE.FORMERR);
  assert.equal(formErr.id, 0xbeef);
});

test('random and mutated bytes never throw anything but DnsFormatError', () => {
  const seeds = [
    query('some.name.example', TYPE.AAAA, 1232),
    encodeMessage(message({ qr: true, questions: [{ name: 'a.b.example', type: TYPE.A, class: CLASS_IN }], answers: [
      { name: 'a.b.example', type: TYPE.CNAME, class: CLASS_IN, ttl: 1, data: 'c.b.example' },
      { name: 'c.b.example', type: TYPE.A, class: CLASS_IN, ttl: 1, data: '10.0.0.1' },
    ] })),
  ];
  for (let i = 0; i < 20_000; i++) {
    let bytes: Buffer;
    if (i % 3 === 0) bytes = randomBytes(i % 80);
    else {
      bytes = Buffer.from(seeds[i % 2]!);
      for (let k = 0; k <= i % 4; k++) bytes[randomBytes(2).readUInt16BE(0) % bytes.length] = randomBytes(1)[0]!;
    }
    for (const parse of [parseQuery, decodeMessage]) {
      try {
        parse(bytes);
      } catch (err) {
        assert.ok(err instanceof DnsFormatError, String(err));
      }
    }
  }
});

test('replies: addresses with pointers to the question, TC when the limit cuts, PTR', () => {
  const raw = query('svc', TYPE.A);
  const q = parseQuery(raw);
  const many = Array.from({ length: 100 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  const udp = replyAddresses(q, raw, many, 600, udpLimit(q), 0);
  assert.ok(udp.length <= 512);
  const m = decodeMessage(udp);
  assert.ok(m.tc && m.qr && m.ra && m.rd && !m.aa);
  assert.equal(m.answers.length, 30);
  assert.equal(m.answers[0]!.name, 'svc');
  const tcp = replyAddresses(q, raw, many, 600, 65535, 2);
  assert.equal(tcp.readUInt16BE(0), tcp.length - 2);
  const full = decodeMessage(tcp.subarray(2));
  assert.ok(!full.tc);
  assert.deepEqual(full.answers.map((a) => a.data), many);
  const ptrRaw = query('2.0.1.10.in-addr.arpa', TYPE.PTR, 1232);
  const ptr = decodeMessage(replyPtr(parseQuery(ptrRaw), ptrRaw, 'db.app.', 600, 1232, 0));
  assert.deepEqual(ptr.answers.map((a) => [a.type, a.ttl, a.data]), [[TYPE.PTR, 600, 'db.app']]);
  assert.equal(ptr.edns?.udpSize, 1232);
});

test('addresses: canonical forms, reverse names, host:port', () => {
  assert.equal(canonicalIP('10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIP('010.0.0.1'), undefined);
  assert.equal(canonicalIP('FD00::1'), 'fd000000000000000000000000000001');
  assert.equal(canonicalIP('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(formatIPv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(new Array(16).fill(0)), '::');
  assert.equal(reverseNameToIP('4.3.2.1.in-addr.arpa'), '1.2.3.4');
  assert.equal(reverseNameToIP('3.2.1.in-addr.arpa'), undefined);
  assert.deepEqual(parseHostPort('1.2.3.4'), { host: '1.2.3.4', port: 53, family: 4 });
  assert.deepEqual(parseHostPort('1.2.3.4:5353'), { host: '1.2.3.4', port: 5353, family: 4 });
  assert.deepEqual(parseHostPort('fd00::1'), { host: 'fd00::1', port: 53, family: 6 });
  assert.deepEqual(parseHostPort('[fd00::1]:54'), { host: 'fd00::1', port: 54, family: 6 });
  assert.equal(parseHostPort('example.com'), undefined);
  assert.equal(parseHostPort('1.2.3.4:0'), undefined);
});
