/**
 * @module runtime/logs
 * The container log file berth-shim appends to: records of a 16-byte header
 * `[stream u8 (1 stdout, 2 stderr), 0, 0, 0, length u32 BE, time u64 BE (ns since the epoch)]` and
 * the payload. One record is one read of the container's output, not a line; `tail` splits at
 * newlines because Docker counts lines.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { systemError } from '../lib/errors.js';

export interface LogRecord {
  stream: 1 | 2;
  /** nanoseconds since the epoch (CLOCK_REALTIME when the shim read the output) */
  time: bigint;
  data: Buffer;
}

export const LOG_HEADER_SIZE = 16;

/**
 * Whole records at the start of `buf`, and the incomplete tail. Record data are views into `buf`.
 * Throws on a header that cannot be one of ours (the file is corrupt or not a berth log).
 */
export function parseLogRecords(buf: Buffer): { records: LogRecord[]; rest: Buffer } {
  const records: LogRecord[] = [];
  let at = 0;
  while (buf.length - at >= LOG_HEADER_SIZE) {
    const stream = buf[at]!;
    if ((stream !== 1 && stream !== 2) || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) {
      throw systemError(`corrupt log record header at byte ${at}`);
    }
    const length = buf.readUInt32BE(at + 4);
    if (buf.length - at - LOG_HEADER_SIZE < length) break;
    const start = at + LOG_HEADER_SIZE;
    records.push({ stream, time: buf.readBigUInt64BE(at + 8), data: buf.subarray(start, start + length) });
    at = start + length;
  }
  return { records, rest: buf.subarray(at) };
}

/** Encode one record (the shim's format); for tests and tools. */
export function encodeLogRecord(record: LogRecord): Buffer {
  const header = Buffer.alloc(LOG_HEADER_SIZE);
  header[0] = record.stream;
  header.writeUInt32BE(record.data.length, 4);
  header.writeBigUInt64BE(record.time, 8);
  return Buffer.concat([header, record.data]);
}

/**
 * Splits records into lines (each ending in "\n", the last of a stream possibly unterminated). A
 * line continued in the next record of the same stream is joined and keeps its first time.
 */
export class LineSplitter {
  #partial: LogRecord | undefined;

  push(record: LogRecord): LogRecord[] {
    const out: LogRecord[] = [];
    let data = record.data;
    if (this.#partial && this.#partial.stream !== record.stream) out.push(...this.flush());
    while (data.length > 0) {
      const nl = data.indexOf(0x0a);
      const piece = nl < 0 ? data : data.subarray(0, nl + 1);
      data = data.subarray(piece.length);
      const joined: LogRecord = this.#partial
        ? { ...this.#partial, data: Buffer.concat([this.#partial.data, piece]) }
        : { stream: record.stream, time: record.time, data: piece };
      this.#partial = undefined;
      if (nl < 0) this.#partial = joined;
      else out.push(joined);
    }
    return out;
  }

  flush(): LogRecord[] {
    const partial = this.#partial;
    this.#partial = undefined;
    return partial ? [partial] : [];
  }
}

/** The last `n` items pushed. */
class Ring<T> {
  #items: T[] = [];
  #next = 0;
  constructor(readonly size: number) {}
  push(item: T): void {
    if (this.size === 0) return;
    if (this.#items.length < this.size) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.size;
  }
  items(): T[] {
    return this.#items.length < this.size ? this.#items : [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }
}

const READ_CHUNK = 64 * 1024;
const POLL_MS = 250; // when fs.watch is unavailable
const SAFETY_POLL_MS = 1000; // fs.watch can miss events (other mounts, overlay); look anyway

/** Reads whole records from a growing file, remembering where it stopped. */
class LogFileCursor {
  #fh: FileHandle | undefined;
  #offset = 0;
  #rest: Buffer = Buffer.alloc(0);

  constructor(readonly path: string) {}

  /** Records appended since the last call, in batches; nothing if the file does not exist (yet). */
  async *read(): AsyncGenerator<LogRecord[]> {
    if (!this.#fh) {
      try {
        this.#fh = await open(this.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await this.#fh.read(chunk, 0, READ_CHUNK, this.#offset);
      if (bytesRead === 0) return;
      this.#offset += bytesRead;
      const joined = this.#rest.length ? Buffer.concat([this.#rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const { records, rest } = parseLogRecords(joined);
      this.#rest = Buffer.from(rest); // copy: do not pin the whole chunk for a few bytes
      if (records.length) yield records;
    }
  }

  async close(): Promise<void> {
    await this.#fh?.close();
    this.#fh = undefined;
  }
}

/** Wakes one waiter, or remembers the wake-up for the next one. */
class Waker {
  #resolve: (() => void) | undefined;
  #pending = false;
  wake = (): void => {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    if (resolve) resolve();
    else this.#pending = true;
  };
  wait(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.#resolve = resolve));
  }
}

export interface ReadLogsOptions {
  follow: boolean;
  /** Only records at or after this time (ns). */
  since?: bigint;
  /** Only records at or before this time (ns); a later record ends the stream. */
  until?: bigint;
  /** The last N lines of what is already written (Docker applies it before since/until). */
  tail?: number;
  signal?: AbortSignal;
  /** With follow: the process exited; read what is left and end. */
  exited?: Promise<unknown>;
}

/** Initial content: all records, or with `tail` the last N lines. */
async function* initialRecords(cursor: LogFileCursor, tail: number | undefined): AsyncGenerator<LogRecord[]> {
  if (tail === undefined || tail < 0) {
    yield* cursor.read();
    return;
  }
  const splitter = new LineSplitter();
  const ring = new Ring<LogRecord>(tail);
  for await (const batch of cursor.read()) for (const record of batch) for (const line of splitter.push(record)) ring.push(line);
  for (const line of splitter.flush()) ring.push(line);
  yield ring.items();
}

/**
 * The container's log records, oldest first. With `follow`, keeps reading as the file grows until
 * `exited` resolves (then drains and ends) or `signal` aborts.
 */
export async function* readLogs(path: string, opts: ReadLogsOptions): AsyncGenerator<LogRecord> {
  const cursor = new LogFileCursor(path);
  const waker = new Waker();
  let exited = false;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = waker.wake;
  opts.signal?.addEventListener('abort', onAbort);
  try {
    if (opts.follow) {
      opts.exited?.then(
        () => ((exited = true), waker.wake()),
        () => ((exited = true), waker.wake()),
      );
      try {
        watcher = watch(path, { persistent: true }, waker.wake);
        watcher.on('error', () => undefined);
        timer = setInterval(waker.wake, SAFETY_POLL_MS);
      } catch {
        timer = setInterval(waker.wake, POLL_MS); // the file may not exist yet
      }
    }
    let batches: AsyncGenerator<LogRecord[]> = initialRecords(cursor, opts.tail);
    for (;;) {
      const last = exited; // decided before reading, so what was written before the exit is read
      for await (const batch of batches) {
        for (const record of batch) {
          if (opts.signal?.aborted) return;
          if (opts.since !== undefined && record.time < opts.since) continue;
          if (opts.until !== undefined && record.time > opts.until) return; // later ones are later still
          yield record;
        }
      }
      if (!opts.follow || last || opts.signal?.aborted) return;
      await waker.wait();
      if (opts.signal?.aborted) return;
      batches = cursor.read();
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    watcher?.close();
    if (timer) clearInterval(timer);
    await cursor.close();
  }
}
