/**
 * @module drivers/bridge/firewall
 * berth's nftables layout in the host namespace: one table `ip <prefix>` whose base chains
 * dispatch through verdict maps keyed by interface name (moby's nftabler model), so a network is
 * a handful of regular chains plus one element per map, and a published port is one element of
 * the `published-ports` set. Nothing is ever addressed by rule handle. Pure: builds Changesets.
 *
 *   filter-FORWARD   (forward, filter)  oifname vmap @filter-forward-in-jumps
 *                                       iifname vmap @filter-forward-out-jumps
 *   nat-POSTROUTING  (postrouting, srcnat) iifname vmap @nat-postrouting-out-jumps
 *                                       oifname vmap @nat-postrouting-in-jumps
 *   per bridge BR:   filter-forward-in__BR, filter-forward-out__BR,
 *                    nat-postrouting-in__BR, nat-postrouting-out__BR
 */
import { Changeset, expr, nft, type NftChain, type NftElement, type NftObject, type NftRule, type TableRef } from '../../dataplane/nft.js';
import type { GatewayMode } from './options.js';

export const BASE_CHAIN = { forward: 'filter-FORWARD', postrouting: 'nat-POSTROUTING' } as const;
export const JUMP_MAP = {
  forwardIn: 'filter-forward-in-jumps',
  forwardOut: 'filter-forward-out-jumps',
  postroutingIn: 'nat-postrouting-in-jumps',
  postroutingOut: 'nat-postrouting-out-jumps',
} as const;
/** `ip daddr . meta l4proto . th dport`: container address, protocol, container port. */
export const PUBLISHED_SET = 'published-ports';

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
const rule = (comment: string | undefined, ...e: ReturnType<typeof expr.match>[]): NftRule => ({ expr: e, ...(comment ? { comment } : {}) });
const ctEstablished = (): NftRule => rule(undefined, expr.match(expr.ct('state'), 'in', ['established', 'related']), expr.accept());

/** The table, its maps, the published-ports set and the base chains (all `ensure`d). */
export function hostBaseObjects(table: TableRef): NftObject[] {
  return [
    nft.table(table.family, table.name),
    ...Object.values(JUMP_MAP).map((m) => nft.map(table, m, 'ifname', 'verdict')),
    nft.set(table, PUBLISHED_SET, ['ipv4_addr', 'inet_proto', 'inet_service']),
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
    nft.chain(table, networkChain.postroutingIn(b), []),
    nft.chain(table, networkChain.postroutingOut(b), postroutingOutRules(n)),
  ];
  const jump = (map: string, chain: string) => nft.element(table, map, b, expr.jump(chain));
  const elements = [
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

/** One published port (for ports/): accepted into its network by the forward-in chain. */
export function publishedPortElement(table: TableRef, containerAddr: string, proto: 'tcp' | 'udp' | 'sctp', port: number): NftElement {
  return nft.element(table, PUBLISHED_SET, expr.concat(containerAddr, proto, port));
}
