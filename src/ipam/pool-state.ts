/**
 * @module ipam/pool-state
 * One reserved subnet: its address set with Docker's fixed reservations (network, IPv4
 * broadcast, gateway, aux addresses) and the dynamic window (the ip-range, or the subnet).
 */
import { forbidden, invalidParameter, systemError } from '../lib/errors.js';
import { AddressSet } from './address-set.js';
import { goNetParseIp, goParseAddr, goParsePrefix } from './goparse.js';
import { containsAddress, formatAddress, formatPrefix, masked, overlaps, prefixSize, usableRange, type Address, type Prefix } from './prefix.js';

/** What a pool request asks for besides the subnet. */
export interface PoolExtras {
  ipRange?: string;
  gateway?: string;
  auxAddresses?: Record<string, string>;
  skipGatewayAlloc?: boolean;
}

export interface Pool {
  /** Equals `subnet`. */
  id: string;
  /** Canonical, masked CIDR. */
  subnet: string;
  ipRange?: string;
  /** Address, no prefix. */
  gateway?: string;
  auxAddresses: Record<string, string>;
}

export const ADDRESS_IN_USE = 'Address already in use';
export const NO_AVAILABLE = 'no available addresses on this pool';

export interface PoolState {
  pool: Pool;
  subnet: Prefix;
  /** Offsets (from the subnet's first address) that are taken. */
  addrs: AddressSet;
  /** Offsets of the dynamic window: the ip-range, or the subnet. */
  lo: bigint;
  hi: bigint;
  /** Offsets owned by the pool itself (network, broadcast, gateway, aux): releaseAddress leaves them. */
  pinned: Set<bigint>;
}

/** Reserve a subnet's fixed addresses as Docker does: network/broadcast, then gateway, then aux. */
export function createPoolState(subnet: Prefix, extras: PoolExtras): PoolState {
  const state = newState(subnet);
  applyRange(state, extras.ipRange);
  applyGateway(state, extras);
  applyAux(state, extras.auxAddresses ?? {});
  return state;
}

function newState(subnet: Prefix): PoolState {
  const id = formatPrefix(subnet);
  const size = prefixSize(subnet);
  const state: PoolState = {
    pool: { id, subnet: id, auxAddresses: {} },
    subnet,
    addrs: new AddressSet(size),
    lo: 0n,
    hi: size - 1n,
    pinned: new Set(),
  };
  // Docker reserves the network address (IPv6: the subnet-router anycast) and the IPv4
  // broadcast, except in IPv4 /31 and /32 (RFC 3021).
  const { lo, hi } = usableRange(subnet);
  for (let off = 0n; off < size && off < lo - subnet.addr; off++) pin(state, off);
  for (let off = hi - subnet.addr + 1n; off < size; off++) pin(state, off);
  return state;
}

function pin(state: PoolState, offset: bigint): void {
  state.addrs.add(offset);
  state.pinned.add(offset);
}

function applyRange(state: PoolState, ipRange: string | undefined): void {
  if (!ipRange) return;
  const parsed = goParsePrefix(ipRange);
  if (!parsed.ok) throw systemError('invalid pool request: invalid address subpool');
  if (parsed.value.family !== state.subnet.family) throw invalidParameter('pool and subpool are of incompatible address families');
  let range = masked(parsed.value);
  // Docker: a range wider than its subnet means the whole subnet (networks from before v24).
  if (range.bits < state.subnet.bits) range = state.subnet;
  if (!overlaps(range, state.subnet)) {
    throw invalidParameter(`invalid ip-range ${ipRange}: parent subnet ${state.pool.subnet} doesn't contain ip-range`);
  }
  state.lo = range.addr - state.subnet.addr;
  state.hi = state.lo + prefixSize(range) - 1n;
  state.pool.ipRange = formatPrefix(range);
}

function applyGateway(state: PoolState, req: PoolExtras): void {
  if (req.gateway) {
    const gw = goNetParseIp(req.gateway);
    if (!gw) throw invalidParameter(`invalid gateway address ${req.gateway} in Ipam configuration`);
    if (!containsAddress(state.subnet, gw)) throw systemError(`failed to allocate gateway (${req.gateway}): requested address is out of range`);
    const offset = gw.value - state.subnet.addr;
    if (!state.addrs.add(offset)) throw systemError(`failed to allocate gateway (${req.gateway}): ${ADDRESS_IN_USE}`);
    state.pinned.add(offset);
    state.pool.gateway = formatAddress(gw);
    return;
  }
  if (req.skipGatewayAlloc) return;
  const offset = state.addrs.firstFree(state.lo, state.hi);
  if (offset === undefined) throw systemError(`failed to allocate gateway (): ${NO_AVAILABLE}`);
  pin(state, offset);
  state.pool.gateway = addressAt(state, offset);
}

function applyAux(state: PoolState, aux: Record<string, string>): void {
  for (const [name, text] of Object.entries(aux)) {
    const ip = goNetParseIp(text);
    if (!ip) throw invalidParameter(`non parsable secondary ip address (${name}:${text})`);
    if (!containsAddress(state.subnet, ip)) {
      throw forbidden(`auxiliary address: (${name}:${text}) must belong to the master pool: ${state.pool.subnet}`);
    }
    const offset = ip.value - state.subnet.addr;
    if (!state.addrs.add(offset)) throw systemError(`failed to allocate secondary ip address (${name}:${text}): ${ADDRESS_IN_USE}`);
    state.pinned.add(offset);
    state.pool.auxAddresses[name] = formatAddress(ip);
  }
}

export const notInSubnet = (address: string) => `no configured subnet contains IP address ${address}`;

/** Offset of an address text in the pool's subnet; invalidParameter(outside(address)) when outside. */
export function offsetOf(state: PoolState, text: string, outside: (address: string) => string): bigint {
  const r = goParseAddr(text);
  if (!r.ok) throw invalidParameter(r.error);
  const ip: Address = r.value;
  if (!containsAddress(state.subnet, ip)) throw invalidParameter(outside(formatAddress(ip)));
  return ip.value - state.subnet.addr;
}

export function addressAt(state: PoolState, offset: bigint): string {
  return formatAddress({ family: state.subnet.family, value: state.subnet.addr + offset });
}

export function copyPool(p: Pool): Pool {
  return { ...p, auxAddresses: { ...p.auxAddresses } };
}
