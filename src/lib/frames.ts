/**
 * @module frames
 * The 8-byte frame layout berth uses on every stream: `[type, 0, 0, 0, length u32 big-endian]`
 * then `length` bytes. It is Docker's multiplexed stdio format (type = stream id), and the shim's
 * attach protocol reuses it so stdout/stderr frames pass to docker clients unchanged.
 */

export const FRAME_HEADER_SIZE = 8;
const MAX_LENGTH = 0xffff_ffff;

export interface RawFrame {
  type: number;
  payload: Buffer;
}

export function frameHeader(type: number, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > MAX_LENGTH) throw new RangeError(`frame length ${length} out of range`);
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = type;
  header.writeUInt32BE(length, 4);
  return header;
}

export function encodeFrame(type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([frameHeader(type, body.length), body]);
}

/**
 * Incremental decoder: feed chunks split anywhere, take whole frames out. At most one partial
 * frame stays buffered; payloads are copied so a frame never pins the large chunk it came in.
 */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RawFrame[] {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: RawFrame[] = [];
    while (buf.length >= FRAME_HEADER_SIZE) {
      const length = buf.readUInt32BE(4);
      if (buf.length < FRAME_HEADER_SIZE + length) break;
      frames.push({ type: buf[0]!, payload: Buffer.from(buf.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + length)) });
      buf = buf.subarray(FRAME_HEADER_SIZE + length);
    }
    this.#pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.#pending.length;
  }
}
