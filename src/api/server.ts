/**
 * @module api/server
 * The Engine API on a unix socket: node:http for ordinary requests (keep-alive, chunked streams),
 * the 'upgrade' event for Docker's hijacked connections, and `inject` for in-process tests. All
 * three go through one Dispatcher, so they answer the same.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { errorMessage, systemError, unavailable } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { registerBuiltinRoutes } from './builtin.js';
import { Dispatcher, type Outcome, type ServerVersion } from './dispatch.js';
import { releaseFromHttpServer, SocketConnection, socketInput } from './hijack.js';
import { inject, type InjectOptions, type InjectResponse } from './inject.js';
import { sendBuffer, sendRaw, sendStream } from './respond.js';
import type { Router } from './router.js';
import { formatHead, UpgradeStreams } from './wire.js';

export type { ServerVersion } from './dispatch.js';
export type { InjectOptions, InjectResponse } from './inject.js';

export interface ApiServerOptions {
  socketPath: string;
  /** Socket file mode, 0o660 unless set. */
  mode?: number;
  /** Group owning the socket (Docker's `docker` group), if set. */
  gid?: number;
  version: ServerVersion;
  /** How long close() lets in-flight requests finish before cutting them, 1000 ms unless set. */
  closeGraceMs?: number;
}

export interface ApiServer {
  readonly socketPath: string;
  listen(): Promise<void>;
  close(): Promise<void>;
  /** node:http request listener (also usable with any http.Server). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  inject(opts: InjectOptions): Promise<InjectResponse>;
}

type HijackOutcome = Extract<Outcome, { kind: 'hijack' }>;

export function createApiServer(router: Router, opts: ApiServerOptions): ApiServer {
  return new UnixApiServer(router, opts);
}

class UnixApiServer implements ApiServer {
  readonly socketPath: string;
  #opts: ApiServerOptions;
  #dispatcher: Dispatcher;
  #http: Server;
  #inflight = new Set<AbortController>();
  #hijacked = new Set<Duplex>();
  #closing = false;

  constructor(router: Router, opts: ApiServerOptions) {
    this.socketPath = opts.socketPath;
    this.#opts = opts;
    this.#dispatcher = new Dispatcher(router, opts.version);
    registerBuiltinRoutes(router, this.#dispatcher.version);
    // Docker clients send large X-Registry-Auth headers, keep idle connections for minutes and
    // upload image tarballs for as long as it takes: lift node's limits to Go's.
    this.#http = createServer({ maxHeaderSize: 1 << 20, requireHostHeader: false, requestTimeout: 0 }, this.handle);
    this.#http.keepAliveTimeout = 0;
    this.#http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => void this.#serveUpgrade(req, socket, head));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.#serve(req, res);
  };

  inject(opts: InjectOptions): Promise<InjectResponse> {
    return inject(this.#dispatcher, opts);
  }

  async listen(): Promise<void> {
    const path = this.socketPath;
    await mkdir(dirname(path), { recursive: true });
    await removeStaleSocket(path);
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(path, () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    await chmod(path, this.#opts.mode ?? 0o660);
    if (this.#opts.gid !== undefined) await chown(path, -1, this.#opts.gid);
  }

  async close(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => {
      if (!this.#http.listening) return resolve();
      this.#http.close(() => resolve());
    });
    for (const ac of this.#inflight) ac.abort();
    for (const socket of this.#hijacked) socket.destroy();
    this.#http.closeIdleConnections();
    const cut = setTimeout(() => this.#http.closeAllConnections(), this.#opts.closeGraceMs ?? 1000);
    await closed;
    clearTimeout(cut);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ac = this.#track();
    res.once('close', () => {
      if (!res.writableFinished) ac.abort();
      this.#inflight.delete(ac);
      // A response that finishes while closing leaves an idle connection: release it now.
      if (this.#closing) setImmediate(() => this.#http.closeIdleConnections());
    });
    try {
      const outcome = await this.#dispatcher.dispatch({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: () => req,
        signal: ac.signal,
      });
      if (res.destroyed) return;
      if (outcome.kind === 'buffer') sendBuffer(res, outcome, !this.#closing);
      else if (outcome.kind === 'stream') await sendStream(res, outcome, !this.#closing);
      else await this.#hijackRequest(req, outcome);
    } catch (err) {
      // Only the transport can fail here (the dispatcher turns handler errors into replies).
      (ac.signal.aborted ? log.debug : log.error)(`api: ${req.method} ${req.url} failed: ${errorMessage(err)}`, err);
      res.destroy();
    }
  }

  /** A hijack without `Upgrade:` (older clients): 200 OK, then raw bytes on the same socket. */
  async #hijackRequest(req: IncomingMessage, outcome: HijackOutcome): Promise<void> {
    if (!req.readableEnded) {
      req.resume();
      await finished(req);
    }
    const socket = req.socket;
    releaseFromHttpServer(socket);
    const input = socketInput(socket);
    socket.write(formatHead(outcome.status, outcome.headers));
    await this.#runHijack(socket, input, outcome);
  }

  /** node hands over the socket as soon as it has read the headers of an `Upgrade:` request. */
  async #serveUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', (err) => log.debug(`api: upgraded connection: ${err.message}`));
    this.#hijacked.add(socket);
    socket.once('close', () => this.#hijacked.delete(socket));
    if (this.#closing) return void socket.destroy();
    const ac = this.#track();
    socket.once('close', () => {
      ac.abort();
      this.#inflight.delete(ac);
    });
    try {
      const streams = new UpgradeStreams(socket, head, req.headers);
      const outcome = await this.#dispatcher.dispatch({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: () => streams.body,
        signal: ac.signal,
      });
      if (outcome.kind !== 'hijack') return await sendRaw(socket, outcome);
      await streams.bodyDone();
      socket.write(formatHead(outcome.status, outcome.headers));
      await this.#runHijack(socket, streams.rest, outcome);
    } catch (err) {
      log.debug(`api: upgrade ${req.method} ${req.url} failed: ${errorMessage(err)}`);
      socket.destroy();
    }
  }

  async #runHijack(socket: Socket, input: Readable, outcome: HijackOutcome): Promise<void> {
    this.#hijacked.add(socket);
    socket.once('close', () => this.#hijacked.delete(socket));
    const conn = new SocketConnection(socket, input);
    try {
      await outcome.run(conn);
    } catch (err) {
      log.error(`Handler for ${outcome.label} failed on the hijacked connection: ${errorMessage(err)}`, err);
    } finally {
      conn.end();
    }
  }

  #track(): AbortController {
    const ac = new AbortController();
    this.#inflight.add(ac);
    return ac;
  }
}

/**
 * Remove a socket file left by a daemon that died; refuse if something still answers on it or
 * the path is not a socket (Docker unlinks blindly; berth would rather not steal a live socket).
 */
async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!stat) return;
  if (!stat.isSocket()) throw systemError(`${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw unavailable(`another daemon is already listening on ${path}`);
  await unlink(path);
}
