/**
 * @module runtime/shim-protocol
 * Frames spoken on a berth-shim's attach socket: an 8-byte header `[type u8, 0, 0, 0, length u32 BE]`
 * then the payload. The layout is Docker's multiplexed stream, so stdout/stderr frames can be passed
 * to docker clients unchanged. Pure: no I/O.
 */

export const HEADER_SIZE = 8;

export const FrameType = {
  /** client -> shim: bytes for the process's stdin */
  stdin: 0,
  /** shim -> client: process output (with a tty, all output is stdout) */
  stdout: 1,
  stderr: 2,
  /** shim -> client: optional JSON status text */
  status: 3,
  /** shim -> client: the decimal exit code (signals as 128+n); the shim then closes */
  exit: 4,
  /** shim -> client: answer to START; empty payload = ok, else the error text */
  startResult: 5,
  /** client -> shim: close the process's stdin (ignored with a tty) */
  closeStdin: 6,
  /** client -> shim: "rows cols" in ASCII */
  resize: 7,
  /** client -> shim: start the created container (run mode) or run the exec process (exec mode) */
  start: 8,
} as const;

export type FrameTypeNumber = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  type: number;
  payload: Buffer;
}

/** Payloads larger than this are split by `encodeFrames` (the shim streams stdin, any size works). */
export const MAX_PAYLOAD = 1 << 20;

export function encodeFrame(type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new RangeError(`frame type ${type} out of range`);
  if (body.length > 0xffffffff) throw new RangeError('frame payload too large');
  const header = Buffer.alloc(HEADER_SIZE);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Frames of at most `MAX_PAYLOAD` bytes each carrying `data`; one empty frame for empty data. */
export function encodeFrames(type: number, data: Buffer, max = MAX_PAYLOAD): Buffer[] {
  if (data.length <= max) return [encodeFrame(type, data)];
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += max) out.push(encodeFrame(type, data.subarray(at, at + max)));
  return out;
}

export function encodeResize(rows: number, cols: number): Buffer {
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (!ok(rows) || !ok(cols)) throw new RangeError(`invalid terminal size ${rows}x${cols}`);
  return encodeFrame(FrameType.resize, `${rows} ${cols}`);
}

/** The exit frame's payload as a number; NaN-safe: anything unparsable is 255. */
export function decodeExitCode(payload: Buffer): number {
  const text = payload.toString('ascii').trim();
  return /^\d+$/.test(text) ? Number(text) : 255;
}

/**
 * Incremental decoder: feed socket chunks in any split, get whole frames out. Keeps at most one
 * partial frame buffered.
 */
export class FrameDecoder {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (buf.length >= HEADER_SIZE) {
      const length = buf.readUInt32BE(4);
      if (buf.length < HEADER_SIZE + length) break;
      // Copy so a frame never pins the (possibly large) chunk it came in.
      frames.push({ type: buf[0]!, payload: Buffer.from(buf.subarray(HEADER_SIZE, HEADER_SIZE + length)) });
      buf = buf.subarray(HEADER_SIZE + length);
    }
    this.#pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}
