/**
 * @module ipam/goparse
 * Text parsing of IP addresses and prefixes with Go's exact rules and error messages
 * (`net/netip.ParseAddr`, `net/netip.ParsePrefix`, and the laxer `net.ParseCIDR`). Docker parses
 * every address of a network's IPAM config with these, so the messages a raw API client sees
 * (`invalid JSON: netip.ParsePrefix("10.0.0.1"): no '/'`) come from here.
 *
 * Results are plain values: `{ family, value, zone }` with `value` a bigint (32 or 128 bits).
 */

export type Family = 4 | 6;

/** An IP address. `zone` only for IPv6 written with `%zone`; an IPv4-mapped IPv6 address stays family 6. */
export interface Address {
  readonly family: Family;
  readonly value: bigint;
  readonly zone?: string;
}

/** An IP prefix as written: `addr` may still have host bits set (use `masked`). */
export interface Prefix {
  readonly family: Family;
  readonly addr: bigint;
  readonly bits: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Go's strconv.Quote for the ASCII inputs that matter here. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function addrError(input: string, msg: string, at?: string): string {
  const base = `ParseAddr(${goQuote(input)}): ${msg}`;
  return at ? `${base} (at ${goQuote(at)})` : base;
}

/** Go's parseIPv4Fields: the dotted quad in input[off, end). Errors name the whole input. */
function parseIPv4Fields(input: string, off: number, end: number): Parsed<number[]> {
  const s = input.slice(off, end);
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && val === 0) return fail(addrError(input, 'IPv4 field has octet with leading zero'));
      val = val * 10 + (c - 48);
      digits++;
      if (val > 255) return fail(addrError(input, 'IPv4 field has value >255'));
    } else if (s[i] === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        return fail(addrError(input, 'IPv4 field must have at least one digit', s.slice(i)));
      }
      if (fields.length === 3) return fail(addrError(input, 'IPv4 address too long'));
      fields.push(val);
      val = 0;
      digits = 0;
    } else {
      return fail(addrError(input, 'unexpected character', s.slice(i)));
    }
  }
  if (fields.length < 3) return fail(addrError(input, 'IPv4 address too short'));
  fields.push(val);
  return { ok: true, value: fields };
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Go's parseIPv6, step for step, so the error and its "(at ...)" part match. */
function parseIPv6(input: string): Parsed<Address> {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return fail(addrError(input, 'zone must be a non-empty string'));
  }
  const bytes = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { ok: true, value: withZone(0n, zone) };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexValue(s.charCodeAt(off));
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3) return fail(addrError(input, 'each group must have 4 or less digits', s));
      if (acc > 0xffff) return fail(addrError(input, 'IPv6 field has value >=2^16', s));
    }
    if (off === 0) return fail(addrError(input, 'each colon-separated field must have at least one digit', s));
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        return fail(addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s));
      }
      if (i + 4 > 16) return fail(addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s));
      const end = input.length - (zone.length > 0 ? zone.length + 1 : 0);
      const v4 = parseIPv4Fields(input, end - s.length, end);
      if (!v4.ok) return v4;
      for (let k = 0; k < 4; k++) bytes[i + k] = v4.value[k]!;
      s = '';
      i += 4;
      break;
    }
    bytes[i] = acc >> 8;
    bytes[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') return fail(addrError(input, 'unexpected character, want colon', s));
    if (s.length === 1) return fail(addrError(input, 'colon must be followed by more characters', s));
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return fail(addrError(input, 'multiple :: in address', s));
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return fail(addrError(input, 'trailing garbage after address', s));
  if (i < 16) {
    if (ellipsis < 0) return fail(addrError(input, 'address string too short'));
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) bytes[j + n] = bytes[j]!;
    for (let j = ellipsis; j < ellipsis + n; j++) bytes[j] = 0;
  } else if (ellipsis >= 0) {
    return fail(addrError(input, 'the :: must expand to at least one field of zeros'));
  }
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { ok: true, value: withZone(value, zone) };
}

function withZone(value: bigint, zone: string): Address {
  return zone ? { family: 6, value, zone } : { family: 6, value };
}

/** Go's netip.ParseAddr. */
export function goParseAddr(s: string): Parsed<Address> {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '.') {
      const r = parseIPv4Fields(s, 0, s.length);
      if (!r.ok) return r;
      const [a, b, c, d] = r.value as [number, number, number, number];
      return { ok: true, value: { family: 4, value: BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d) } };
    }
    if (s[i] === ':') return parseIPv6(s);
    if (s[i] === '%') return fail(addrError(s, 'missing IPv6 address'));
  }
  return fail(addrError(s, 'unable to parse IP'));
}

const MAX_INT64 = 2n ** 63n - 1n;

/** Go's strconv.Atoi, for the non-negative integers that can be prefix lengths. */
function atoi(s: string): number | undefined {
  const m = /^[+-]?(\d+)$/.exec(s);
  if (!m) return undefined;
  const n = BigInt(s.replace(/^\+/, ''));
  if (n > MAX_INT64 || n < -MAX_INT64 - 1n) return undefined;
  return n > 1000n ? 1001 : n < 0n ? -1 : Number(n);
}

/** Go's netip.ParsePrefix: host bits are kept (Docker reports them, see validate.ts). */
export function goParsePrefix(s: string): Parsed<Prefix> {
  const err = (msg: string) => fail<Prefix>(`netip.ParsePrefix(${goQuote(s)}): ${msg}`);
  const slash = s.lastIndexOf('/');
  if (slash < 0) return err("no '/'");
  const ip = goParseAddr(s.slice(0, slash));
  if (!ip.ok) return err(ip.error);
  if (ip.value.zone !== undefined) return err('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(slash + 1);
  const first = bitsStr.charCodeAt(0);
  if (bitsStr.length > 1 && !(first >= 49 && first <= 57)) return err(`bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = atoi(bitsStr);
  if (bits === undefined) return err(`bad bits after slash: ${goQuote(bitsStr)}`);
  if (bits < 0 || bits > width(ip.value.family)) return err('prefix length out of range');
  return { ok: true, value: { family: ip.value.family, addr: ip.value.value, bits } };
}

/**
 * Go's net.ParseCIDR (what docker's CLI uses to match addresses to subnets): same address rules
 * as netip but no zones, a mask with leading zeros is fine ("/08"), and every failure reads
 * `invalid CIDR address: <s>`. Returns the network, masked.
 */
export function goNetParseCidr(s: string): Parsed<Prefix> {
  const error = `invalid CIDR address: ${s}`;
  const slash = s.indexOf('/');
  if (slash < 0) return fail(error);
  const ip = goParseAddr(s.slice(0, slash));
  if (!ip.ok || ip.value.zone !== undefined) return fail(error);
  const mask = s.slice(slash + 1);
  if (!/^\d+$/.test(mask) || mask.length > 8 || Number(mask) >= 0xffffff || Number(mask) > width(ip.value.family)) {
    return fail(error);
  }
  const bits = Number(mask);
  return { ok: true, value: { family: ip.value.family, addr: ip.value.value & netMask(ip.value.family, bits), bits } };
}

/** Go's net.ParseIP: netip rules without zones; undefined when invalid. */
export function goNetParseIp(s: string): Address | undefined {
  const ip = goParseAddr(s);
  return ip.ok && ip.value.zone === undefined ? ip.value : undefined;
}

export function width(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** The netmask of a /bits prefix as a number of the family's width. */
export function netMask(family: Family, bits: number): bigint {
  const w = BigInt(width(family));
  const host = w - BigInt(bits);
  return ((1n << w) - 1n) ^ ((1n << host) - 1n);
}
