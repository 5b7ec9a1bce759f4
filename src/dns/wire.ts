/**
 * @module dns/wire
 * DNS messages on the wire (RFC 1035, EDNS0 from RFC 6891). Two halves:
 * - `parseQuery`: the server's hot path. Reads only what answering needs (ID, flags, the one
 *   question with its name lower-cased, the client's EDNS size) and remembers where the question
 *   ends so replies copy it byte for byte.
 * - `decodeMessage` / `encodeMessage`: a general codec with name compression on both sides and
 *   truncation, used by tests, the benchmark and anything that needs a whole message.
 * Malformed input always throws `DnsFormatError`, never anything else, and never loops:
 * compression pointers must point strictly backwards and names stay within 255 octets.
 */

import { formatIPv6, parseIPv4, parseIPv6 } from './addr.js';
import { DnsFormatError, lastNameEnd, nameLabels, readName } from './name.js';

export { DnsFormatError } from './name.js';

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
export const CLASS_IN = 1;
export const HEADER_SIZE = 12;
export const MAX_MESSAGE = 65535;

/** Header flag bits (second 16-bit word). */
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010 } as const;

/** What the server needs from a query. `name` is lower-case, without the trailing dot ("" = root). */
export interface Query {
  id: number;
  flags: number;
  opcode: number;
  name: string;
  type: number;
  qclass: number;
  /** Offset just past the question: replies copy bytes 12..questionEnd. */
  questionEnd: number;
  /** The client's EDNS UDP size (at least 512), or 0 when the query had no OPT record. */
  udpSize: number;
  ednsVersion: number;
}

/** Parse a query for answering. Throws DnsFormatError (replyable unless the header is unusable). */
export function parseQuery(buf: Buffer): Query {
  if (buf.length < HEADER_SIZE) throw new DnsFormatError('message shorter than a header', false);
  const flags = buf.readUInt16BE(2);
  if (flags & FLAG.QR) throw new DnsFormatError('message is a response', false);
  if (buf.readUInt16BE(4) !== 1) throw new DnsFormatError('query must carry exactly one question', true);
  const name = readName(buf, HEADER_SIZE, true);
  let pos = lastNameEnd();
  if (pos + 4 > buf.length) throw new DnsFormatError('question runs past the end', true);
  const type = buf.readUInt16BE(pos);
  const qclass = buf.readUInt16BE(pos + 2);
  const questionEnd = pos + 4;
  pos = questionEnd;
  const skip = buf.readUInt16BE(6) + buf.readUInt16BE(8);
  for (let i = 0; i < skip; i++) pos = skipRecord(buf, pos);
  let udpSize = 0;
  let ednsVersion = 0;
  const additional = buf.readUInt16BE(10);
  for (let i = 0; i < additional; i++) {
    const start = pos;
    pos = skipRecord(buf, pos);
    if (buf[start] === 0 && buf.readUInt16BE(start + 1) === TYPE.OPT) {
      if (udpSize !== 0) throw new DnsFormatError('more than one OPT record', true);
      udpSize = Math.max(512, buf.readUInt16BE(start + 3));
      ednsVersion = buf[start + 6]!;
    }
  }
  return { id: buf.readUInt16BE(0), flags, opcode: (flags >> 11) & 0xf, name, type, qclass, questionEnd, udpSize, ednsVersion };
}

function skipRecord(buf: Buffer, pos: number): number {
  for (;;) {
    if (pos >= buf.length) throw new DnsFormatError('record runs past the end', true);
    const len = buf[pos]!;
    if (len === 0) { pos += 1; break; } // prettier-ignore
    if ((len & 0xc0) === 0xc0) { pos += 2; break; } // prettier-ignore
    if (len & 0xc0) throw new DnsFormatError('unsupported label type', true);
    pos += 1 + len;
  }
  if (pos + 10 > buf.length) throw new DnsFormatError('record runs past the end', true);
  const end = pos + 10 + buf.readUInt16BE(pos + 8);
  if (end > buf.length) throw new DnsFormatError('record data runs past the end', true);
  return end;
}

// ---- the general codec ----

export interface Question {
  name: string;
  type: number;
  class: number;
}
/** `data`: address text for A/AAAA, a name for PTR/CNAME/NS, raw bytes for every other type. */
export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: string | Uint8Array;
}
export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  options: Uint8Array;
}
export interface Message {
  id: number;
  opcode: number;
  /** Up to 12 bits: the header's 4 plus the OPT record's extended bits. */
  rcode: number;
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** Without the OPT record, which is `edns`. */
  additional: ResourceRecord[];
  edns?: Edns;
}

export function message(init: Partial<Message> = {}): Message {
  return {
    id: 0, opcode: 0, rcode: 0, qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false,
    questions: [], answers: [], authority: [], additional: [], ...init,
  };
}

const NAME_TYPES = new Set<number>([TYPE.PTR, TYPE.CNAME, TYPE.NS]);

export function decodeMessage(buf: Buffer): Message {
  if (buf.length < HEADER_SIZE) throw new DnsFormatError('message shorter than a header', false);
  const flags = buf.readUInt16BE(2);
  const msg = message({
    id: buf.readUInt16BE(0), opcode: (flags >> 11) & 0xf, rcode: flags & 0xf,
    qr: !!(flags & FLAG.QR), aa: !!(flags & FLAG.AA), tc: !!(flags & FLAG.TC), rd: !!(flags & FLAG.RD),
    ra: !!(flags & FLAG.RA), ad: !!(flags & FLAG.AD), cd: !!(flags & FLAG.CD),
  });
  let pos = HEADER_SIZE;
  for (let i = buf.readUInt16BE(4); i > 0; i--) {
    const name = readName(buf, pos, false);
    pos = lastNameEnd();
    if (pos + 4 > buf.length) throw new DnsFormatError('question runs past the end', true);
    msg.questions.push({ name, type: buf.readUInt16BE(pos), class: buf.readUInt16BE(pos + 2) });
    pos += 4;
  }
  const sections = [msg.answers, msg.authority, msg.additional];
  for (let s = 0; s < 3; s++) {
    for (let i = buf.readUInt16BE(6 + s * 2); i > 0; i--) {
      const [rr, next] = readRecord(buf, pos);
      pos = next;
      if (s === 2 && rr.type === TYPE.OPT && rr.name === '') {
        if (msg.edns) throw new DnsFormatError('more than one OPT record', true);
        msg.rcode |= (rr.ttl >>> 24) << 4;
        const data = rr.data as Uint8Array;
        msg.edns = { udpSize: rr.class, version: (rr.ttl >>> 16) & 0xff, dnssecOk: !!(rr.ttl & 0x8000), options: data };
      } else sections[s]!.push(rr);
    }
  }
  return msg;
}

function readRecord(buf: Buffer, start: number): [ResourceRecord, number] {
  const name = readName(buf, start, false);
  const pos = lastNameEnd();
  if (pos + 10 > buf.length) throw new DnsFormatError('record runs past the end', true);
  const type = buf.readUInt16BE(pos);
  const rdStart = pos + 10;
  const rdEnd = rdStart + buf.readUInt16BE(pos + 8);
  if (rdEnd > buf.length) throw new DnsFormatError('record data runs past the end', true);
  let data: string | Uint8Array;
  if (type === TYPE.A && rdEnd - rdStart === 4) data = [...buf.subarray(rdStart, rdEnd)].join('.');
  else if (type === TYPE.AAAA && rdEnd - rdStart === 16) data = formatIPv6([...buf.subarray(rdStart, rdEnd)]);
  else if (NAME_TYPES.has(type)) {
    data = readName(buf, rdStart, false);
    if (lastNameEnd() !== rdEnd) throw new DnsFormatError('name does not fill the record data', true);
  } else data = new Uint8Array(buf.subarray(rdStart, rdEnd));
  return [{ name, type, class: buf.readUInt16BE(pos + 2), ttl: buf.readUInt32BE(pos + 4), data }, rdEnd];
}

/** Thrown inside the writer when the next bytes would pass the size limit. */
const FULL = Symbol('full');
const SCRATCH = Buffer.alloc(MAX_MESSAGE);

class Writer {
  pos = 0;
  readonly #names = new Map<string, number>();
  constructor(readonly limit: number) {}

  room(n: number): number {
    if (this.pos + n > this.limit) throw FULL;
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u16(v: number): void {
    SCRATCH.writeUInt16BE(v, this.room(2));
  }
  u32(v: number): void {
    SCRATCH.writeUInt32BE(v >>> 0, this.room(4));
  }
  bytes(b: Uint8Array): void {
    SCRATCH.set(b, this.room(b.length));
  }
  /** Write a name, pointing at an earlier copy of any suffix (RFC 1035 §4.1.4). */
  name(text: string, compress = true): void {
    const labels = nameLabels(text);
    for (let i = 0; i < labels.length; i++) {
      const key = labels.slice(i).map((l) => l.toString('latin1').toLowerCase()).join('.');
      const earlier = compress ? this.#names.get(key) : undefined;
      if (earlier !== undefined) return this.u16(0xc000 | earlier);
      if (compress && this.pos < 0x4000) this.#names.set(key, this.pos);
      SCRATCH[this.room(1)] = labels[i]!.length;
      this.bytes(labels[i]!);
    }
    SCRATCH[this.room(1)] = 0;
  }
}

/**
 * Serialize with name compression. Records that would pass `maxSize` (default 65535) are left
 * out, from the first that does not fit on, and TC is set; room is kept for the OPT record.
 */
export function encodeMessage(msg: Message, opts: { maxSize?: number } = {}): Buffer {
  const optSize = msg.edns ? 11 + msg.edns.options.length : 0;
  const w = new Writer(Math.min(opts.maxSize ?? MAX_MESSAGE, MAX_MESSAGE) - optSize);
  let tc = msg.tc;
  const flags = (msg.qr ? FLAG.QR : 0) | ((msg.opcode & 0xf) << 11) | (msg.aa ? FLAG.AA : 0) | (msg.rd ? FLAG.RD : 0) |
    (msg.ra ? FLAG.RA : 0) | (msg.ad ? FLAG.AD : 0) | (msg.cd ? FLAG.CD : 0) | (msg.rcode & 0xf);
  try {
    w.room(HEADER_SIZE);
    for (const q of msg.questions) {
      w.name(q.name);
      w.u16(q.type);
      w.u16(q.class);
    }
  } catch (err) {
    throw err === FULL ? new RangeError('maxSize leaves no room for the question') : err;
  }
  const counts = [0, 0, 0];
  const sections = [msg.answers, msg.authority, msg.additional];
  fill: for (let s = 0; s < 3; s++) {
    for (const rr of sections[s]!) {
      const mark = w.pos;
      try {
        writeRecord(w, rr);
        counts[s]!++;
      } catch (err) {
        if (err !== FULL) throw err;
        w.pos = mark;
        tc = true;
        break fill;
      }
    }
  }
  if (msg.edns) {
    const e = msg.edns;
    const at = w.pos;
    SCRATCH[at] = 0;
    SCRATCH.writeUInt16BE(TYPE.OPT, at + 1);
    SCRATCH.writeUInt16BE(e.udpSize, at + 3);
    SCRATCH.writeUInt32BE((((msg.rcode >> 4) & 0xff) << 24 | (e.version & 0xff) << 16 | (e.dnssecOk ? 0x8000 : 0)) >>> 0, at + 5);
    SCRATCH.writeUInt16BE(e.options.length, at + 9);
    SCRATCH.set(e.options, at + 11);
    w.pos += optSize;
  }
  SCRATCH.writeUInt16BE(msg.id, 0);
  SCRATCH.writeUInt16BE(flags | (tc ? FLAG.TC : 0), 2);
  SCRATCH.writeUInt16BE(msg.questions.length, 4);
  SCRATCH.writeUInt16BE(counts[0]!, 6);
  SCRATCH.writeUInt16BE(counts[1]!, 8);
  SCRATCH.writeUInt16BE(counts[2]! + (msg.edns ? 1 : 0), 10);
  return Buffer.from(SCRATCH.subarray(0, w.pos));
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.room(2);
  const start = w.pos;
  if (typeof rr.data !== 'string') w.bytes(rr.data);
  else if (rr.type === TYPE.A || rr.type === TYPE.AAAA) {
    const bytes = rr.type === TYPE.A ? parseIPv4(rr.data) : parseIPv6(rr.data);
    if (!bytes) throw new RangeError(`not an address for type ${rr.type}: ${rr.data}`);
    w.bytes(Uint8Array.from(bytes));
  } else if (NAME_TYPES.has(rr.type)) w.name(rr.data);
  else throw new RangeError(`record type ${rr.type} needs its data as bytes`);
  SCRATCH.writeUInt16BE(w.pos - start, lengthAt);
}
