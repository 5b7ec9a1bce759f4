/**
 * @module api/inject
 * In-process requests, no socket (fastify's `inject`): routing, status codes, headers and bodies
 * exactly as the server would render them. Streams are collected until they end (or `signal`
 * aborts); a hijack runs against `stdin` and collects what the handler wrote.
 */
import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { HijackedConnection } from './context.js';
import type { Dispatcher, Headers } from './dispatch.js';
import { pump } from './respond.js';
import { frameHeader, type StreamId } from './stdcopy.js';

export interface InjectOptions {
  method?: string;
  /** Path and query, e.g. "/v1.51/containers/json?all=1". */
  url: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON (with Content-Type application/json). */
  body?: unknown;
  /** For hijacked routes: what the client sends after the request; it then half-closes. */
  stdin?: Buffer | string;
  signal?: AbortSignal;
}

export interface InjectResponse {
  status: number;
  /** Lower-cased names, as node's client reports them. */
  headers: Record<string, string>;
  body: string;
  raw: Buffer;
  json<T = unknown>(): T;
}

export async function inject(dispatcher: Dispatcher, opts: InjectOptions): Promise<InjectResponse> {
  const { headers, body } = requestOf(opts);
  const signal = opts.signal ?? new AbortController().signal;
  const method = (opts.method ?? 'GET').toUpperCase();
  const outcome = await dispatcher.dispatch({
    method,
    url: opts.url,
    headers,
    body: () => Readable.from(body.length ? [body] : []),
    signal,
  });
  if (outcome.kind === 'buffer') return response(outcome.status, outcome.headers, method === 'HEAD' ? Buffer.alloc(0) : outcome.body);
  const chunks: Buffer[] = [];
  if (outcome.kind === 'stream') {
    const gone = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await pump(outcome.stream, (c) => chunks.push(c) > 0, async () => {}, () => signal.aborted, gone);
    return response(outcome.status, outcome.headers, Buffer.concat(chunks));
  }
  const conn = new MemoryConnection(opts.stdin, chunks);
  try {
    await outcome.run(conn);
  } finally {
    conn.end();
  }
  return response(outcome.status, outcome.headers, Buffer.concat(chunks));
}

function requestOf(opts: InjectOptions): { headers: IncomingHttpHeaders; body: Buffer } {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name.toLowerCase()] = value;
  let body = Buffer.alloc(0);
  if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = Buffer.from(opts.body);
  else if (opts.body !== undefined) {
    body = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
  }
  if (body.length) headers['content-length'] ??= String(body.length);
  return { headers, body };
}

function response(status: number, headers: Headers, raw: Buffer): InjectResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: lower, raw, body: raw.toString('utf8'), json: <T>() => JSON.parse(raw.toString('utf8')) as T };
}

/** A hijacked connection in memory: stdin given up front, output collected. */
class MemoryConnection implements HijackedConnection {
  readonly input: Readable;
  readonly closed: Promise<void>;
  #output: Buffer[];
  #ended = false;
  #close!: () => void;

  constructor(stdin: Buffer | string | undefined, output: Buffer[]) {
    this.input = Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]);
    this.#output = output;
    this.closed = new Promise((resolve) => (this.#close = resolve));
  }

  write(data: Buffer): boolean {
    if (!this.#ended) this.#output.push(Buffer.from(data));
    return true;
  }

  writeFrame(stream: StreamId, data: Buffer): boolean {
    if (data.length) this.write(Buffer.concat([frameHeader(stream, data.length), data]));
    return true;
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#close();
  }
}
