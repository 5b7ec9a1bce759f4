/**
 * @module compose/networks
 * Top-level `networks.<key>` into the model (compose-go `transformMaybeExternal`,
 * `setNameFromKey`, `checkExternal`): `<project>_<key>` unless `name:` is set or the network is
 * external (then its key, or the legacy `external: {name: x}`), and the body of
 * `POST /networks/create` that compose's createNetwork sends for it.
 */
import { invalidParameter } from '../../lib/errors.js';
import { COMPOSE_VERSION, LABEL, type IpamPool, type Network } from './model.js';
import { asBool, asList, asMap, asString, checkKeys, sortedRecord, stringMap } from './values.js';

const NETWORK_KEYS = ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'enable_ipv4', 'enable_ipv6', 'attachable', 'labels'];

export function normalizeNetwork(key: string, raw: unknown, project: string, warn: (msg: string) => void): Network {
  const where = `networks.${key}`;
  const m = { ...asMap(raw, where) };
  checkKeys(m, NETWORK_KEYS, where);
  let name = m.name === undefined || m.name === null ? undefined : asString(m.name, `${where}.name`);
  let external = false;
  if (m.external !== undefined && m.external !== null) {
    if (typeof m.external === 'object' && !Array.isArray(m.external)) {
      const legacy = asMap(m.external, `${where}.external`);
      external = true;
      if (legacy.name !== undefined) {
        warn(`${where}: external.name is deprecated. Please set name and external: true`);
        const legacyName = asString(legacy.name, `${where}.external.name`);
        if (name !== undefined && name !== legacyName) throw invalidParameter(`${where}: name and external.name conflict; only use name`);
        name = legacyName;
      }
    } else external = asBool(m.external, `${where}.external`);
  }
  if (external) {
    const conflict = Object.keys(m).find((k) => !['name', 'external'].includes(k) && !k.startsWith('x-'));
    if (conflict) throw invalidParameter(`${where}: conflicting parameters "external" and "${conflict}" specified`);
    return { name: name ?? key, external: true };
  }
  const net: Network = { name: name ?? `${project}_${key}` };
  if (m.driver != null) net.driver = asString(m.driver, `${where}.driver`);
  if (m.driver_opts != null) net.driver_opts = sortedRecord(stringMap(m.driver_opts, `${where}.driver_opts`));
  if (m.ipam != null) net.ipam = ipamOf(m.ipam, `${where}.ipam`);
  for (const k of ['internal', 'attachable', 'enable_ipv4', 'enable_ipv6'] as const) if (m[k] != null) net[k] = asBool(m[k], `${where}.${k}`);
  if (m.labels != null) net.labels = sortedRecord(stringMap(m.labels, `${where}.labels`));
  return net;
}

function ipamOf(v: unknown, where: string): NonNullable<Network['ipam']> {
  const m = asMap(v, where);
  checkKeys(m, ['driver', 'config', 'options'], where);
  const ipam: NonNullable<Network['ipam']> = {};
  if (m.driver != null) ipam.driver = asString(m.driver, `${where}.driver`);
  if (m.config != null) {
    ipam.config = asList(m.config, `${where}.config`).map((entry, i) => {
      const w = `${where}.config.${i}`;
      const c = asMap(entry, w);
      checkKeys(c, ['subnet', 'ip_range', 'gateway', 'aux_addresses'], w);
      const pool: IpamPool = {};
      for (const k of ['subnet', 'ip_range', 'gateway'] as const) if (c[k] != null) pool[k] = asString(c[k], `${w}.${k}`);
      if (c.aux_addresses != null) pool.aux_addresses = sortedRecord(stringMap(c.aux_addresses, `${w}.aux_addresses`));
      return pool;
    });
  }
  if (m.options != null) ipam.options = sortedRecord(stringMap(m.options, `${where}.options`));
  return ipam;
}

/** Docker's NetworkCreate body, in the field names of the Engine API. */
export interface NetworkCreateBody {
  Name: string;
  Driver?: string;
  Options?: Record<string, string>;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: { Driver?: string; Config?: Array<Record<string, unknown>>; Options?: Record<string, string> };
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Labels: Record<string, string>;
}

/** compose `createNetwork`: user labels plus compose's own, the IPAM pools as the API spells them. */
export function networkCreateBody(key: string, net: Network, project: string, hash: string): NetworkCreateBody {
  const body: NetworkCreateBody = {
    Name: net.name,
    Labels: {
      ...(net.labels ?? {}),
      [LABEL.network]: key,
      [LABEL.project]: project,
      [LABEL.version]: COMPOSE_VERSION,
      [LABEL.configHash]: hash,
    },
  };
  if (net.driver) body.Driver = net.driver;
  if (net.driver_opts) body.Options = net.driver_opts;
  if (net.internal !== undefined) body.Internal = net.internal;
  if (net.attachable !== undefined) body.Attachable = net.attachable;
  if (net.enable_ipv4 !== undefined) body.EnableIPv4 = net.enable_ipv4;
  if (net.enable_ipv6 !== undefined) body.EnableIPv6 = net.enable_ipv6;
  if (net.ipam && (net.ipam.driver || net.ipam.config?.length || net.ipam.options)) {
    body.IPAM = {};
    if (net.ipam.driver) body.IPAM.Driver = net.ipam.driver;
    if (net.ipam.config?.length) {
      body.IPAM.Config = net.ipam.config.map((p) => ({
        ...(p.subnet ? { Subnet: p.subnet } : {}),
        ...(p.ip_range ? { IPRange: p.ip_range } : {}),
        ...(p.gateway ? { Gateway: p.gateway } : {}),
        ...(p.aux_addresses ? { AuxiliaryAddresses: p.aux_addresses } : {}),
      }));
    }
    if (net.ipam.options) body.IPAM.Options = net.ipam.options;
  }
  return body;
}
