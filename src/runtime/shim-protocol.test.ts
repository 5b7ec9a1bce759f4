import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeExitCode, encodeFrame, encodeFrames, encodeResize, FrameDecoder, FrameType, HEADER_SIZE } from './shim-protocol.js';

describe('shim protocol', () => {
  it('encodes Docker stream headers: type, three zero bytes, big-endian length', () => {
    const frame = encodeFrame(FrameType.stderr, 'err\n');
    assert.deepEqual([...frame.subarray(0, HEADER_SIZE)], [2, 0, 0, 0, 0, 0, 0, 4]);
    assert.equal(frame.subarray(HEADER_SIZE).toString(), 'err\n');
    assert.deepEqual([...encodeFrame(FrameType.start)], [8, 0, 0, 0, 0, 0, 0, 0]);
    const big = encodeFrame(1, Buffer.alloc(0x01020304 & 0xffff));
    assert.equal(big.readUInt32BE(4), 0x0304);
  });

  it('rejects types outside a byte', () => {
    assert.throws(() => encodeFrame(256), RangeError);
    assert.throws(() => encodeFrame(-1), RangeError);
  });

  it('decodes frames split at every possible point', () => {
    const stream = Buffer.concat([encodeFrame(1, 'hello'), encodeFrame(4, '137'), encodeFrame(5, ''), encodeFrame(2, 'x')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      assert.deepEqual(
        frames.map((f) => [f.type, f.payload.toString()]),
        [
          [1, 'hello'],
          [4, '137'],
          [5, ''],
          [2, 'x'],
        ],
      );
      assert.equal(decoder.pending, 0);
    }
  });

  it('decodes byte by byte and keeps an incomplete frame pending', () => {
    const decoder = new FrameDecoder();
    const bytes = encodeFrame(1, 'abc');
    const got = [];
    for (let i = 0; i < bytes.length - 1; i++) got.push(...decoder.push(bytes.subarray(i, i + 1)));
    assert.equal(got.length, 0);
    assert.equal(decoder.pending, bytes.length - 1);
    got.push(...decoder.push(bytes.subarray(bytes.length - 1)));
    assert.equal(got[0]!.payload.toString(), 'abc');
  });

  it('splits large stdin into bounded frames', () => {
    const frames = encodeFrames(FrameType.stdin, Buffer.alloc(10, 7), 4);
    assert.deepEqual(
      frames.map((f) => f.readUInt32BE(4)),
      [4, 4, 2],
    );
    assert.equal(encodeFrames(0, Buffer.alloc(0)).length, 1);
  });

  it('encodes resize as "rows cols"', () => {
    const frame = encodeResize(30, 100);
    assert.equal(frame[0], FrameType.resize);
    assert.equal(frame.subarray(HEADER_SIZE).toString(), '30 100');
    assert.throws(() => encodeResize(-1, 3), RangeError);
    assert.throws(() => encodeResize(1.5, 3), RangeError);
  });

  it('decodes exit codes', () => {
    assert.equal(decodeExitCode(Buffer.from('0')), 0);
    assert.equal(decodeExitCode(Buffer.from('137\n')), 137);
    assert.equal(decodeExitCode(Buffer.from('x')), 255);
  });
});
