/**
 * A fake Engine API daemon for CLI tests: a node:http server on a unix socket in a temp dir, with
 * handlers the test writes, recording every request (method, path without the /v1.NN prefix, query,
 * body); plus `run()`, which drives the CLI's main() in process with injected stdio.
 *
 *   const d = await FakeDaemon.start();
 *   d.on('GET', '/networks', (req, res) => d.json(res, 200, []));
 *   const r = await d.run(['network', 'ls']);
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { main } from './main.js';

export interface Recorded {
  method: string;
  /** The path without its /v1.NN prefix. */
  path: string;
  /** The API version in the path ("" when none). */
  version: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body parsed as JSON, if it is JSON. */
  json?: unknown;
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;
export type UpgradeHandler = (req: Recorded, socket: Socket, head: Buffer) => void;

interface Route {
  method: string;
  pattern: string | RegExp;
}

function matches(route: Route, req: Recorded): boolean {
  if (route.method !== req.method) return false;
  return typeof route.pattern === 'string' ? route.pattern === req.path : route.pattern.test(req.path);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** What stdin holds (ended after it), or a stream the test controls. */
  stdin?: string | Buffer | Readable;
  stdinTTY?: boolean;
  env?: NodeJS.ProcessEnv;
  signals?: EventEmitter;
  /** Pretend stdout is a terminal of this size. */
  tty?: { rows: number; columns: number };
}

export class FakeDaemon {
  readonly requests: Recorded[] = [];
  /** The Api-Version /_ping announces. */
  apiVersion = '1.51';
  /** Fail HEAD /_ping with 405 (old daemons): the client must fall back to GET. */
  headPingFails = false;
  readonly #routes: Array<Route & { handler: Handler }> = [];
  readonly #upgrades: Array<Route & { handler: UpgradeHandler }> = [];
  readonly #dir: string;
  readonly #server: Server;
  readonly socketPath: string;

  private constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    this.socketPath = join(this.#dir, 'fake.sock');
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', () => {});
      void readBody(req, head).then(({ rec, rest }) => {
        this.requests.push(rec);
        const route = this.#upgrades.find((r) => matches(r, rec));
        if (!route) {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{"message":"page not found"}');
          return;
        }
        socket.write(
          'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
        );
        route.handler(rec, socket, rest);
      });
    });
  }

  static async start(): Promise<FakeDaemon> {
    const d = new FakeDaemon();
    await new Promise<void>((resolve) => d.#server.listen(d.socketPath, resolve));
    return d;
  }

  on(method: string, pattern: string | RegExp, handler: Handler): this {
    this.#routes.unshift({ method, pattern, handler }); // later routes win
    return this;
  }

  onUpgrade(pattern: string | RegExp, handler: UpgradeHandler): this {
    this.#upgrades.unshift({ method: 'POST', pattern, handler });
    return this;
  }

  json(res: ServerResponse, status: number, body: unknown): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** The requests other than /_ping, as "METHOD /path?query" lines. */
  calls(): string[] {
    return this.requests.filter((r) => r.path !== '/_ping').map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { rec } = await readBody(req, Buffer.alloc(0));
    this.requests.push(rec);
    res.setHeader('Api-Version', this.apiVersion);
    res.setHeader('Ostype', 'linux');
    if (rec.path === '/_ping') {
      if (req.method === 'HEAD' && this.headPingFails) {
        res.writeHead(405);
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'OK');
      return;
    }
    const route = this.#routes.find((r) => matches(r, rec));
    if (!route) return this.json(res, 404, { message: 'page not found' });
    await route.handler(rec, res);
  }

  /** Run the CLI against this daemon; resolves when main() returns. */
  async run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const stdout = new Collector();
    const stderr = new Collector();
    let stdin: Readable;
    if (opts.stdin === undefined || typeof opts.stdin === 'string' || Buffer.isBuffer(opts.stdin)) {
      const pt = new PassThrough();
      pt.end(opts.stdin ?? '');
      stdin = pt;
    } else stdin = opts.stdin;
    if (opts.stdinTTY) Object.assign(stdin, { isTTY: true, setRawMode: () => stdin });
    if (opts.tty) Object.assign(stdout, { isTTY: true, rows: opts.tty.rows, columns: opts.tty.columns });
    const code = await main(['-H', `unix://${this.socketPath}`, ...args], opts.env ?? {}, {
      stdin,
      stdout,
      stderr,
      ...(opts.signals ? { signals: opts.signals } : {}),
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A Writable that keeps what is written. */
export class Collector extends Writable {
  #chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.#chunks.push(Buffer.from(chunk));
    cb();
  }
  get text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

async function readBody(req: IncomingMessage, head: Buffer): Promise<{ rec: Recorded; rest: Buffer }> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
  const isUpgrade = String(req.headers.upgrade ?? '') !== '';
  let body: Buffer = Buffer.alloc(0);
  let rest: Buffer = head;
  if (!isUpgrade) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    body = Buffer.concat(chunks);
  } else {
    // An upgrade request may carry a JSON body (exec start); it comes first in `head`.
    const length = Number(req.headers['content-length'] ?? 0);
    body = head.subarray(0, length);
    rest = head.subarray(length);
    while (body.length < length) {
      const more = await new Promise<Buffer>((resolve) => req.socket.once('data', resolve));
      const need = length - body.length;
      body = Buffer.concat([body, more.subarray(0, need)]);
      rest = more.subarray(need);
    }
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    rec: {
      method: req.method ?? 'GET',
      path: decodeURIComponent(m ? m[2]! : url.pathname),
      version: m ? m[1]! : '',
      query: url.searchParams,
      headers: req.headers,
      body: text,
      ...(json !== undefined ? { json } : {}),
    },
    rest,
  };
}
