/**
 * @module cli/client
 * The berth CLI's Engine API client: HTTP over the daemon's unix socket (or tcp), API version
 * negotiation from `/_ping` (HEAD, then GET), JSON requests, streamed responses, and hijacked
 * connections for attach/exec (`Connection: Upgrade`, `Upgrade: tcp`, 101). Daemon errors become
 * DaemonError("Error response from daemon: <message>"); an unreachable daemon a ConnectionError
 * worded like docker's.
 */
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';

/** The newest Engine API version this CLI speaks. */
export const CLIENT_API_VERSION = '1.51';
/** What the daemon is assumed to speak when /_ping says nothing (docker's fallback). */
const FALLBACK_API_VERSION = '1.24';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/** An error status from the daemon; `message` reads "Error response from daemon: ...". */
export class DaemonError extends Error {
  override readonly name = 'DaemonError';
  constructor(
    readonly status: number,
    readonly daemonMessage: string,
  ) {
    super(`Error response from daemon: ${daemonMessage}`);
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

/** The daemon could not be reached. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

export interface PingInfo {
  apiVersion: string;
  osType: string;
  experimental: boolean;
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (tar archives): streamed with chunked encoding. */
  raw?: Readable | Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Hijacked {
  socket: Duplex;
  /** Bytes that arrived with the 101 response. */
  head: Buffer;
  /** The daemon said `application/vnd.docker.multiplexed-stream` (8-byte frame headers). */
  multiplexed: boolean;
}

/** Where the daemon listens, parsed from `-H`/`BERTH_HOST`. */
export interface Endpoint {
  /** As the user wrote it (normalised), for messages: unix:///run/berth/berth.sock */
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

/** docker's host syntax: unix:///path, tcp://host:port (also a bare absolute socket path). */
export function parseEndpoint(spec: string): Endpoint {
  const s = spec.trim();
  if (s.startsWith('unix://')) {
    const path = s.slice('unix://'.length);
    if (!path) throw new Error(`invalid bind address (${spec}): path is empty`);
    return { url: s, socketPath: path };
  }
  if (s.startsWith('/')) return { url: `unix://${s}`, socketPath: s };
  const tcp = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)?(?::(\d+))?\/?$/.exec(s);
  if (tcp) {
    const host = (tcp[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
    const port = Number(tcp[2] ?? 2375);
    return { url: `tcp://${tcp[1] ?? '127.0.0.1'}:${port}`, host, port };
  }
  throw new Error(`Invalid bind address format: ${spec}`);
}

/** a < b for dotted API versions ("1.9" < "1.10"). */
export function versionLess(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted, repeated keys kept, booleans as 1/0. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const v = query[key];
    if (v === undefined || v === null) continue;
    const values = Array.isArray(v) ? v : [typeof v === 'boolean' ? (v ? '1' : '0') : String(v)];
    for (const one of values) parts.push(`${queryEscape(key)}=${queryEscape(one)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Keep references (names with '/', digests with ':') readable in paths; escape only what breaks a URL. */
function escapePath(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~:@/+=,;!$&'()*]/g, (c) => encodeURIComponent(c));
}

export class ApiClient {
  readonly endpoint: Endpoint;
  readonly #userAgent: string;
  #version: string | undefined;
  #ping: Promise<PingInfo> | undefined;

  constructor(endpoint: Endpoint, opts: { version?: string; userAgent?: string } = {}) {
    this.endpoint = endpoint;
    this.#version = opts.version;
    this.#userAgent = opts.userAgent ?? 'berth-cli';
  }

  /** HEAD /_ping, falling back to GET (docker's client does the same); cached. */
  ping(): Promise<PingInfo> {
    this.#ping ??= this.#doPing();
    return this.#ping;
  }

  async #doPing(): Promise<PingInfo> {
    let res = await this.#send('HEAD', '/_ping', {}).catch((err: unknown) => {
      if (err instanceof ConnectionError) throw err;
      return undefined;
    });
    if (!res || (res.status !== 200 && res.status !== 500)) res = await this.#send('GET', '/_ping', {});
    const header = (name: string) => String(res!.headers[name] ?? '');
    return {
      apiVersion: header('api-version') || FALLBACK_API_VERSION,
      osType: header('ostype') || 'linux',
      experimental: header('docker-experimental') === 'true',
    };
  }

  /** The version used in paths: min(ours, the daemon's). */
  async apiVersion(): Promise<string> {
    if (this.#version) return this.#version;
    const server = (await this.ping()).apiVersion;
    this.#version = versionLess(server, CLIENT_API_VERSION) ? server : CLIENT_API_VERSION;
    return this.#version;
  }

  /** A request under /v<version>; statuses >= 400 throw DaemonError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    const res = await this.#send(method, await this.#versioned(path, opts.query), opts);
    if (res.status >= 400) throw daemonError(res.status, res.body, res.headers);
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    return (res.body.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, { query });
  }

  post<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.json<T>('POST', path, opts);
  }

  /** A request whose response is read as it arrives (logs, events, load progress). */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const full = await this.#versioned(path, opts.query);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.#open(method, full, opts);
      req.on('response', resolve);
      req.on('error', (err) => reject(this.#connectError(err)));
      this.#writeBody(req, opts);
    });
    if ((res.statusCode ?? 0) >= 400) throw daemonError(res.statusCode ?? 0, await readAll(res), res.headers);
    return res;
  }

  /** POST with `Connection: Upgrade`: the raw connection after `101 UPGRADED`. */
  async hijack(path: string, opts: RequestOptions = {}): Promise<Hijacked> {
    const full = await this.#versioned(path, opts.query);
    return new Promise<Hijacked>((resolve, reject) => {
      const req = this.#open('POST', full, { ...opts, headers: { ...opts.headers, Connection: 'Upgrade', Upgrade: 'tcp' } });
      req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
        (socket as Duplex & { setTimeout?: (ms: number) => void }).setTimeout?.(0);
        resolve({ socket, head, multiplexed: String(res.headers['content-type'] ?? '').includes('multiplexed') });
      });
      req.on('response', (res: IncomingMessage) => {
        readAll(res).then((body) => {
          if ((res.statusCode ?? 0) >= 400) reject(daemonError(res.statusCode ?? 0, body, res.headers));
          else reject(new Error(`the daemon did not upgrade the connection (status ${res.statusCode})`));
        }, reject);
      });
      req.on('error', (err) => reject(this.#connectError(err)));
      this.#writeBody(req, opts);
    });
  }

  async #versioned(path: string, query: Query | undefined): Promise<string> {
    return `/v${await this.apiVersion()}${escapePath(path)}${encodeQuery(query)}`;
  }

  #open(method: string, path: string, opts: RequestOptions): ClientRequest {
    const headers: Record<string, string | number> = { 'User-Agent': this.#userAgent, ...opts.headers };
    if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
    else if (opts.raw !== undefined) headers['Content-Type'] ??= 'application/x-tar';
    const where = this.endpoint.socketPath ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.host, port: this.endpoint.port };
    return httpRequest({ ...where, method, path, headers, agent: false, ...(opts.signal ? { signal: opts.signal } : {}) });
  }

  #writeBody(req: ClientRequest, opts: RequestOptions): void {
    if (opts.json !== undefined) {
      const body = Buffer.from(JSON.stringify(opts.json) + '\n');
      req.setHeader('Content-Length', body.length);
      req.end(body);
    } else if (Buffer.isBuffer(opts.raw)) {
      req.setHeader('Content-Length', opts.raw.length);
      req.end(opts.raw);
    } else if (opts.raw) {
      opts.raw.on('error', (err) => req.destroy(err));
      opts.raw.pipe(req);
    } else {
      if (req.method !== 'GET' && req.method !== 'HEAD') req.setHeader('Content-Length', 0);
      req.end();
    }
  }

  #send(method: string, path: string, opts: RequestOptions): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = this.#open(method, path, opts);
      req.on('response', (res) => {
        readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), reject);
      });
      req.on('error', (err) => reject(this.#connectError(err)));
      this.#writeBody(req, opts);
    });
  }

  #connectError(err: Error & { code?: string }): Error {
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ENOTSOCK') {
      return new ConnectionError(`Cannot connect to the berth daemon at ${this.endpoint.url}. Is the berth daemon running?`);
    }
    if (err.code === 'EACCES' || err.code === 'EPERM') {
      return new ConnectionError(
        `permission denied while trying to connect to the berth daemon socket at ${this.endpoint.url}: connect: permission denied`,
      );
    }
    return err;
  }
}

export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** docker's client: the JSON `message`, else the body text, else a note about the route. */
function daemonError(status: number, body: Buffer, headers: IncomingHttpHeaders): DaemonError {
  const text = body.toString('utf8').trim();
  if (String(headers['content-type'] ?? '').includes('json') || text.startsWith('{')) {
    try {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message === 'string') return new DaemonError(status, message);
    } catch {
      // not JSON after all: use the text
    }
  }
  return new DaemonError(status, text || `request returned status ${status}`);
}
