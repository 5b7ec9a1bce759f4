/**
 * @module cli/stdcopy
 * Docker's multiplexed stream (moby api/pkg/stdcopy): frames of an 8-byte header
 * `[stream, 0, 0, 0, uint32 big-endian length]` then the payload; stream 0 stdin, 1 stdout,
 * 2 stderr, 3 an error from the daemon. Frames may arrive split across chunks.
 */

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;

const HEADER = 8;

/** Encode one frame (used by tests and fakes). */
export function frame(stream: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export class StreamError extends Error {
  override readonly name = 'StreamError';
}

/** Splits a multiplexed byte stream into (stream, payload) frames as chunks arrive. */
export class Demuxer {
  #pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

  /** Feed a chunk; throws StreamError on a daemon error frame or an unknown stream id. */
  push(chunk: Buffer): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#pending.length >= HEADER) {
      const stream = this.#pending[0]!;
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const payload = this.#pending.subarray(HEADER, HEADER + size);
      this.#pending = this.#pending.subarray(HEADER + size);
      if (stream === SYSTEMERR) throw new StreamError(`error from daemon in stream: ${payload.toString('utf8')}`);
      if (stream > SYSTEMERR) throw new StreamError(`Unrecognized input header: ${stream}`);
      this.onFrame(stream, payload);
    }
  }

  /** Bytes of an incomplete frame left at the end of the stream. */
  get leftover(): number {
    return this.#pending.length;
  }
}
