/**
 * @module api/wire
 * The few pieces of HTTP/1.1 berth writes and reads itself, on connections node:http has let go
 * of: response heads written straight to a socket, and the body of an upgrade request, which
 * node leaves unparsed (part of it in the `head` buffer, the rest on the socket).
 */
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { invalidParameter } from '../lib/errors.js';

/** "HTTP/1.1 101 UPGRADED\r\n...\r\n\r\n". Docker says UPGRADED where the RFC says Switching Protocols. */
export function formatHead(status: number, headers: Record<string, string>): string {
  const reason = status === 101 ? 'UPGRADED' : (STATUS_CODES[status] ?? 'Unknown');
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** Transfer-Encoding: chunked, decoded incrementally. Returns the bytes after the last chunk once done. */
export class ChunkedDecoder {
  #state: 'size' | 'data' | 'data-crlf' | 'trailer' | 'done' = 'size';
  #line = '';
  #remaining = 0;

  get done(): boolean {
    return this.#state === 'done';
  }

  /** Feed bytes; `onData` gets body bytes; the return value is what follows the body (or empty). */
  push(chunk: Buffer, onData: (data: Buffer) => void): Buffer {
    let i = 0;
    while (i < chunk.length && this.#state !== 'done') {
      if (this.#state === 'data') {
        const n = Math.min(this.#remaining, chunk.length - i);
        onData(chunk.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = 'data-crlf';
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      const end = nl === -1 ? chunk.length : nl + 1;
      this.#line += chunk.toString('latin1', i, end);
      i = end;
      if (this.#line.length > 4096) throw invalidParameter('malformed chunked encoding: line too long');
      if (nl === -1) break;
      const line = this.#line.replace(/\r?\n$/, '');
      this.#line = '';
      this.#onLine(line);
    }
    return chunk.subarray(i);
  }

  #onLine(line: string): void {
    if (this.#state === 'size') {
      const size = /^([0-9a-fA-F]{1,8})(?:[ \t]*;.*)?$/.exec(line);
      if (!size) throw invalidParameter('malformed chunked encoding');
      this.#remaining = parseInt(size[1]!, 16);
      this.#state = this.#remaining === 0 ? 'trailer' : 'data';
    } else if (this.#state === 'data-crlf') {
      if (line !== '') throw invalidParameter('malformed chunked encoding');
      this.#state = 'size';
    } else if (line === '') {
      this.#state = 'done';
    }
  }
}

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked'; decoder: ChunkedDecoder } | { kind: 'none' };

function framingOf(headers: IncomingHttpHeaders): Framing {
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return { kind: 'chunked', decoder: new ChunkedDecoder() };
  const length = Number(headers['content-length'] ?? 0);
  if (!Number.isSafeInteger(length) || length < 0) throw invalidParameter('invalid Content-Length');
  return length > 0 ? { kind: 'length', remaining: length } : { kind: 'none' };
}

/**
 * Splits an upgraded connection's incoming bytes into the request body (framed by Content-Length
 * or chunked encoding) and everything after it (`rest`: the hijacked stdin). Reading either side
 * pulls from the socket; a side that is not read pauses the socket when its buffer is full.
 */
export class UpgradeStreams {
  readonly body: Readable;
  readonly rest: Readable;
  #socket: Duplex;
  #framing: Framing;
  #bodyComplete = false;
  #restComplete = false;

  constructor(socket: Duplex, head: Buffer, headers: IncomingHttpHeaders) {
    this.#socket = socket;
    this.#framing = framingOf(headers);
    this.body = new Readable({ read: () => socket.resume() });
    this.rest = new Readable({ read: () => socket.resume() });
    if (this.#framing.kind === 'none') this.#completeBody();
    socket.on('data', (chunk: Buffer) => this.#feed(chunk));
    socket.on('end', () => this.#finish());
    socket.on('close', () => this.#finish());
    if (head.length) this.#feed(head);
  }

  /** Resolves once the whole body has arrived, discarding what nobody read. */
  async bodyDone(): Promise<void> {
    if (this.body.readableEnded) return;
    if (this.body.destroyed) throw incomplete();
    const done = new Promise<void>((resolve, reject) => {
      this.body.once('end', resolve);
      this.body.once('error', reject);
    });
    this.body.resume();
    await done;
  }

  #feed(chunk: Buffer): void {
    let rest = chunk;
    if (!this.#bodyComplete) {
      try {
        rest = this.#feedBody(chunk);
      } catch (err) {
        this.#bodyComplete = true;
        this.body.destroy(err as Error);
        this.#socket.destroy();
        return;
      }
    }
    if (rest.length && !this.#restComplete && !this.rest.push(rest)) this.#socket.pause();
  }

  #feedBody(chunk: Buffer): Buffer {
    const framing = this.#framing;
    let after: Buffer = Buffer.alloc(0);
    let full = false;
    const push = (data: Buffer) => {
      if (data.length && !this.body.push(data)) full = true;
    };
    if (framing.kind === 'length') {
      const n = Math.min(framing.remaining, chunk.length);
      push(chunk.subarray(0, n));
      framing.remaining -= n;
      after = chunk.subarray(n);
      if (framing.remaining === 0) this.#completeBody();
    } else if (framing.kind === 'chunked') {
      after = framing.decoder.push(chunk, push);
      if (framing.decoder.done) this.#completeBody();
    }
    if (full) this.#socket.pause();
    return after;
  }

  #completeBody(): void {
    this.#bodyComplete = true;
    this.body.push(null);
  }

  #finish(): void {
    if (!this.#bodyComplete) {
      this.#bodyComplete = true;
      this.body.destroy(incomplete());
    }
    if (!this.#restComplete) {
      this.#restComplete = true;
      this.rest.push(null);
    }
  }
}

const incomplete = () => invalidParameter('request body incomplete: unexpected EOF');
