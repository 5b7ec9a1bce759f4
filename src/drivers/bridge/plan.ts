/**
 * @module drivers/bridge/plan
 * Pure planning for the bridge driver: a stored network becomes a device name, an MTU, a gateway
 * address and a firewall description; a network create, restore or join becomes `IpBatch`es and
 * nft Changesets that `driver.ts` applies. No kernel access here: unit-tested without root.
 */
import { createHash } from 'node:crypto';
import { IpBatch } from '../../dataplane/ip.js';
import type { InstanceNames } from '../../lib/names.js';
import type { EndpointState, NetworkState, SandboxRef } from '../driver.js';
import type { FirewallNetwork } from './firewall.js';
import { bridgeHasGatewayAddress, DEFAULT_MTU, parseBridgeOptions, type BridgeOptions } from './options.js';

export interface BridgeNetworkPlan {
  id: string;
  bridge: string;
  mtu: number;
  /** "172.18.0.1/16" on the bridge, unless inhibited/isolated or there is no gateway. */
  gatewayCidr?: string;
  options: BridgeOptions;
  firewall: FirewallNetwork;
}

export function bridgeName(net: NetworkState, o: BridgeOptions, names: InstanceNames): string {
  return o.bridgeName ?? net.ifname ?? names.networkBridge(net.id);
}

export function planNetwork(net: NetworkState, names: InstanceNames): BridgeNetworkPlan {
  const options = parseBridgeOptions(net.options, net.internal);
  const bridge = bridgeName(net, options, names);
  const v4 = net.subnets[0];
  const gatewayCidr = v4?.gateway && bridgeHasGatewayAddress(options) ? `${v4.gateway}/${v4.subnet.split('/')[1]}` : undefined;
  return {
    id: net.id,
    bridge,
    mtu: options.mtu || DEFAULT_MTU,
    ...(gatewayCidr ? { gatewayCidr } : {}),
    options,
    firewall: {
      bridge,
      ...(v4 ? { subnet: v4.subnet } : {}),
      internal: net.internal,
      icc: options.icc,
      masquerade: options.masquerade,
      gatewayMode: options.gatewayMode,
      ...(options.hostIPv4 ? { hostIPv4: options.hostIPv4 } : {}),
    },
  };
}

/**
 * The bridge's MAC: locally administered unicast like Docker's random one, but derived from the
 * network ID so a re-created bridge (restore) keeps the address containers have in their ARP
 * caches for the gateway.
 */
export function bridgeMac(networkId: string): string {
  const b = createHash('sha256').update(`bridge:${networkId}`).digest().subarray(0, 6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * The bridge device. `create` fails when the name is taken; `restore` accepts an existing device
 * and only makes sure of its MTU, state and address.
 */
export function planBridgeLinks(p: BridgeNetworkPlan, mode: 'create' | 'restore', mac: string, hostNetns?: string): IpBatch {
  const b = new IpBatch(hostNetns);
  if (mode === 'create') {
    b.linkAdd({ kind: 'bridge', name: p.bridge, address: mac, mtu: p.mtu, up: true });
    if (p.gatewayCidr) b.addrAdd(p.bridge, p.gatewayCidr);
  } else {
    b.linkAdd({ kind: 'bridge', name: p.bridge, address: mac, mtu: p.mtu }, { tolerate: 'exists' });
    b.linkSet(p.bridge, { mtu: p.mtu, up: true });
    if (p.gatewayCidr) b.addrAdd(p.bridge, p.gatewayCidr, { tolerate: 'exists' });
  }
  return b;
}

/** The bridge's route_localnet sysctl ('/' separators: bridge names may hold dots). */
export function routeLocalnetKey(bridge: string): string {
  return `net/ipv4/conf/${bridge}/route_localnet`;
}

/** The ifalias that marks a host-side veth as a port of a network (restore re-attaches by it). */
export function portAlias(names: InstanceNames, networkId: string): string {
  return `${names.prefix}:${networkId}`;
}

/**
 * A join is three batches: the host side creates the veth pair with the container end already in
 * the sandbox (named, MAC, MTU set at creation), attached and up; the container side addresses
 * it, brings it up and sets the route; then `announce` sets the same MAC again, which makes the
 * sandbox's arp_notify send a gratuitous ARP (Docker ≥ 28 sends unsolicited ARPs on join too).
 * The ARP sent when the link comes up is usually lost: the bridge port only forwards once the
 * kernel's linkwatch has seen the carrier, just after. Without the second one, containers that
 * talked to a previous holder of the address keep its MAC until their entry times out.
 */
export function planJoin(
  p: BridgeNetworkPlan,
  ep: EndpointState,
  sb: SandboxRef,
  names: InstanceNames,
  hostNetns?: string,
): { host: IpBatch; container: IpBatch; announce: IpBatch } {
  const host = new IpBatch(hostNetns)
    .linkAdd({
      kind: 'veth',
      name: ep.hostIfname,
      mtu: p.mtu,
      master: p.bridge,
      up: true,
      peer: { name: ep.ifname, netns: sb.netns, address: ep.mac, mtu: p.mtu },
    })
    // hairpin: published ports reached from the same bridge come back through the same port
    .raw(['link', 'set', ep.hostIfname, 'alias', portAlias(names, p.id), 'type', 'bridge_slave', 'hairpin', 'on']);
  // A re-used address has a new (random) MAC, and the host may still hold the old one: the
  // container's gratuitous ARP (arp_notify) goes out before the new bridge port forwards, so the
  // host would keep sending to the old MAC until its entry times out (~9 s). Pin the new one.
  if (ep.ipv4) host.neighReplace(p.bridge, ep.ipv4.split('/')[0]!, ep.mac);
  const container = new IpBatch(sb.netns);
  if (ep.ipv4) container.addrAdd(ep.ifname, ep.ipv4);
  container.linkSet(ep.ifname, { up: true });
  if (ep.defaultGateway) container.routeReplace({ dst: 'default', via: ep.defaultGateway, dev: ep.ifname });
  const announce = new IpBatch(sb.netns);
  if (ep.ipv4 && ep.mac) announce.linkSet(ep.ifname, { address: ep.mac });
  return { host, container, announce };
}

/** Re-attach ports of this network that lost their bridge (it was deleted and re-created). */
export function planReattach(p: BridgeNetworkPlan, ports: string[], hostNetns?: string): IpBatch {
  const b = new IpBatch(hostNetns);
  for (const port of ports) {
    b.linkSet(port, { master: p.bridge, up: true });
    b.bridgePortHairpin(port, true);
  }
  return b;
}
