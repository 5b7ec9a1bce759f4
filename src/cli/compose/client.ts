/**
 * @module compose/client
 * The little Engine API client compose needs: JSON requests over the daemon's unix socket, the
 * version negotiated from `/_ping` (min of ours and the daemon's), daemon errors as BerthError of
 * the kind their status says, carrying the daemon's message. Self-contained on purpose; the CLI's
 * general client can replace it.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { BerthError, unavailable, type ErrorKind } from '../../lib/errors.js';

/** The newest Engine API version this client speaks. */
export const CLIENT_API_VERSION = '1.51';

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'invalidParameter',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  501: 'notImplemented',
  503: 'unavailable',
};

const fromDaemon = new WeakSet<Error>();

/** Whether an error is a daemon's answer (the CLI prints it as "Error response from daemon: ..."). */
export function isDaemonError(err: unknown): err is BerthError {
  return err instanceof BerthError && fromDaemon.has(err);
}

/** How compose shows an error: daemon errors with docker's prefix, others as they are. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return isDaemonError(err) ? `Error response from daemon: ${message}` : message;
}

/** `<context>: <error as compose shows it>`, keeping the error's kind. */
export function withContext(err: unknown, context: string): BerthError {
  const kind = err instanceof BerthError ? err.kind : 'system';
  return new BerthError(kind, `${context}: ${describeError(err)}`, { cause: err });
}

export type Query = Record<string, string | number | boolean | undefined>;

/** Docker's `filters` query parameter: `{"label":{"a=b":true}}`. */
export function filtersParam(filters: Record<string, string[]>): string {
  const out: Record<string, Record<string, boolean>> = {};
  for (const [key, values] of Object.entries(filters)) out[key] = Object.fromEntries(values.map((v) => [v, true]));
  return JSON.stringify(out);
}

export interface EngineResponse<T> {
  status: number;
  body: T;
}

export class EngineClient {
  readonly #socketPath: string;
  #version: string | undefined;

  constructor(socketPath: string, version?: string) {
    this.#socketPath = socketPath;
    this.#version = version;
  }

  /** The API version in use: negotiated on first use unless given. */
  async apiVersion(): Promise<string> {
    if (this.#version) return this.#version;
    const res = await this.#send('GET', '/_ping', undefined);
    const server = String(res.headers['api-version'] ?? '');
    this.#version = server && versionLess(server, CLIENT_API_VERSION) ? server : CLIENT_API_VERSION;
    return this.#version;
  }

  get<T>(path: string, query?: Query): Promise<EngineResponse<T>> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<EngineResponse<T>> {
    return this.request<T>('POST', path, { body, query });
  }

  delete<T>(path: string, query?: Query): Promise<EngineResponse<T>> {
    return this.request<T>('DELETE', path, { query });
  }

  /** One request under `/v<version>`; statuses ≥ 400 throw, 304 is returned. */
  async request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<EngineResponse<T>> {
    const version = await this.apiVersion();
    const res = await this.#send(method, `/v${version}${path}${queryString(opts.query)}`, opts.body);
    const text = res.text;
    if (res.status >= 400) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      const err = new BerthError(KIND_BY_STATUS[res.status] ?? 'system', message || `HTTP ${res.status}`);
      fromDaemon.add(err);
      throw err;
    }
    let body: unknown = undefined;
    if (text && /json/.test(String(res.headers['content-type'] ?? 'application/json'))) body = JSON.parse(text);
    return { status: res.status, body: body as T };
  }

  /** A raw streaming GET/POST (logs): the response, left unread. */
  async stream(method: string, path: string, query?: Query): Promise<IncomingMessage> {
    const version = await this.apiVersion();
    return new Promise((resolve, reject) => {
      const req = httpRequest({ socketPath: this.#socketPath, method, path: `/v${version}${path}${queryString(query)}` }, resolve);
      req.on('error', (err) => reject(this.#connectError(err)));
      req.end();
    });
  }

  #send(method: string, path: string, body: unknown): Promise<{ status: number; headers: IncomingMessage['headers']; text: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          socketPath: this.#socketPath,
          method,
          path,
          headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(this.#connectError(err)));
      req.end(payload);
    });
  }

  #connectError(err: Error & { code?: string }): Error {
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES') {
      return unavailable(`Cannot connect to the Docker daemon at unix://${this.#socketPath}. Is the docker daemon running?`, err);
    }
    return err;
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** a < b for dotted API versions ("1.9" < "1.10"). */
export function versionLess(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (p !== q) return p < q;
  }
  return false;
}
