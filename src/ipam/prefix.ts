/**
 * @module ipam/prefix
 * IPv4 and IPv6 addresses and CIDR prefixes: parse, format (Go's canonical text, RFC 5952 for
 * IPv6), contain, overlap, and the arithmetic the allocator needs. Values are bigints, so IPv6
 * needs no special path. Functions taking strings throw `invalidParameter` with Go's parse
 * message when the text is not an address or prefix.
 */
import { invalidParameter } from '../lib/errors.js';
import { goParseAddr, goParsePrefix, netMask, width, type Address, type Prefix } from './goparse.js';

export type { Address, Family, Prefix } from './goparse.js';
export { width } from './goparse.js';

// ---- parse ----

/** Parse an address ("10.0.0.1", "fd00::1"); throws invalidParameter `ParseAddr("x"): ...`. */
export function parseAddress(s: string): Address {
  const r = goParseAddr(s);
  if (!r.ok) throw invalidParameter(r.error);
  return r.value;
}

/** Parse a CIDR as written, host bits kept; throws invalidParameter `netip.ParsePrefix("x"): ...`. */
export function parseCidr(s: string): Prefix {
  const r = goParsePrefix(s);
  if (!r.ok) throw invalidParameter(r.error);
  return r.value;
}

/** Address or CIDR text (a plain address becomes a /32 or /128). */
export function parseAddressOrCidr(s: string): Prefix {
  if (s.includes('/')) return parseCidr(s);
  const a = parseAddress(s);
  if (a.zone !== undefined) throw invalidParameter(`invalid address ${s}: IPv6 zones cannot be used here`);
  return { family: a.family, addr: a.value, bits: width(a.family) };
}

const toPrefix = (p: string | Prefix): Prefix => (typeof p === 'string' ? parseCidr(p) : p);
const toAddress = (a: string | Address): Address => (typeof a === 'string' ? parseAddress(a) : a);

export function isIPv4(s: string): boolean {
  const r = goParseAddr(s);
  return r.ok && r.value.family === 4;
}

export function isIPv6(s: string): boolean {
  const r = goParseAddr(s);
  return r.ok && r.value.family === 6;
}

export function isIPv4Cidr(s: string): boolean {
  const r = goParsePrefix(s);
  return r.ok && r.value.family === 4;
}

export function isIPv6Cidr(s: string): boolean {
  const r = goParsePrefix(s);
  return r.ok && r.value.family === 6;
}

// ---- format ----

function formatIPv4(v: bigint): string {
  const n = Number(v);
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** RFC 5952 as Go writes it: lowercase, the longest run (first on ties) of 2+ zero groups as "::". */
function formatIPv6(v: bigint): string {
  if (v >> 32n === 0xffffn) return `::ffff:${formatIPv4(v & 0xffffffffn)}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((g) => g.toString(16));
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16));
  return `${head.join(':')}::${tail.join(':')}`;
}

/** Address text as Go's netip prints it. */
export function formatAddress(a: Address): string {
  const text = a.family === 4 ? formatIPv4(a.value) : formatIPv6(a.value);
  return a.zone ? `${text}%${a.zone}` : text;
}

/** Prefix text as Go's netip prints it (host bits shown as they are). */
export function formatPrefix(p: Prefix): string {
  return `${formatAddress({ family: p.family, value: p.addr })}/${p.bits}`;
}

/** "172.18.0.2" + 16 -> "172.18.0.2/16" (the address in canonical form). */
export function formatCidr(address: string, prefixLen: number): string {
  return `${formatAddress(parseAddress(address))}/${prefixLen}`;
}

/** Canonical text of an address ("FD00:0::1" -> "fd00::1"). */
export function canonicalAddress(s: string): string {
  return formatAddress(parseAddress(s));
}

/** Canonical, masked text of a CIDR ("10.1.2.3/16" -> "10.1.0.0/16"). */
export function canonicalCidr(s: string): string {
  return formatPrefix(masked(parseCidr(s)));
}

// ---- arithmetic ----

export function masked(p: Prefix): Prefix {
  return { family: p.family, addr: p.addr & netMask(p.family, p.bits), bits: p.bits };
}

export function isMasked(p: Prefix): boolean {
  return (p.addr & netMask(p.family, p.bits)) === p.addr;
}

/** Number of addresses in the prefix. */
export function prefixSize(p: Prefix): bigint {
  return 1n << BigInt(width(p.family) - p.bits);
}

export function firstAddress(p: Prefix): bigint {
  return p.addr & netMask(p.family, p.bits);
}

export function lastAddress(p: Prefix): bigint {
  return firstAddress(p) + prefixSize(p) - 1n;
}

/** Go's Prefix.Contains: same family, no zone, address inside. */
export function containsAddress(prefix: string | Prefix, address: string | Address): boolean {
  const p = toPrefix(prefix);
  const a = toAddress(address);
  if (a.family !== p.family || a.zone !== undefined) return false;
  return (a.value & netMask(p.family, p.bits)) === firstAddress(p);
}

/** True when `inner` lies entirely inside `outer` (same family). */
export function containsPrefix(outer: string | Prefix, inner: string | Prefix): boolean {
  const o = toPrefix(outer);
  const i = toPrefix(inner);
  return o.family === i.family && i.bits >= o.bits && containsAddress(o, { family: i.family, value: i.addr });
}

/** Go's Prefix.Overlaps: any address in common (different families never overlap). */
export function overlaps(a: string | Prefix, b: string | Prefix): boolean {
  const p = toPrefix(a);
  const q = toPrefix(b);
  if (p.family !== q.family) return false;
  const bits = Math.min(p.bits, q.bits);
  const m = netMask(p.family, bits);
  return (p.addr & m) === (q.addr & m);
}

export function prefixLength(cidr: string): number {
  return parseCidr(cidr).bits;
}

export function hostBits(cidr: string): number {
  const p = parseCidr(cidr);
  return width(p.family) - p.bits;
}

/** "10.1.2.3/16" -> "10.1.0.0". */
export function networkAddress(cidr: string): string {
  const p = parseCidr(cidr);
  return formatAddress({ family: p.family, value: firstAddress(p) });
}

/** Last address of the prefix ("10.1.0.0/16" -> "10.1.255.255"); the IPv4 broadcast for /30 and shorter. */
export function broadcastAddress(cidr: string): string {
  const p = parseCidr(cidr);
  return formatAddress({ family: p.family, value: lastAddress(p) });
}

/**
 * First and last address a host may use, by Docker's reservation rules: IPv4 reserves the network
 * and broadcast addresses except in /31 and /32 (RFC 3021); IPv6 reserves only the first (the
 * subnet-router anycast address), always, so an IPv6 /128 has no host address (Docker's rule too).
 */
export function hostRange(cidr: string): { first: string; last: string } {
  const p = parseCidr(cidr);
  const { lo, hi } = usableRange(masked(p));
  if (lo > hi) throw invalidParameter(`subnet ${cidr} has no assignable address`);
  return { first: formatAddress({ family: p.family, value: lo }), last: formatAddress({ family: p.family, value: hi }) };
}

export function firstHost(cidr: string): string {
  return hostRange(cidr).first;
}

export function lastHost(cidr: string): string {
  return hostRange(cidr).last;
}

/** Range of assignable addresses of a masked subnet (see hostRange). */
export function usableRange(p: Prefix): { lo: bigint; hi: bigint } {
  const host = width(p.family) - p.bits;
  const lo = p.addr;
  const hi = lo + prefixSize(p) - 1n;
  if (p.family === 4) return host > 1 ? { lo: lo + 1n, hi: hi - 1n } : { lo, hi };
  return { lo: lo + 1n, hi };
}

/** The /size prefix that follows `p`'s /size block ("10.0.0.0/24" as /16 -> 10.1.0.0/16), or undefined past the end. */
export function nextBlock(p: Prefix, size: number): Prefix | undefined {
  const step = 1n << BigInt(width(p.family) - size);
  const next = (p.addr & netMask(p.family, size)) + step;
  return next >> BigInt(width(p.family)) ? undefined : { family: p.family, addr: next, bits: size };
}

/** Sort order of Docker's netiputil.PrefixCompare: address, then the shorter prefix first. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.bits - b.bits;
}
