/**
 * @module engine/networks
 * Network lifecycle with Docker's rules: create (validate everything, reserve the pool, let the
 * driver build the kernel side, persist), remove, prune, and the predefined networks.
 */
import { conflict, forbidden, invalidParameter, notFound } from '../lib/errors.js';
import { newId, nowRfc3339Nano, ZERO_TIME } from '../lib/ids.js';
import { withUndo } from '../lib/undo.js';
import type { NetworkDriver, NetworkState } from '../drivers/driver.js';
import { validateIpamConfig } from '../ipam/validate.js';
import { isIPv4Cidr } from '../ipam/prefix.js';
import type { EngineContext } from './context.js';
import type { IpamConfigEntry, NetworkRecord } from './model.js';
import { checkPruneFilters, matchNetworkFilters } from './filters.js';

/** Docker's POST /networks/create body. */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Scope?: string;
  EnableIPv4?: boolean | null;
  EnableIPv6?: boolean | null;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: IpamConfigEntry[] | null } | null;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network: string } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export const PREDEFINED = ['bridge', 'host', 'none'] as const;
const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name';
const NOT_A_SWARM_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

export function isPredefinedName(name: string): boolean {
  return (PREDEFINED as readonly string[]).includes(name);
}

export class NetworkService {
  constructor(private readonly ctx: EngineContext) {}

  driver(type: string): NetworkDriver {
    const d = this.ctx.drivers.get(type);
    if (!d) throw notFound(`plugin "${type}" not found`);
    return d;
  }

  /** The driver's view of a stored network. */
  driverState(net: NetworkRecord): NetworkState {
    return {
      id: net.id,
      name: net.name,
      driver: net.driver,
      internal: net.internal,
      subnets: net.ipamConfig
        .filter((c) => c.Subnet && isIPv4Cidr(c.Subnet))
        .map((c) => ({ subnet: c.Subnet!, ...(c.Gateway ? { gateway: c.Gateway } : {}) })),
      options: net.options,
      dns: hasEmbeddedDns(net),
      ...(net.ifname ? { ifname: net.ifname } : {}),
    };
  }

  async create(req: NetworkCreateRequest): Promise<{ Id: string; Warning: string }> {
    const name = req.Name ?? '';
    if (isPredefinedName(name)) throw forbidden(`operation is not permitted on predefined ${name} network `);
    // Docker's check for a daemon outside a swarm (moby daemon/network.go createNetwork); berth never is in one.
    if (req.Driver === 'overlay') throw forbidden(NOT_A_SWARM_MANAGER);
    if (!name.trim()) throw invalidParameter('invalid name: name is empty');
    return this.ctx.locks.run('networks', async () => {
      if (this.ctx.state.networkByName(name)) throw conflict(`network with name ${name} already exists`);
      const net = this.#newRecord(req);
      await this.#materialize(net);
      this.ctx.events.publish('network', 'create', net.id, { name: net.name, type: net.driver });
      return { Id: net.id, Warning: '' };
    });
  }

  #newRecord(req: NetworkCreateRequest): NetworkRecord {
    const driverType = req.Driver || 'bridge';
    if (driverType === 'host' || driverType === 'null') throw forbidden(`only one instance of "${driverType}" network is allowed`);
    if (req.Scope && req.Scope !== 'local') throw notFound(`berth supports only local scope networks, not "${req.Scope}"`);
    if (req.ConfigFrom?.Network || req.ConfigOnly) throw invalidParameter('config-only networks are not supported by berth');
    if (req.Ingress) throw forbidden('Ingress network can only be global scope network');
    const options = { ...(req.Options ?? {}) };
    const enableIPv6 = boolOption(req.EnableIPv6, options, 'com.docker.network.enable_ipv6', false);
    const enableIPv4 = boolOption(req.EnableIPv4, options, 'com.docker.network.enable_ipv4', true);
    if (!enableIPv4) throw invalidParameter('berth does not support networks without IPv4');
    const requested = (req.IPAM?.Config ?? []).map(cleanIpamEntry);
    validateIpamConfig(requested);
    if (requested.some((c) => c.Subnet && !isIPv4Cidr(c.Subnet)) && !enableIPv6) {
      throw invalidParameter('IPv6 subnets require --ipv6 (berth allocates IPv4 only)');
    }
    const driver = this.driver(driverType);
    driver.validate({
      name: req.Name,
      internal: !!req.Internal,
      options,
      subnets: requested.filter((c) => c.Subnet && isIPv4Cidr(c.Subnet)).map((c) => ({ subnet: c.Subnet!, ...(c.Gateway ? { gateway: c.Gateway } : {}) })),
    });
    return {
      id: newId(),
      name: req.Name,
      driver: driverType,
      scope: 'local',
      created: nowRfc3339Nano(),
      internal: !!req.Internal,
      attachable: !!req.Attachable,
      ingress: false,
      enableIPv4,
      enableIPv6,
      ipamDriver: req.IPAM?.Driver || 'default',
      ipamOptions: req.IPAM?.Options ?? null,
      ipamRequested: requested,
      ipamConfig: [],
      options,
      labels: req.Labels ?? {},
      configOnly: false,
      configFrom: '',
      predefined: false,
    };
  }

  /** Reserve addresses, build the kernel side, persist; undo all of it on any failure. */
  async #materialize(net: NetworkRecord, hostReserved?: string[]): Promise<void> {
    await withUndo(async (undo) => {
      if (net.ipamDriver !== 'default') throw notFound(`plugin "${net.ipamDriver}" not found`);
      if (net.driver !== 'null' && net.driver !== 'host') {
        const wanted = net.ipamRequested.filter((c) => !c.Subnet || isIPv4Cidr(c.Subnet));
        const reserved = hostReserved ?? (await this.ctx.hostReserved());
        for (const entry of wanted.length ? wanted : [{}]) {
          const pool = this.ctx.ipam.requestPool(
            {
              ...(entry.Subnet ? { subnet: entry.Subnet } : {}),
              ...(entry.IPRange ? { ipRange: entry.IPRange } : {}),
              ...(entry.Gateway ? { gateway: entry.Gateway } : {}),
              auxAddresses: entry.AuxiliaryAddresses ?? {},
            },
            reserved,
          );
          undo.push(`release pool ${pool.id}`, () => this.ctx.ipam.releasePool(pool.id));
          net.ipamConfig.push({
            Subnet: pool.subnet,
            ...(pool.ipRange ? { IPRange: pool.ipRange } : {}),
            ...(pool.gateway ? { Gateway: pool.gateway } : {}),
            ...(entry.AuxiliaryAddresses ? { AuxiliaryAddresses: entry.AuxiliaryAddresses } : {}),
          });
        }
      }
      const driver = this.driver(net.driver);
      const { ifname } = await driver.createNetwork(this.driverState(net), undo);
      if (ifname) net.ifname = ifname;
      undo.push('delete network in kernel', () => driver.deleteNetwork(this.driverState(net)));
      await this.ctx.state.commit({ networks: [net] });
    });
    await this.ctx.refreshDns();
  }

  async remove(ref: string): Promise<void> {
    const found = this.ctx.state.network(ref);
    await this.ctx.locks.run('networks', async () => {
      const net = this.ctx.state.networks.get(found.id);
      if (!net) throw notFound(`network ${ref} not found`);
      if (net.predefined) throw forbidden(`${net.name} is a pre-defined network and cannot be removed`);
      const eps = this.ctx.state.endpointsOfNetwork(net.id);
      if (eps.length) {
        const list = eps.map((e) => `name:"${this.ctx.state.containers.get(e.containerId)?.name ?? ''}" id:"${e.id.slice(0, 12)}"`);
        throw forbidden(`error while removing network: network ${net.name} has active endpoints (${list.join(', ')})`);
      }
      await this.driver(net.driver).deleteNetwork(this.driverState(net));
      for (const c of net.ipamConfig) if (c.Subnet) this.ctx.ipam.releasePool(c.Subnet);
      await this.ctx.state.commit({ deleteNetworks: [net.id] });
      this.ctx.events.publish('network', 'destroy', net.id, { name: net.name, type: net.driver });
    });
    await this.ctx.refreshDns();
  }

  /** Remove every custom network without endpoints that matches the filters; returns names. */
  async prune(filters: Map<string, string[]>): Promise<string[]> {
    checkPruneFilters(filters);
    const deleted: string[] = [];
    for (const net of this.list(filters, { pruning: true })) {
      if (net.predefined || this.ctx.state.endpointsOfNetwork(net.id).length) continue;
      try {
        await this.remove(net.id);
        deleted.push(net.name);
      } catch {
        // in use by now, or already gone: prune skips it like Docker does
      }
    }
    return deleted;
  }

  list(filters: Map<string, string[]>, opts: { pruning?: boolean } = {}): NetworkRecord[] {
    const all = [...this.ctx.state.networks.values()];
    return all.filter((n) => matchNetworkFilters(n, filters, this.ctx.state, opts.pruning ?? false));
  }

  /** Create bridge, host and none on first start (Docker does this at daemon init). */
  async ensurePredefined(): Promise<void> {
    const want: Array<{ name: string; driver: string }> = [
      { name: 'bridge', driver: 'bridge' },
      { name: 'host', driver: 'host' },
      { name: 'none', driver: 'null' },
    ];
    for (const { name, driver } of want) {
      if (this.ctx.state.networkByName(name)) continue;
      const isBridge = driver === 'bridge';
      const net: NetworkRecord = {
        id: newId(),
        name,
        driver,
        scope: 'local',
        created: isBridge ? nowRfc3339Nano() : ZERO_TIME,
        internal: false,
        attachable: false,
        ingress: false,
        enableIPv4: true,
        enableIPv6: false,
        ipamDriver: 'default',
        ipamOptions: isBridge ? null : null,
        ipamRequested: isBridge && this.ctx.opts.defaultBridgeSubnet ? [{ Subnet: this.ctx.opts.defaultBridgeSubnet }] : [],
        ipamConfig: [],
        options: isBridge ? defaultBridgeOptions(this.ctx.names.defaultBridge()) : {},
        labels: {},
        configOnly: false,
        configFrom: '',
        predefined: true,
      };
      await this.#materialize(net);
    }
  }

  /** Daemon start: re-reserve every pool and make the kernel match each stored network again. */
  async restoreAll(): Promise<void> {
    for (const net of this.ctx.state.networks.values()) {
      for (const c of net.ipamConfig) {
        if (!c.Subnet) continue;
        this.ctx.ipam.requestPool({
          subnet: c.Subnet,
          ...(c.IPRange ? { ipRange: c.IPRange } : {}),
          ...(c.Gateway ? { gateway: c.Gateway } : {}),
          auxAddresses: c.AuxiliaryAddresses ?? {},
        });
      }
      await this.driver(net.driver).restoreNetwork(this.driverState(net));
    }
  }
}

/** User-defined networks get the embedded DNS; the default bridge, host and none do not. */
export function hasEmbeddedDns(net: NetworkRecord): boolean {
  return !net.predefined && net.driver !== 'null' && net.driver !== 'host';
}

function defaultBridgeOptions(bridgeName: string): Record<string, string> {
  return {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    [BRIDGE_NAME_OPT]: bridgeName,
    'com.docker.network.driver.mtu': '1500',
  };
}

function boolOption(explicit: boolean | null | undefined, options: Record<string, string>, key: string, dflt: boolean): boolean {
  if (explicit !== undefined && explicit !== null) {
    delete options[key];
    return explicit;
  }
  const raw = options[key];
  if (raw === undefined) return dflt;
  const parsed = parseGoBool(raw);
  if (parsed === undefined) throw invalidParameter(`driver-opt "${key}" is not a valid bool`);
  return parsed;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return undefined;
}

function cleanIpamEntry(c: IpamConfigEntry): IpamConfigEntry {
  const out: IpamConfigEntry = {};
  if (c.Subnet) out.Subnet = c.Subnet;
  if (c.IPRange) out.IPRange = c.IPRange;
  if (c.Gateway) out.Gateway = c.Gateway;
  if (c.AuxiliaryAddresses && Object.keys(c.AuxiliaryAddresses).length) out.AuxiliaryAddresses = c.AuxiliaryAddresses;
  return out;
}
