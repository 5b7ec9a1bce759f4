/**
 * @module api/respond
 * Writing an Outcome: to a node ServerResponse (keep-alive, chunked streams), or straight to a
 * socket that node has handed over after an upgrade request (then `Connection: close`).
 */
import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorMessage, httpStatus } from '../lib/errors.js';
import { log } from '../lib/log.js';
import type { Outcome } from './dispatch.js';
import { formatHead } from './wire.js';

type BufferOutcome = Extract<Outcome, { kind: 'buffer' }>;
type StreamOutcome = Extract<Outcome, { kind: 'stream' }>;

export function sendBuffer(res: ServerResponse, o: BufferOutcome, keepAlive: boolean): void {
  if (!keepAlive) res.shouldKeepAlive = false;
  res.writeHead(o.status, o.headers);
  res.end(o.body.length ? o.body : undefined);
}

/** Headers at once (a client may wait on them, as `docker run` does on /wait), then one chunk per item. */
export async function sendStream(res: ServerResponse, o: StreamOutcome, keepAlive: boolean): Promise<void> {
  if (!keepAlive) res.shouldKeepAlive = false;
  res.writeHead(o.status, o.headers);
  res.flushHeaders();
  const gone = new Promise<void>((resolve) => res.once('close', resolve));
  try {
    await pump(o.stream, (chunk) => res.write(chunk), () => waitDrain(res, gone), () => res.destroyed, gone);
    if (!res.destroyed) res.end();
  } catch (err) {
    streamFailed(o.label, err);
    // Headers are out: cutting the connection is the only way left to say the body is incomplete.
    res.destroy();
  }
}

/** The same outcomes on a raw socket (an upgrade request that was not hijacked). */
export async function sendRaw(socket: Duplex, o: Exclude<Outcome, { kind: 'hijack' }>): Promise<void> {
  if (socket.destroyed) return;
  if (o.kind === 'buffer') {
    socket.write(formatHead(o.status, { ...o.headers, Connection: 'close' }));
    socket.end(o.body.length ? o.body : undefined);
    return;
  }
  socket.write(formatHead(o.status, { ...o.headers, Connection: 'close' }));
  const gone = new Promise<void>((resolve) => socket.once('close', resolve));
  try {
    await pump(o.stream, (chunk) => socket.write(chunk), () => waitDrain(socket, gone), () => socket.destroyed, gone);
    socket.end();
  } catch (err) {
    streamFailed(o.label, err);
    socket.destroy();
  }
}

function streamFailed(label: string, err: unknown): void {
  const message = `Handler for ${label} failed while streaming: ${errorMessage(err)}`;
  if (httpStatus(err) >= 500) log.error(message, err);
  else log.warn(message);
}

function waitDrain(stream: EventEmitter, gone: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      resolve();
    };
    stream.once('drain', done);
    void gone.then(done);
  });
}

/**
 * Copy an async iterable to a writer, honouring backpressure, until it ends or the peer is gone.
 * When the peer goes first the source is told to stop (return()), without waiting for it.
 */
export async function pump(
  source: AsyncIterable<Buffer | string>,
  write: (chunk: Buffer) => boolean,
  drain: () => Promise<void>,
  isGone: () => boolean,
  gone: Promise<void>,
): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  const goneSignal = gone.then((): 'gone' => 'gone');
  let finished = false;
  try {
    while (!isGone()) {
      const next = await Promise.race([it.next(), goneSignal]);
      if (next === 'gone') break;
      if (next.done) {
        finished = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (chunk.length === 0 || isGone()) continue;
      if (!write(chunk)) await drain();
    }
  } catch (err) {
    finished = true; // the iterator threw: it is already closed
    throw err;
  } finally {
    if (!finished) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
