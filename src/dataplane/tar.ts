/**
 * @module dataplane/tar
 * Unpacking tar archives with GNU tar. The input (a stream or a file) is decompressed here, not by
 * tar, so that the sha256 of the uncompressed bytes (a layer's DiffID) comes for free: gzip
 * through zlib, bzip2/xz/zstd through their own binaries. tar runs with `--numeric-owner`
 * (ownership by number, never by the host's user names) and keeps security.capability and
 * user.* extended attributes, which is what images carry.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { invalidParameter } from '../lib/errors.js';
import { ExecError, spawnProcess } from './exec.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export interface ExtractResult {
  /** "sha256:<hex>" of the uncompressed tar stream. */
  diffId: string;
  /** Bytes of the uncompressed tar stream. */
  size: number;
  compression: Compression;
}

const TAR_EXTRACT = [
  'tar', '-x', '-f', '-', '--numeric-owner', '--same-owner', '--same-permissions',
  '--xattrs', '--xattrs-include=security.capability', '--xattrs-include=user.*',
];

const DECOMPRESSORS: Record<Exclude<Compression, 'none' | 'gzip'>, string[]> = {
  bzip2: ['bzip2', '-dc'],
  xz: ['xz', '-dc'],
  zstd: ['zstd', '-dcq'],
};

const MAX_STDERR = 64 * 1024;

/** The compression of a stream from its first bytes (magic numbers). */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/**
 * Extract a tar archive (plain or compressed) into `dest`, which must exist. Resolves when tar
 * has finished and every input byte was read; rejects with tar's complaint otherwise.
 */
export async function extractTar(input: NodeJS.ReadableStream | string, dest: string): Promise<ExtractResult> {
  const source = typeof input === 'string' ? createReadStream(input) : input;
  const { head, rest } = await peek(source, 6);
  const compression = detectCompression(head);
  const decompressor = decompress(compression, rest);

  const tar = spawnProcess(TAR_EXTRACT, { cwd: dest, stdio: ['pipe', 'ignore', 'pipe'] });
  const tarDone = waitFor(tar, TAR_EXTRACT);
  const hash = createHash('sha256');
  let size = 0;
  let tarOpen = true;
  tar.stdin!.on('error', () => (tarOpen = false)); // tar may stop reading after the end-of-archive blocks
  try {
    for await (const chunk of decompressor.stream) {
      hash.update(chunk);
      size += chunk.length;
      if (tarOpen && !tar.stdin!.write(chunk)) await drained(tar);
    }
    tar.stdin!.end();
    await decompressor.done;
  } catch (err) {
    tar.kill('SIGKILL');
    decompressor.kill();
    await Promise.allSettled([tarDone, decompressor.done]);
    throw invalidParameter(`unpacking archive: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  await tarDone;
  return { diffId: `sha256:${hash.digest('hex')}`, size, compression };
}

/** Read at least `bytes` bytes (or everything, if shorter), then give back a stream of the whole. */
async function peek(source: NodeJS.ReadableStream, bytes: number): Promise<{ head: Buffer; rest: Readable }> {
  const iterator = (source as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    first.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(first);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { head, rest: Readable.from(all(), { objectMode: false }) };
}

interface Decompressor {
  stream: AsyncIterable<Buffer>;
  /** Settles when the decompressor has finished; rejects if it failed. */
  done: Promise<void>;
  kill(): void;
}

function decompress(compression: Compression, source: Readable): Decompressor {
  if (compression === 'none') return { stream: source, done: Promise.resolve(), kill: () => source.destroy() };
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    pipeline(source, gunzip, () => undefined); // an error destroys gunzip, which the reader sees
    return { stream: gunzip, done: Promise.resolve(), kill: () => gunzip.destroy() };
  }
  const argv = DECOMPRESSORS[compression];
  const child = spawnProcess(argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const done = waitFor(child, argv);
  child.stdin!.on('error', () => undefined); // reported through the exit status instead
  pipeline(source, child.stdin!, () => undefined);
  return { stream: child.stdout!, done, kill: () => child.kill('SIGKILL') };
}

function drained(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const stdin = child.stdin!;
    const finish = () => {
      stdin.off('drain', finish);
      stdin.off('close', finish);
      resolve();
    };
    stdin.on('drain', finish);
    stdin.on('close', finish);
  });
}

function waitFor(child: ChildProcess, argv: string[]): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += b.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new ExecError(argv, null, '', `${argv[0]}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new ExecError(argv, code, stderr + (signal ? `killed by ${signal}` : '')));
    });
  });
}
