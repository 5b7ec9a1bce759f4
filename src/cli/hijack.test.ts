/**
 * The hijacked stream on its own: frame demultiplexing across chunk boundaries, daemon error
 * frames, raw mode on a TTY stdin (restored), and the detach key sequence.
 */
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { Demuxer, StreamError, frame } from './stdcopy.js';
import { parseDetachKeys, streamHijacked } from './hijack.js';
import { Collector } from './testing.fixture.js';

describe('Demuxer', () => {
  it('reassembles frames split anywhere', () => {
    const out: string[] = [];
    const demux = new Demuxer((s, p) => out.push(`${s}:${p}`));
    const bytes = Buffer.concat([frame(1, 'hello '), frame(2, 'err'), frame(1, 'world')]);
    for (let i = 0; i < bytes.length; i += 3) demux.push(bytes.subarray(i, i + 3));
    assert.deepEqual(out, ['1:hello ', '2:err', '1:world']);
    assert.equal(demux.leftover, 0);
  });

  it('turns a system-error frame into an error', () => {
    const demux = new Demuxer(() => {});
    assert.throws(() => demux.push(frame(3, 'boom')), (e: unknown) => e instanceof StreamError && e.message === 'error from daemon in stream: boom');
  });
});

describe('detach keys', () => {
  it('parses docker\'s notation', () => {
    assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
    assert.deepEqual(parseDetachKeys('a,ctrl-@,ctrl-\\'), [97, 0, 28]);
    assert.throws(() => parseDetachKeys('ctrl-1'), { message: "Unknown character: 'ctrl-1'" });
    assert.throws(() => parseDetachKeys('abc'), { message: "Unknown character: 'abc'" });
  });
});

/** Two linked duplexes: what one writes, the other reads. */
function socketPair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  const mk = (readFrom: PassThrough, writeTo: PassThrough) =>
    new Duplex({
      read() {
        readFrom.once('readable', () => {
          let chunk;
          while ((chunk = readFrom.read()) !== null) this.push(chunk);
        });
        const chunk = readFrom.read();
        if (chunk !== null) this.push(chunk);
      },
      write(chunk, _enc, cb) {
        writeTo.write(chunk, cb);
      },
      final(cb) {
        writeTo.end();
        cb();
      },
    });
  const a = mk(bToA, aToB);
  const b = mk(aToB, bToA);
  aToB.on('end', () => b.push(null));
  bToA.on('end', () => a.push(null));
  return [a, b];
}

describe('streamHijacked', () => {
  it('puts a TTY stdin in raw mode, forwards keys, and detaches on ctrl-p ctrl-q', async () => {
    const [client, server] = socketPair();
    const received: string[] = [];
    server.on('data', (b: Buffer) => received.push(b.toString('latin1')));
    const modes: boolean[] = [];
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => void modes.push(m) });
    const stdout = new Collector();
    const done = streamHijacked({ socket: client, head: Buffer.from('prompt$ '), multiplexed: false }, { stdin, stdout, tty: true });
    stdin.write('ls\r');
    stdin.write('\x10x');
    stdin.write('\x10\x11');
    assert.equal(await done, 'detached');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(modes, [true, false]);
    assert.equal(stdout.text, 'prompt$ ');
    assert.equal(received.join(''), 'ls\r\x10x');
  });

  it('in raw mode on a terminal, gives the terminal LF for the container\'s CRLF (as docker\'s raw mode does)', async () => {
    const [client, server] = socketPair();
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    const stdout = Object.assign(new Collector(), { isTTY: true });
    const done = streamHijacked({ socket: client, head: Buffer.alloc(0), multiplexed: false }, { stdin, stdout, tty: true });
    server.write('a\r\nb\r');
    await new Promise((resolve) => setImmediate(resolve));
    server.end('\nc\rd\r\n');
    assert.equal(await done, 'ended');
    assert.equal(stdout.text, 'a\nb\nc\rd\n');
  });

  it('ends when the daemon closes the output, even with stdin still open', async () => {
    const [client, server] = socketPair();
    const stdin = new PassThrough();
    const stdout = new Collector();
    const stderr = new Collector();
    const done = streamHijacked({ socket: client, head: Buffer.alloc(0), multiplexed: true }, { stdin, stdout, stderr, tty: false });
    server.write(frame(1, 'a'));
    server.end(frame(2, 'b'));
    assert.equal(await done, 'ended');
    assert.deepEqual([stdout.text, stderr.text], ['a', 'b']);
  });
});
