/**
 * @module cli/stdcopy
 * Docker's multiplexed stream (moby api/pkg/stdcopy): frames of an 8-byte header
 * `[stream, 0, 0, 0, uint32 big-endian length]` then the payload; stream 0 stdin, 1 stdout,
 * 2 stderr, 3 an error from the daemon. Frames may arrive split across chunks.
 */

import { encodeFrame } from '../lib/frames.js';
import { FrameDecoder, STDIN, STDOUT, STDERR, SYSTEMERR } from '../api/stdcopy.js';

export { STDIN, STDOUT, STDERR, SYSTEMERR };

/** Encode one frame (used by tests and fakes). */
export function frame(stream: number, payload: string | Buffer): Buffer {
  return encodeFrame(stream, payload);
}

export class StreamError extends Error {
  override readonly name = 'StreamError';
}

/** Splits a multiplexed byte stream into (stream, payload) frames as chunks arrive. */
export class Demuxer {
  #decoder = new FrameDecoder();

  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

  /** Feed a chunk; throws StreamError on a daemon error frame or an unknown stream id. */
  push(chunk: Buffer): void {
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      throw new StreamError((err as Error).message);
    }
    for (const { stream, data } of frames) {
      if (stream === SYSTEMERR) throw new StreamError(`error from daemon in stream: ${data.toString('utf8')}`);
      this.onFrame(stream, data);
    }
  }

  /** Bytes of an incomplete frame left at the end of the stream. */
  get leftover(): number {
    return this.#decoder.pending;
  }
}
