/**
 * @module dns/addr
 * Pure address helpers for the resolver: canonical forms (so an address written two ways is one
 * map key), reverse-lookup names, "ip" / "ip:port" / "[ip6]:port" upstream strings, and CIDR
 * containment. No I/O, no node:net, so `table.ts` stays pure.
 */

/** Four octets of a dotted quad, or undefined. Rejects leading zeros ("01"), as inet_pton does. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Sixteen bytes of an IPv6 address (with "::" and an embedded dotted quad allowed), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIPv4(part);
      if (!v4) return undefined;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
      out.push(parseInt(part, 16));
    }
  }
  return out;
}

/**
 * One spelling per address: dotted quad for IPv4 (also for "::ffff:a.b.c.d"), 32 lowercase hex
 * digits for IPv6. Undefined when `text` is not an address.
 */
export function canonicalIP(text: string): string | undefined {
  if (!text.includes(':')) return parseIPv4(text)?.join('.');
  const bytes = parseIPv6(text);
  if (!bytes) return undefined;
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The address a reverse name stands for, in `canonicalIP` form: "4.3.2.1.in-addr.arpa" ->
 * "1.2.3.4"; 32 nibbles under "ip6.arpa" -> 32 hex digits. `name` is lowercase without the
 * trailing dot. Undefined when it is not a complete reverse name (a zone cut such as
 * "2.1.in-addr.arpa" is not an address).
 */
export function reverseNameToIP(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const labels = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (labels.length !== 4) return undefined;
    return parseIPv4(labels.reverse().join('.'))?.join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    return nibbles.reverse().join('');
  }
  return undefined;
}

export const isReverseName = (name: string): boolean => name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa');

export interface HostPort {
  host: string; // as the socket APIs want it: "1.2.3.4" or "fd00::1"
  port: number;
  family: 4 | 6;
}

/** "1.2.3.4", "1.2.3.4:5353", "fd00::1", "[fd00::1]:5353" -> host and port (default 53). */
export function parseHostPort(text: string, defaultPort = 53): HostPort | undefined {
  let host = text.trim();
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(host);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (host.split(':').length === 2) {
    const [h, p] = host.split(':') as [string, string];
    if (!/^\d{1,5}$/.test(p)) return undefined;
    host = h;
    port = Number(p);
  }
  if (port < 1 || port > 65535) return undefined;
  if (host.includes(':')) return parseIPv6(host) ? { host, port, family: 6 } : undefined;
  return parseIPv4(host) ? { host, port, family: 4 } : undefined;
}

export interface Cidr {
  bytes: number[]; // 4 or 16
  bits: number;
}

/** "10.0.0.0/24" or "fd00::/64" -> prefix bytes and length; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const bytes = ipBytes(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (!bytes || !/^\d{1,3}$/.test(text.slice(slash + 1)) || bits > bytes.length * 8) return undefined;
  return { bytes, bits };
}

/** Whether the address `bytes` (4 or 16) lies inside `cidr`. */
export function cidrHas(cidr: Cidr, bytes: readonly number[]): boolean {
  if (cidr.bytes.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length && i * 8 < cidr.bits; i++) {
    const keep = Math.min(8, cidr.bits - i * 8);
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((cidr.bytes[i]! & mask) !== (bytes[i]! & mask)) return false;
  }
  return true;
}

/** Bytes of an address in any notation, or of a `canonicalIP` key (32 hex digits). */
export function ipBytes(text: string): number[] | undefined {
  if (/^[0-9a-f]{32}$/.test(text)) return Array.from({ length: 16 }, (_, i) => parseInt(text.slice(i * 2, i * 2 + 2), 16));
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

/** RFC 5952 text for 16 bytes: lowercase, leading zeros dropped, the longest run of zero groups as "::". */
export function formatIPv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let best = -1;
  let bestLen = 1; // a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
