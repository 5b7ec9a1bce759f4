/**
 * @module drivers/sandbox
 * Kernel operations on a container's network namespace that no driver owns: create/delete it,
 * move its default route, and point Docker's embedded-DNS address 127.0.0.11:53 at berth's
 * resolver. The engine calls these (its `SandboxKernel`).
 *
 * DNS redirect, all in the sandbox, table `ip <prefix>-dns`, replaced in one transaction:
 *   guard        prerouting/raw:  iifname != "lo" ip daddr 127.0.0.0/8 drop
 *   dns-output   output/nat -100: ip daddr 127.0.0.11 meta l4proto {tcp,udp} th dport 53 dnat to T:53
 *   dns-postrouting srcnat:        ip saddr 127.0.0.0/8 ip daddr T meta l4proto {tcp,udp} th dport 53 masquerade
 * plus `net.ipv4.conf.all.route_localnet=1` (checked here: `all` suffices, the kernel ORs it with
 * the interface's value on both the output route and the reply's input route). route_localnet
 * would let neighbours reach the container's loopback services; the guard drops that before
 * conntrack's reply translation, so DNS replies still pass. `net.ipv4.conf.all.arp_notify=1`
 * makes every interface announce its (random, Docker ≥ 28) MAC when it comes up, so a re-used
 * address is reachable at once. Both sysctls and the guard are set when the sandbox is created.
 */
import { IpBatch } from '../dataplane/ip.js';
import { applyNft, Changeset, expr, nft, type NftChain, type TableRef } from '../dataplane/nft.js';
import { netnsAdd, netnsDelete } from '../dataplane/netns.js';
import type { InstanceNames } from '../lib/names.js';
import { failPoint, type UndoStack } from '../lib/undo.js';
import type { SandboxRef } from './driver.js';

export const EMBEDDED_DNS_ADDRESS = '127.0.0.11';

/** Set in every sandbox at creation (an OCI spec needs nothing more for DNS). */
export const SANDBOX_SYSCTLS: Record<string, number> = {
  'net.ipv4.conf.all.route_localnet': 1,
  'net.ipv4.conf.all.arp_notify': 1,
};

const LOOPBACK = '127.0.0.0/8';

function dnsMatch(): ReturnType<typeof expr.match>[] {
  return [expr.match(expr.meta('l4proto'), '==', expr.set('tcp', 'udp')), expr.match(expr.payload('th', 'dport'), '==', 53)];
}

/** The sandbox's whole table: the guard always, the redirect when there is a target. */
export function planDnsTable(table: TableRef, target?: string): Changeset {
  const chains: NftChain[] = [
    nft.chain(
      table,
      'guard',
      [{ expr: [expr.match(expr.meta('iifname'), '!=', 'lo'), expr.match(expr.payload('ip', 'daddr'), '==', expr.prefix(LOOPBACK)), expr.drop()], comment: 'LOOPBACK GUARD' }],
      { type: 'filter', hook: 'prerouting', prio: -300, policy: 'accept' },
    ),
  ];
  if (target) {
    chains.push(
      nft.chain(
        table,
        'dns-output',
        [{ expr: [expr.match(expr.payload('ip', 'daddr'), '==', EMBEDDED_DNS_ADDRESS), ...dnsMatch(), expr.dnat(target, 53)], comment: 'EMBEDDED DNS' }],
        { type: 'nat', hook: 'output', prio: -100, policy: 'accept' },
      ),
      nft.chain(
        table,
        'dns-postrouting',
        [
          {
            expr: [
              expr.match(expr.payload('ip', 'saddr'), '==', expr.prefix(LOOPBACK)),
              expr.match(expr.payload('ip', 'daddr'), '==', target),
              ...dnsMatch(),
              expr.masquerade(),
            ],
            comment: 'EMBEDDED DNS SOURCE',
          },
        ],
        { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' },
      ),
    );
  }
  const t = nft.table(table.family, table.name);
  return new Changeset().purge(t).create(t, ...chains);
}

export class SandboxNet {
  constructor(private readonly names: InstanceNames) {}

  #table(): TableRef {
    return { family: 'ip', name: this.names.nftContainerTable() };
  }

  /**
   * netns, then side by side: one ip batch (loopback up, and the sysctls through `netns exec`,
   * cheaper than a process of its own) and the guard table. 3 processes.
   */
  async create(sb: SandboxRef, undo: UndoStack, dnsTarget?: string): Promise<void> {
    await netnsAdd(sb.netns);
    undo.push(`delete netns ${sb.netns}`, () => netnsDelete(sb.netns));
    failPoint('sandbox.create');
    const sysctls = Object.entries(SANDBOX_SYSCTLS).map(([k, v]) => `${k}=${v}`);
    await Promise.all([
      new IpBatch(sb.netns).linkSet('lo', { up: true }).netnsExec(sb.netns, ['sysctl', '-q', '-w', ...sysctls]).commit(),
      applyNft(planDnsTable(this.#table(), dnsTarget), { netns: sb.netns }),
    ]);
  }

  /** Idempotent: a missing namespace is fine. Interfaces inside go with it. */
  async delete(sb: SandboxRef): Promise<void> {
    await netnsDelete(sb.netns);
  }

  /** Replace the default route, or remove it (none is fine). */
  async setDefaultRoute(sb: SandboxRef, route?: { gateway: string; ifname: string }): Promise<void> {
    const b = new IpBatch(sb.netns);
    if (route) b.routeReplace({ dst: 'default', via: route.gateway, dev: route.ifname });
    else b.routeDel({ dst: 'default' });
    await b.commit();
  }

  /** Point 127.0.0.11:53 at `target`:53 (one nft transaction), or remove the redirect. */
  async setDnsRedirect(sb: SandboxRef, target?: string): Promise<void> {
    await applyNft(planDnsTable(this.#table(), target), { netns: sb.netns });
  }
}
