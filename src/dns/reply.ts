/**
 * @module dns/reply
 * The server's replies, written straight into one exactly sized buffer: the query's header
 * fields and its question copied byte for byte, answers whose owner name is a pointer to that
 * question (0xC00C), and an OPT record when the query had one. `prefix` leaves room for the
 * 2-byte length of TCP framing, so TCP replies need no second copy.
 *
 * Flags as Docker's resolver sets them (miekg `SetReply` + `RecursionAvailable`): QR, the query's
 * opcode, RD and CD copied, RA set, AA not set.
 */
import { parseIPv6 } from './addr.js';
import { nameLabels } from './name.js';
import { CLASS_IN, FLAG, HEADER_SIZE, RCODE, TYPE, type Query } from './wire.js';

/** The UDP size we advertise and the most we send over UDP (DNS Flag Day 2020: no fragments). */
export const SERVER_UDP_SIZE = 1232;
const OPT_SIZE = 11;
const RR_FIXED = 12; // pointer(2) type(2) class(2) ttl(4) rdlength(2)

/** Largest reply the client takes over UDP: 512 without EDNS, else its size capped at ours. */
export function udpLimit(q: Query): number {
  return q.udpSize === 0 ? 512 : Math.min(q.udpSize, SERVER_UDP_SIZE);
}

/** Reply with no records (NODATA, NXDOMAIN, SERVFAIL, REFUSED, NOTIMP, BADVERS). */
export function replyEmpty(q: Query, raw: Buffer, rcode: number, prefix: number): Buffer {
  const out = begin(q, raw, rcode, prefix, 0, false);
  finishOpt(q, out, prefix + q.questionEnd, rcode);
  return out;
}

/** A or AAAA records, in the given order, as many as fit in `limit` (TC set if any were left out). */
export function replyAddresses(q: Query, raw: Buffer, addresses: readonly string[], ttl: number, limit: number, prefix: number): Buffer {
  const v4 = q.type === TYPE.A;
  const rrSize = RR_FIXED + (v4 ? 4 : 16);
  const room = limit - q.questionEnd - (q.udpSize ? OPT_SIZE : 0);
  const count = Math.max(0, Math.min(addresses.length, Math.floor(room / rrSize)));
  const out = begin(q, raw, RCODE.NOERROR, prefix, count * rrSize, count < addresses.length);
  out.writeUInt16BE(count, prefix + 6);
  let at = prefix + q.questionEnd;
  for (let i = 0; i < count; i++) {
    at = writeRRHeader(out, at, q.type, ttl, v4 ? 4 : 16);
    at = v4 ? writeIPv4(out, at, addresses[i]!) : writeIPv6(out, at, addresses[i]!);
  }
  finishOpt(q, out, at, RCODE.NOERROR);
  return out;
}

/** One PTR record naming `target` ("db.app."). */
export function replyPtr(q: Query, raw: Buffer, target: string, ttl: number, limit: number, prefix: number): Buffer {
  const labels = nameLabels(target);
  const rdLength = labels.reduce((n, l) => n + 1 + l.length, 1);
  const fits = q.questionEnd + RR_FIXED + rdLength + (q.udpSize ? OPT_SIZE : 0) <= limit;
  const out = begin(q, raw, RCODE.NOERROR, prefix, fits ? RR_FIXED + rdLength : 0, !fits);
  let at = prefix + q.questionEnd;
  if (fits) {
    out.writeUInt16BE(1, prefix + 6);
    at = writeRRHeader(out, at, TYPE.PTR, ttl, rdLength);
    for (const label of labels) {
      out[at++] = label.length;
      at += label.copy(out, at);
    }
    out[at++] = 0;
  }
  finishOpt(q, out, at, RCODE.NOERROR);
  return out;
}

/** FORMERR for a query whose question could not be read: the header alone, echoing the ID. */
export function replyFormErr(raw: Buffer, prefix: number): Buffer {
  const out = Buffer.alloc(prefix + HEADER_SIZE);
  if (prefix) out.writeUInt16BE(HEADER_SIZE, 0);
  out.writeUInt16BE(raw.readUInt16BE(0), prefix);
  const flags = raw.readUInt16BE(2);
  out.writeUInt16BE(FLAG.QR | (flags & 0x7800) | (flags & FLAG.RD) | FLAG.RA | RCODE.FORMERR, prefix + 2);
  return out;
}

/** Header and question; counts other than QDCOUNT/ARCOUNT are filled in by the caller. */
function begin(q: Query, raw: Buffer, rcode: number, prefix: number, answerBytes: number, truncated: boolean): Buffer {
  const size = q.questionEnd + answerBytes + (q.udpSize ? OPT_SIZE : 0);
  const out = Buffer.allocUnsafe(prefix + size);
  if (prefix) out.writeUInt16BE(size, 0);
  out.writeUInt16BE(q.id, prefix);
  const flags = FLAG.QR | (q.flags & (0x7800 | FLAG.RD | FLAG.CD)) | FLAG.RA | (truncated ? FLAG.TC : 0) | (rcode & 0xf);
  out.writeUInt16BE(flags, prefix + 2);
  out.writeUInt16BE(1, prefix + 4);
  out.writeUInt32BE(0, prefix + 6); // ANCOUNT, NSCOUNT
  out.writeUInt16BE(q.udpSize ? 1 : 0, prefix + 10);
  raw.copy(out, prefix + HEADER_SIZE, HEADER_SIZE, q.questionEnd);
  return out;
}

/** The OPT record answering an EDNS query: our UDP size, the extended RCODE bits, version 0. */
function finishOpt(q: Query, out: Buffer, at: number, rcode: number): void {
  if (!q.udpSize) return;
  out[at] = 0;
  out.writeUInt16BE(TYPE.OPT, at + 1);
  out.writeUInt16BE(SERVER_UDP_SIZE, at + 3);
  out.writeUInt32BE(((rcode >> 4) & 0xff) * 0x1000000, at + 5);
  out.writeUInt16BE(0, at + 9);
}

function writeRRHeader(out: Buffer, at: number, type: number, ttl: number, rdLength: number): number {
  out.writeUInt16BE(0xc00c, at);
  out.writeUInt16BE(type, at + 2);
  out.writeUInt16BE(CLASS_IN, at + 4);
  out.writeUInt32BE(ttl, at + 6);
  out.writeUInt16BE(rdLength, at + 10);
  return at + RR_FIXED;
}

/** Dotted quad straight into the buffer (the table only holds valid, canonical addresses). */
function writeIPv4(out: Buffer, at: number, text: string): number {
  let octet = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      out[at++] = octet;
      octet = 0;
    } else octet = octet * 10 + (c - 0x30);
  }
  out[at++] = octet;
  return at;
}

const v6Cache = new Map<string, Buffer>();

function writeIPv6(out: Buffer, at: number, text: string): number {
  let bytes = v6Cache.get(text);
  if (bytes === undefined) {
    bytes = Buffer.from(parseIPv6(text) ?? new Array<number>(16).fill(0));
    if (v6Cache.size > 4096) v6Cache.clear();
    v6Cache.set(text, bytes);
  }
  return at + bytes.copy(out, at);
}
