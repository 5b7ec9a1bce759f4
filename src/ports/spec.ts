/**
 * @module ports/spec
 * What a container asks to publish, from Docker's API fields to normalized requests (pure).
 *
 * - `portRequests`: HostConfig.PortBindings (+ PublishAllPorts with Config.ExposedPorts) as the
 *   daemon receives them (moby daemon/network.go buildPortsRelatedCreateEndpointOptions):
 *   "80/tcp" -> [{HostIp, HostPort}], HostPort "" = ephemeral, "8000-8010" = a range to pick from.
 * - `resolveRequests`: host addresses settled for an IPv4-only container (moby
 *   configurePortBindingIPv4): no HostIp -> the network's default binding address (0.0.0.0);
 *   IPv6 host addresses are skipped (no userland proxy to go 6->4); routed networks get no NAT.
 *
 * (The CLI's `-p` grammar is src/cli/opts/ports.ts: clients send PortBindings, parsed here.)
 */
import { invalidParameter } from '../lib/errors.js';

export type Proto = 'tcp' | 'udp' | 'sctp';
export const PROTOS: readonly Proto[] = ['tcp', 'udp', 'sctp'];
export const ANY_IPV4 = '0.0.0.0';

/** One requested binding; host port 0-0 means "pick one from the ephemeral range". */
export interface PortRequest {
  containerPort: number;
  proto: Proto;
  /** '' = the network's default binding address. */
  hostIp: string;
  hostPortStart: number;
  hostPortEnd: number;
}

/** A request with its host address settled; `nat: false` = routed mode (no host port, no DNAT). */
export interface ResolvedRequest extends PortRequest {
  hostIp: string;
  nat: boolean;
}

export interface PortBindingInput {
  HostIp?: string | null;
  HostPort?: string | null;
}

export interface PublishInput {
  portBindings: Record<string, PortBindingInput[] | null | undefined> | null | undefined;
  publishAll: boolean;
  exposedPorts: Record<string, unknown> | null | undefined;
}

/** "80/tcp", "80" (tcp), "53/udp" -> port and protocol. */
export function parsePortKey(key: string): { port: number; proto: Proto } {
  const [num = '', rawProto = 'tcp', ...rest] = key.split('/');
  const proto = (rawProto || 'tcp').toLowerCase();
  const port = parsePortNumber(num);
  if (rest.length || port === undefined || port === 0) throw invalidParameter(`invalid port specification: "${key}"`);
  if (!isProto(proto)) throw invalidParameter(`invalid proto: ${proto}`);
  return { port, proto };
}

/** A host port field: "" -> 0-0 (ephemeral), "8080" -> 8080-8080, "8000-8010" -> 8000-8010. */
export function parseHostPort(value: string): { start: number; end: number } {
  if (value === '') return { start: 0, end: 0 };
  const range = parsePortRange(value);
  if (!range) throw invalidParameter(`invalid port specification: "${value}"`);
  return range;
}

/** Docker's PortBindings (+ -P) as requests, in no particular order. */
export function portRequests(input: PublishInput): PortRequest[] {
  const ports: Record<string, PortBindingInput[] | null | undefined> = { ...(input.portBindings ?? {}) };
  if (input.publishAll) for (const key of Object.keys(input.exposedPorts ?? {})) if (!(key in ports)) ports[key] = null;
  const out: PortRequest[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const { port, proto } = parsePortKey(key);
    for (const b of bindings ?? []) {
      const { start, end } = parseHostPort(b.HostPort ?? '');
      out.push({ containerPort: port, proto, hostIp: b.HostIp ?? '', hostPortStart: start, hostPortEnd: end });
    }
    if (input.publishAll && !bindings?.length) out.push({ containerPort: port, proto, hostIp: '', hostPortStart: 0, hostPortEnd: 0 });
  }
  return out;
}

/**
 * Settle host addresses for an IPv4 container: the default for empty ones, IPv4-mapped IPv6
 * unmapped, IPv6 dropped. Routed (no NAT) bindings listen on no host port.
 */
export function resolveRequests(reqs: PortRequest[], opts: { defaultHostIp?: string; nat: boolean }): ResolvedRequest[] {
  const def = opts.defaultHostIp || ANY_IPV4;
  const out: ResolvedRequest[] = [];
  for (const r of reqs) {
    let ip = unmapIPv4(r.hostIp || def);
    if (!isIPv4(ip)) {
      if (ip.includes(':')) continue; // IPv6 host address: nothing to do for an IPv4-only container
      throw invalidParameter(`invalid host IP address: ${r.hostIp}`);
    }
    if (!opts.nat) {
      out.push({ ...r, hostIp: ANY_IPV4, hostPortStart: 0, hostPortEnd: 0, nat: false });
      continue;
    }
    ip = canonicalIPv4(ip);
    out.push({ ...r, hostIp: ip, nat: true });
  }
  return sortRequests(out);
}

const PROTO_ORDER: Record<Proto, number> = { tcp: 6, udp: 17, sctp: 132 };

/**
 * moby's PortBindingReq.Compare: exact host ports before ranges (so exact ports inside a range
 * are not taken by it), then container port, protocol, host port range, host address.
 */
export function compareRequests(a: ResolvedRequest, b: ResolvedRequest): number {
  if (a.nat !== b.nat) return a.nat ? -1 : 1; // moby sorts by mapper name: "nat" < "routed"
  const aRange = a.hostPortStart === 0 || a.hostPortStart !== a.hostPortEnd;
  const bRange = b.hostPortStart === 0 || b.hostPortStart !== b.hostPortEnd;
  if (aRange !== bRange) return aRange ? 1 : -1;
  return (
    a.containerPort - b.containerPort ||
    PROTO_ORDER[a.proto] - PROTO_ORDER[b.proto] ||
    a.hostPortStart - b.hostPortStart ||
    a.hostPortEnd - b.hostPortEnd ||
    ipv4Number(a.hostIp) - ipv4Number(b.hostIp)
  );
}

export function sortRequests(reqs: ResolvedRequest[]): ResolvedRequest[] {
  return [...reqs].sort(compareRequests);
}

/** Requests that differ only in host address get one host port between them (moby needSamePort). */
export function needSamePort(a: ResolvedRequest, b: ResolvedRequest): boolean {
  return a.nat === b.nat && a.containerPort === b.containerPort && a.proto === b.proto && a.hostPortStart === b.hostPortStart && a.hostPortEnd === b.hostPortEnd;
}

/** Consecutive runs of sorted requests that share a host port. */
export function groupRequests(sorted: ResolvedRequest[]): ResolvedRequest[][] {
  const groups: ResolvedRequest[][] = [];
  for (const r of sorted) {
    const last = groups.at(-1);
    if (last && needSamePort(last[0]!, r) && !last.some((x) => x.hostIp === r.hostIp)) last.push(r);
    else groups.push([r]);
  }
  return groups;
}

// ---------------------------------------------------------------- small parsers

function isProto(p: string): p is Proto {
  return (PROTOS as readonly string[]).includes(p);
}

/** A decimal port 0-65535 (Go's ParseUint(s, 10, 16)). */
function parsePortNumber(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/** "80" or "8000-8010" with start <= end, both non-zero. */
export function parsePortRange(s: string): { start: number; end: number } | undefined {
  const [a = '', b, ...rest] = s.split('-');
  if (rest.length) return undefined;
  const start = parsePortNumber(a);
  const end = b === undefined ? start : parsePortNumber(b);
  if (start === undefined || end === undefined || start === 0 || end < start) return undefined;
  return { start, end };
}

export function isIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
}

function unmapIPv4(s: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
  return m ? m[1]! : s;
}

function canonicalIPv4(s: string): string {
  return s.split('.').map(Number).join('.');
}

function ipv4Number(s: string): number {
  return s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
