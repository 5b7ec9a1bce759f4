/**
 * @module ports/allocator
 * Which host ports berth itself has handed out, with Docker's rules (moby
 * libnetwork/portallocator): per host address and protocol; a port on 0.0.0.0 conflicts with the
 * same port on every address and vice versa; a request for a range (or for "any", the kernel's
 * ephemeral range) takes the next free port after the last one allocated from that range
 * (round-robin, not lowest-free), skipping the kernel's reserved ports for automatic picks only.
 * Pure: the ephemeral range is given, nothing here touches the kernel.
 */
import { systemError } from '../lib/errors.js';
import { ANY_IPV4, type Proto } from './spec.js';

export interface EphemeralRange {
  begin: number;
  end: number;
  /** net.ipv4.ip_local_reserved_ports: never picked automatically. */
  reserved?: ReadonlySet<number>;
}

/** Docker's fallback when ip_local_port_range cannot be read. */
export const DEFAULT_EPHEMERAL: EphemeralRange = { begin: 49153, end: 65535 };

interface RangeState {
  begin: number;
  end: number;
  /** The last port allocated from this range; the search starts after it. */
  last: number;
}

interface PortMap {
  used: Set<number>;
  ranges: Map<string, RangeState>;
}

export const ALL_PORTS_ALLOCATED = 'all ports are allocated';

export function alreadyAllocated(ip: string, port: number) {
  return systemError(`Bind for ${ip}:${port} failed: port is already allocated`);
}

export class PortAllocator {
  /** host address -> protocol -> ports; 0.0.0.0 always present. */
  #maps = new Map<string, Map<Proto, PortMap>>();

  constructor(readonly ephemeral: EphemeralRange = DEFAULT_EPHEMERAL) {
    this.#addr(ANY_IPV4);
  }

  /**
   * One port free for `proto` on every address in `ips`, marked used on all of them. start=end=0:
   * from the ephemeral range; start=end: exactly that port; otherwise from start..end.
   */
  request(ips: string[], proto: Proto, start = 0, end = 0): number {
    if ((start || end) && (start <= 0 || end <= 0 || end < start)) throw systemError(`invalid port range: ${start}-${end}`);
    if (!ips.length) throw systemError('no IP addresses specified');
    const refs = this.#refs(ips, proto);
    if (start > 0 && start === end) {
      for (const [ip, ref] of refs) if (ref.map.used.has(start)) throw alreadyAllocated(ip, start);
      for (const ref of refs.values()) if (ref.allocate) ref.map.used.add(start);
      return start;
    }
    const ranges = new Map([...refs].map(([ip, ref]) => [ip, this.#range(ref.map, start, end)]));
    const skipReserved = start === 0 && end === 0;
    const first = ranges.get(ips[0]!)!;
    let port = first.last;
    for (let i = first.begin; i <= first.end; i++) {
      port = port + 1 > first.end ? first.begin : port + 1;
      if (skipReserved && this.ephemeral.reserved?.has(port)) continue;
      if ([...refs.values()].some((r) => r.map.used.has(port))) continue;
      for (const [ip, ref] of refs) {
        if (!ref.allocate) continue;
        ref.map.used.add(port);
        ranges.get(ip)!.last = port;
      }
      return port;
    }
    throw systemError(ALL_PORTS_ALLOCATED);
  }

  /** Give a port back; unknown ports are fine. */
  release(ip: string, proto: Proto, port: number): void {
    this.#maps.get(ip)?.get(proto)?.used.delete(port);
  }

  /** Mark a port used without checks (daemon restart: what running containers already hold). */
  claim(ip: string, proto: Proto, port: number): void {
    this.#addr(ip).get(proto)!.used.add(port);
  }

  isAllocated(ip: string, proto: Proto, port: number): boolean {
    return this.#maps.get(ip)?.get(proto)?.used.has(port) ?? false;
  }

  /**
   * The maps a request must find the port free in: its own addresses (allocated there), plus
   * every address when one of them is 0.0.0.0, or 0.0.0.0 otherwise (checked only).
   */
  #refs(ips: string[], proto: Proto): Map<string, { map: PortMap; allocate: boolean }> {
    const refs = new Map<string, { map: PortMap; allocate: boolean }>();
    for (const ip of ips) refs.set(ip, { map: this.#addr(ip).get(proto)!, allocate: true });
    if (refs.has(ANY_IPV4)) {
      for (const [ip, protos] of this.#maps) if (!refs.has(ip)) refs.set(ip, { map: protos.get(proto)!, allocate: false });
    } else {
      refs.set(ANY_IPV4, { map: this.#addr(ANY_IPV4).get(proto)!, allocate: false });
    }
    return refs;
  }

  #addr(ip: string): Map<Proto, PortMap> {
    let protos = this.#maps.get(ip);
    if (!protos) {
      protos = new Map((['tcp', 'udp', 'sctp'] as Proto[]).map((p) => [p, { used: new Set<number>(), ranges: new Map() }]));
      this.#maps.set(ip, protos);
    }
    return protos;
  }

  #range(map: PortMap, start: number, end: number): RangeState {
    const [begin, last] = start === 0 && end === 0 ? [this.ephemeral.begin, this.ephemeral.end] : [start, end];
    const key = `${begin}-${last}`;
    let r = map.ranges.get(key);
    if (!r) map.ranges.set(key, (r = { begin, end: last, last }));
    return r;
  }
}

/** "32768\t60999" (net.ipv4.ip_local_port_range). */
export function parsePortRangeSysctl(text: string): { begin: number; end: number } | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const [begin, end] = [Number(m[1]), Number(m[2])];
  return begin > 0 && end >= begin && end <= 65535 ? { begin, end } : undefined;
}

/** "8080,9148" or "30000-32767,40000" (net.ipv4.ip_local_reserved_ports), kept to begin..end. */
export function parseReservedPorts(text: string, begin: number, end: number): Set<number> {
  const out = new Set<number>();
  for (const entry of text.trim().split(',').filter(Boolean)) {
    const [a, b] = entry.split('-').map((x) => Number(x.trim()));
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) continue;
    for (let p = Math.max(a!, begin); p <= Math.min(b ?? a!, end); p++) out.add(p);
  }
  return out;
}
