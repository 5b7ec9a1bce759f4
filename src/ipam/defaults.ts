/**
 * @module ipam/defaults
 * Docker's predefined address pools (moby daemon/libnetwork/ipamutils/utils.go) and the daemon's
 * `default-address-pools` normalisation (defaultipam: split by family, mask, sort by base, drop
 * pools overlapping an earlier one).
 */
import { invalidParameter } from '../lib/errors.js';
import { goParsePrefix } from './goparse.js';
import { comparePrefixes, formatPrefix, masked, overlaps, width, type Family, type Prefix } from './prefix.js';

export interface DefaultPool {
  /** CIDR the subnets are cut from. */
  base: string;
  /** Prefix length of each subnet cut from `base`. */
  size: number;
}

/** Local scope: 15 x /16 from 172.17-172.31, then 16 x /20 from 192.168.0.0/16 = 31 networks. */
export const DEFAULT_LOCAL_POOLS: readonly DefaultPool[] = Object.freeze([
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
]);

/** Global (swarm) scope: 10.0.0.0/8 in /24s. */
export const DEFAULT_GLOBAL_POOLS: readonly DefaultPool[] = Object.freeze([{ base: '10.0.0.0/8', size: 24 }]);

export interface SplitPool {
  base: Prefix;
  size: number;
}

/**
 * Check, mask, split by family, sort by base and drop pools that overlap an earlier (shorter or
 * equal) one, as Docker's allocator does at start. A base longer than its size is an error.
 */
export function normalizePools(pools: readonly DefaultPool[]): Record<Family, SplitPool[]> {
  const byFamily: Record<Family, SplitPool[]> = { 4: [], 6: [] };
  pools.forEach((pool, i) => {
    const parsed = goParsePrefix(pool.base);
    const shown = `&{${pool.base} ${pool.size}}`;
    if (!parsed.ok || !Number.isInteger(pool.size) || pool.size <= 0) {
      throw invalidParameter(`network at index ${i} (${shown}) is not in canonical form`);
    }
    const base = masked(parsed.value);
    if (base.bits > pool.size) {
      throw invalidParameter(
        `network at index ${i} (${shown}) has a smaller prefix (/${base.bits}) than the target size of that pool (/${pool.size})`,
      );
    }
    if (pool.size > width(base.family)) {
      throw invalidParameter(`network at index ${i} (${shown}) has a target size (/${pool.size}) longer than an IPv${base.family} address`);
    }
    byFamily[base.family].push({ base, size: pool.size });
  });
  for (const family of [4, 6] as const) {
    const sorted = byFamily[family].sort((a, b) => comparePrefixes(a.base, b.base));
    const kept: SplitPool[] = [];
    for (const pool of sorted) {
      const last = kept[kept.length - 1];
      if (!last || !overlaps(last.base, pool.base)) kept.push(pool);
    }
    byFamily[family] = kept;
  }
  return byFamily;
}

/** Every subnet the pools yield, in allocation order (for tests and docs; a /8 in /24s is 65536). */
export function* enumerateSubnets(pools: readonly SplitPool[]): Generator<string> {
  for (const { base, size } of pools) {
    const step = 1n << BigInt(width(base.family) - size);
    const end = base.addr + (1n << BigInt(width(base.family) - base.bits));
    for (let addr = base.addr; addr < end; addr += step) yield formatPrefix({ family: base.family, addr, bits: size });
  }
}
