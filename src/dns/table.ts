/**
 * @module dns/table
 * The resolver's name table: an immutable snapshot built from the networks and their endpoints,
 * answering "what does this requester get for this name" without I/O (aardvark-dns's
 * `DNSBackend`, with Docker's rules). The server swaps whole tables, so a query always sees one
 * consistent snapshot.
 *
 * Rules (moby `sandbox.go ResolveName`, `resolver.go`):
 * - The requester is the asking container, known by any of its addresses; it sees the names of
 *   every network it is attached to, nothing else. An address no container has is a stranger:
 *   it sees only the network whose gateway it asked (`viaNetworkId`), and is never forwarded for
 *   (the listener would otherwise be an open resolver for anyone who can route to a gateway).
 *   A stranger without a known network is REFUSED.
 * - Names are lower-cased; a trailing dot is ignored. Each endpoint's names (container name,
 *   aliases, short ID, hostname) resolve, and so does `<name>.<network name>` (network names may
 *   contain dots; every split works because the qualified forms are keys of their own).
 * - Networks are searched in Docker's endpoint order as far as the table knows it: non-internal
 *   first, then by network name. The first network holding addresses of the asked family
 *   answers with all of them (a shared alias = round-robin set; the server shuffles). If the
 *   name exists but only in the other family: NODATA. Other query types for our names: NODATA.
 * - PTR for an address the requester can see: `<first name>.<network name>.`. Unknown address
 *   inside one of the requester's subnets: NXDOMAIN (nobody upstream knows it either, and asking
 *   would leak it); otherwise forwarded, as Docker does.
 * - Unknown names are forwarded: to the container's own `--dns` servers, else the server's.
 *   A requester only on internal networks has no forwarding from the host (moby `proxyDNS=false`,
 *   which answers SERVFAIL; `TestInternalNetworkDNS`): its result is `forward` with only those of
 *   its `--dns` servers that sit inside its networks' subnets, usually none, and the server
 *   answers SERVFAIL when the list is empty.
 */
import { canonicalIP, cidrHas, formatIPv6, ipBytes, isReverseName, parseCidr, parseHostPort, reverseNameToIP, type Cidr } from './addr.js';

export interface DnsEndpoint {
  containerId: string;
  ipv4?: string;
  ipv6?: string;
  /** Container name first (it names PTR answers), then aliases, 12-char short ID, hostname. */
  names: string[];
}
export interface DnsNetwork {
  id: string;
  name: string;
  internal: boolean;
  endpoints: DnsEndpoint[];
  /** The network's subnets ("10.1.0.0/24"); optional, used for in-subnet PTR and internal --dns. */
  subnets?: string[];
}
/** Per-container --dns servers ("ip" or "ip:port"). */
export interface DnsContainerOptions {
  upstreams?: string[];
}
export type LookupResult =
  | { kind: 'answer'; addresses: readonly string[] } // A or AAAA; empty = NODATA
  | { kind: 'ptr'; name: string } // "db.app."
  /** Not ours. `upstreams` undefined: the server's defaults; empty: forwarding disabled (SERVFAIL). */
  | { kind: 'forward'; upstreams?: readonly string[] }
  | { kind: 'nxdomain' }
  | { kind: 'refused' };

interface Entry {
  v4: readonly string[];
  v6: readonly string[];
  a: LookupResult;
  aaaa: LookupResult;
}
interface NetIndex {
  name: string;
  internal: boolean;
  subnets: Cidr[];
  plain: Map<string, Entry>;
  qualified: Map<string, Entry>;
  reverse: Map<string, LookupResult>;
}
interface Scope {
  nets: readonly NetIndex[];
  forward: LookupResult;
}

const NODATA: LookupResult = Object.freeze({ kind: 'answer', addresses: Object.freeze([]) as readonly string[] });
const NXDOMAIN: LookupResult = Object.freeze({ kind: 'nxdomain' });
const REFUSED: LookupResult = Object.freeze({ kind: 'refused' });
const FORWARD_DEFAULT: LookupResult = Object.freeze({ kind: 'forward' });
const NO_FORWARDING: LookupResult = Object.freeze({ kind: 'forward', upstreams: Object.freeze([]) as readonly string[] });

export class NameTable {
  readonly #requesters: Map<string, Scope>;
  readonly #strangers: Map<string, Scope>;

  private constructor(requesters: Map<string, Scope>, strangers: Map<string, Scope>) {
    this.#requesters = requesters;
    this.#strangers = strangers;
  }

  static readonly EMPTY = new NameTable(new Map(), new Map());

  /** O(total names). Endpoints with invalid addresses keep their valid ones. */
  static build(networks: readonly DnsNetwork[], containers: ReadonlyMap<string, DnsContainerOptions> = new Map()): NameTable {
    const members = new Map<string, { nets: NetIndex[]; ips: Set<string> }>();
    const strangers = new Map<string, Scope>();
    for (const net of networks) {
      const index = indexNetwork(net);
      strangers.set(net.id, { nets: [index], forward: REFUSED });
      for (const ep of net.endpoints) {
        let member = members.get(ep.containerId);
        if (!member) members.set(ep.containerId, (member = { nets: [], ips: new Set() }));
        if (!member.nets.includes(index)) member.nets.push(index);
        for (const ip of [ep.ipv4, ep.ipv6]) {
          const key = ip === undefined ? undefined : canonicalIP(ip);
          if (key) member.ips.add(key);
        }
      }
    }
    const requesters = new Map<string, Scope>();
    for (const [containerId, member] of members) {
      const nets = [...member.nets].sort((x, y) => Number(x.internal) - Number(y.internal) || compare(x.name, y.name));
      const scope: Scope = { nets, forward: forwardFor(nets, containers.get(containerId)?.upstreams) };
      for (const ip of member.ips) requesters.set(ip, scope);
    }
    return new NameTable(requesters, strangers);
  }

  lookup(requester: string, qname: string, qtype: 'A' | 'AAAA' | 'PTR' | string, viaNetworkId?: string): LookupResult {
    const scope = this.#scopeOf(requester, viaNetworkId);
    if (!scope) return REFUSED;
    let name = qname.endsWith('.') ? qname.slice(0, -1) : qname;
    name = name.toLowerCase();
    if (qtype === 'PTR' && isReverseName(name)) return reverse(scope, name);
    const family = qtype === 'A' ? 4 : qtype === 'AAAA' ? 6 : 0;
    const found = search(scope.nets, false, name, family) ?? (name.includes('.') ? search(scope.nets, true, name, family) : undefined);
    return found ?? scope.forward;
  }

  #scopeOf(requester: string, viaNetworkId: string | undefined): Scope | undefined {
    const scope = this.#requesters.get(requester);
    if (scope) return scope;
    if (requester.includes(':')) {
      const key = canonicalIP(requester);
      const again = key === undefined ? undefined : this.#requesters.get(key);
      if (again) return again;
    }
    return viaNetworkId === undefined ? undefined : this.#strangers.get(viaNetworkId);
  }
}

/** The first network with addresses of `family` answers; a name found without them is NODATA. */
function search(nets: readonly NetIndex[], qualified: boolean, name: string, family: number): LookupResult | undefined {
  let exists = false;
  for (const net of nets) {
    const entry = (qualified ? net.qualified : net.plain).get(name);
    if (entry === undefined) continue;
    if (family === 4 && entry.v4.length > 0) return entry.a;
    if (family === 6 && entry.v6.length > 0) return entry.aaaa;
    exists = true;
  }
  return exists ? NODATA : undefined;
}

function reverse(scope: Scope, name: string): LookupResult {
  const ip = reverseNameToIP(name);
  if (ip === undefined) return scope.forward;
  for (const net of scope.nets) {
    const hit = net.reverse.get(ip);
    if (hit) return hit;
  }
  const bytes = ipBytes(ip);
  if (bytes && scope.nets.some((net) => net.subnets.some((cidr) => cidrHas(cidr, bytes)))) return NXDOMAIN;
  return scope.forward;
}

function forwardFor(nets: readonly NetIndex[], upstreams: readonly string[] | undefined): LookupResult {
  const own = upstreams?.filter((u) => parseHostPort(u) !== undefined) ?? [];
  if (nets.some((net) => !net.internal)) return own.length > 0 ? Object.freeze({ kind: 'forward', upstreams: Object.freeze(own) }) : FORWARD_DEFAULT;
  const onNet = own.filter((u) => {
    const bytes = ipBytes(parseHostPort(u)!.host);
    return bytes !== undefined && nets.some((net) => net.subnets.some((cidr) => cidrHas(cidr, bytes)));
  });
  return onNet.length > 0 ? Object.freeze({ kind: 'forward', upstreams: Object.freeze(onNet) }) : NO_FORWARDING;
}

function indexNetwork(net: DnsNetwork): NetIndex {
  const netName = net.name.toLowerCase();
  const plain = new Map<string, { v4: string[]; v6: string[] }>();
  const qualified = new Map<string, { v4: string[]; v6: string[] }>();
  const reverseMap = new Map<string, LookupResult>();
  for (const ep of net.endpoints) {
    const v4 = ep.ipv4 === undefined ? undefined : canonicalIP(ep.ipv4);
    const v6bytes = ep.ipv6 === undefined ? undefined : ipBytes(ep.ipv6);
    const v6 = v6bytes?.length === 16 ? formatIPv6(v6bytes) : undefined;
    const names = new Set(ep.names.map((n) => (n.endsWith('.') ? n.slice(0, -1) : n).toLowerCase()).filter((n) => n !== ''));
    for (const n of names) {
      add(plain, n, v4, v6);
      add(qualified, `${n}.${netName}`, v4, v6);
    }
    const first = ep.names[0];
    if (first === undefined || names.size === 0) continue;
    const ptr: LookupResult = Object.freeze({ kind: 'ptr', name: `${first.replace(/\.$/, '')}.${net.name}.` });
    for (const ip of [ep.ipv4, ep.ipv6]) {
      const key = ip === undefined ? undefined : canonicalIP(ip);
      if (key !== undefined && !reverseMap.has(key)) reverseMap.set(key, ptr);
    }
  }
  return {
    name: net.name,
    internal: net.internal,
    subnets: (net.subnets ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined),
    plain: freezeEntries(plain),
    qualified: freezeEntries(qualified),
    reverse: reverseMap,
  };
}

function add(map: Map<string, { v4: string[]; v6: string[] }>, name: string, v4: string | undefined, v6: string | undefined): void {
  let entry = map.get(name);
  if (!entry) map.set(name, (entry = { v4: [], v6: [] }));
  if (v4 !== undefined) entry.v4.push(v4);
  if (v6 !== undefined) entry.v6.push(v6);
}

function freezeEntries(map: Map<string, { v4: string[]; v6: string[] }>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [name, { v4, v6 }] of map) {
    const a = Object.freeze(v4);
    const aaaa = Object.freeze(v6);
    out.set(name, {
      v4: a,
      v6: aaaa,
      a: Object.freeze({ kind: 'answer', addresses: a }),
      aaaa: Object.freeze({ kind: 'answer', addresses: aaaa }),
    });
  }
  return out;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
