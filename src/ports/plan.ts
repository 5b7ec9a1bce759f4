/**
 * @module ports/plan
 * A container's published ports as nft elements (pure). The table layout belongs to the bridge
 * driver (drivers/bridge/firewall.ts); it is handed in as a `PortLayout` of names. Per binding:
 *
 *   on a host address   dnat-on-addr-to-addr  { 127.0.0.1 . tcp . 8080 : 172.18.0.2 }
 *                       dnat-on-addr-to-port  { 127.0.0.1 . tcp . 8080 : 80 }
 *   on 0.0.0.0          dnat-on-any-to-addr   { tcp . 8080 : 172.18.0.2 }
 *                       dnat-on-any-to-port   { tcp . 8080 : 80 }
 *   and once per container port: published-ports { 172.18.0.2 . tcp . 80 } (the forward filter)
 *
 * Two maps per kind instead of one `: ipv4_addr . inet_service` map because nft 1.0.6's JSON
 * parser cannot declare a map with concatenated values. Publishing one more port is these element
 * adds, whatever else is published.
 */
import { Changeset, expr, nft, type NftElement, type TableRef } from '../dataplane/nft.js';
import { ANY_IPV4, parsePortKey, type Proto } from './spec.js';

export interface PortLayout {
  table: TableRef;
  /** Set of container address . protocol . container port, accepted by the forward filter. */
  publishedSet: string;
  dnat: { onAddrToAddr: string; onAddrToPort: string; onAnyToAddr: string; onAnyToPort: string };
}

/** One binding made: host side (hostPort 0 = not NATed: routed mode) and container side. */
export interface Binding {
  proto: Proto;
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

export interface Publication {
  /** The gateway endpoint's IPv4 address (no prefix length). */
  containerAddr: string;
  bindings: Binding[];
}

/** Docker's NetworkSettings.Ports value for one binding. */
export interface PortBindingView {
  HostIp: string;
  HostPort: string;
}

export function publicationElements(layout: PortLayout, pub: Publication): NftElement[] {
  const { table, dnat } = layout;
  const out: NftElement[] = [];
  const accepted = new Set<string>();
  for (const b of pub.bindings) {
    if (b.hostPort) {
      const wildcard = b.hostIp === ANY_IPV4;
      const key = wildcard ? expr.concat(b.proto, b.hostPort) : expr.concat(b.hostIp, b.proto, b.hostPort);
      out.push(
        nft.element(table, wildcard ? dnat.onAnyToAddr : dnat.onAddrToAddr, key, pub.containerAddr),
        nft.element(table, wildcard ? dnat.onAnyToPort : dnat.onAddrToPort, key, b.containerPort),
      );
    }
    const port = `${b.containerPort}/${b.proto}`;
    if (accepted.has(port)) continue;
    accepted.add(port);
    out.push(nft.element(table, layout.publishedSet, expr.concat(pub.containerAddr, b.proto, b.containerPort)));
  }
  return out;
}

/** Add the elements; fails if a key is taken (the caller clears stale ones and retries). */
export function planPublish(layout: PortLayout, pub: Publication): Changeset {
  return new Changeset().create(...publicationElements(layout, pub));
}

/** Add what is missing (daemon restart: normally all of it is still there). */
export function planRestore(layout: PortLayout, pub: Publication): Changeset {
  return new Changeset().ensure(...publicationElements(layout, pub));
}

export function planUnpublish(layout: PortLayout, pub: Publication): Changeset {
  return new Changeset().delete(...publicationElements(layout, pub));
}

/**
 * `NetworkSettings.Ports` for the bindings made: "80/tcp" -> [{HostIp, HostPort}], keys in the
 * order Go's JSON encoder writes a map (string order), bindings in the order they were made.
 */
export function portsView(bindings: Binding[]): Record<string, PortBindingView[]> {
  const grouped = new Map<string, PortBindingView[]>();
  for (const b of bindings) {
    const key = `${b.containerPort}/${b.proto}`;
    const list = grouped.get(key) ?? [];
    list.push({ HostIp: b.hostIp, HostPort: b.hostPort ? String(b.hostPort) : '' });
    grouped.set(key, list);
  }
  const out: Record<string, PortBindingView[]> = {};
  for (const key of [...grouped.keys()].sort()) out[key] = grouped.get(key)!;
  return out;
}

/** The bindings behind a stored `portsView` (daemon restart). */
export function bindingsFromView(view: Record<string, PortBindingView[] | null>): Binding[] {
  const out: Binding[] = [];
  for (const [key, list] of Object.entries(view)) {
    const { port, proto } = parsePortKey(key);
    for (const b of list ?? []) out.push({ proto, containerPort: port, hostIp: b.HostIp || ANY_IPV4, hostPort: Number(b.HostPort) || 0 });
  }
  return out;
}
