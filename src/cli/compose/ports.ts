/**
 * @module compose/ports
 * Port syntax: the short form `[[IP:](HOST|HOST-RANGE):](PORT|RANGE)[/PROTO]` as docker's
 * go-connections `nat.ParsePortSpec` reads it (compose-go `ParsePortConfig`), the long form, the
 * `expose` list, and docker/cli's `DisplayablePorts` for `ps`.
 */
import { invalidParameter } from '../../lib/errors.js';
import type { PortConfig } from './model.js';

const PROTOCOLS = ['tcp', 'udp', 'sctp'];

/** One short-syntax entry; a range expands into one PortConfig per container port. */
export function parsePortSpec(raw: string): PortConfig[] {
  const [rawIp, hostPort, containerSpec] = splitParts(raw);
  const [proto, containerPort] = splitProtoPort(containerSpec);
  let ip = rawIp;
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw invalidParameter(`Invalid ip address ${rawIp}: missing ']' in address`);
    ip = ip.slice(1, -1);
  }
  if (ip && !isIp(ip)) throw invalidParameter(`Invalid ip address: ${ip}`);
  if (!containerPort) throw invalidParameter(`No port specified: ${raw}<empty>`);
  const [start, end] = parseRange(containerPort, `Invalid containerPort: ${containerPort}`);
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort) [hostStart, hostEnd] = parseRange(hostPort, `Invalid hostPort: ${hostPort}`);
  if (hostPort && end - start !== hostEnd - hostStart && end !== start) {
    throw invalidParameter(`Invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const protocol = proto.toLowerCase();
  if (!PROTOCOLS.includes(protocol)) throw invalidParameter(`Invalid proto: ${proto}`);
  const count = end - start + 1;
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) {
    let published: string | undefined;
    if (hostPort) {
      published = String(hostStart + i);
      if (count === 1 && hostStart !== hostEnd) published += `-${hostEnd}`;
    }
    out.push({
      mode: 'ingress',
      ...(ip ? { host_ip: ip } : {}),
      target: start + i,
      ...(published !== undefined ? { published } : {}),
      protocol: protocol as PortConfig['protocol'],
    });
  }
  return out;
}

/** `services.x.ports[i]` in either syntax. */
export function parsePortEntry(entry: unknown, where: string): PortConfig[] {
  if (typeof entry === 'number') return parsePortSpec(String(entry));
  if (typeof entry === 'string') return parsePortSpec(entry);
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) return [longPort(entry as Record<string, unknown>, where)];
  throw invalidParameter(`${where} must be a number, string or mapping`);
}

function longPort(m: Record<string, unknown>, where: string): PortConfig {
  const allowed = ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'];
  const extra = Object.keys(m).filter((k) => !allowed.includes(k) && !k.startsWith('x-'));
  if (extra.length) throw invalidParameter(`${where} additional properties ${extra.map((k) => `'${k}'`).join(', ')} not allowed`);
  const target = Number(m.target);
  if (!Number.isInteger(target) || target < 1 || target > 65535) throw invalidParameter(`${where}.target: invalid port ${String(m.target)}`);
  const protocol = String(m.protocol ?? 'tcp').toLowerCase();
  if (!PROTOCOLS.includes(protocol)) throw invalidParameter(`Invalid proto: ${protocol}`);
  const mode = String(m.mode ?? 'ingress');
  if (mode !== 'ingress' && mode !== 'host') throw invalidParameter(`${where}.mode: invalid mode ${mode}`);
  const out: PortConfig = { mode, target, protocol: protocol as PortConfig['protocol'] };
  if (m.host_ip !== undefined) out.host_ip = String(m.host_ip);
  if (m.published !== undefined && m.published !== null && m.published !== '') out.published = String(m.published);
  if (m.name !== undefined) out.name = String(m.name);
  if (m.app_protocol !== undefined) out.app_protocol = String(m.app_protocol);
  return out;
}

/** `expose: ["80", "8000-8002/udp", 3000]` into `port/proto` keys, ranges expanded. */
export function exposedPorts(expose: string[]): string[] {
  return expose.flatMap((e) => {
    const [proto, port] = splitProtoPort(e);
    const [start, end] = parseRange(port, `Invalid containerPort: ${port}`);
    return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${proto.toLowerCase()}`);
  });
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return ['', '', parts[0]!];
  if (n === 2) return ['', parts[0]!, parts[1]!];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, parts[n - 1]!];
}

function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (!raw || !parts[0]) return ['', ''];
  if (parts.length === 1 || !parts[1]) return ['tcp', parts[0]];
  return [parts[1], parts[0]];
}

function parseRange(spec: string, message: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!m) throw invalidParameter(message);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) throw invalidParameter(message);
  return [start, end];
}

function isIp(s: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((o) => Number(o) <= 255);
  return /^[0-9a-fA-F:.]+$/.test(s) && s.includes(':');
}

/** A port as `GET /containers/json` lists it. */
export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** docker/cli `DisplayablePorts`: "0.0.0.0:8080->80/tcp, 443/tcp", consecutive ports grouped. */
export function displayablePorts(ports: PortSummary[]): string {
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const mappings: string[] = [];
  for (const p of sorted) {
    let key = p.Type;
    if (p.IP) {
      if (p.PublicPort !== p.PrivatePort) {
        const host = p.IP.includes(':') ? `[${p.IP}]` : p.IP;
        mappings.push(`${host}:${p.PublicPort ?? 0}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
      order.push(key);
    } else if (p.PrivatePort === group.last + 1) {
      group.last = p.PrivatePort;
    } else {
      result.push(formGroup(key, group.first, group.last));
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
    }
  }
  for (const key of order) result.push(formGroup(key, groups.get(key)!.first, groups.get(key)!.last));
  return [...result, ...mappings].join(', ');
}

function formGroup(key: string, first: number, last: number): string {
  const slash = key.lastIndexOf('/');
  const ip = slash >= 0 ? key.slice(0, slash) : '';
  const type = slash >= 0 ? key.slice(slash + 1) : key;
  let group = first === last ? String(first) : `${first}-${last}`;
  if (ip) group = `${ip}:${group}->${group}`;
  return `${group}/${type}`;
}

function comparePorts(a: PortSummary, b: PortSummary): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}
