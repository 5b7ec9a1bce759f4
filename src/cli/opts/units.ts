/**
 * @module cli/opts/units
 * The unit parsers behind docker's typed flags: go-units RAMInBytes (`-m 512m`), Go's
 * time.ParseDuration (`--health-interval 30s`) and NanoCPUs (`--cpus 1.5`).
 */

const RAM_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** units.RAMInBytes: binary multipliers, "b"/"ib" suffixes optional. */
export function ramInBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(size);
  if (!m) throw new Error(`invalid size: '${size}'`);
  const n = Number.parseFloat(m[1]!);
  return Math.trunc(n * (m[2] ? RAM_UNITS[m[2].toLowerCase()]! : 1));
}

/** MemSwapBytes: like RAMInBytes, but "-1" means unlimited. */
export function swapBytes(size: string): number {
  return size === '-1' ? -1 : ramInBytes(size);
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds. */
export function parseDuration(s: string): number {
  const fail = () => new Error(`time: invalid duration ${JSON.stringify(s)}`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw fail();
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') {
      if (/^(\d*\.?\d*)$/.test(rest)) throw new Error(`time: missing unit in duration ${JSON.stringify(s)}`);
      throw fail();
    }
    total += Number.parseFloat(m[1]!) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(sign * total);
}

/** opts.ParseCPUs: a decimal number of CPUs in units of 1e-9. */
export function parseCpus(value: string): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`failed to parse ${value} as a rational number`);
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > 9) throw new Error('value is too precise');
  const nanos = Number(m[2] || '0') * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9) || '0');
  return m[1] === '-' ? -nanos : nanos;
}
