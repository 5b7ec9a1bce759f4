/**
 * @module api/stdcopy
 * Docker's multiplexed stream format (moby `api/pkg/stdcopy`): every frame is an 8-byte header
 * `[stream, 0, 0, 0, length as uint32 big-endian]` followed by `length` bytes. Streams: 0 stdin,
 * 1 stdout, 2 stderr, 3 systemerr (an error from the daemon, ending the stream). Pure: the
 * daemon encodes with it, the CLI decodes with it.
 */

export type StreamId = 0 | 1 | 2 | 3;
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const SYSTEMERR = 3;
export const FRAME_HEADER_SIZE = 8;
const MAX_FRAME = 0xffff_ffff;

export interface Frame {
  stream: StreamId;
  data: Buffer;
}

/** The 8-byte header of a frame carrying `length` bytes. */
export function frameHeader(stream: StreamId, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME) throw new RangeError(`frame length ${length} out of range`);
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = stream;
  header.writeUInt32BE(length, 4);
  return header;
}

/** One frame: header and payload in one buffer. */
export function encodeFrame(stream: StreamId, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([frameHeader(stream, payload.length), payload]);
}

/**
 * Incremental decoder: feed it chunks as they arrive (frames may be split anywhere), take the
 * complete frames out. An unknown stream byte is an error, worded as Docker's StdCopy words it.
 */
export class FrameDecoder {
  #buffered: Buffer[] = [];
  #length = 0;

  push(chunk: Buffer): Frame[] {
    if (chunk.length) {
      this.#buffered.push(chunk);
      this.#length += chunk.length;
    }
    const frames: Frame[] = [];
    while (this.#length >= FRAME_HEADER_SIZE) {
      const head = this.#peek(FRAME_HEADER_SIZE);
      const stream = head[0]!;
      if (stream > SYSTEMERR) throw new Error(`Unrecognized input header: ${stream}`);
      const size = head.readUInt32BE(4);
      if (this.#length < FRAME_HEADER_SIZE + size) break;
      const frame = this.#take(FRAME_HEADER_SIZE + size);
      frames.push({ stream: stream as StreamId, data: frame.subarray(FRAME_HEADER_SIZE) });
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.#length;
  }

  #peek(n: number): Buffer {
    if (this.#buffered[0]!.length < n) this.#buffered = [Buffer.concat(this.#buffered)];
    return this.#buffered[0]!.subarray(0, n);
  }

  #take(n: number): Buffer {
    const all = this.#buffered.length === 1 ? this.#buffered[0]! : Buffer.concat(this.#buffered);
    this.#buffered = all.length > n ? [all.subarray(n)] : [];
    this.#length -= n;
    return all.subarray(0, n);
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
