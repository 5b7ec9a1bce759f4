/**
 * @module runtime/shim-protocol
 * Frames spoken on a berth-shim's attach socket: an 8-byte header `[type u8, 0, 0, 0, length u32 BE]`
 * then the payload. The layout is Docker's multiplexed stream, so stdout/stderr frames can be passed
 * to docker clients unchanged. Pure: no I/O.
 */

import { encodeFrame as encodeRaw, FRAME_HEADER_SIZE, type RawFrame } from '../lib/frames.js';

export { FrameDecoder } from '../lib/frames.js';
export const HEADER_SIZE = FRAME_HEADER_SIZE;

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

export type Frame = RawFrame;

/** Payloads larger than this are split by `encodeFrames` (the shim streams stdin, any size works). */
export const MAX_PAYLOAD = 1 << 20;

export function encodeFrame(type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new RangeError(`frame type ${type} out of range`);
  return encodeRaw(type, payload);
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
