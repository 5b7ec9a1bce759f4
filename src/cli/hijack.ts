/**
 * @module cli/hijack
 * Streams a hijacked attach/exec connection the way docker's hijackedIOStreamer does: output copied
 * raw (TTY) or demultiplexed to stdout/stderr; stdin forwarded, then the write side half-closed at
 * stdin's end (or at once when there is no stdin) while output keeps flowing; a TTY stdin in raw
 * mode, restored afterwards; the detach key sequence (ctrl-p ctrl-q by default) ends the stream.
 */
import type { Duplex, Readable, Writable } from 'node:stream';
import type { Hijacked } from './client.js';
import { Demuxer, STDERR } from './stdcopy.js';

export type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

export interface StreamOptions {
  /** Forward this to the container (attach/exec with stdin). */
  stdin?: TtyInput | undefined;
  stdout?: Writable | undefined;
  stderr?: Writable | undefined;
  tty: boolean;
  /** Detach key sequence as bytes (TTY only); default ctrl-p ctrl-q. */
  detachKeys?: number[] | undefined;
}

export type StreamResult = 'ended' | 'detached';

export class DetachKeysError extends Error {}

const DEFAULT_DETACH_KEYS = [16, 17];

/** moby/term ToBytes: "ctrl-p,ctrl-q", "a,ctrl-@" → bytes. */
export function parseDetachKeys(keys: string): number[] {
  const out: number[] = [];
  for (const key of keys.split(',')) {
    const k = key.trim();
    if (k.length > 1 && !k.startsWith('ctrl-')) throw new DetachKeysError(`Unknown character: '${k}'`);
    if (k.length === 1) {
      out.push(k.charCodeAt(0));
      continue;
    }
    const c = k.slice('ctrl-'.length).toLowerCase();
    const code = c.length === 1 ? c.charCodeAt(0) : -1;
    if (code >= 97 && code <= 122) out.push(code - 96);
    else if (c === '@') out.push(0);
    else if (c === '[') out.push(27);
    else if (c === '\\') out.push(28);
    else if (c === ']') out.push(29);
    else if (c === '^') out.push(30);
    else if (c === '_') out.push(31);
    else throw new DetachKeysError(`Unknown character: '${k}'`);
  }
  return out;
}

/** Watches input for the detach sequence; holds back a partial match until it is decided. */
class EscapeProxy {
  #held: number[] = [];
  constructor(private readonly keys: number[]) {}

  /** The bytes to forward, or 'detach'. */
  feed(chunk: Buffer): Buffer | 'detach' {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.#held.length]) {
        this.#held.push(byte);
        if (this.#held.length === this.keys.length) return 'detach';
        continue;
      }
      out.push(...this.#held);
      this.#held = [];
      if (byte === this.keys[0]) this.#held.push(byte);
      else out.push(byte);
    }
    return Buffer.from(out);
  }
}

/** Run the conversation until the output ends (or the user detaches). */
export function streamHijacked(conn: Hijacked, opts: StreamOptions): Promise<StreamResult> {
  const { socket } = conn;
  const restore = enterRawMode(opts);
  const raw = restore !== NOT_RAW;
  return new Promise<StreamResult>((resolve, reject) => {
    let finished = false;
    const finish = (result: StreamResult | Error) => {
      if (finished) return;
      finished = true;
      stopInput();
      restore();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const stopInput = forwardInput(socket, opts, () => {
      // Let what was typed before the sequence reach the daemon, then drop the connection.
      socket.write(Buffer.alloc(0), () => {
        socket.destroy();
        finish('detached');
      });
    }, () => {
      if (!opts.stdout && !opts.stderr) finish('ended');
    });
    const write = outputWriter(conn, opts, raw);
    try {
      if (conn.head.length) write(conn.head);
    } catch (err) {
      socket.destroy();
      return finish(err as Error);
    }
    socket.on('data', (chunk: Buffer) => {
      try {
        write(chunk);
      } catch (err) {
        socket.destroy();
        finish(err as Error);
      }
    });
    socket.on('end', () => finish('ended'));
    socket.on('close', () => finish('ended'));
    socket.on('error', (err) => finish(err));
  });
}

function outputWriter(conn: Hijacked, opts: StreamOptions, raw: boolean): (chunk: Buffer) => void {
  const stdout = opts.stdout as (Writable & { isTTY?: boolean }) | undefined;
  if (opts.tty && raw && stdout?.isTTY) return collapseCrLf((chunk) => void stdout.write(chunk));
  if (opts.tty || !conn.multiplexed) return (chunk) => void opts.stdout?.write(chunk);
  const demux = new Demuxer((stream, payload) => {
    const dest = stream === STDERR ? opts.stderr : opts.stdout;
    dest?.write(payload);
  });
  return (chunk) => demux.push(chunk);
}

/**
 * Node's raw mode (libuv) keeps the terminal's ONLCR output translation, which docker's raw mode
 * turns off: the container's CRLF would reach the screen as CR CR LF. Sending LF for CRLF gives the
 * terminal the bytes docker gives it. A CR at the end of a chunk waits for the next one.
 */
function collapseCrLf(write: (chunk: Buffer) => void): (chunk: Buffer) => void {
  let pendingCr = false;
  return (chunk) => {
    let text = chunk.toString('latin1');
    if (pendingCr) text = '\r' + text;
    pendingCr = text.endsWith('\r');
    if (pendingCr) text = text.slice(0, -1);
    const out = text.replace(/\r\n/g, '\n');
    if (out.length) write(Buffer.from(out, 'latin1'));
  };
}

/** stdin → socket, then half-close; returns a function that stops reading stdin. */
function forwardInput(socket: Duplex, opts: StreamOptions, onDetach: () => void, onInputDone: () => void): () => void {
  const stdin = opts.stdin;
  if (!stdin) {
    socket.end();
    queueMicrotask(onInputDone);
    return () => {};
  }
  const proxy = opts.tty ? new EscapeProxy(opts.detachKeys ?? DEFAULT_DETACH_KEYS) : undefined;
  const onData = (chunk: Buffer | string) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const out = proxy ? proxy.feed(buf) : buf;
    if (out === 'detach') {
      stdin.off('data', onData);
      return onDetach();
    }
    if (out.length && !socket.write(out)) {
      stdin.pause();
      socket.once('drain', () => stdin.resume());
    }
  };
  const onEnd = () => {
    socket.end();
    onInputDone();
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
  };
}

const NOT_RAW = () => {};

function enterRawMode(opts: StreamOptions): () => void {
  const stdin = opts.stdin;
  if (!opts.tty || !stdin?.isTTY || typeof stdin.setRawMode !== 'function') return NOT_RAW;
  stdin.setRawMode(true);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode!(false);
  };
}
