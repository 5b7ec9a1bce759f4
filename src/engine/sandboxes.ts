/**
 * @module engine/sandboxes
 * A running container's network stack: its namespace, one endpoint per network, the default
 * route (Docker's gateway-endpoint choice) and the DNS redirect to the embedded resolver. Also
 * connect/disconnect while it runs, and its /etc/hosts and /etc/resolv.conf.
 */
import { conflict, invalidParameter, notFound, runAll } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { UndoStack, withUndo } from '../lib/undo.js';
import type { SandboxRef } from '../drivers/driver.js';
import type { EngineContext } from './context.js';
import type { ContainerRecord, EndpointConfig, EndpointRecord, NetworkRecord } from './model.js';
import { hasEmbeddedDns } from './networks.js';
import type { EndpointService } from './endpoints.js';
import { etcPaths, hostsFile, resolvConf, writeEtcFile } from './etc-files.js';

export type NetworkPlacement = { mode: 'netns'; path: string } | { mode: 'host' };

/** What a network mode string means. */
export type NetworkMode = { kind: 'host' } | { kind: 'none' } | { kind: 'container'; ref: string } | { kind: 'networks' };

export function parseNetworkMode(mode: string): NetworkMode {
  if (mode === 'host') return { kind: 'host' };
  if (mode === 'none') return { kind: 'none' };
  if (mode.startsWith('container:')) return { kind: 'container', ref: mode.slice('container:'.length) };
  return { kind: 'networks' };
}

export class SandboxService {
  /** What was last applied to each sandbox, so connect/disconnect only change what moved. */
  #applied = new Map<string, { gatewayEndpoint?: string; dnsTarget?: string }>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly endpoints: EndpointService,
  ) {}

  sandboxRef(c: ContainerRecord): SandboxRef | undefined {
    return c.sandboxId ? { id: c.sandboxId, netns: this.ctx.names.netns(c.sandboxId) } : undefined;
  }

  /**
   * Build the container's network stack for start. Registers undos; on success the container
   * record carries its sandboxId (the caller persists it).
   */
  async setUp(c: ContainerRecord, undo: UndoStack): Promise<NetworkPlacement> {
    const mode = parseNetworkMode(c.hostConfig.NetworkMode);
    if (mode.kind === 'host') return { mode: 'host' };
    if (mode.kind === 'container') return this.#joinOther(c, mode.ref);
    const sb: SandboxRef = { id: newId(), netns: '' };
    sb.netns = this.ctx.names.netns(sb.id);
    const attached = mode.kind === 'networks' ? this.#orderedNetworks(c) : [];
    const gateway = attached.find(({ net }) => isGatewayCandidate(net));
    // The DNS redirect goes in with the namespace when its target is known from the networks
    // already; #applyDns below corrects it if the endpoints turn out otherwise.
    const dnsTarget = this.#expectedDnsTarget(attached.map(({ net }) => net), gateway?.net);
    await this.ctx.sandboxKernel.create(sb, undo, dnsTarget);
    undo.push('delete sandbox', () => this.ctx.sandboxKernel.delete(sb));
    c.sandboxId = sb.id;
    this.#applied.set(sb.id, dnsTarget ? { dnsTarget } : {});
    undo.push('forget sandbox', () => {
      delete c.sandboxId;
      this.#applied.delete(sb.id);
    });
    if (mode.kind === 'networks') {
      for (const [i, { net, cfg }] of attached.entries()) {
        const ep = await this.endpoints.join(c, net, cfg, sb, `eth${i}`, net === gateway?.net, undo);
        if (net === gateway?.net) this.#applied.set(sb.id, { ...this.#applied.get(sb.id), gatewayEndpoint: ep.id });
      }
      await this.#applyDns(c, sb);
    }
    return { mode: 'netns', path: this.ctx.names.netnsPath(sb.id) };
  }

  /** Tear the stack down: every endpoint, then the namespace. Collects failures. */
  async tearDown(c: ContainerRecord): Promise<void> {
    const sb = this.sandboxRef(c);
    const eps = this.ctx.state.endpointsOfContainer(c.id);
    await runAll(
      [
        ...eps.map((ep) => () => this.endpoints.leave(ep, sb ?? { id: '', netns: '' })),
        async () => {
          if (sb) await this.ctx.sandboxKernel.delete(sb);
        },
      ],
      `failed to clean up the network of container ${c.name}`,
    );
    if (sb) this.#applied.delete(sb.id);
    delete c.sandboxId;
    await this.ctx.refreshDns();
  }

  /** network connect on a running container: hot-plug the next ethN. */
  async connect(c: ContainerRecord, net: NetworkRecord, cfg: EndpointConfig): Promise<void> {
    const sb = this.sandboxRef(c);
    if (!sb) throw conflict(`container ${c.id} has no network sandbox`);
    const used = new Set(this.ctx.state.endpointsOfContainer(c.id).map((e) => e.ifname));
    let n = 0;
    while (used.has(`eth${n}`)) n++;
    await withUndo(async (undo) => {
      await this.endpoints.join(c, net, cfg, sb, `eth${n}`, false, undo);
      await this.#applyRouting(c, sb);
    });
    await this.writeEtcFiles(c);
    await this.ctx.refreshDns();
  }

  async disconnect(c: ContainerRecord, net: NetworkRecord): Promise<void> {
    const sb = this.sandboxRef(c);
    const ep = this.ctx.state.endpointOf(c.id, net.id);
    if (!sb || !ep) throw invalidParameter(`container ${c.id} is not connected to network ${net.name}`);
    await this.endpoints.leave(ep, sb);
    await this.#applyRouting(c, sb);
    await this.writeEtcFiles(c);
    await this.ctx.refreshDns();
  }

  /** After daemon restart: the kernel already has what was applied; remember it. */
  remember(c: ContainerRecord): void {
    const sb = this.sandboxRef(c);
    if (!sb) return;
    const eps = this.ctx.state.endpointsOfContainer(c.id);
    const gw = this.#gatewayEndpoint(c, eps);
    this.#applied.set(sb.id, { ...(gw ? { gatewayEndpoint: gw.id } : {}), ...this.#dnsTargetOf(c, eps, gw) });
  }

  /** Recompute the default route and DNS target after an endpoint came or went. */
  async #applyRouting(c: ContainerRecord, sb: SandboxRef): Promise<void> {
    const eps = this.ctx.state.endpointsOfContainer(c.id);
    const gw = this.#gatewayEndpoint(c, eps);
    const applied = this.#applied.get(sb.id) ?? {};
    if (applied.gatewayEndpoint !== gw?.id) {
      await this.ctx.sandboxKernel.setDefaultRoute(sb, gw ? { gateway: gw.gateway, ifname: gw.ifname } : undefined);
      this.#applied.set(sb.id, { ...applied, ...(gw ? { gatewayEndpoint: gw.id } : { gatewayEndpoint: undefined }) });
    }
    await this.#applyDns(c, sb);
  }

  async #applyDns(c: ContainerRecord, sb: SandboxRef): Promise<void> {
    const eps = this.ctx.state.endpointsOfContainer(c.id);
    const { dnsTarget } = this.#dnsTargetOf(c, eps, this.#gatewayEndpoint(c, eps));
    const applied = this.#applied.get(sb.id) ?? {};
    if (applied.dnsTarget === dnsTarget) return;
    await this.ctx.sandboxKernel.setDnsRedirect(sb, dnsTarget);
    this.#applied.set(sb.id, { ...applied, dnsTarget });
  }

  /** What #dnsTargetOf will pick once the endpoints exist: an endpoint's gateway is its network's. */
  #expectedDnsTarget(nets: NetworkRecord[], gatewayNet?: NetworkRecord): string | undefined {
    const dnsNets = nets.filter((n) => hasEmbeddedDns(n) && n.ipamConfig.some((p) => p.Gateway));
    const pick = dnsNets.find((n) => n === gatewayNet) ?? dnsNets[0];
    return pick?.ipamConfig.find((p) => p.Gateway)?.Gateway;
  }

  #dnsTargetOf(c: ContainerRecord, eps: EndpointRecord[], gw?: EndpointRecord): { dnsTarget?: string } {
    void c;
    const dnsEps = eps.filter((e) => {
      const net = this.ctx.state.networks.get(e.networkId);
      return net && hasEmbeddedDns(net) && e.gateway;
    });
    const pick = dnsEps.find((e) => e.id === gw?.id) ?? dnsEps[0];
    return pick ? { dnsTarget: pick.gateway } : {};
  }

  /** The endpoint carrying the container's default route (published ports go there). */
  gatewayEndpoint(c: ContainerRecord): EndpointRecord | undefined {
    return this.#gatewayEndpoint(c, this.ctx.state.endpointsOfContainer(c.id));
  }

  #gatewayEndpoint(c: ContainerRecord, eps: EndpointRecord[]): EndpointRecord | undefined {
    const byNet = new Map(eps.map((e) => [e.networkId, e]));
    for (const { net } of this.#orderedNetworks(c)) {
      const ep = byNet.get(net.id);
      if (ep && isGatewayCandidate(net) && ep.gateway) return ep;
    }
    return undefined;
  }

  /** The container's networks in Docker's gateway preference order (Endpoint.Less). */
  #orderedNetworks(c: ContainerRecord): Array<{ net: NetworkRecord; cfg: EndpointConfig }> {
    const list: Array<{ net: NetworkRecord; cfg: EndpointConfig }> = [];
    for (const [name, cfg] of Object.entries(c.networks)) {
      const net = this.ctx.state.networks.get(cfg.NetworkID) ?? this.ctx.state.findNetwork(name);
      if (!net) throw notFound(`network ${name} not found`); // start adds Docker's networking prefix
      list.push({ net, cfg });
    }
    return list.sort(
      (a, b) =>
        (b.cfg.GwPriority ?? 0) - (a.cfg.GwPriority ?? 0) ||
        Number(a.net.internal) - Number(b.net.internal) ||
        Number(!a.net.ipamConfig.some((p) => p.Gateway)) - Number(!b.net.ipamConfig.some((p) => p.Gateway)) ||
        a.net.name.localeCompare(b.net.name),
    );
  }

  async #joinOther(c: ContainerRecord, ref: string): Promise<NetworkPlacement> {
    const other = this.ctx.state.container(ref);
    if (other.id === c.id) throw invalidParameter('cannot join own network namespace');
    if (!other.state.Running) {
      throw conflict(`cannot join network namespace of a non running container: container ${other.name} is ${other.state.Status}`);
    }
    c.netnsOwner = other.id;
    const placement = this.placementOf(other);
    return placement;
  }

  /** Where a running container's network stack is (for container:<x> joiners). */
  placementOf(c: ContainerRecord): NetworkPlacement {
    if (c.netnsOwner) {
      const owner = this.ctx.state.containers.get(c.netnsOwner);
      if (owner) return this.placementOf(owner);
    }
    if (c.sandboxId) return { mode: 'netns', path: this.ctx.names.netnsPath(c.sandboxId) };
    return { mode: 'host' };
  }

  /** The container whose /etc files this one shares (itself unless it joined another's netns). */
  filesOwner(c: ContainerRecord): ContainerRecord {
    const owner = c.netnsOwner ? this.ctx.state.containers.get(c.netnsOwner) : undefined;
    return owner ? this.filesOwner(owner) : c;
  }

  /** (Re)write hosts, resolv.conf and hostname for a container with its own stack. */
  async writeEtcFiles(c: ContainerRecord): Promise<void> {
    const paths = etcPaths(this.ctx.names.containerRunDir(c.id));
    const mode = parseNetworkMode(c.hostConfig.NetworkMode);
    const eps = this.ctx.state.endpointsOfContainer(c.id);
    const internalResolver = eps.some((e) => {
      const net = this.ctx.state.networks.get(e.networkId);
      return net !== undefined && hasEmbeddedDns(net);
    });
    const host = this.ctx.opts.hostResolv;
    await writeEtcFile(paths.hostname, `${c.config.Hostname}\n`);
    await writeEtcFile(
      paths.hosts,
      hostsFile({
        hostname: c.config.Hostname,
        domainname: c.config.Domainname,
        addresses: eps.filter((e) => e.ipv4).map((e) => e.ipv4.split('/')[0]!),
        extraHosts: c.hostConfig.ExtraHosts ?? [],
        links: this.#legacyLinks(c),
        ipv6: mode.kind !== 'host',
      }),
    );
    await writeEtcFile(
      paths.resolvConf,
      resolvConf({
        host,
        dns: c.hostConfig.Dns ?? [],
        dnsSearch: c.hostConfig.DnsSearch ?? [],
        dnsOptions: c.hostConfig.DnsOptions ?? [],
        internalResolver,
      }),
    );
  }

  /** --link on the default bridge: /etc/hosts lines "ip alias name id" for running targets. */
  #legacyLinks(c: ContainerRecord): Array<{ ip: string; names: string }> {
    const out: Array<{ ip: string; names: string }> = [];
    for (const link of c.hostConfig.Links ?? []) {
      const [target, alias] = link.split(':');
      const other = target ? this.ctx.state.findContainer(target.replace(/^\//, '')) : undefined;
      if (!other) continue;
      const bridgeEp = this.ctx.state.endpointsOfContainer(other.id).find((e) => this.ctx.state.networks.get(e.networkId)?.name === 'bridge');
      if (!bridgeEp?.ipv4) continue;
      const aliasName = alias ? alias.split('/').pop()! : other.name;
      const names = [...new Set([aliasName, other.name, other.id.slice(0, 12)])].join(' ');
      out.push({ ip: bridgeEp.ipv4.split('/')[0]!, names });
    }
    return out;
  }
}

function isGatewayCandidate(net: NetworkRecord): boolean {
  return !net.internal && net.driver !== 'null' && net.driver !== 'host';
}
