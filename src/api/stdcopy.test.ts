import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrames, demultiplex, encodeFrame, FrameDecoder } from './stdcopy.js';

test('encodeFrame writes Docker\'s 8-byte header', () => {
  assert.deepEqual([...encodeFrame(1, Buffer.from('hi'))], [1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
  assert.deepEqual([...encodeFrame(2, 'x'.repeat(258)).subarray(0, 8)], [2, 0, 0, 0, 0, 0, 1, 2]);
});

test('the decoder reassembles frames split anywhere', () => {
  const wire = Buffer.concat([encodeFrame(1, 'out\n'), encodeFrame(2, 'err\n'), encodeFrame(1, ''), encodeFrame(3, 'boom')]);
  for (let step = 1; step <= wire.length; step++) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < wire.length; i += step) frames.push(...decoder.push(wire.subarray(i, i + step)));
    assert.deepEqual(
      frames.map((f) => [f.stream, f.data.toString()]),
      [[1, 'out\n'], [2, 'err\n'], [1, ''], [3, 'boom']],
      `step ${step}`,
    );
    assert.equal(decoder.pending, 0);
  }
});

test('unknown stream ids and truncated streams are errors', async () => {
  assert.throws(() => decodeFrames(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0])), /Unrecognized input header: 9/);
  assert.throws(() => decodeFrames(encodeFrame(1, 'abc').subarray(0, 9)), /ended inside a frame/);
  const collected = [];
  for await (const f of demultiplex([encodeFrame(1, 'a'), encodeFrame(2, 'b')])) collected.push(f.data.toString());
  assert.deepEqual(collected, ['a', 'b']);
});
