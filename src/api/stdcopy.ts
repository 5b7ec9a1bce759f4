/**
 * @module api/stdcopy
 * Docker's multiplexed stream format (moby `api/pkg/stdcopy`): every frame is an 8-byte header
 * `[stream, 0, 0, 0, length as uint32 big-endian]` followed by `length` bytes. Streams: 0 stdin,
 * 1 stdout, 2 stderr, 3 systemerr (an error from the daemon, ending the stream). Pure: the
 * daemon encodes with it, the CLI decodes with it.
 */

import { encodeFrame as encodeRaw, FrameDecoder as RawDecoder, frameHeader as rawHeader } from '../lib/frames.js';

export type StreamId = 0 | 1 | 2 | 3;
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;
export { FRAME_HEADER_SIZE } from '../lib/frames.js';

export interface Frame {
  stream: StreamId;
  data: Buffer;
}

/** The 8-byte header of a frame carrying `length` bytes. */
export function frameHeader(stream: StreamId, length: number): Buffer {
  return rawHeader(stream, length);
}

/** One frame: header and payload in one buffer. */
export function encodeFrame(stream: StreamId, data: Buffer | string): Buffer {
  return encodeRaw(stream, data);
}

/**
 * Incremental decoder for Docker's streams: frames may be split anywhere; an unknown stream byte
 * is an error, worded as Docker's StdCopy words it.
 */
export class FrameDecoder {
  #raw = new RawDecoder();

  push(chunk: Buffer): Frame[] {
    return this.#raw.push(chunk).map(({ type, payload }) => {
      if (type > SYSTEMERR) throw new Error(`Unrecognized input header: ${type}`);
      return { stream: type as StreamId, data: payload };
    });
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.#raw.pending;
  }
}

/** Decode a whole multiplexed stream; a stream that ends inside a frame is an error. */
export async function* demultiplex(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<Frame> {
  const decoder = new FrameDecoder();
  for await (const chunk of source) {
    yield* decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  if (decoder.pending) throw new Error(`multiplexed stream ended inside a frame (${decoder.pending} bytes left)`);
}

/** Decode a complete buffer of frames (tests, small replies). */
export function decodeFrames(data: Buffer): Frame[] {
  const decoder = new FrameDecoder();
  const frames = decoder.push(data);
  if (decoder.pending) throw new Error(`multiplexed stream ended inside a frame (${decoder.pending} bytes left)`);
  return frames;
}
