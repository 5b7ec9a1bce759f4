/**
 * Test and benchmark helpers (loopback only): a client that asks from a chosen source address
 * (a fake "container IP" in 127/8) over UDP or TCP, and a stub upstream DNS server whose
 * behaviour a test scripts per query.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import { CLASS_IN, decodeMessage, encodeMessage, message, TYPE, type Message } from './wire.js';

export interface Target {
  address: string;
  port: number;
}
export interface AskOptions {
  from?: string;
  tcp?: boolean;
  /** Advertise this EDNS UDP size (an OPT record); none when absent. */
  edns?: number;
  id?: number;
  timeoutMs?: number;
}

export function queryBytes(name: string, type: number, opts: AskOptions = {}): Buffer {
  return encodeMessage(message({
    id: opts.id ?? Math.floor(Math.random() * 65536), rd: true, questions: [{ name, type, class: CLASS_IN }],
    ...(opts.edns ? { edns: { udpSize: opts.edns, version: 0, dnssecOk: false, options: new Uint8Array() } } : {}),
  }));
}

/** Ask `name`/`type` and decode the reply. Rejects on timeout (default 2 s). */
export async function ask(target: Target, name: string, type: number = TYPE.A, opts: AskOptions = {}): Promise<Message> {
  return decodeMessage(await exchange(target, queryBytes(name, type, opts), opts));
}

/** Send raw bytes, resolve with the raw reply (TCP: unframed). */
export function exchange(target: Target, bytes: Buffer, opts: AskOptions = {}): Promise<Buffer> {
  return opts.tcp ? exchangeTcp(target, [bytes], opts).then((r) => r[0]!) : exchangeUdp(target, bytes, opts);
}

function exchangeUdp(target: Target, bytes: Buffer, opts: AskOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(target.address.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error(`no UDP reply from ${target.address}:${target.port}`)), opts.timeoutMs ?? 2000);
    const finish = (err: Error | null, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg) => finish(null, msg));
    const from = opts.from ?? (target.address.includes(':') ? '::1' : '127.0.0.1');
    socket.bind({ address: from, port: 0 }, () => socket.send(bytes, target.port, target.address));
  });
}

/** Several queries down one TCP connection; resolves with the replies in arrival order. */
export function exchangeTcp(target: Target, queries: Buffer[], opts: AskOptions = {}): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.address, port: target.port, localAddress: opts.from ?? (target.address.includes(':') ? '::1' : '127.0.0.1') });
    const replies: Buffer[] = [];
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no TCP reply')), opts.timeoutMs ?? 2000);
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(replies);
    };
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => socket.write(Buffer.concat(queries.map((q) => Buffer.concat([u16(q.length), q])))));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        replies.push(data.subarray(2, 2 + data.readUInt16BE(0)));
        data = data.subarray(2 + data.readUInt16BE(0));
      }
      if (replies.length === queries.length) finish(null);
    });
  });
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

/** What a stub does with one query: a reply to send, or 'silent' (let the resolver time out). */
export type StubHandler = (query: Message, via: 'udp' | 'tcp') => Message | Buffer | 'silent';

/** A scripted DNS server on a loopback address, UDP and TCP on the same port. */
export class StubUpstream implements Target {
  readonly seen: Array<{ name: string; type: number; via: 'udp' | 'tcp'; id: number; port: number }> = [];
  readonly #connections = new Set<TcpSocket>();
  private constructor(
    readonly address: string,
    readonly port: number,
    private readonly udp: UdpSocket,
    private readonly tcp: TcpServer,
  ) {}

  get spec(): string {
    return `${this.address}:${this.port}`;
  }

  static async start(address: string, handler: StubHandler): Promise<StubUpstream> {
    for (;;) {
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind({ address, port: 0 }, resolve));
      const port = udp.address().port;
      const tcp = createServer();
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen({ host: address, port }, () => resolve(true));
      });
      if (!ok) {
        udp.close();
        continue;
      }
      const stub = new StubUpstream(address, port, udp, tcp);
      stub.#serve(handler);
      return stub;
    }
  }

  #serve(handler: StubHandler): void {
    const respond = (raw: Buffer, via: 'udp' | 'tcp', port: number): Buffer | undefined => {
      const query = decodeMessage(raw);
      this.seen.push({ name: query.questions[0]?.name ?? '', type: query.questions[0]?.type ?? 0, via, id: query.id, port });
      const out = handler(query, via);
      return out === 'silent' ? undefined : Buffer.isBuffer(out) ? out : encodeMessage(out);
    };
    this.udp.on('message', (msg, rinfo) => {
      const reply = respond(msg, 'udp', rinfo.port);
      if (reply) this.udp.send(reply, rinfo.port, rinfo.address);
    });
    this.tcp.on('connection', (socket) => {
      this.#connections.add(socket);
      socket.on('close', () => this.#connections.delete(socket));
      let data = Buffer.alloc(0);
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        data = Buffer.concat([data, chunk]);
        while (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
          const reply = respond(data.subarray(2, 2 + data.readUInt16BE(0)), 'tcp', socket.remotePort ?? 0);
          data = data.subarray(2 + data.readUInt16BE(0));
          if (reply) socket.write(Buffer.concat([u16(reply.length), reply]));
        }
      });
    });
  }

  async close(): Promise<void> {
    this.udp.close();
    for (const socket of this.#connections) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }
}

/** A reply to `q` carrying A records (or an rcode and nothing else). */
export function reply(q: Message, addresses: string[], extra: Partial<Message> = {}): Message {
  const question = q.questions[0]!;
  return message({
    id: q.id, qr: true, rd: q.rd, ra: true, questions: q.questions,
    answers: addresses.map((data) => ({ name: question.name, type: TYPE.A, class: CLASS_IN, ttl: 30, data })),
    ...(q.edns ? { edns: { udpSize: 1232, version: 0, dnssecOk: false, options: new Uint8Array() } } : {}),
    ...extra,
  });
}
