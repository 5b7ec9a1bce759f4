/**
 * @module cli/opts/ipam
 * `network create`'s --subnet, --ip-range, --gateway and --aux-address grouped per subnet, with
 * docker 28's client-side checks and messages (cli/command/network/create.go createIPAMConfig).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpamConfig {
  Subnet: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

/** A parsed CIDR: address bytes and prefix length (Go's net.ParseCIDR). */
function parseCidr(s: string): { bytes: number[]; bits: number } {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const len = slash < 0 ? '' : s.slice(slash + 1);
  const bytes = ipBytes(addr);
  const max = bytes ? bytes.length * 8 : 0;
  if (!bytes || !/^\d+$/.test(len) || Number(len) > max) throw new Error(`invalid CIDR address: ${s}`);
  return { bytes, bits: Number(len) };
}

function ipBytes(addr: string): number[] | undefined {
  if (isIPv4(addr)) return addr.split('.').map(Number);
  if (!isIPv6(addr)) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    addr = `${addr.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = addr.split('::') as [string, string?];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].flatMap((w) => [w >> 8, w & 0xff]);
}

/** docker's subnetMatches: does `subnet` contain the address (or the CIDR's address) `data`? */
function subnetMatches(subnet: string, data: string): boolean {
  let net: { bytes: number[]; bits: number };
  try {
    net = parseCidr(subnet);
  } catch (err) {
    throw new Error(`invalid subnet: ${(err as Error).message}`);
  }
  const ip = data.includes('/') ? parseCidr(data).bytes : ipBytes(data);
  if (!ip) return false;
  // Go compares an IPv4 address against an IPv4 network (and a v4-mapped v6 against v4).
  const norm = (b: number[]) => (b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255 ? b.slice(12) : b);
  const a = norm(ip);
  const n = norm(net.bytes);
  if (a.length !== n.length) return false;
  const bits = net.bits - (net.bytes.length - n.length) * 8;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> i % 8;
    if ((a[i >> 3]! & mask) !== (n[i >> 3]! & mask)) return false;
  }
  return true;
}

/** createIPAMConfig (docker 28): subnets with their ranges, gateways and auxiliary addresses. */
export function createIpamConfig(subnets: string[], ranges: string[], gateways: string[], aux: Map<string, string>): IpamConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  const data = new Map<string, IpamConfig>();
  for (const s of subnets) {
    for (const k of data.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw new Error('multiple overlapping subnet configuration is not supported');
    }
    data.set(s, { Subnet: s });
  }
  for (const r of ranges) {
    let match = false;
    for (const s of subnets) {
      parseCidr(r);
      if (!subnetMatches(s, r)) continue;
      const d = data.get(s)!;
      if (d.IPRange) throw new Error(`cannot configure multiple ranges (${r}, ${d.IPRange}) on the same subnet (${s})`);
      d.IPRange = r;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for range ${r}`);
  }
  for (const g of gateways) {
    let match = false;
    for (const s of subnets) {
      if (!subnetMatches(s, g)) continue;
      const d = data.get(s)!;
      if (d.Gateway) throw new Error(`cannot configure multiple gateways (${g}, ${d.Gateway}) for the same subnet (${s})`);
      d.Gateway = g;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for gateway ${g}`);
  }
  for (const [key, addr] of aux) {
    let match = false;
    for (const s of subnets) {
      if (!subnetMatches(s, addr)) continue;
      const d = data.get(s)!;
      d.AuxiliaryAddresses = { ...d.AuxiliaryAddresses, [key]: addr };
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for aux-address ${addr}`);
  }
  return [...data.values()];
}
