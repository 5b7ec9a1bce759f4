/**
 * @module api/handlers/streams
 * Container output on the wire: raw bytes for TTY containers, Docker's multiplexed frames
 * (8-byte header: stream, 0, 0, 0, length) otherwise.
 */
import type { OutputSink } from '../../engine/io.js';
import type { LogRecord } from '../../runtime/logs.js';
import type { HijackedConnection } from '../router.js';
import { encodeFrame } from '../stdcopy.js';

export function sinkFor(conn: HijackedConnection, tty: boolean): OutputSink {
  return {
    write: (stream, data) => (tty ? conn.write(data) : conn.writeFrame(stream, data)),
    end: () => conn.end(),
  };
}

/** RFC3339Nano of a nanosecond timestamp, as `docker logs -t` prints it. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const iso = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${iso}${frac ? '.' + frac : ''}Z`;
}

export async function* logStream(
  records: AsyncIterable<LogRecord>,
  opts: { tty: boolean; stdout: boolean; stderr: boolean; timestamps: boolean },
): AsyncIterable<Buffer> {
  for await (const rec of records) {
    if ((rec.stream === 1 && !opts.stdout) || (rec.stream === 2 && !opts.stderr)) continue;
    let data = rec.data;
    if (opts.timestamps) data = prefixLines(data, `${rfc3339Nano(rec.time)} `);
    yield opts.tty ? data : encodeFrame(rec.stream, data);
  }
}

/** Timestamp every line of a chunk (Docker's json-file logs keep one record per line). */
function prefixLines(data: Buffer, prefix: string): Buffer {
  const text = data.toString();
  const lines = text.split(/(?<=\n)/);
  return Buffer.from(lines.map((l) => prefix + l).join(''));
}
