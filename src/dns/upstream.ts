/**
 * @module dns/upstream
 * Forwarding names that are not ours (moby `resolver.go forwardExtDNS`): the client's query
 * bytes go to up to 3 upstreams in order, each with its own timeout (Docker: 4 s); SERVFAIL,
 * REFUSED, silence or a broken reply move on to the next; the first good reply is relayed with
 * the client's ID; none -> the caller answers SERVFAIL. A truncated UDP reply is retried over
 * TCP and the full one relayed if the client can take it. Queries that came over TCP go over
 * TCP. At most `maxConcurrent` forwards run at once (Docker 1024); beyond that, REFUSED.
 *
 * UDP goes through a few long-lived sockets per upstream (no bind per query), each connected to
 * that upstream so the kernel reports "connection refused" (an upstream that is not listening
 * fails at once, as Docker's per-query dial does, instead of after the timeout). Every forward
 * gets a random query ID; a reply counts only if it comes from the address and port asked,
 * carries that ID and echoes the question. Each socket is replaced after `ROTATE_AFTER` queries
 * so the source port keeps changing (spoofing a reply needs port, ID and question right).
 */
import { randomFillSync } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect } from 'node:net';
import { canonicalIP, parseHostPort, type HostPort } from './addr.js';
import { FLAG, RCODE } from './wire.js';

export const MAX_UPSTREAMS = 3;
export const DEFAULT_TIMEOUT_MS = 4000;
export const DEFAULT_MAX_CONCURRENT = 1024;
const SOCKETS_PER_UPSTREAM = 4;
const ROTATE_AFTER = 2000;
/** Upstreams with open sockets at once; beyond that the least recently added idle one closes. */
const MAX_POOLS = 64;

export interface ForwarderOptions {
  timeoutMs?: number;
  maxConcurrent?: number;
  /** Upstreams to skip (the resolver's own listeners, which would loop). */
  isSelf?: (host: string, port: number) => boolean;
}

/** The reply to relay (client's ID already in place), or why there is none. */
export type ForwardOutcome = Buffer | 'servfail' | 'refused';

export class Forwarder {
  readonly #timeoutMs: number;
  readonly #maxConcurrent: number;
  readonly #isSelf: (host: string, port: number) => boolean;
  readonly #pools = new Map<string, UdpPool>(); // by "host port"
  readonly #parsed = new Map<string, HostPort | null>();
  #inFlight = 0;
  #closed = false;

  constructor(opts: ForwarderOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    this.#isSelf = opts.isSelf ?? (() => false);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Forward `query` (a parsed-enough query: `questionEnd` bounds its question) and resolve with
   * what to send back. Never rejects. `clientLimit`: the most the client takes over UDP.
   */
  async forward(query: Buffer, questionEnd: number, upstreams: readonly string[], tcp: boolean, clientLimit: number): Promise<ForwardOutcome> {
    if (this.#closed) return 'servfail';
    if (this.#inFlight >= this.#maxConcurrent) return 'refused';
    this.#inFlight++;
    try {
      const asked = Math.min(upstreams.length, MAX_UPSTREAMS);
      for (let i = 0; i < asked; i++) {
        const server = this.#endpoint(upstreams[i]!);
        if (!server || this.#isSelf(server.host, server.port)) continue;
        const reply = await this.#exchange(server, query, questionEnd, tcp, clientLimit);
        if (!reply) continue;
        const rcode = reply[3]! & 0xf;
        if (rcode === RCODE.SERVFAIL || rcode === RCODE.REFUSED) continue;
        reply[0] = query[0]!;
        reply[1] = query[1]!;
        return reply;
      }
      return 'servfail';
    } finally {
      this.#inFlight--;
    }
  }

  async #exchange(server: HostPort, query: Buffer, questionEnd: number, tcp: boolean, clientLimit: number): Promise<Buffer | null> {
    if (tcp) return tcpExchange(server, query, questionEnd, this.#timeoutMs);
    const reply = await this.#pool(server).exchange(query, questionEnd, this.#timeoutMs);
    if (!reply || !(reply.readUInt16BE(2) & FLAG.TC)) return reply;
    const full = await tcpExchange(server, query, questionEnd, this.#timeoutMs);
    return full && full.length <= clientLimit ? full : reply;
  }

  #pool(server: HostPort): UdpPool {
    const key = `${server.host} ${server.port}`;
    let pool = this.#pools.get(key);
    if (pool) return pool;
    if (this.#pools.size >= MAX_POOLS) {
      for (const [k, p] of this.#pools) {
        if (p.idle) {
          p.close();
          this.#pools.delete(k);
          break;
        }
      }
    }
    this.#pools.set(key, (pool = new UdpPool(server)));
    return pool;
  }

  #endpoint(text: string): HostPort | null {
    let hp = this.#parsed.get(text);
    if (hp === undefined) {
      hp = parseHostPort(text) ?? null;
      if (this.#parsed.size > 1024) this.#parsed.clear();
      this.#parsed.set(text, hp);
    }
    return hp;
  }

  close(): void {
    this.#closed = true;
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
  }
}

interface Pending {
  host: string; // canonical
  port: number;
  query: Buffer; // as sent, with our ID
  questionEnd: number;
  timer: NodeJS.Timeout;
  done: (reply: Buffer | null) => void;
}

class Channel {
  readonly pending = new Map<number, Pending>();
  uses = 0;
  /** Settles once the socket is connected (false: it could not be). */
  ready: Promise<boolean> = Promise.resolve(true);
  constructor(readonly socket: UdpSocket) {}

  /** The upstream refused (ICMP port unreachable): every query waiting on it fails now. */
  failAll(): void {
    for (const pending of [...this.pending.values()]) pending.done(null);
  }
}

class UdpPool {
  readonly #channels: Channel[] = [];
  readonly #retired = new Set<Channel>();
  #next = 0;
  constructor(readonly server: HostPort) {}

  get idle(): boolean {
    return [...this.#channels, ...this.#retired].every((c) => c.pending.size === 0);
  }

  exchange(query: Buffer, questionEnd: number, timeoutMs: number): Promise<Buffer | null> {
    const server = this.server;
    const channel = this.#pick();
    let id = randomId();
    while (channel.pending.has(id)) id = randomId();
    const sent = Buffer.from(query);
    sent.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      let settled = false;
      const done = (reply: Buffer | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(pending.timer);
        channel.pending.delete(id);
        this.#retireIfIdle(channel);
        resolve(reply);
      };
      const pending: Pending = {
        host: canonicalIP(server.host) ?? server.host, port: server.port, query: sent, questionEnd, done,
        timer: setTimeout(() => done(null), timeoutMs),
      };
      channel.pending.set(id, pending);
      void channel.ready.then((connected) => {
        if (!connected) return done(null);
        if (settled) return;
        try {
          channel.socket.send(sent, (err) => err && done(null));
        } catch {
          done(null); // closed meanwhile
        }
      });
    });
  }

  #pick(): Channel {
    const slot = this.#next++ % SOCKETS_PER_UPSTREAM;
    let channel: Channel | undefined = this.#channels[slot];
    if (channel && channel.uses >= ROTATE_AFTER) {
      this.#retireIfIdle(channel, true);
      channel = undefined;
    }
    if (!channel) {
      const socket = createSocket(this.server.family === 4 ? 'udp4' : 'udp6');
      const fresh = new Channel(socket);
      socket.on('message', (msg, rinfo) => onReply(fresh, msg, rinfo));
      // On a connected socket a refusal arrives as an error without saying which query caused it;
      // all of them went to the one upstream that refused. Other errors: send callbacks and timeouts.
      socket.on('error', (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED' && fresh.failAll());
      fresh.ready = new Promise((resolve) => {
        try {
          socket.connect(this.server.port, this.server.host, () => resolve(true));
          socket.once('error', () => resolve(false)); // a connect failure; a no-op once connected
        } catch {
          resolve(false);
        }
      });
      socket.unref();
      this.#channels[slot] = channel = fresh;
    }
    channel.uses++;
    return channel;
  }

  /** A socket replaced by rotation closes once its last pending query is settled. */
  #retireIfIdle(channel: Channel, retiring = false): void {
    if (retiring) {
      channel.uses = Infinity;
      this.#retired.add(channel);
    }
    if (channel.uses === Infinity && channel.pending.size === 0 && this.#retired.delete(channel)) channel.socket.close();
  }

  close(): void {
    for (const channel of [...this.#channels, ...this.#retired]) {
      for (const pending of [...channel.pending.values()]) pending.done(null);
      try {
        channel.socket.close();
      } catch {
        // already closed by retirement
      }
    }
    this.#channels.length = 0;
    this.#retired.clear();
  }
}

function onReply(channel: Channel, msg: Buffer, rinfo: RemoteInfo): void {
  if (msg.length < 12) return;
  const pending = channel.pending.get(msg.readUInt16BE(0));
  if (!pending || rinfo.port !== pending.port) return;
  if (rinfo.address !== pending.host && canonicalIP(rinfo.address) !== pending.host) return;
  if (!isReplyTo(msg, pending.query, pending.questionEnd)) return;
  pending.done(msg);
}

/** A response (QR) echoing the question we sent, compared case-insensitively. */
function isReplyTo(reply: Buffer, query: Buffer, questionEnd: number): boolean {
  if (!(reply.readUInt16BE(2) & FLAG.QR) || reply.length < questionEnd || reply.readUInt16BE(4) !== 1) return false;
  for (let i = 12; i < questionEnd; i++) {
    const a = reply[i]!;
    const b = query[i]!;
    if (a !== b && ((a | 0x20) !== (b | 0x20) || (a | 0x20) < 0x61 || (a | 0x20) > 0x7a)) return false;
  }
  return true;
}

/** One query over a fresh TCP connection (as Docker dials per query), 2-byte length framing. */
function tcpExchange(server: HostPort, query: Buffer, questionEnd: number, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const framed = Buffer.allocUnsafe(query.length + 2);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    const id = randomId();
    framed.writeUInt16BE(id, 2);
    let received: Buffer = Buffer.alloc(0);
    const socket = connect({ host: server.host, port: server.port, noDelay: true });
    const finish = (reply: Buffer | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('connect', () => socket.write(framed));
    socket.on('data', (chunk: Buffer) => {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const reply = received.subarray(2, 2 + received.readUInt16BE(0));
      const ok = reply.length >= 12 && reply.readUInt16BE(0) === id && isReplyTo(reply, framed.subarray(2), questionEnd);
      finish(ok ? Buffer.from(reply) : null);
    });
  });
}

const RANDOM = Buffer.alloc(4096);
let randomAt = RANDOM.length;

function randomId(): number {
  if (randomAt >= RANDOM.length) {
    randomFillSync(RANDOM);
    randomAt = 0;
  }
  const id = RANDOM.readUInt16BE(randomAt);
  randomAt += 2;
  return id;
}
