/**
 * @module cli/opts/network
 * `--network` values (docker's NetworkOpt: a name, or the long form
 * `name=net,alias=a,ip=10.0.0.5,driver-opt=k=v,gw-priority=1`) and how docker 28 turns them, with
 * --network-alias, --link, --ip, --ip6, --mac-address and --link-local-ip, into the create request's
 * NetworkMode and EndpointsConfig.
 */
import { isValidMac } from './kv.js';

export interface NetworkAttachment {
  target: string;
  aliases: string[];
  driverOpts: Record<string, string> | null;
  links: string[];
  ipv4: string;
  ipv6: string;
  linkLocalIPs: string[];
  mac: string;
  gwPriority: number;
}

/** EndpointSettings as docker 28 encodes it, keys in its order. */
export interface EndpointSettings {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: null;
}

export function emptyEndpoint(): EndpointSettings {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '',
    Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** The IPAMConfig object for given addresses (docker's EndpointIPAMConfig, fields omitempty). */
export function ipamConfig(ipv4: string, ipv6: string, linkLocal: readonly string[]): EndpointSettings['IPAMConfig'] {
  return {
    ...(ipv4 ? { IPv4Address: ipv4 } : {}),
    ...(ipv6 ? { IPv6Address: ipv6 } : {}),
    ...(linkLocal.length ? { LinkLocalIPs: [...linkLocal] } : {}),
  };
}

const LONG_SYNTAX = /\w+=\w+(,\w+=\w+)*/;

/** NetworkOpt.Set. */
export function parseNetworkValue(value: string): NetworkAttachment {
  const att: NetworkAttachment = { target: '', aliases: [], driverOpts: null, links: [], ipv4: '', ipv6: '', linkLocalIPs: [], mac: '', gwPriority: 0 };
  if (!LONG_SYNTAX.test(value)) return { ...att, target: value };
  for (const field of value.split(',')) {
    const lower = field.toLowerCase();
    const eq = lower.indexOf('=');
    if (eq <= 0) throw new Error(`invalid field ${field}`);
    const key = lower.slice(0, eq).trim();
    const val = lower.slice(eq + 1).trim();
    switch (key) {
      case 'name':
        att.target = val;
        break;
      case 'alias':
        att.aliases.push(val);
        break;
      case 'ip':
        att.ipv4 = val;
        break;
      case 'ip6':
        att.ipv6 = val;
        break;
      case 'mac-address':
        att.mac = val;
        break;
      case 'link-local-ip':
        att.linkLocalIPs.push(val);
        break;
      case 'driver-opt': {
        const deq = val.indexOf('=');
        if (deq < 0) throw new Error('invalid key value pair format in driver options');
        att.driverOpts = { ...att.driverOpts, [val.slice(0, deq).trim()]: val.slice(deq + 1).trim() };
        break;
      }
      case 'gw-priority':
        if (!/^[+-]?\d+$/.test(val)) throw new Error(`invalid gw-priority (${val}): invalid syntax`);
        att.gwPriority = Number(val);
        break;
      default:
        throw new Error(`invalid field key ${key}`);
    }
  }
  if (att.target.length === 0) throw new Error('network name/id is not specified');
  return att;
}

/** The validator for the --network flag. */
export function validateNetworkValue(value: string): string {
  parseNetworkValue(value);
  return value;
}

/** container.NetworkMode IsUserDefined. */
export function isUserDefined(mode: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}

export interface LegacyNetworkFlags {
  aliases: string[];
  links: string[];
  ipv4: string;
  ipv6: string;
  mac: string;
  linkLocalIPs: string[];
}

function applyLegacy(n: NetworkAttachment, f: LegacyNetworkFlags): void {
  const conflict = (what: string) => new Error(`conflicting options: cannot specify both ${what}`);
  if (n.aliases.length && f.aliases.length) throw conflict('--network-alias and per-network alias');
  if (n.links.length && f.links.length) throw conflict('--link and per-network links');
  if (n.ipv4 && f.ipv4) throw conflict('--ip and per-network IPv4 address');
  if (n.ipv6 && f.ipv6) throw conflict('--ip6 and per-network IPv6 address');
  if (n.mac && f.mac) throw conflict('--mac-address and per-network MAC address');
  if (n.linkLocalIPs.length && f.linkLocalIPs.length) throw conflict('--link-local-ip and per-network link-local IP addresses');
  if (f.aliases.length) n.aliases = [...f.aliases];
  // On a user-defined network --link is an endpoint alias; on the default bridge a legacy link.
  if (isUserDefined(n.target) && f.links.length) n.links = [...f.links];
  if (f.ipv4) n.ipv4 = f.ipv4;
  if (f.ipv6) n.ipv6 = f.ipv6;
  if (f.mac) n.mac = f.mac;
  if (f.linkLocalIPs.length) n.linkLocalIPs = [...f.linkLocalIPs];
}

function toEndpoint(n: NetworkAttachment): EndpointSettings {
  if (n.target.trim() === '') throw new Error('no name set for network');
  if (!isUserDefined(n.target)) {
    if (n.aliases.length) throw new Error('network-scoped aliases are only supported for user-defined networks');
    if (n.links.length) throw new Error('links are only supported for user-defined networks');
  }
  if (n.mac && !isValidMac(n.mac)) throw new Error(`${n.mac} is not a valid mac address`);
  return {
    ...emptyEndpoint(),
    IPAMConfig: n.ipv4 || n.ipv6 || n.linkLocalIPs.length ? ipamConfig(n.ipv4, n.ipv6, n.linkLocalIPs) : null,
    Links: n.links.length ? n.links : null,
    Aliases: n.aliases.length ? n.aliases : null,
    MacAddress: n.mac,
    DriverOpts: n.driverOpts,
    GwPriority: n.gwPriority,
  };
}

const isEmptyEndpoint = (ep: EndpointSettings) => JSON.stringify(ep) === JSON.stringify(emptyEndpoint());

/** parseNetworkOpts: the NetworkMode and the EndpointsConfig map. */
export function parseNetworkOpts(values: readonly string[], legacy: LegacyNetworkFlags): { mode: string; endpoints: Record<string, EndpointSettings> } {
  const attachments = values.map(parseNetworkValue);
  const endpoints: Record<string, EndpointSettings> = {};
  if (attachments.length === 0) {
    const n = parseNetworkValue('default');
    applyLegacy(n, legacy);
    endpoints.default = toEndpoint(n);
  }
  let userDefined = false;
  let builtin = false;
  attachments.forEach((n, i) => {
    if (isUserDefined(n.target)) userDefined = true;
    else builtin = true;
    if (i === 0) applyLegacy(n, legacy);
    const ep = toEndpoint(n);
    if (n.target in endpoints) throw new Error(`network ${JSON.stringify(n.target)} is specified multiple times`);
    // One network without options: docker leaves the endpoint to the daemon.
    if (i === 0 && attachments.length === 1 && isEmptyEndpoint(ep)) return;
    endpoints[n.target] = ep;
  });
  if (userDefined && builtin) throw new Error('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return { mode: attachments[0]?.target ?? 'default', endpoints: Object.fromEntries(Object.entries(endpoints).sort(([a], [b]) => (a < b ? -1 : 1))) };
}
