/**
 * @module ipam/address-space
 * Docker's default IPAM (moby daemon/libnetwork/ipams/defaultipam) for one local address space:
 * subnets picked from the predefined pools or given by the user, and per-subnet address
 * allocation with Docker's rules (network/broadcast reserved, gateway = first free, lowest free
 * address, immediate reuse). Pure and in memory: the engine rebuilds it at start by requesting
 * each stored pool again and `reserve`-ing each endpoint's address.
 */
import { forbidden, invalidParameter, notFound, systemError, unavailable } from '../lib/errors.js';
import { DEFAULT_LOCAL_POOLS, normalizePools, type DefaultPool, type SplitPool } from './defaults.js';
import { goParsePrefix } from './goparse.js';
import { canonicalCidr, firstAddress, lastAddress, masked, overlaps, parseAddressOrCidr, width, type Family, type Prefix } from './prefix.js';
import {
  addressAt,
  copyPool,
  createPoolState,
  NO_AVAILABLE,
  ADDRESS_IN_USE,
  notInSubnet,
  offsetOf,
  type Pool,
  type PoolExtras,
  type PoolState,
} from './pool-state.js';

export type { Pool } from './pool-state.js';

export interface PoolRequest extends PoolExtras {
  /** User --subnet; absent (or an unspecified address such as "0.0.0.0/24": size only) = pick from the default pools. */
  subnet?: string;
  /** --ip-range: dynamic allocation only from this part of the subnet. */
  ipRange?: string;
  /** --gateway (an address, no prefix). */
  gateway?: string;
  /** --aux-address name=ip: reserved, never handed out. */
  auxAddresses?: Record<string, string>;
  /** Pick an IPv6 subnet when `subnet` is absent (default IPv4). */
  v6?: boolean;
  /** Don't pick a gateway when none is given (Docker's macvlan, ipvlan, isolated bridges). */
  skipGatewayAlloc?: boolean;
}

export interface PoolUsage {
  /** Addresses taken in the subnet, including network, broadcast, gateway and aux addresses. */
  ipsInUse: number;
  /** Free addresses in the ip-range (or the subnet). */
  dynamicIpsAvailable: number;
}

const POOL_OVERLAP = 'invalid pool request: Pool overlaps with other one on this address space';
const FULLY_SUBNETTED = 'all predefined address pools have been fully subnetted';
const UINT64_MAX = 2n ** 64n - 1n;

export class AddressSpace {
  readonly #pools = new Map<string, PoolState>();
  readonly #defaults: Record<Family, SplitPool[]>;

  /** `defaultPools`: the daemon's default-address-pools; absent or empty means Docker's local defaults. */
  constructor(opts: { defaultPools?: readonly DefaultPool[] } = {}) {
    this.#defaults = normalizePools(opts.defaultPools?.length ? opts.defaultPools : DEFAULT_LOCAL_POOLS);
  }

  /**
   * Reserve a subnet and its fixed addresses. Without `subnet`, the first default-pool subnet
   * overlapping neither a pool nor `hostReserved` (CIDRs or plain addresses: host routes,
   * nameservers); an explicit subnet is checked against pools only, as in Docker.
   */
  requestPool(req: PoolRequest, hostReserved: readonly string[] = []): Pool {
    const state = createPoolState(this.#chooseSubnet(req, hostReserved), req);
    this.#pools.set(state.pool.id, state);
    return copyPool(state.pool);
  }

  /** Forget a pool and every address in it. */
  releasePool(poolId: string): void {
    const state = this.#find(poolId);
    if (!state) throw invalidParameter('address space does not contain specified address pool');
    this.#pools.delete(state.pool.id);
  }

  /**
   * An address for an endpoint: `want` if given (anywhere in the subnet, even outside the
   * ip-range, as Docker allows), else the lowest free one in the ip-range (reused at once after
   * release). Returns the address without prefix.
   */
  requestAddress(poolId: string, want?: string): string {
    const state = this.#get(poolId);
    if (want !== undefined && want !== '') {
      const offset = offsetOf(state, want, notInSubnet);
      if (!state.addrs.add(offset)) throw forbidden(ADDRESS_IN_USE);
      return addressAt(state, offset);
    }
    const offset = state.addrs.firstFree(state.lo, state.hi);
    if (offset === undefined) throw unavailable(NO_AVAILABLE);
    state.addrs.add(offset);
    return addressAt(state, offset);
  }

  /** Give an address back; releasing a free one, or one the pool owns (gateway, aux), does nothing. */
  releaseAddress(poolId: string, address: string): void {
    const state = this.#get(poolId);
    const offset = offsetOf(state, address, () => 'requested address is out of range');
    if (!state.pinned.has(offset)) state.addrs.delete(offset);
  }

  /** Mark an address used without the allocation rules (state rebuild); already used is fine. */
  reserve(poolId: string, address: string): void {
    const state = this.#get(poolId);
    state.addrs.add(offsetOf(state, address, notInSubnet));
  }

  isInUse(poolId: string, address: string): boolean {
    const state = this.#get(poolId);
    return state.addrs.has(offsetOf(state, address, notInSubnet));
  }

  pool(poolId: string): Pool | undefined {
    const state = this.#find(poolId);
    return state && copyPool(state.pool);
  }

  pools(): Pool[] {
    return [...this.#pools.values()].map((s) => copyPool(s.pool));
  }

  /** Docker ≥1.52's Status.IPAM.Subnets entry. Numbers lose precision past 2^53 (IPv6): see usageExact. */
  usage(poolId: string): PoolUsage {
    const u = this.usageExact(poolId);
    return { ipsInUse: Number(u.ipsInUse), dynamicIpsAvailable: Number(u.dynamicIpsAvailable) };
  }

  /** As usage, exact, saturating at 2^64-1 like Docker's uint64 fields. */
  usageExact(poolId: string): { ipsInUse: bigint; dynamicIpsAvailable: bigint } {
    const s = this.#get(poolId);
    const free = s.hi - s.lo + 1n - s.addrs.countIn(s.lo, s.hi);
    const sat = (n: bigint) => (n > UINT64_MAX ? UINT64_MAX : n);
    return { ipsInUse: sat(s.addrs.count), dynamicIpsAvailable: sat(free) };
  }

  #find(poolId: string): PoolState | undefined {
    const direct = this.#pools.get(poolId);
    if (direct) return direct;
    const parsed = goParsePrefix(poolId);
    return parsed.ok ? this.#pools.get(canonicalCidr(poolId)) : undefined;
  }

  #get(poolId: string): PoolState {
    const state = this.#find(poolId);
    if (!state) throw notFound(`cannot find address pool for poolID:${poolId}`);
    return state;
  }

  #chooseSubnet(req: PoolRequest, hostReserved: readonly string[]): Prefix {
    if (!req.subnet) {
      if (req.ipRange) throw subpoolWithoutPool(req.ipRange);
      return this.#pickDefault(req.v6 ? 6 : 4, 0, hostReserved);
    }
    const parsed = goParsePrefix(req.subnet);
    if (!parsed.ok) throw invalidParameter(parsed.error);
    const subnet = masked(parsed.value);
    if (parsed.value.addr === 0n) {
      // "0.0.0.0/24" or "::/64" (the address as written is unspecified): a default-pool subnet of that size.
      if (req.ipRange) throw subpoolWithoutPool(req.ipRange);
      return this.#pickDefault(subnet.family, subnet.bits, hostReserved);
    }
    for (const other of this.#pools.values()) if (overlaps(other.subnet, subnet)) throw forbidden(POOL_OVERLAP);
    return subnet;
  }

  /** The lowest subnet, in sorted default-pool order, that overlaps no pool and no host prefix. */
  #pickDefault(family: Family, size: number, hostReserved: readonly string[]): Prefix {
    const blockers = [...this.#pools.values()].map((s) => s.subnet).filter((p) => p.family === family);
    for (const text of hostReserved) {
      const p = tryPrefix(text);
      if (p && p.family === family) blockers.push(p);
    }
    const pools = this.#defaults[family].filter((p) => !size || (p.base.bits <= size && size <= width(family)));
    if (pools.length === 0) throw invalidParameter('invalid address pool');
    for (const pool of pools) {
      const found = firstFreeBlock(pool.base, size || pool.size, blockers);
      if (found) return found;
    }
    throw invalidParameter(FULLY_SUBNETTED);
  }
}

/** Docker's parse error for an ip-range without a subnet to put it in. */
function subpoolWithoutPool(ipRange: string): Error {
  return systemError(`failed to parse pool request for address space "LocalDefault" pool "" subpool "${ipRange}": invalid address subpool`);
}

/** First /size block of `base` that overlaps no blocker; jumps past each blocker it meets. */
function firstFreeBlock(base: Prefix, size: number, blockers: readonly Prefix[]): Prefix | undefined {
  const step = 1n << BigInt(width(base.family) - size);
  const end = lastAddress(base);
  let addr = firstAddress(base);
  while (addr <= end) {
    const candidate: Prefix = { family: base.family, addr, bits: size };
    let blockedUntil = -1n;
    for (const b of blockers) {
      if (overlaps(b, candidate)) {
        const last = lastAddress(b);
        if (last > blockedUntil) blockedUntil = last;
      }
    }
    if (blockedUntil < 0n) return candidate;
    addr = ((blockedUntil + 1n + step - 1n) / step) * step;
  }
  return undefined;
}

function tryPrefix(text: string): Prefix | undefined {
  try {
    return masked(parseAddressOrCidr(text));
  } catch {
    return undefined; // host data is advisory: an entry we cannot read blocks nothing
  }
}

