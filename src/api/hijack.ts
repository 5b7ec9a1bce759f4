/**
 * @module api/hijack
 * Hijacked connections (attach, exec start): after the response head the socket carries raw
 * bytes both ways. Like moby's CloseStreams, end() half-closes our side; the client then sees EOF
 * and closes, and the socket is released (or after a grace period if it never does).
 */
import type { Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import type { HijackedConnection } from './context.js';
import { frameHeader, type StreamId } from './stdcopy.js';

const CLOSE_GRACE_MS = 5_000;

export class SocketConnection implements HijackedConnection {
  readonly input: Readable;
  readonly closed: Promise<void>;
  #socket: Duplex;
  #ended = false;

  constructor(socket: Duplex, input: Readable) {
    this.#socket = socket;
    this.input = input;
    this.closed = new Promise((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
  }

  write(data: Buffer): boolean {
    if (!this.#writable()) return false;
    return this.#socket.write(data);
  }

  writeFrame(stream: StreamId, data: Buffer): boolean {
    if (data.length === 0 || !this.#writable()) return !this.#socket.writableNeedDrain;
    // Header and payload in one writev, without copying the payload.
    this.#socket.cork();
    this.#socket.write(frameHeader(stream, data.length));
    const ok = this.#socket.write(data);
    this.#socket.uncork();
    return ok;
  }

  drain(): Promise<void> {
    const socket = this.#socket;
    if (!socket.writableNeedDrain || !this.#writable()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const socket = this.#socket;
    if (socket.destroyed) return;
    const release = () => socket.destroy();
    socket.end(() => {
      if (socket.readableEnded) return release();
      socket.once('end', release);
      socket.resume(); // discard unread stdin so the client's EOF is seen
      setTimeout(release, CLOSE_GRACE_MS).unref();
    });
  }

  #writable(): boolean {
    return !this.#ended && !this.#socket.destroyed && this.#socket.writable;
  }
}

/** Stdin for a socket that node:http has released: socket data until the client half-closes. */
export function socketInput(socket: Duplex): Readable {
  const input = new Readable({ read: () => socket.resume() });
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      input.push(null);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (!done && !input.push(chunk)) socket.pause();
  });
  socket.on('end', finish);
  socket.on('close', finish);
  return input;
}

/**
 * Take a socket away from node's HTTP server in the middle of a request that did not ask to
 * upgrade (Docker's hijack without `Upgrade:`): node offers no API for it, so remove the server's
 * 'data' and 'end' listeners; adding our own 'data' listener makes node stop feeding its parser.
 * Must run after the request body has been read. The server's 'close' listener stays: it frees
 * the parser when the socket goes.
 */
export function releaseFromHttpServer(socket: Socket): void {
  for (const event of ['data', 'end'] as const) {
    for (const listener of socket.listeners(event)) socket.removeListener(event, listener as (...args: unknown[]) => void);
  }
  socket.setTimeout(0);
}
