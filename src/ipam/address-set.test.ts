import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddressSet } from './address-set.js';

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('AddressSet', () => {
  const sizes: Array<[string, bigint]> = [
    ['/32 (1)', 1n],
    ['/31 (2)', 2n],
    ['/30 (4)', 4n],
    ['/27 (32)', 32n],
    ['/24 (256)', 256n],
    ['/16 (65536)', 65536n],
    ['/15 (two chunks)', 131072n],
    ['IPv6 /64', 2n ** 64n],
    ['IPv6 /0', 2n ** 128n],
  ];
  for (const [name, size] of sizes) {
    it(`${name}: add, has, delete, firstFree, count`, () => {
      const s = new AddressSet(size);
      assert.equal(s.firstFree(0n, size - 1n), 0n);
      assert.equal(s.add(0n), true);
      assert.equal(s.add(0n), false);
      assert.equal(s.has(0n), true);
      assert.equal(s.count, 1n);
      assert.equal(s.firstFree(0n, size - 1n), size > 1n ? 1n : undefined);
      assert.equal(s.add(size - 1n), size > 1n);
      assert.equal(s.countIn(0n, size - 1n), size > 1n ? 2n : 1n);
      assert.equal(s.delete(0n), true);
      assert.equal(s.delete(0n), false);
      assert.equal(s.firstFree(0n, size - 1n), 0n);
      assert.throws(() => s.add(size), RangeError);
      assert.throws(() => s.add(-1n), RangeError);
    });
  }

  it('finds the lowest free offset across full words, summary words and chunks', () => {
    const s = new AddressSet(1n << 18n);
    for (let i = 0n; i < 70000n; i++) s.add(i);
    assert.equal(s.firstFree(0n, (1n << 18n) - 1n), 70000n);
    s.delete(33n);
    s.delete(65537n);
    assert.equal(s.firstFree(0n, 100n), 33n);
    assert.equal(s.firstFree(34n, 70000n), 65537n);
    assert.equal(s.firstFree(65538n, 69999n), undefined);
    assert.equal(s.firstFree(65538n, 70000n), 70000n);
    assert.equal(s.countIn(0n, 65535n), 65535n);
    assert.equal(s.countIn(65536n, 131071n), 4463n);
    assert.equal(s.count, 69998n);
  });

  it('respects both ends of the window inside one word', () => {
    const s = new AddressSet(64n);
    for (const i of [3n, 4n, 5n, 7n]) s.add(i);
    assert.equal(s.firstFree(3n, 5n), undefined);
    assert.equal(s.firstFree(3n, 6n), 6n);
    assert.equal(s.firstFree(7n, 7n), undefined);
    assert.equal(s.firstFree(31n, 33n), 31n);
    assert.equal(s.countIn(4n, 7n), 3n);
  });

  it('drops empty chunks and works far into an IPv6 space', () => {
    const s = new AddressSet(2n ** 64n);
    const far = 2n ** 63n + 12345n;
    s.add(far);
    assert.equal(s.firstFree(far, far + 10n), far + 1n);
    assert.equal(s.countIn(far - 5n, far + 5n), 1n);
    s.delete(far);
    assert.equal(s.count, 0n);
    assert.equal(s.firstFree(far, far), far);
  });

  it('agrees with a naive model under random operations', () => {
    const size = 3000n;
    const rnd = lcg(42);
    const s = new AddressSet(4096n);
    const model = new Set<number>();
    for (let step = 0; step < 20000; step++) {
      const x = Math.floor(rnd() * Number(size));
      const op = rnd();
      if (op < 0.45) assert.equal(s.add(BigInt(x)), !model.has(x) && (model.add(x), true));
      else if (op < 0.8) assert.equal(s.delete(BigInt(x)), model.delete(x));
      else {
        const lo = Math.min(x, Math.floor(rnd() * Number(size)));
        const hi = Math.max(x, lo + Math.floor(rnd() * 200));
        let expected: number | undefined;
        for (let i = lo; i <= hi; i++) if (!model.has(i)) {
          expected = i;
          break;
        }
        assert.equal(s.firstFree(BigInt(lo), BigInt(hi)), expected === undefined ? undefined : BigInt(expected));
        let n = 0;
        for (let i = lo; i <= hi; i++) if (model.has(i)) n++;
        assert.equal(s.countIn(BigInt(lo), BigInt(hi)), BigInt(n));
      }
    }
    assert.equal(s.count, BigInt(model.size));
  });
});
