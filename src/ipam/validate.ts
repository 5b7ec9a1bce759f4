/**
 * @module ipam/validate
 * Docker's checks of a network's IPAM config, before anything is reserved.
 *
 * - `validateIpamConfig`: what the daemon answers a raw API client. First the JSON decoding of
 *   the typed fields (netip.Prefix / netip.Addr: `invalid JSON: netip.ParsePrefix("x"): no '/'`),
 *   then moby daemon/network.go validateIpamConfig, which collects every problem into
 *   `invalid network config:\n...` (several as `* a\n* b`).
 * - `ipamConfigFromFlags`: docker CLI's createIPAMConfig (cli/command/network/create.go) turning
 *   --subnet/--ip-range/--gateway/--aux-address into the API's IPAM config, with its messages.
 */
import { invalidParameter } from '../lib/errors.js';
import { goNetParseCidr, goNetParseIp, goParseAddr, goParsePrefix, goQuote, type Address, type Prefix } from './goparse.js';
import { containsAddress, formatAddress, formatPrefix, masked, overlaps } from './prefix.js';

/** One entry of the Engine API's IPAM.Config. */
export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string> | null;
}

interface Decoded {
  subnet?: Prefix;
  ipRange?: Prefix;
  gateway?: Address;
  aux: Array<[string, Address]>;
}

/**
 * Throws invalidParameter with Docker's message when the config is not acceptable.
 * `enableIPv6: false` skips IPv6 subnets as Docker does for networks without --ipv6; the default
 * (true) checks every entry.
 */
export function validateIpamConfig(configs: readonly IpamConfig[], opts: { enableIPv6?: boolean } = {}): void {
  const decoded = configs.map(decode);
  const errs: string[] = [];
  for (const cfg of decoded) {
    const family = cfg.subnet?.family === 6 ? 6 : 4;
    if (opts.enableIPv6 === false && family === 6) continue;
    const subnetText = cfg.subnet ? formatPrefix(cfg.subnet) : 'invalid Prefix';
    if (cfg.subnet && masked(cfg.subnet).addr !== cfg.subnet.addr) {
      errs.push(`invalid subnet ${subnetText}: it should be ${formatPrefix(masked(cfg.subnet))}`);
    }
    if (cfg.ipRange) errs.push(...rangeErrors(cfg.ipRange, cfg.subnet, family, subnetText));
    if (cfg.gateway) {
      const err = addressError(cfg.gateway, cfg.subnet, family, subnetText);
      if (err) errs.push(`invalid gateway ${formatAddress(cfg.gateway)}: ${err}`);
    }
    for (const [name, aux] of cfg.aux) {
      const err = addressError(aux, cfg.subnet, family, subnetText);
      if (err) errs.push(`invalid auxiliary address ${name}: ${err}`);
    }
  }
  if (errs.length) throw invalidParameter(`invalid network config:\n${joinErrors(errs)}`);
}

/** Go's encoding/json into netip types: empty means absent, anything else must parse. */
function decode(cfg: IpamConfig): Decoded {
  const prefix = (s: string | undefined) => {
    if (!s) return undefined;
    const r = goParsePrefix(s);
    if (!r.ok) throw invalidParameter(`invalid JSON: ${r.error}`);
    return r.value;
  };
  const addr = (s: string | undefined) => {
    if (!s) return undefined;
    const r = goParseAddr(s);
    if (!r.ok) throw invalidParameter(`invalid JSON: ${r.error}`);
    return r.value;
  };
  const out: Decoded = { aux: [] };
  const subnet = prefix(cfg.Subnet);
  if (subnet) out.subnet = subnet;
  const ipRange = prefix(cfg.IPRange);
  if (ipRange) out.ipRange = ipRange;
  const gateway = addr(cfg.Gateway);
  if (gateway) out.gateway = gateway;
  for (const [name, text] of Object.entries(cfg.AuxiliaryAddresses ?? {})) {
    const a = addr(text);
    if (a) out.aux.push([name, a]);
  }
  return out;
}

function rangeErrors(range: Prefix, subnet: Prefix | undefined, family: 4 | 6, subnetText: string): string[] {
  const text = formatPrefix(range);
  if (range.family !== family) return [`invalid ip-range ${text}: parent subnet is an IPv${family} block`];
  const errs: string[] = [];
  if (subnet && range.bits < subnet.bits) errs.push(`invalid ip-range ${text}: CIDR block is bigger than its parent subnet ${subnetText}`);
  if (masked(range).addr !== range.addr) errs.push(`invalid ip-range ${text}: it should be ${formatPrefix(masked(range))}`);
  if (!subnet || !overlaps(subnet, range)) errs.push(`invalid ip-range ${text}: parent subnet ${subnetText} doesn't contain ip-range`);
  return errs;
}

function addressError(a: Address, subnet: Prefix | undefined, family: 4 | 6, subnetText: string): string | undefined {
  if (a.family !== family) return `parent subnet is an IPv${family} block`;
  if (!subnet || !containsAddress(subnet, a)) return `parent subnet ${subnetText} doesn't contain this address`;
  return undefined;
}

/** moby's multierror.Join: one error as is, several as a "* " list. */
function joinErrors(errs: readonly string[]): string {
  if (errs.length === 1) return errs[0]!.trim();
  return `* ${errs.map((e) => e.replaceAll('\n', '\n\t')).join('\n* ')}`;
}

// ---- docker CLI: network create flags ----

export interface IpamFlags {
  /** --subnet values, one per entry (the CLI splits commas). */
  subnets: readonly string[];
  ipRanges?: readonly string[];
  gateways?: readonly string[];
  /** --aux-address name=ip, in command-line order. */
  auxAddresses?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
}

/**
 * The docker CLI's consolidation of --subnet/--ip-range/--gateway/--aux-address into IPAM.Config
 * entries, one per subnet in the order given; throws invalidParameter with the CLI's messages
 * (flag parsing ones included: `invalid argument "x" for "--gateway" flag: ...`).
 */
export function ipamConfigFromFlags(flags: IpamFlags): IpamConfig[] {
  const ranges = (flags.ipRanges ?? []).map((r) => flagValue(r, '--ip-range', 'CIDR', (v) => netCidr(v)));
  const gateways = (flags.gateways ?? []).map((g) => flagValue(g, '--gateway', 'IP address', (v) => goNetParseIp(v)));
  if (flags.subnets.length < ranges.length || flags.subnets.length < gateways.length) {
    throw invalidParameter('every ip-range or gateway must have a corresponding subnet');
  }
  const entries = new Map<string, { cfg: IpamConfig; range?: string; gateway?: string; aux: Record<string, string> }>();
  for (const s of flags.subnets) {
    for (const k of entries.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw invalidParameter('multiple overlapping subnet configuration is not supported');
    }
    const sn = goParsePrefix(s);
    if (!sn.ok) throw invalidParameter(sn.error);
    entries.set(s, { cfg: { Subnet: formatPrefix(sn.value) }, aux: {} });
  }
  for (const r of ranges) {
    const text = formatPrefix(r);
    let match = false;
    for (const [s, e] of entries) {
      if (!subnetMatches(s, text)) continue;
      if (e.range) throw invalidParameter(`cannot configure multiple ranges (${text}, ${e.range}) on the same subnet (${s})`);
      e.range = e.cfg.IPRange = text;
      match = true;
    }
    if (!match) throw invalidParameter(`no matching subnet for range ${text}`);
  }
  for (const g of gateways) {
    const text = formatAddress(unmap(g));
    let match = false;
    for (const [s, e] of entries) {
      if (!subnetMatches(s, text)) continue;
      if (e.gateway) throw invalidParameter(`cannot configure multiple gateways (${text}, ${e.gateway}) for the same subnet (${s})`);
      e.gateway = e.cfg.Gateway = text;
      match = true;
    }
    if (!match) throw invalidParameter(`no matching subnet for gateway ${text}`);
  }
  const aux = Array.isArray(flags.auxAddresses) ? flags.auxAddresses : Object.entries(flags.auxAddresses ?? {});
  for (const [name, value] of aux) {
    if (value === '') continue;
    const a = goParseAddr(value);
    if (!a.ok) throw invalidParameter(a.error);
    const text = formatAddress(a.value);
    let match = false;
    for (const [s, e] of entries) {
      if (!subnetMatches(s, text)) continue;
      e.aux[name] = text;
      match = true;
    }
    if (!match) throw invalidParameter(`no matching subnet for aux-address ${value}`);
  }
  return [...entries.values()].map((e) => (Object.keys(e.aux).length ? { ...e.cfg, AuxiliaryAddresses: e.aux } : e.cfg));
}

/** pflag's IPNetSlice/IPSlice parsing of one value. */
function flagValue<T>(value: string, flag: string, what: string, parse: (v: string) => T | undefined): T {
  const parsed = parse(value.trim());
  if (parsed === undefined) {
    throw invalidParameter(`invalid argument ${goQuote(value)} for ${goQuote(flag)} flag: invalid string being converted to ${what}: ${value}`);
  }
  return parsed;
}

function netCidr(v: string): Prefix | undefined {
  const r = goNetParseCidr(v);
  return r.ok ? r.value : undefined;
}

/** The CLI's subnetMatches: does `subnet` (net.ParseCIDR) contain the address of `data`? */
function subnetMatches(subnet: string, data: string): boolean {
  const s = goNetParseCidr(subnet);
  if (!s.ok) throw invalidParameter(`invalid subnet: ${s.error}`);
  let ip: Address | undefined;
  if (data.includes('/')) {
    const d = goNetParseCidr(data);
    if (!d.ok) throw invalidParameter(d.error);
    // net.ParseCIDR returns the address as written; ranges and subnets reach here either way.
    const slash = data.indexOf('/');
    ip = goNetParseIp(data.slice(0, slash));
  } else {
    ip = goNetParseIp(data);
  }
  return ip !== undefined && netContains(s.value, unmap(ip));
}

/** net.IPNet.Contains: an IPv4-mapped IPv6 address counts as IPv4. */
function netContains(net: Prefix, ip: Address): boolean {
  return net.family === ip.family && containsAddress(net, ip);
}

function unmap(a: Address): Address {
  return a.family === 6 && a.value >> 32n === 0xffffn ? { family: 4, value: a.value & 0xffffffffn } : a;
}
