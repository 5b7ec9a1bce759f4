/**
 * @module drivers/bridge/driver
 * The "bridge" driver: a Linux bridge per network, a veth pair per endpoint, and the network's
 * pieces in berth's nft table. Plans come from plan.ts/firewall.ts; this file applies them in as
 * few processes as possible and registers an undo for every step.
 *
 * Kernel calls per operation: create = 1 ip batch + 1 nft transaction (side by side, plus the
 * host init once) and the bridge's route_localnet (a /proc write in the daemon's namespace);
 * join = 3 ip batches; leave = 1 (+ 2 conntrack deletions); delete = 1 ip + 1 nft (side by side).
 */
import { IpBatch, listLinks } from '../../dataplane/ip.js';
import { applyNft } from '../../dataplane/nft.js';
import { conntrackForget } from '../../dataplane/conntrack.js';
import { errorMessage, forbidden, systemError } from '../../lib/errors.js';
import { log } from '../../lib/log.js';
import type { InstanceNames } from '../../lib/names.js';
import { failPoint, type UndoStack } from '../../lib/undo.js';
import type { EndpointState, NetworkDriver, NetworkSpecCheck, NetworkState, SandboxRef } from '../driver.js';
import { parallelSteps, settleAll } from '../steps.js';
import { sysctlSet } from '../../dataplane/sysctl.js';
import { planNetworkFirewall, planNetworkFirewallRemoval, routeLocalnet } from './firewall.js';
import { hostTable, initHost } from './host.js';
import { validateBridgeSpec } from './options.js';
import { bridgeMac, planBridgeLinks, planJoin, planNetwork, planReattach, portAlias, routeLocalnetKey, type BridgeNetworkPlan } from './plan.js';

export interface BridgeDriverOptions {
  /** The namespace playing the host (tests); undefined = the daemon's own namespace. */
  hostNetns?: string;
}


export class BridgeDriver implements NetworkDriver {
  readonly type = 'bridge';
  #hostReady?: Promise<void>;
  /** network ID → bridge device, for Docker's "same bridge name" conflict check. */
  #bridges = new Map<string, string>();
  /** host veth → its endpoint's pending MAC re-announcement, which a leave waits for. */
  #announcing = new Map<string, Promise<void>>();

  constructor(
    private readonly names: InstanceNames,
    private readonly opts: BridgeDriverOptions = {},
  ) {}

  get #ns(): { netns?: string } {
    return this.opts.hostNetns ? { netns: this.opts.hostNetns } : {};
  }

  validate(spec: NetworkSpecCheck): void {
    validateBridgeSpec(spec);
  }

  /** initHost once per driver (retried after a failure). */
  #ensureHost(): Promise<void> {
    this.#hostReady ??= initHost(this.names, this.#ns).catch((err: unknown) => {
      this.#hostReady = undefined;
      throw err;
    });
    return this.#hostReady;
  }

  #checkConflict(net: NetworkState, p: BridgeNetworkPlan): void {
    for (const [id, bridge] of this.#bridges) {
      if (id !== net.id && bridge === p.bridge) {
        throw forbidden(`cannot create network ${net.id} (${p.bridge}): conflicts with network ${id} (${bridge}): networks have same bridge name`);
      }
    }
  }

  async createNetwork(net: NetworkState, undo: UndoStack): Promise<{ ifname?: string }> {
    const p = planNetwork(net, this.names);
    this.#checkConflict(net, p);
    await this.#ensureHost();
    const table = hostTable(this.names);
    const firewall = planNetworkFirewall(table, p.firewall);
    await parallelSteps(undo, [
      {
        label: `delete bridge ${p.bridge}`,
        run: async () => {
          await planBridgeLinks(p, 'create', bridgeMac(net.id), this.opts.hostNetns).commit();
          await Promise.all([this.#setRouteLocalnet(p), this.#setBridgeNetFiltering(p)]);
        },
        undo: () => new IpBatch(this.opts.hostNetns).linkDel(p.bridge).commit(),
      },
      {
        label: `remove firewall of ${p.bridge}`,
        run: () => applyNft(firewall, this.#ns),
        undo: () => applyNft(firewall.reverse(), this.#ns),
      },
    ]);
    failPoint('bridge.createNetwork');
    this.#bridges.set(net.id, p.bridge);
    undo.push(`forget network ${net.id}`, () => this.#bridges.delete(net.id));
    return { ifname: p.bridge };
  }

  async deleteNetwork(net: NetworkState): Promise<void> {
    const p = planNetwork(net, this.names);
    await settleAll(
      [
        () => applyNft(planNetworkFirewallRemoval(hostTable(this.names), p.firewall), this.#ns),
        () => new IpBatch(this.opts.hostNetns).linkDel(p.bridge).commit(),
      ],
      `failed to delete bridge network ${net.name}`,
    );
    if (this.#bridges.get(net.id) === p.bridge) this.#bridges.delete(net.id);
  }

  async join(ep: EndpointState, net: NetworkState, sb: SandboxRef, undo: UndoStack): Promise<void> {
    const p = planNetwork(net, this.names);
    const { host, container, announce } = planJoin(p, ep, sb, this.names, this.opts.hostNetns);
    await host.commit();
    undo.push(`delete veth ${ep.hostIfname}`, () => this.#deletePort(ep.hostIfname));
    failPoint('bridge.join');
    await container.commit();
    // Off the start path: the announcement only has to come after the port forwards (see
    // planJoin), and a failed one costs nothing but a stale ARP entry elsewhere until it expires.
    const announced = announce
      .commit()
      .catch((err: unknown) => log.debug(`re-announcing ${ep.ifname} of ${sb.netns} failed`, errorMessage(err)))
      .finally(() => this.#announcing.delete(ep.hostIfname));
    this.#announcing.set(ep.hostIfname, announced);
  }

  async leave(ep: EndpointState, net: NetworkState, sb: SandboxRef): Promise<void> {
    void net;
    void sb;
    await this.#announcing.get(ep.hostIfname);
    await this.#deletePort(ep.hostIfname);
    // the address goes back to the pool: its old connections must not let the next holder in
    if (ep.ipv4) await conntrackForget([ep.ipv4.split('/')[0]!], this.#ns);
  }

  /** Published ports on the host's loopback are routed out of the bridge (see firewall.ts). */
  async #setRouteLocalnet(p: BridgeNetworkPlan): Promise<void> {
    if (routeLocalnet(p.firewall)) await sysctlSet(routeLocalnetKey(p.bridge), 1, this.#ns);
  }

  /**
   * ICC off is a drop between two ports of one bridge: the frames must pass the IP hooks, which
   * br_netfilter's bridge-nf-call-iptables does. Docker sets it too (setupIPv4BridgeNetFiltering).
   */
  async #setBridgeNetFiltering(p: BridgeNetworkPlan): Promise<void> {
    if (p.options.icc) return;
    try {
      await sysctlSet('net.bridge.bridge-nf-call-iptables', 1, this.#ns);
    } catch (err) {
      throw systemError('cannot restrict inter-container communication or run without the userland proxy: ensure that the br_netfilter kernel module is loaded', err);
    }
  }

  /** Deleting the host end removes the pair; already gone is fine. */
  #deletePort(hostIfname: string): Promise<void> {
    return new IpBatch(this.opts.hostNetns).linkDel(hostIfname).commit();
  }

  /**
   * Make the kernel match a stored network: the bridge (re-created if missing, ports that lost it
   * re-attached by their alias), its address and its firewall pieces. Idempotent.
   */
  async restoreNetwork(net: NetworkState): Promise<void> {
    const p = planNetwork(net, this.names);
    await this.#ensureHost();
    const [, , links] = await Promise.all([
      planBridgeLinks(p, 'restore', bridgeMac(net.id), this.opts.hostNetns).commit(),
      applyNft(planNetworkFirewall(hostTable(this.names), p.firewall), this.#ns),
      listLinks(this.#ns),
    ]);
    await Promise.all([this.#setRouteLocalnet(p), this.#setBridgeNetFiltering(p)]);
    const alias = portAlias(this.names, net.id);
    const orphans = links.filter((l) => l.alias === alias && l.master !== p.bridge).map((l) => l.ifname);
    if (orphans.length) await planReattach(p, orphans, this.opts.hostNetns).commit();
    this.#bridges.set(net.id, p.bridge);
  }
}
