/**
 * @module engine/endpoints
 * One container interface on one network: address from IPAM, MAC, veth name, DNS names, then
 * the driver's join. Every step registers its undo; leave is idempotent and never stops early.
 */
import { randomBytes } from 'node:crypto';
import { invalidParameter } from '../lib/errors.js';
import { newId, randomHex, shortId } from '../lib/ids.js';
import { runAll } from '../lib/errors.js';
import type { UndoStack } from '../lib/undo.js';
import type { EndpointState, SandboxRef } from '../drivers/driver.js';
import { containsAddress, formatCidr, prefixLength } from '../ipam/prefix.js';
import type { EngineContext } from './context.js';
import type { ContainerRecord, EndpointConfig, EndpointRecord, NetworkRecord } from './model.js';
import { hasEmbeddedDns, type NetworkService } from './networks.js';

export class EndpointService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly networks: NetworkService,
  ) {}

  /** Docker's endpoint settings checks, before anything is reserved. */
  validate(net: NetworkRecord, cfg: EndpointConfig): void {
    const errs: string[] = [];
    const want4 = cfg.IPAMConfig?.IPv4Address;
    const userDefined = !net.predefined;
    if (!userDefined && (want4 || cfg.IPAMConfig?.IPv6Address)) errs.push('user-specified IP address is supported on user-defined networks only');
    if (!userDefined && cfg.Aliases?.length) errs.push('network-scoped aliases are only supported for user-defined networks');
    if (want4) {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(want4) || want4 === '0.0.0.0') errs.push(`invalid IPv4 address: ${want4}`);
      else if (userDefined && !net.ipamConfig.some((c) => c.Subnet && containsAddress(c.Subnet, want4))) {
        errs.push(`no configured subnet contains IP address ${want4}`);
      }
    }
    if (errs.length) throw invalidParameter(`invalid endpoint settings:\n${errs.join('\n')}`);
  }

  async join(
    c: ContainerRecord,
    net: NetworkRecord,
    cfg: EndpointConfig,
    sb: SandboxRef,
    ifname: string,
    defaultGateway: boolean,
    undo: UndoStack,
  ): Promise<EndpointRecord> {
    this.validate(net, cfg);
    const pool = net.ipamConfig.find((p) => p.Subnet);
    let ipv4 = '';
    if (pool?.Subnet) {
      const address = this.ctx.ipam.requestAddress(pool.Subnet, cfg.IPAMConfig?.IPv4Address || undefined);
      undo.push(`release ${address}`, () => this.ctx.ipam.releaseAddress(pool.Subnet!, address));
      ipv4 = formatCidr(address, prefixLength(pool.Subnet));
    }
    const aliases = userAliases(c, net, cfg);
    const ep: EndpointRecord = {
      id: newId(),
      networkId: net.id,
      containerId: c.id,
      ifname,
      hostIfname: this.ctx.names.vethHost(randomHex(12)),
      mac: cfg.MacAddress || randomMac(),
      ipv4,
      gateway: pool?.Gateway ?? '',
      aliases,
      dnsNames: hasEmbeddedDns(net) ? dnsNames(c, aliases) : [],
    };
    const driver = this.networks.driver(net.driver);
    await driver.join(this.#driverEndpoint(ep, defaultGateway), this.networks.driverState(net), sb, undo);
    undo.push(`leave ${net.name}`, () => driver.leave(this.#driverEndpoint(ep, false), this.networks.driverState(net), sb));
    await this.ctx.state.commit({ endpoints: [ep] });
    undo.push('forget endpoint', () => this.ctx.state.commit({ deleteEndpoints: [ep.id] }));
    return ep;
  }

  /** Undo a join: driver leave, release the address, forget the record. Collects failures. */
  async leave(ep: EndpointRecord, sb: SandboxRef): Promise<void> {
    const net = this.ctx.state.networks.get(ep.networkId);
    await runAll(
      [
        async () => {
          if (net) await this.networks.driver(net.driver).leave(this.#driverEndpoint(ep, false), this.networks.driverState(net), sb);
        },
        () => {
          const pool = net?.ipamConfig.find((p) => p.Subnet);
          if (pool?.Subnet && ep.ipv4) this.ctx.ipam.releaseAddress(pool.Subnet, ep.ipv4.split('/')[0]!);
        },
        () => this.ctx.state.commit({ deleteEndpoints: [ep.id] }),
      ],
      `failed to leave network ${net?.name ?? ep.networkId}`,
    );
  }

  #driverEndpoint(ep: EndpointRecord, defaultGateway: boolean): EndpointState {
    return {
      id: ep.id,
      networkId: ep.networkId,
      containerId: ep.containerId,
      ifname: ep.ifname,
      hostIfname: ep.hostIfname,
      mac: ep.mac,
      ...(ep.ipv4 ? { ipv4: ep.ipv4 } : {}),
      ...(defaultGateway && ep.gateway ? { defaultGateway: ep.gateway } : {}),
    };
  }
}

/** Network-scoped aliases as Docker stores them (compose adds the service name this way). */
function userAliases(c: ContainerRecord, net: NetworkRecord, cfg: EndpointConfig): string[] {
  void c;
  if (net.predefined) return [];
  return [...new Set(cfg.Aliases ?? [])];
}

/** Docker's buildEndpointDNSNames: name, aliases, short ID, hostname, deduplicated. */
export function dnsNames(c: ContainerRecord, aliases: string[]): string[] {
  const names = [c.name, ...aliases, shortId(c.id)];
  if (c.config.Hostname) names.push(c.config.Hostname);
  return [...new Set(names.filter(Boolean))];
}

/** A random locally administered unicast MAC (Docker ≥ 28). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
