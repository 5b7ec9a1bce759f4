import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import type { ShimConnection } from '../runtime/supervisor.js';
import { Hub } from './io.js';

/** A shim connection that records what the hub sends it. */
function fakeShim(): ShimConnection & { stdin: string[]; stdinClosed: boolean } {
  const ee = new EventEmitter();
  const shim = {
    stdin: [] as string[],
    stdinClosed: false,
    start: async () => undefined,
    on: (event: string, fn: (stream: 1 | 2, data: Buffer) => void) => (ee.on(event, fn), shim),
    writeStdin: (data: Buffer) => void shim.stdin.push(data.toString()),
    closeStdin: () => void (shim.stdinClosed = true),
    resize: () => undefined,
    exited: new Promise<number>(() => undefined),
    close: () => undefined,
  };
  return shim as unknown as ShimConnection & { stdin: string[]; stdinClosed: boolean };
}

const sink = { write: () => undefined, end: () => undefined };

describe('Hub stdin', () => {
  it('closes the stdin of a StdinOnce process when the attached client ends its input', async () => {
    const hub = new Hub();
    const input = new PassThrough();
    const done = hub.attach({ sink, stdout: true, stderr: true, stdin: input, stdinOnce: true, gone: new Promise(() => undefined) });
    const shim = fakeShim();
    hub.connect(shim);
    input.end('hi\n');
    await tick();
    assert.deepEqual([shim.stdin, shim.stdinClosed], [['hi\n'], true]);
    hub.exited(0);
    await done;
  });

  it('a client that leaves after the process exited does not close the next run\'s stdin', async () => {
    const hub = new Hub();
    const input = new PassThrough();
    const done = hub.attach({ sink, stdout: true, stderr: true, stdin: input, stdinOnce: true, gone: new Promise(() => undefined) });
    hub.connect(fakeShim());
    hub.exited(5);
    await done;
    input.end();
    input.resume();
    await tick();
    const next = fakeShim();
    hub.connect(next);
    assert.equal(next.stdinClosed, false);
  });
});
