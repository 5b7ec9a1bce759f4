/**
 * @module drivers/bridge/firewall
 * berth's nftables layout in the host namespace: one table `ip <prefix>` whose base chains
 * dispatch through verdict maps keyed by interface name (moby's nftabler model), so a network is
 * a handful of regular chains plus one element per map, and a published port is a few map and
 * set elements. Nothing is ever addressed by rule handle. Pure: builds Changesets.
 *
 *   filter-FORWARD   (forward, filter)  oifname vmap @filter-forward-in-jumps
 *                                       iifname vmap @filter-forward-out-jumps
 *   nat-POSTROUTING  (postrouting, srcnat) iifname vmap @nat-postrouting-out-jumps
 *                                       oifname vmap @nat-postrouting-in-jumps
 *   nat-PREROUTING   (prerouting, dstnat) ip daddr != 127.0.0.0/8 fib daddr type local jump nat-prerouting-and-output
 *   nat-OUTPUT       (output, dstnat)   fib daddr type local jump nat-prerouting-and-output
 *   nat-prerouting-and-output           dnat to <map lookups> for ports published on one address,
 *                                       then for ports published on 0.0.0.0 (any local address)
 *   filter-INPUT     (input, filter)    iifname @route-localnet-bridges: drop new 127/8 sources, destinations
 *   per bridge BR:   filter-forward-in__BR, filter-forward-out__BR,
 *                    nat-postrouting-in__BR (loopback and hairpin masquerade), nat-postrouting-out__BR
 *
 * Published ports (elements added by ports/, see ports/plan.ts):
 *   dnat-on-addr-to-addr / -to-port   ip daddr . meta l4proto . th dport : container address / port
 *   dnat-on-any-to-addr / -to-port    meta l4proto . th dport : container address / port
 *   published-ports                   container address . meta l4proto . container port (forward-in accepts)
 *
 * Loopback: 127.0.0.1:port is DNATed in nat-OUTPUT; the packet keeps its 127.0.0.1 source, which
 * the kernel routes out of a bridge only with route_localnet=1 on it (set by the driver), and
 * nat-postrouting-in__BR masquerades it to the gateway address. route_localnet would also let a
 * container reach the host's loopback services (or spoof 127/8 sources): filter-INPUT drops 127/8
 * addresses arriving from those bridges for the host, except replies (ct direction reply: the
 * masqueraded answers to loopback clients, 127.0.0.1 again once conntrack undid the NAT). Only
 * what the host itself receives is guarded: frames bridged between containers are theirs.
 * nat-PREROUTING never DNATs 127/8 destinations: from outside, a loopback binding stays unreachable.
 * Hairpin: a container reaching a published port on a host address through its own bridge is
 * masqueraded too, so the reply comes back through the host and is un-NATed (whether or not
 * br_netfilter passes bridged frames through these hooks).
 */
import { Changeset, expr, nft, type NftChain, type NftElement, type NftExpr, type NftObject, type NftRule, type TableRef } from '../../dataplane/nft.js';
import type { GatewayMode } from './options.js';

export const BASE_CHAIN = {
  forward: 'filter-FORWARD',
  postrouting: 'nat-POSTROUTING',
  prerouting: 'nat-PREROUTING',
  output: 'nat-OUTPUT',
  input: 'filter-INPUT',
} as const;
export const JUMP_MAP = {
  forwardIn: 'filter-forward-in-jumps',
  forwardOut: 'filter-forward-out-jumps',
  postroutingIn: 'nat-postrouting-in-jumps',
  postroutingOut: 'nat-postrouting-out-jumps',
} as const;
/** `ip daddr . meta l4proto . th dport`: container address, protocol, container port. */
export const PUBLISHED_SET = 'published-ports';
/** Reached from nat-PREROUTING and nat-OUTPUT for local destinations: published ports' DNAT. */
export const DNAT_CHAIN = 'nat-prerouting-and-output';
/**
 * Published ports' DNAT targets, keyed by host address . protocol . host port (bindings on one
 * address) or protocol . host port (bindings on 0.0.0.0). Address and port are two maps because
 * nft 1.0.6's JSON cannot declare a map with a concatenated value type.
 */
export const DNAT_MAP = {
  onAddrToAddr: 'dnat-on-addr-to-addr',
  onAddrToPort: 'dnat-on-addr-to-port',
  onAnyToAddr: 'dnat-on-any-to-addr',
  onAnyToPort: 'dnat-on-any-to-port',
} as const;
/** Bridges with route_localnet=1, guarded in filter-INPUT. */
export const LOCALNET_SET = 'route-localnet-bridges';
const LOOPBACK = '127.0.0.0/8';

export const networkChain = {
  forwardIn: (bridge: string) => `filter-forward-in__${bridge}`,
  forwardOut: (bridge: string) => `filter-forward-out__${bridge}`,
  postroutingIn: (bridge: string) => `nat-postrouting-in__${bridge}`,
  postroutingOut: (bridge: string) => `nat-postrouting-out__${bridge}`,
};

/** What the firewall needs to know about one bridge network. */
export interface FirewallNetwork {
  bridge: string;
  /** IPv4 subnet in CIDR form. */
  subnet?: string;
  internal: boolean;
  icc: boolean;
  masquerade: boolean;
  gatewayMode: GatewayMode;
  /** SNAT to this address instead of masquerading. */
  hostIPv4?: string;
}

const iif = (name: string, op: '==' | '!=' = '==') => expr.match(expr.meta('iifname'), op, name);
const oif = (name: string, op: '==' | '!=' = '==') => expr.match(expr.meta('oifname'), op, name);
const rule = (comment: string | undefined, ...e: NftExpr[]): NftRule => ({ expr: e, ...(comment ? { comment } : {}) });
const ctEstablished = (): NftRule => rule(undefined, expr.match(expr.ct('state'), 'in', ['established', 'related']), expr.accept());

/** The table, its maps and sets, and the base chains (all `ensure`d). */
export function hostBaseObjects(table: TableRef): NftObject[] {
  const addrKey = ['ipv4_addr', 'inet_proto', 'inet_service'];
  const anyKey = ['inet_proto', 'inet_service'];
  return [
    nft.table(table.family, table.name),
    ...Object.values(JUMP_MAP).map((m) => nft.map(table, m, 'ifname', 'verdict')),
    nft.set(table, PUBLISHED_SET, ['ipv4_addr', 'inet_proto', 'inet_service']),
    nft.map(table, DNAT_MAP.onAddrToAddr, addrKey, 'ipv4_addr'),
    nft.map(table, DNAT_MAP.onAddrToPort, addrKey, 'inet_service'),
    nft.map(table, DNAT_MAP.onAnyToAddr, anyKey, 'ipv4_addr'),
    nft.map(table, DNAT_MAP.onAnyToPort, anyKey, 'inet_service'),
    nft.set(table, LOCALNET_SET, 'ifname'),
    nft.chain(
      table,
      BASE_CHAIN.forward,
      [rule(undefined, expr.vmap(expr.meta('oifname'), JUMP_MAP.forwardIn)), rule(undefined, expr.vmap(expr.meta('iifname'), JUMP_MAP.forwardOut))],
      { type: 'filter', hook: 'forward', prio: 0, policy: 'accept' },
    ),
    nft.chain(
      table,
      BASE_CHAIN.postrouting,
      [rule(undefined, expr.vmap(expr.meta('iifname'), JUMP_MAP.postroutingOut)), rule(undefined, expr.vmap(expr.meta('oifname'), JUMP_MAP.postroutingIn))],
      { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' },
    ),
    ...publishingChains(table),
  ];
}

const mapLookup = (key: unknown, map: string): NftExpr => ({ map: { key, data: `@${map}` } });
const fibLocal = (): NftExpr => expr.match({ fib: { result: 'type', flags: ['daddr'] } }, '==', 'local');
const loopback = (field: 'saddr' | 'daddr', op: '==' | '!=' = '==') => expr.match(expr.payload('ip', field), op, expr.prefix(LOOPBACK));

/** DNAT of published ports (prerouting and output) and the guard of route_localnet bridges (input). */
function publishingChains(table: TableRef): NftChain[] {
  const addrKey = expr.concat(expr.payload('ip', 'daddr'), expr.meta('l4proto'), expr.payload('th', 'dport'));
  const anyKey = expr.concat(expr.meta('l4proto'), expr.payload('th', 'dport'));
  const dnat = (key: unknown, toAddr: string, toPort: string): NftExpr => ({ dnat: { addr: mapLookup(key, toAddr), port: mapLookup(key, toPort) } });
  const fromBridge = () => expr.match(expr.meta('iifname'), '==', `@${LOCALNET_SET}`);
  const newConnection = () => expr.match(expr.ct('direction'), '==', 'original');
  return [
    nft.chain(table, DNAT_CHAIN, [
      rule('PUBLISHED ON ADDRESS', dnat(addrKey, DNAT_MAP.onAddrToAddr, DNAT_MAP.onAddrToPort)),
      rule('PUBLISHED ON ANY ADDRESS', dnat(anyKey, DNAT_MAP.onAnyToAddr, DNAT_MAP.onAnyToPort)),
    ]),
    nft.chain(table, BASE_CHAIN.prerouting, [rule(undefined, loopback('daddr', '!='), fibLocal(), expr.jump(DNAT_CHAIN))], {
      type: 'nat',
      hook: 'prerouting',
      prio: -100,
      policy: 'accept',
    }),
    nft.chain(table, BASE_CHAIN.output, [rule(undefined, fibLocal(), expr.jump(DNAT_CHAIN))], { type: 'nat', hook: 'output', prio: -100, policy: 'accept' }),
    nft.chain(
      table,
      BASE_CHAIN.input,
      [
        rule('LOOPBACK SOURCE FROM BRIDGE', fromBridge(), loopback('saddr'), newConnection(), expr.drop()),
        rule('LOOPBACK DESTINATION FROM BRIDGE', fromBridge(), loopback('daddr'), newConnection(), expr.drop()),
      ],
      { type: 'filter', hook: 'input', prio: 0, policy: 'accept' },
    ),
  ];
}

/** Traffic whose output is the bridge: replies, ICC, published ports, the rest dropped. */
function forwardInRules(n: FirewallNetwork): NftRule[] {
  const iccVerdict = n.icc ? expr.accept() : expr.drop();
  const rules = [ctEstablished()];
  if (n.internal) {
    rules.push(rule('INTERNAL NETWORK INGRESS', iif(n.bridge, '!='), expr.drop()));
    rules.push(rule('ICC', iccVerdict));
    return rules;
  }
  if (n.gatewayMode === 'routed') rules.push(rule('ICMP', expr.match(expr.payload('ip', 'protocol'), '==', 'icmp'), expr.accept()));
  rules.push(rule('ICC', iif(n.bridge), iccVerdict));
  if (n.gatewayMode === 'nat-unprotected') {
    rules.push(rule('UNPROTECTED', expr.accept()));
    return rules;
  }
  const published = expr.concat(expr.payload('ip', 'daddr'), expr.meta('l4proto'), expr.payload('th', 'dport'));
  rules.push(rule('PUBLISHED PORT', expr.match(published, '==', `@${PUBLISHED_SET}`), expr.accept()));
  rules.push(rule('UNPUBLISHED PORT DROP', expr.drop()));
  return rules;
}

/** Traffic whose input is the bridge (and output is not: that case ends in forward-in). */
function forwardOutRules(n: FirewallNetwork): NftRule[] {
  const rules = [ctEstablished()];
  if (n.internal) rules.push(rule('INTERNAL NETWORK EGRESS', oif(n.bridge, '!='), expr.drop()));
  else rules.push(rule('OUTGOING', expr.accept()));
  return rules;
}

/**
 * Traffic leaving through the bridge: host loopback clients of published ports (their 127/8
 * source cannot be answered from the container) and hairpin (a container of this bridge reaching
 * a published port: the reply would go straight back over the bridge, bypassing the un-DNAT).
 * Hairpin is matched by source subnet, not input interface: with br_netfilter the DNATed frame
 * is bridged, and bridged frames have no input interface in postrouting.
 */
function postroutingInRules(n: FirewallNetwork): NftRule[] {
  if (n.internal) return [];
  const rules = [rule('MASQUERADE LOOPBACK', loopback('saddr'), expr.masquerade())];
  if (n.subnet) {
    rules.push(rule('HAIRPIN', expr.match(expr.payload('ip', 'saddr'), '==', expr.prefix(n.subnet)), expr.match(expr.ct('status'), 'in', 'dnat'), expr.masquerade()));
  }
  return rules;
}

function postroutingOutRules(n: FirewallNetwork): NftRule[] {
  if (n.internal || !n.masquerade || !n.subnet || n.gatewayMode === 'routed') return [];
  const nat = n.hostIPv4 ? expr.snat(n.hostIPv4) : expr.masquerade();
  return [rule('MASQUERADE', oif(n.bridge, '!='), expr.match(expr.payload('ip', 'saddr'), '==', expr.prefix(n.subnet)), nat)];
}

/** A network's chains, then the map elements that jump to them (creation order). */
export function networkObjects(table: TableRef, n: FirewallNetwork): { chains: NftChain[]; elements: NftElement[] } {
  const b = n.bridge;
  const chains = [
    nft.chain(table, networkChain.forwardIn(b), forwardInRules(n)),
    nft.chain(table, networkChain.forwardOut(b), forwardOutRules(n)),
    nft.chain(table, networkChain.postroutingIn(b), postroutingInRules(n)),
    nft.chain(table, networkChain.postroutingOut(b), postroutingOutRules(n)),
  ];
  const jump = (map: string, chain: string) => nft.element(table, map, b, expr.jump(chain));
  const elements = [
    ...(routeLocalnet(n) ? [nft.element(table, LOCALNET_SET, b)] : []),
    jump(JUMP_MAP.forwardIn, networkChain.forwardIn(b)),
    jump(JUMP_MAP.forwardOut, networkChain.forwardOut(b)),
    jump(JUMP_MAP.postroutingIn, networkChain.postroutingIn(b)),
    jump(JUMP_MAP.postroutingOut, networkChain.postroutingOut(b)),
  ];
  return { chains, elements };
}

/** The host table with its base objects; idempotent. */
export function planHostInit(table: TableRef): Changeset {
  return new Changeset().ensure(...hostBaseObjects(table));
}

/**
 * Put a network's pieces in place, replacing whatever stale copy exists (create and restore
 * alike). `reverse()` of the result removes exactly these pieces.
 */
export function planNetworkFirewall(table: TableRef, n: FirewallNetwork): Changeset {
  const { chains, elements } = networkObjects(table, n);
  return new Changeset()
    .ensure(...hostBaseObjects(table))
    .purge(...elements, ...chains)
    .create(...chains, ...elements);
}

/** Remove a network's pieces; fine when they are already gone. */
export function planNetworkFirewallRemoval(table: TableRef, n: FirewallNetwork): Changeset {
  const { chains, elements } = networkObjects(table, n);
  return new Changeset().ensure(...hostBaseObjects(table)).purge(...elements, ...chains);
}

/** Whether the bridge gets route_localnet=1 (and the guard): every network that can publish ports. */
export function routeLocalnet(n: FirewallNetwork): boolean {
  return !n.internal;
}

/** The names ports/ writes elements into (its `PortLayout`). */
export function portLayout(table: TableRef) {
  return { table: { family: table.family, name: table.name }, publishedSet: PUBLISHED_SET, dnat: { ...DNAT_MAP } };
}

/** One published port (for ports/): accepted into its network by the forward-in chain. */
export function publishedPortElement(table: TableRef, containerAddr: string, proto: 'tcp' | 'udp' | 'sctp', port: number): NftElement {
  return nft.element(table, PUBLISHED_SET, expr.concat(containerAddr, proto, port));
}
