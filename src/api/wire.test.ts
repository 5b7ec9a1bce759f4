import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readAll } from './context.js';
import { ChunkedDecoder, formatHead, UpgradeStreams } from './wire.js';

test('formatHead says UPGRADED for 101, as Docker does', () => {
  assert.equal(formatHead(101, { 'Content-Type': 'x' }), 'HTTP/1.1 101 UPGRADED\r\nContent-Type: x\r\n\r\n');
  assert.equal(formatHead(404, {}), 'HTTP/1.1 404 Not Found\r\n\r\n');
});

test('ChunkedDecoder decodes across any split and returns what follows', () => {
  const wire = Buffer.from('4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nSTDIN');
  for (let step = 1; step <= wire.length; step++) {
    const d = new ChunkedDecoder();
    const body: Buffer[] = [];
    const after: Buffer[] = [];
    for (let i = 0; i < wire.length; i += step) after.push(d.push(wire.subarray(i, i + step), (b) => body.push(Buffer.from(b))));
    assert.equal(Buffer.concat(body).toString(), 'Wikipedia', `step ${step}`);
    assert.equal(Buffer.concat(after).toString(), 'STDIN', `step ${step}`);
    assert.ok(d.done);
  }
  assert.throws(() => new ChunkedDecoder().push(Buffer.from('zz\r\n'), () => {}), /malformed chunked/);
});

test('UpgradeStreams: Content-Length body split between head and socket, the rest is stdin', async () => {
  const socket = new PassThrough();
  const s = new UpgradeStreams(socket, Buffer.from('{"Detach":'), { 'content-length': '29' });
  socket.write('false,"Tty":false}');
  socket.write('\nhello ');
  socket.end('world');
  assert.deepEqual(JSON.parse((await readAll(s.body)).toString()), { Detach: false, Tty: false });
  assert.equal((await readAll(s.rest)).toString(), 'hello world');
});

test('UpgradeStreams: chunked body, no body, unread body, early EOF', async () => {
  const chunked = new PassThrough();
  const c = new UpgradeStreams(chunked, Buffer.alloc(0), { 'transfer-encoding': 'chunked' });
  chunked.end('2\r\n{}\r\n0\r\n\r\nin');
  assert.equal((await readAll(c.body)).toString(), '{}');
  assert.equal((await readAll(c.rest)).toString(), 'in');

  const none = new PassThrough();
  const n = new UpgradeStreams(none, Buffer.from('raw'), {});
  none.end();
  assert.equal((await readAll(n.body)).length, 0);
  assert.equal((await readAll(n.rest)).toString(), 'raw');

  const unread = new PassThrough();
  const u = new UpgradeStreams(unread, Buffer.from('xxxxx'), { 'content-length': '5' });
  await u.bodyDone();
  unread.end('after');
  assert.equal((await readAll(u.rest)).toString(), 'after');

  const cut = new PassThrough();
  const e = new UpgradeStreams(cut, Buffer.from('{"a"'), { 'content-length': '50' });
  cut.end();
  await assert.rejects(e.bodyDone(), /unexpected EOF/);
});
