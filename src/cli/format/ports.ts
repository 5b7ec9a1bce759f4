/**
 * @module ports
 * The PORTS column of `docker ps` (docker/cli formatter.DisplayablePorts): ports sorted by private
 * port, then IP (netip order: none, IPv4, IPv6), public port and protocol; mappings whose public and
 * private ports are equal, and unpublished ports, are grouped into ranges of consecutive ports
 * ("0.0.0.0:80-81->80-81/tcp", "8000-8001/tcp"); other mappings are listed one by one after them
 * ("0.0.0.0:32768->80/tcp, [::]:32768->80/tcp").
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface PortSummary {
  /** The host address, "" or absent for an exposed port that is not published. */
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** An address as netip orders it: bit length (0 for none), then bytes, then zone. */
function addrKey(ip: string | undefined): { bits: number; bytes: number[]; zone: string } {
  if (!ip) return { bits: 0, bytes: [], zone: '' };
  const [addr, zone = ''] = ip.split('%') as [string, string?];
  if (isIPv4(addr)) return { bits: 32, bytes: addr.split('.').map(Number), zone };
  if (isIPv6(addr)) return { bits: 128, bytes: ipv6Bytes(addr), zone };
  return { bits: 0, bytes: [], zone: ip };
}

function ipv6Bytes(addr: string): number[] {
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    addr = addr.slice(0, v4.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = addr.split('::') as [string, string?];
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const zeros = rest === undefined ? [] : new Array<number>(Math.max(8 - left.length - right.length, 0)).fill(0);
  return [...left, ...zeros, ...right].flatMap((g) => [g >> 8, g & 0xff]);
}

function compareAddr(a: string | undefined, b: string | undefined): number {
  const x = addrKey(a);
  const y = addrKey(b);
  if (x.bits !== y.bits) return x.bits - y.bits;
  for (let i = 0; i < x.bytes.length; i++) if (x.bytes[i] !== y.bytes[i]) return x.bytes[i]! - y.bytes[i]!;
  return x.zone < y.zone ? -1 : x.zone > y.zone ? 1 : 0;
}

function comparePorts(a: PortSummary, b: PortSummary): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const ip = compareAddr(a.IP, b.IP);
  if (ip !== 0) return ip;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

/** net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function formGroup(key: string, first: number, last: number): string {
  const slash = key.lastIndexOf('/');
  const ip = slash >= 0 ? key.slice(0, slash) : '';
  const proto = slash >= 0 ? key.slice(slash + 1) : key;
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${proto}`;
}

/** docker ps's PORTS column for a container's port list. */
export function formatPorts(ports: readonly PortSummary[]): string {
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of [...ports].sort(comparePorts)) {
    const current = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if ((p.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(p.IP, String(p.PublicPort ?? 0))}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const group = groups.get(key);
    if (!group) groups.set(key, { first: current, last: current });
    else if (current === group.last + 1) group.last = current;
    else {
      // A gap: the finished range goes out now, ahead of those still open.
      result.push(formGroup(key, group.first, group.last));
      groups.set(key, { first: current, last: current });
    }
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}
