/**
 * @module cli/opts/ports
 * `-p/--publish` and `--expose` as docker 28 reads them (go-connections/nat ParsePortSpecs, docker's
 * convertToStandardNotation for the `target=80,published=8080` form): `[ip:][hostPort:]containerPort[/proto]`
 * with port ranges and bracketed IPv6 addresses. Errors carry docker's wording.
 */
import { isIP } from 'node:net';

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** What -p/--expose contribute to a create request: port keys like "80/tcp". */
export interface PortSpecs {
  exposed: Set<string>;
  bindings: Map<string, PortBinding[]>;
}

/** Go's strconv.ParseUint(s, 10, 16) with its error text. */
function parseUint16(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** nat.ParsePortRange: "8000" or "8000-9000". */
export function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new Error('empty string specified for ports');
  if (!ports.includes('-')) {
    const p = parseUint16(ports);
    return [p, p];
  }
  const parts = ports.split('-');
  const start = parseUint16(parts[0]!);
  const end = parseUint16(parts[1]!);
  if (end < start) throw new Error(`invalid range specified for port: ${ports}`);
  return [start, end];
}

/** nat.SplitProtoPort: "80/udp" → ["udp", "80"]; no protocol means tcp. */
export function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw.length === 0 || parts[0]!.length === 0) return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if (parts[1]!.length === 0) return ['tcp', parts[0]!];
  return [parts[1]!, parts[0]!];
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1]!;
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0]!, container];
  if (n === 3) return [parts[0]!, parts[1]!, container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, container];
}

/** net.SplitHostPort(ip + ":") for a bracketed address. */
function stripBrackets(ip: string): string {
  const m = /^\[([^\]]*)\]$/.exec(ip);
  if (m) return m[1]!;
  const why = ip.includes(']') ? 'missing port in address' : "missing ']' in address";
  throw new Error(`invalid IP address ${ip}: address ${ip}:: ${why}`);
}

/** The `name=value,...` long form (`target=80,published=8080,protocol=udp`) in short notation. */
export function toStandardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of spec.split(',')) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new Error(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, eq)] = param.slice(eq + 1);
  }
  return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
}

export interface PortMapping {
  port: string;
  binding: PortBinding;
}

/** nat.ParsePortSpec (docker 28's copy). */
export function parsePortSpec(raw: string): PortMapping[] {
  let [ip, hostPort, containerPort] = splitParts(raw);
  const [proto, port] = splitProtoPort(containerPort);
  containerPort = port;
  if (ip !== '' && ip[0] === '[') ip = stripBrackets(ip);
  if (ip !== '' && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new Error(`no port specified: ${raw}<empty>`);
  let start: number, end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new Error(`invalid containerPort: ${containerPort}`);
  }
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort.length > 0) {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new Error(`invalid hostPort: ${hostPort}`);
    }
  }
  if (hostPort !== '' && end - start !== hostEnd - hostStart && end !== start) {
    throw new Error(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new Error(`invalid proto: ${proto}`);
  const out: PortMapping[] = [];
  for (let i = 0; i <= end - start; i++) {
    let hp = hostPort.length > 0 ? String(hostStart + i) : '';
    if (start === end && hostStart !== hostEnd) hp = `${hp}-${hostEnd}`;
    out.push({ port: `${start + i}/${proto.toLowerCase()}`, binding: { HostIp: ip, HostPort: hp } });
  }
  return out;
}

/** All -p values, then --expose values, as docker's parse() merges them. */
export function parsePorts(publish: readonly string[], expose: readonly string[]): PortSpecs {
  const exposed = new Set<string>();
  const bindings = new Map<string, PortBinding[]>();
  for (const spec of publish.map(toStandardNotation)) {
    for (const { port, binding } of parsePortSpec(spec)) {
      exposed.add(port);
      bindings.set(port, [...(bindings.get(port) ?? []), binding]);
    }
  }
  for (const e of expose) {
    if (e.includes(':')) throw new Error(`invalid port format for --expose: ${e}`);
    const [proto, port] = splitProtoPort(e);
    let start: number, end: number;
    try {
      [start, end] = parsePortRange(port);
    } catch (err) {
      throw new Error(`invalid range format for --expose: ${e}, error: ${(err as Error).message}`);
    }
    for (let p = start; p <= end; p++) exposed.add(`${p}/${proto}`);
  }
  return { exposed, bindings };
}
