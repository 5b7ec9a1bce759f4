/**
 * @module api/dispatch
 * One request through the API, independent of the transport: route (ignoring `/v1.NN`), check the
 * version, run the handler, and turn its reply or error into an Outcome that the socket server,
 * the upgrade path and `inject` all render the same way (moby `server.go` makeHTTPHandler).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errorMessage, httpStatus, invalidParameter } from '../lib/errors.js';
import { log } from '../lib/log.js';
import {
  createRequestContext,
  MULTIPLEXED_STREAM,
  RAW_STREAM,
  type HijackedConnection,
  type Reply,
  type RequestContext,
} from './context.js';
import type { Router } from './router.js';
import { checkApiVersion, versionLessThan } from './versions.js';

export interface ServerVersion {
  /** Newest API version served, and the default for unprefixed paths ("1.51"). */
  api: string;
  /** Oldest API version accepted ("1.24"). */
  minApi: string;
  /** berth's own version, for the `Server` header. */
  server?: string;
  /** `Docker-Experimental` header; false unless set. */
  experimental?: boolean;
  /** `Builder-Version` header on /_ping: "1" is the classic builder ("2" would announce BuildKit). */
  builderVersion?: string;
}

export interface ApiRequest {
  method: string;
  /** Request target as sent: path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: () => Readable;
  signal: AbortSignal;
}

export type Headers = Record<string, string>;

export type Outcome =
  | { kind: 'buffer'; status: number; headers: Headers; body: Buffer }
  | { kind: 'stream'; status: number; headers: Headers; stream: AsyncIterable<Buffer | string>; label: string }
  | { kind: 'hijack'; status: 101 | 200; headers: Headers; run: (conn: HijackedConnection) => Promise<void>; label: string };

const JSON_TYPE = 'application/json';

export class Dispatcher {
  readonly version: Required<ServerVersion>;
  #router: Router;

  constructor(router: Router, version: ServerVersion) {
    if (versionLessThan(version.api, version.minApi)) {
      throw new Error(`invalid API version: the minimum API version (${version.minApi}) is higher than the default version (${version.api})`);
    }
    this.#router = router;
    this.version = {
      api: version.api,
      minApi: version.minApi,
      server: version.server ?? '0.0.0',
      experimental: version.experimental ?? false,
      builderVersion: version.builderVersion ?? '1',
    };
  }

  /** Headers on every response (moby's version and experimental middlewares). */
  baseHeaders(): Headers {
    return {
      'Api-Version': this.version.api,
      'Docker-Experimental': String(this.version.experimental),
      Ostype: 'linux',
      Server: `berth/${this.version.server} (linux)`,
    };
  }

  async dispatch(req: ApiRequest): Promise<Outcome> {
    const method = req.method.toUpperCase();
    let target: Target;
    try {
      target = parseTarget(req.url);
    } catch (err) {
      return this.#errorOutcome(err, method, req.url, undefined);
    }
    const match = this.#router.match(method, target.path);
    if (!match) return this.#jsonOutcome(404, { message: 'page not found' });
    const label = `${method} ${target.path}`;
    try {
      const apiVersion = target.version ?? this.version.api;
      checkApiVersion(apiVersion, this.version);
      const ctx = createRequestContext({
        method,
        path: target.path,
        params: match.params,
        query: target.query,
        apiVersion,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      const reply = await match.route.handler(ctx);
      return this.#replyOutcome(reply, ctx, req.headers, label);
    } catch (err) {
      return this.#errorOutcome(err, method, target.path, target.version, req.signal.aborted);
    }
  }

  #replyOutcome(reply: Reply, ctx: RequestContext, headers: IncomingHttpHeaders, label: string): Outcome {
    if ('hijack' in reply) {
      const upgrade = headers.upgrade !== undefined;
      // moby labels the stream multiplexed only for upgraded clients speaking API >= 1.42.
      const multiplexed = upgrade && reply.contentType === MULTIPLEXED_STREAM && ctx.versionAtLeast('1.42');
      const head: Headers = { 'Content-Type': multiplexed ? MULTIPLEXED_STREAM : RAW_STREAM };
      if (upgrade) Object.assign(head, { Connection: 'Upgrade', Upgrade: 'tcp' });
      return { kind: 'hijack', status: upgrade ? 101 : 200, headers: { ...head, ...this.baseHeaders(), ...reply.headers }, run: reply.hijack, label };
    }
    if ('stream' in reply) {
      const headers = { ...this.baseHeaders(), 'Content-Type': reply.contentType, ...reply.headers };
      return { kind: 'stream', status: reply.status, headers, stream: reply.stream, label };
    }
    if ('body' in reply) {
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
      return bufferOutcome(reply.status, { ...this.baseHeaders(), 'Content-Type': reply.contentType, ...reply.headers }, body);
    }
    if (reply.json === undefined) return bufferOutcome(reply.status, { ...this.baseHeaders(), ...reply.headers }, Buffer.alloc(0));
    return this.#jsonOutcome(reply.status, reply.json, reply.headers);
  }

  #jsonOutcome(status: number, value: unknown, extra?: Headers): Outcome {
    // Go's json.Encoder ends every document with a newline; clients show it as sent.
    const body = Buffer.from(JSON.stringify(value) + '\n');
    return bufferOutcome(status, { ...this.baseHeaders(), 'Content-Type': JSON_TYPE, ...extra }, body);
  }

  #errorOutcome(err: unknown, method: string, path: string, version: string | undefined, clientGone = false): Outcome {
    const status = httpStatus(err);
    const message = errorMessage(err);
    // A handler failing because its client went away (a body cut short) is not the daemon's fault.
    if (status >= 500) (clientGone ? log.debug : log.error)(`Handler for ${method} ${path} returned error: ${message}`, err);
    if (version !== undefined && versionLessThan(version, '1.24')) {
      // Clients older than 1.24 expect plain-text errors (moby server.go).
      const headers = { ...this.baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
      return bufferOutcome(status, headers, Buffer.from(message + '\n'));
    }
    return this.#jsonOutcome(status, { message });
  }
}

/** 204, 304 and 1xx carry no body (Go drops it); everything else says its length. */
function bufferOutcome(status: number, headers: Headers, body: Buffer): Outcome {
  if (status === 204 || status === 304 || status < 200) return { kind: 'buffer', status, headers, body: Buffer.alloc(0) };
  return { kind: 'buffer', status, headers: { ...headers, 'Content-Length': String(body.length) }, body };
}

interface Target {
  path: string;
  version?: string;
  query: URLSearchParams;
}

/** Split "/v1.51/containers/x%20y/json?all=1" into decoded path, version and query (Go's URL.Path). */
export function parseTarget(url: string): Target {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw invalidParameter(`invalid URL escape in ${JSON.stringify(rawPath)}`);
  }
  if (!path.startsWith('/')) path = '/' + path;
  const prefixed = /^\/v([0-9.]+)(\/.*)$/.exec(path);
  return prefixed ? { path: prefixed[2]!, version: prefixed[1]!, query } : { path, query };
}
