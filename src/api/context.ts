/**
 * @module api/context
 * What a route handler sees of a request (RequestContext) and what it answers (Reply). Handlers
 * never touch node:http: the same handler serves a unix socket, an upgraded connection and
 * in-process `inject` calls.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { boolParam, checkJsonContentType, intParam, parseFilters, parseJsonBody } from './params.js';
import { versionAtLeast } from './versions.js';
import type { StreamId } from './stdcopy.js';

export interface RequestContext {
  method: string;
  /** Decoded path without the /v1.NN prefix. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The version the client asked for in its path, or the server's current one. */
  apiVersion: string;
  headers: IncomingHttpHeaders;
  /** The body as JSON (httputils.ReadJSON rules): empty is `{}`, bad JSON is a 400. */
  json<T = Record<string, unknown>>(): Promise<T>;
  /** The raw body (tar uploads). Reading it and json() are exclusive. */
  bodyStream(): Readable;
  /** Docker's `filters` query parameter, both JSON forms; bad JSON is a 400 "invalid filter". */
  filters(): Map<string, string[]>;
  /** httputils.BoolValueOrDefault. */
  boolQuery(name: string, dflt?: boolean): boolean;
  /** httputils.Int64ValueOrDefault: absent or empty gives the default, junk is a 400. */
  intQuery(name: string, dflt?: number): number;
  versionAtLeast(version: string): boolean;
  /** Aborted when the client goes away before the reply is complete (and when the server closes). */
  signal: AbortSignal;
}

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';
export type HijackContentType = typeof RAW_STREAM | typeof MULTIPLEXED_STREAM;

/** A JSON answer; `json` undefined means an empty body (204, or 200 with nothing to say). */
export interface JsonReply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** A complete non-JSON body (text, a small file). */
export interface BodyReply {
  status: number;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

/** A body sent as it is produced: headers go out at once, each chunk is flushed (logs -f, events, wait). */
export interface StreamReply {
  status: number;
  stream: AsyncIterable<Buffer | string> | Readable;
  contentType: string;
  headers?: Record<string, string>;
}

/**
 * Take over the connection (attach, exec start): the server answers `101 UPGRADED` (or `200 OK`
 * to a client that did not ask to upgrade), then calls `hijack`; the connection is ended when the
 * returned promise settles.
 */
export interface HijackReply {
  hijack: (conn: HijackedConnection) => Promise<void>;
  contentType: HijackContentType;
  headers?: Record<string, string>;
}

export type Reply = JsonReply | BodyReply | StreamReply | HijackReply;
export type Handler = (ctx: RequestContext) => Promise<Reply>;

export interface HijackedConnection {
  /** Client -> daemon bytes (stdin); ends when the client half-closes (CloseWrite) or goes away. */
  input: Readable;
  /** Raw bytes to the client; false asks the writer to wait for drain(). */
  write(data: Buffer): boolean;
  drain(): Promise<void>;
  /** One multiplexed frame (stdcopy); empty data writes nothing. Returns what write() would. */
  writeFrame(stream: StreamId, data: Buffer): boolean;
  /** Finish writing and close the connection (idempotent). */
  end(): void;
  /** Resolves when the connection is closed (the client went away, or end() completed). */
  closed: Promise<void>;
}

export interface ContextInit {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  headers: IncomingHttpHeaders;
  body: () => Readable;
  signal: AbortSignal;
}

export function createRequestContext(init: ContextInit): RequestContext {
  let json: Promise<unknown> | undefined;
  let filters: Map<string, string[]> | undefined;
  return {
    method: init.method,
    path: init.path,
    params: init.params,
    query: init.query,
    apiVersion: init.apiVersion,
    headers: init.headers,
    json<T>(): Promise<T> {
      json ??= (async () => {
        checkJsonContentType(init.headers);
        return parseJsonBody(await readAll(init.body()));
      })();
      return json as Promise<T>;
    },
    bodyStream: () => init.body(),
    filters: () => (filters ??= parseFilters(init.query.get('filters'))),
    boolQuery: (name, dflt = false) => boolParam(init.query, name, dflt),
    intQuery: (name, dflt = 0) => intParam(init.query, name, dflt),
    versionAtLeast: (version) => versionAtLeast(init.apiVersion, version),
    signal: init.signal,
  };
}

export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
