/**
 * @module dns/server
 * The embedded resolver's sockets: one UDP and one TCP listener per user network gateway, all
 * answering from one `NameTable` (swapped whole with `setTable`) and forwarding the rest through
 * one `Forwarder`. The source address of each query (a container's own, thanks to the SNAT in
 * its namespace) picks the names it may see; the listener it arrived on names the network for
 * requesters the table does not know.
 *
 * Hot path: parse the question (one small object and the name string), one table lookup that
 * returns a prebuilt result, one exactly sized reply buffer. No JSON, no per-query closures on
 * the UDP path for local answers.
 */
import type { Socket as TcpSocket } from 'node:net';
import { invalidParameter, systemError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { canonicalIP } from './addr.js';
import { closeListener, openListener, type Listener, type ListenerHandlers } from './listen.js';
import { replyAddresses, replyEmpty, replyFormErr, replyPtr, udpLimit } from './reply.js';
import { NameTable, type LookupResult } from './table.js';
import { Forwarder } from './upstream.js';
import { DnsFormatError, MAX_MESSAGE, parseQuery, RCODE, TYPE, type Query } from './wire.js';

export interface DnsServerOptions {
  /** Default upstreams ("ip" or "ip:port"), normally the host's resolv.conf servers. */
  upstreams: string[];
  /** Port on every listen address; default 53. 0 = an ephemeral port per address, same for UDP and TCP. */
  port?: number;
  upstreamTimeoutMs?: number; // default 4000 (Docker's extIOTimeout)
  ttl?: number; // default 600 (Docker's respTTL)
  maxConcurrentForwards?: number; // default 1024 (Docker's maxConcurrent)
  tcpIdleMs?: number; // default 3000
}

export interface ListenAddress {
  address: string;
  /** The network this gateway serves: requesters unknown to the table see its names. */
  networkId?: string;
}

const MAX_TCP_CONNECTIONS = 1024;
const TCP_PREFIX = 2;

export class DnsServer {
  #table: NameTable = NameTable.EMPTY;
  #upstreams: readonly string[];
  readonly #listeners = new Map<string, Listener>();
  readonly #forwarder: Forwarder;
  readonly #port: number;
  readonly #ttl: number;
  readonly #tcpIdleMs: number;
  #tcpConnections = 0;
  #queries = 0;
  #forwarded = 0;
  #failures = 0;
  #serial: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #handlers: ListenerHandlers = {
    datagram: (listener, msg, address, port) => this.#onDatagram(listener, msg, address, port),
    connection: (listener, socket) => this.#onConnection(socket, listener),
  };

  constructor(opts: DnsServerOptions) {
    this.#upstreams = Object.freeze([...opts.upstreams]);
    this.#port = opts.port ?? 53;
    this.#ttl = opts.ttl ?? 600;
    this.#tcpIdleMs = opts.tcpIdleMs ?? 3000;
    this.#forwarder = new Forwarder({
      timeoutMs: opts.upstreamTimeoutMs,
      maxConcurrent: opts.maxConcurrentForwards,
      isSelf: (host, port) => this.#listeners.get(canonicalIP(host) ?? host)?.port === port,
    });
  }

  /** Atomic swap: each query reads the table once, so it sees the old one or the new one. */
  setTable(table: NameTable): void {
    this.#table = table;
  }

  setUpstreams(upstreams: string[]): void {
    this.#upstreams = Object.freeze([...upstreams]);
  }

  /**
   * Make the listening set exactly `addrs` (UDP and TCP on each). All new addresses bind or none
   * do: on a failure the ones bound in this call are closed, the previous set stays, and a
   * BerthError (system) names the address. Removed addresses close; kept ones take the new
   * network id. Calls are serialised.
   */
  setListenAddresses(addrs: ListenAddress[]): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#closed) throw systemError('the DNS server is closed');
      const wanted = new Map<string, ListenAddress>();
      for (const a of addrs) {
        const key = canonicalIP(a.address);
        if (key === undefined) throw invalidParameter(`invalid DNS listen address: ${a.address}`);
        wanted.set(key, a);
      }
      const added: Listener[] = [];
      try {
        for (const [key, want] of wanted) {
          if (!this.#listeners.has(key)) added.push(await openListener(key, want.address, this.#port, want.networkId, this.#handlers));
        }
      } catch (err) {
        await Promise.all(added.map((l) => closeListener(l)));
        throw err;
      }
      const removed = [...this.#listeners.values()].filter((l) => !wanted.has(l.key));
      for (const l of removed) this.#listeners.delete(l.key);
      for (const l of added) this.#listeners.set(l.key, l);
      for (const [key, want] of wanted) this.#listeners.get(key)!.networkId = want.networkId;
      await Promise.all(removed.map((l) => closeListener(l)));
    });
  }

  /** What is bound now (the port matters when the server was made with port 0). */
  listening(): Array<{ address: string; port: number; networkId?: string }> {
    return [...this.#listeners.values()].map((l) => ({ address: l.address, port: l.port, ...(l.networkId === undefined ? {} : { networkId: l.networkId }) }));
  }

  close(): Promise<void> {
    return this.#exclusive(async () => {
      this.#closed = true;
      const all = [...this.#listeners.values()];
      this.#listeners.clear();
      this.#forwarder.close();
      await Promise.all(all.map((l) => closeListener(l)));
    });
  }

  stats(): { queries: number; forwarded: number; failures: number } {
    return { queries: this.#queries, forwarded: this.#forwarded, failures: this.#failures };
  }

  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(body, body);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /**
   * The reply to one query: a Buffer now (local answers), a Promise (forwarded), or null (drop:
   * not a query at all). `prefix` is 2 for TCP (framing), 0 for UDP.
   */
  #respond(raw: Buffer, requester: string, networkId: string | undefined, prefix: number): Buffer | Promise<Buffer> | null {
    this.#queries++;
    let q: Query;
    try {
      q = parseQuery(raw);
    } catch (err) {
      this.#failures++;
      return err instanceof DnsFormatError && err.replyable ? replyFormErr(raw, prefix) : null;
    }
    if (q.opcode !== 0) return this.#fail(q, raw, RCODE.NOTIMP, prefix);
    if (q.ednsVersion !== 0) return this.#fail(q, raw, RCODE.BADVERS, prefix);
    const result = this.#table.lookup(requester, q.name, typeName(q.type), networkId);
    return this.#local(q, raw, result, prefix) ?? this.#forward(q, raw, result, prefix);
  }

  #local(q: Query, raw: Buffer, result: LookupResult, prefix: number): Buffer | null {
    const limit = prefix ? MAX_MESSAGE : udpLimit(q);
    switch (result.kind) {
      case 'answer': {
        const list = result.addresses;
        if (list.length === 0 || (q.type !== TYPE.A && q.type !== TYPE.AAAA)) return replyEmpty(q, raw, RCODE.NOERROR, prefix);
        return replyAddresses(q, raw, list.length > 1 ? shuffled(list) : list, this.#ttl, limit, prefix);
      }
      case 'ptr':
        return replyPtr(q, raw, result.name, this.#ttl, limit, prefix);
      case 'nxdomain':
        return replyEmpty(q, raw, RCODE.NXDOMAIN, prefix);
      case 'refused':
        return replyEmpty(q, raw, RCODE.REFUSED, prefix);
      case 'forward':
        return null;
    }
  }

  async #forward(q: Query, raw: Buffer, result: LookupResult, prefix: number): Promise<Buffer> {
    const upstreams = (result.kind === 'forward' && result.upstreams) || this.#upstreams;
    if (upstreams.length === 0) return this.#fail(q, raw, RCODE.SERVFAIL, prefix);
    this.#forwarded++;
    const out = await this.#forwarder.forward(raw, q.questionEnd, upstreams, prefix > 0, udpLimit(q));
    if (out === 'servfail') return this.#fail(q, raw, RCODE.SERVFAIL, prefix);
    if (out === 'refused') return this.#fail(q, raw, RCODE.REFUSED, prefix);
    if (!prefix) return out;
    const framed = Buffer.allocUnsafe(out.length + TCP_PREFIX);
    framed.writeUInt16BE(out.length, 0);
    out.copy(framed, TCP_PREFIX);
    return framed;
  }

  #fail(q: Query, raw: Buffer, rcode: number, prefix: number): Buffer {
    this.#failures++;
    return replyEmpty(q, raw, rcode, prefix);
  }

  #onDatagram(listener: Listener, msg: Buffer, address: string, port: number): void {
    const reply = this.#respond(msg, address, listener.networkId, 0);
    if (reply === null) return;
    if (Buffer.isBuffer(reply)) listener.udp.send(reply, port, address);
    else reply.then((r) => listener.closed || listener.udp.send(r, port, address), logDropped);
  }

  /** RFC 7766: several queries per connection, answered as they complete; idle connections close. */
  #onConnection(socket: TcpSocket, listener: Listener): void {
    if (this.#tcpConnections >= MAX_TCP_CONNECTIONS || listener.closed) return void socket.destroy();
    this.#tcpConnections++;
    listener.connections.add(socket);
    socket.on('close', () => {
      this.#tcpConnections--;
      listener.connections.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.#tcpIdleMs, () => socket.destroy());
    const requester = socket.remoteAddress ?? '';
    const send = (reply: Buffer) => socket.destroyed || socket.write(reply);
    let rest: Buffer | null = null;
    socket.on('data', (chunk: Buffer) => {
      const data: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      let at = 0;
      while (data.length - at >= 2) {
        const length = data.readUInt16BE(at);
        if (data.length - at - 2 < length) break;
        const reply = this.#respond(data.subarray(at + 2, at + 2 + length), requester, listener.networkId, TCP_PREFIX);
        at += 2 + length;
        if (reply === null) return void socket.destroy(); // not DNS: stop reading this stream
        if (Buffer.isBuffer(reply)) send(reply);
        else reply.then(send, logDropped);
      }
      rest = at < data.length ? data.subarray(at) : null;
    });
  }
}

function typeName(type: number): string {
  switch (type) {
    case TYPE.A:
      return 'A';
    case TYPE.AAAA:
      return 'AAAA';
    case TYPE.PTR:
      return 'PTR';
    default:
      return 'OTHER';
  }
}

/** Docker shuffles every multi-address answer (`shuffleAddr`): DNS round-robin. */
function shuffled(list: readonly string[]): string[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Forwarding never rejects; should a bug make it, the query goes unanswered and the daemon lives. */
function logDropped(err: unknown): void {
  log.error('dns: query dropped', err);
}
