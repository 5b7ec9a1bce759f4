/**
 * @module ipam/address-set
 * A set of offsets in [0, size): the allocated addresses of one subnet, counted from its first
 * address. Sparse chunked bitmap: 65536-bit chunks exist only while they hold something, so an
 * IPv6 /64 costs nothing until used. Each chunk keeps a summary bit per full 32-bit word, so
 * "lowest free offset" skips full words 32 at a time (a full /16 is 64 summary words).
 */

const CHUNK_SHIFT = 16n;
const CHUNK_BITS = 1 << 16;
const LOW_MASK = BigInt(CHUNK_BITS - 1);

const ctz = (x: number): number => 31 - Math.clz32(x & -x);

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bits lo..31 of a word set (lo in 0..31). */
const fromBit = (lo: number): number => (0xffffffff << lo) >>> 0;
/** Bits 0..hi of a word set (hi in 0..31). */
const toBit = (hi: number): number => 0xffffffff >>> (31 - hi);

class Chunk {
  readonly words: Uint32Array;
  /** Bit w set when words[w] is full. */
  readonly full: Uint32Array;
  count = 0;

  constructor(readonly bits: number) {
    this.words = new Uint32Array(Math.ceil(bits / 32));
    this.full = new Uint32Array(Math.ceil(this.words.length / 32));
  }

  has(bit: number): boolean {
    return (this.words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  set(bit: number): boolean {
    const w = bit >>> 5;
    const m = 1 << (bit & 31);
    if (this.words[w]! & m) return false;
    this.words[w] = this.words[w]! | m;
    if (this.words[w] === 0xffffffff) this.full[w >>> 5] = this.full[w >>> 5]! | (1 << (w & 31));
    this.count++;
    return true;
  }

  unset(bit: number): boolean {
    const w = bit >>> 5;
    const m = 1 << (bit & 31);
    if (!(this.words[w]! & m)) return false;
    this.words[w] = this.words[w]! & ~m;
    this.full[w >>> 5] = this.full[w >>> 5]! & ~(1 << (w & 31));
    this.count--;
    return true;
  }

  /** Lowest clear bit in [from, to], or -1. */
  firstClear(from: number, to: number): number {
    const wFirst = from >>> 5;
    const wLast = to >>> 5;
    let w = wFirst;
    while (w <= wLast) {
      const s = w >>> 5;
      const notFull = ~this.full[s]! & fromBit(w & 31);
      if (notFull === 0) {
        w = (s + 1) << 5;
        continue;
      }
      w = (s << 5) + ctz(notFull);
      if (w > wLast) return -1;
      let free = ~this.words[w]! >>> 0;
      if (w === wFirst) free &= fromBit(from & 31);
      if (w === wLast) free &= toBit(to & 31);
      if (free !== 0) return (w << 5) + ctz(free);
      w++;
    }
    return -1;
  }

  /** Set bits in [from, to]. */
  countRange(from: number, to: number): number {
    if (from === 0 && to === this.bits - 1) return this.count;
    const wFirst = from >>> 5;
    const wLast = to >>> 5;
    let n = 0;
    for (let w = wFirst; w <= wLast; w++) {
      let v = this.words[w]!;
      if (w === wFirst) v &= fromBit(from & 31);
      if (w === wLast) v &= toBit(to & 31);
      n += popcount(v >>> 0);
    }
    return n;
  }
}

export class AddressSet {
  readonly #chunks = new Map<bigint, Chunk>();
  readonly #chunkBits: number;
  #count = 0n;

  /** A set over offsets [0, size); size is a power of two (a subnet's address count). */
  constructor(readonly size: bigint) {
    if (size < 1n) throw new RangeError(`address set size ${size} must be positive`);
    this.#chunkBits = size < BigInt(CHUNK_BITS) ? Number(size) : CHUNK_BITS;
  }

  get count(): bigint {
    return this.#count;
  }

  has(offset: bigint): boolean {
    this.#check(offset);
    return this.#chunks.get(offset >> CHUNK_SHIFT)?.has(Number(offset & LOW_MASK)) ?? false;
  }

  /** Add; false when it was already there. */
  add(offset: bigint): boolean {
    this.#check(offset);
    const key = offset >> CHUNK_SHIFT;
    let chunk = this.#chunks.get(key);
    if (!chunk) {
      chunk = new Chunk(this.#chunkBits);
      this.#chunks.set(key, chunk);
    }
    const added = chunk.set(Number(offset & LOW_MASK));
    if (added) this.#count++;
    return added;
  }

  /** Remove; false when it was not there. */
  delete(offset: bigint): boolean {
    this.#check(offset);
    const key = offset >> CHUNK_SHIFT;
    const chunk = this.#chunks.get(key);
    if (!chunk || !chunk.unset(Number(offset & LOW_MASK))) return false;
    this.#count--;
    if (chunk.count === 0) this.#chunks.delete(key);
    return true;
  }

  /** Lowest offset in [lo, hi] not in the set, or undefined when all are taken. */
  firstFree(lo: bigint, hi: bigint): bigint | undefined {
    this.#check(lo);
    this.#check(hi);
    let cur = lo;
    while (cur <= hi) {
      const key = cur >> CHUNK_SHIFT;
      const chunk = this.#chunks.get(key);
      if (!chunk) return cur;
      const chunkStart = key << CHUNK_SHIFT;
      const chunkEnd = chunkStart + BigInt(this.#chunkBits) - 1n;
      if (chunk.count < this.#chunkBits) {
        const to = Number((hi < chunkEnd ? hi : chunkEnd) - chunkStart);
        const bit = chunk.firstClear(Number(cur - chunkStart), to);
        if (bit >= 0) return chunkStart + BigInt(bit);
      }
      cur = chunkEnd + 1n;
    }
    return undefined;
  }

  /** How many offsets in [lo, hi] are in the set. */
  countIn(lo: bigint, hi: bigint): bigint {
    if (lo <= 0n && hi >= this.size - 1n) return this.#count;
    let n = 0n;
    for (const [key, chunk] of this.#chunks) {
      const start = key << CHUNK_SHIFT;
      const end = start + BigInt(this.#chunkBits) - 1n;
      if (end < lo || start > hi) continue;
      const from = lo > start ? Number(lo - start) : 0;
      const to = hi < end ? Number(hi - start) : this.#chunkBits - 1;
      n += BigInt(chunk.countRange(from, to));
    }
    return n;
  }

  #check(offset: bigint): void {
    if (offset < 0n || offset >= this.size) throw new RangeError(`offset ${offset} outside [0, ${this.size})`);
  }
}
