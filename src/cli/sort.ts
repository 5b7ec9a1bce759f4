/**
 * @module cli/sort
 * sortorder.NaturalLess (the order docker uses for `network ls` and `port`): digits sort before
 * other characters, runs of digits compare as numbers, everything else byte by byte.
 */

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i]!;
    const cb = b[j]!;
    const da = isDigit(ca);
    const db = isDigit(cb);
    if (da !== db) return da;
    if (!da) {
      if (ca !== cb) return ca < cb;
      i++;
      j++;
      continue;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const nonZeroA = i;
    const nonZeroB = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    if (i - nonZeroA !== j - nonZeroB) return i - nonZeroA < j - nonZeroB;
    const na = a.slice(nonZeroA, i);
    const nb = b.slice(nonZeroB, j);
    if (na !== nb) return na < nb;
    if (nonZeroA !== nonZeroB) return nonZeroA < nonZeroB;
  }
  return a.length < b.length;
}

export function naturalCompare(a: string, b: string): number {
  return naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0;
}
