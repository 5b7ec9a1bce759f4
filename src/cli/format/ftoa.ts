/**
 * @module ftoa
 * Go's strconv.FormatFloat for the 'e', 'f' and 'g' formats, which fmt's %e %f %g %v and go-units'
 * `%.3g` sizes are built on. Fixed precisions round the exact binary value half-to-even
 * (`%.0f` of 2.5 is "2", as in Go; JavaScript's toFixed says "3"); the shortest form uses the
 * shortest digits that round-trip, which JavaScript and Go agree on.
 */

/** A decimal: value = 0.digits × 10^dp, with no trailing zeros in `digits` ("" is zero). */
interface Decimal {
  digits: string;
  dp: number;
}

function trimZeros(d: Decimal): Decimal {
  const digits = d.digits.replace(/0+$/, '');
  return digits === '' ? { digits: '', dp: 0 } : { digits, dp: d.dp };
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant, exp] = x.toExponential().split('e');
  return trimZeros({ digits: mant!.replace('.', ''), dp: Number(exp) + 1 });
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (biasedExp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  if (exp >= 0) {
    const digits = (mant << BigInt(exp)).toString();
    return trimZeros({ digits, dp: digits.length });
  }
  const digits = (mant * 5n ** BigInt(-exp)).toString();
  return trimZeros({ digits, dp: digits.length + exp });
}

/** Round to `nd` significant digits, half to even when exactly half (strconv's decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits[nd]!;
  const exactlyHalf = next === '5' && nd + 1 === d.digits.length;
  const up = exactlyHalf ? nd > 0 && Number(d.digits[nd - 1]) % 2 === 1 : next >= '5';
  if (!up) return trimZeros({ digits: d.digits.slice(0, nd), dp: d.dp });
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  const digits = d.digits.slice(0, i) + String(Number(d.digits[i]) + 1);
  return trimZeros({ digits, dp: d.dp });
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i]! : '0';
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let out = d.digits === '' ? '0' : d.digits[0]!;
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.digits === '' ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return out + e + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + String(abs);
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  else out = '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, d.dp + i - 1);
  }
  return out;
}

/**
 * strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f F g G; prec < 0 means the shortest
 * representation that round-trips.
 */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'F' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : '';
  const abs = Math.abs(x);
  const lower = fmt.toLowerCase() as 'e' | 'f' | 'g';
  const eChar = fmt === 'E' || fmt === 'G' ? 'E' : 'e';
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    prec = lower === 'e' ? Math.max(d.digits.length - 1, 0) : lower === 'f' ? Math.max(d.digits.length - d.dp, 0) : d.digits.length;
  } else {
    const exact = exactDecimal(abs);
    if (lower === 'f') d = roundDecimal(exact, exact.dp + prec);
    else {
      if (lower === 'g' && prec === 0) prec = 1;
      d = roundDecimal(exact, lower === 'e' ? prec + 1 : prec);
    }
  }
  if (lower === 'e') return sign + fmtE(d, prec, eChar);
  if (lower === 'f') return sign + fmtF(d, prec);
  const nd = d.digits.length;
  let eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (nd > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > nd) prec = nd;
    return sign + fmtE(d, prec - 1, eChar);
  }
  if (prec > d.dp) prec = nd;
  return sign + fmtF(d, Math.max(prec - d.dp, 0));
}

/** strconv.FormatFloat(x, 'x' or 'X', prec, 64): hexadecimal mantissa and binary exponent. */
export function formatHexFloat(x: number, upper: boolean, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = biased - 1023;
  if (biased === 0) exp = -1022;
  else mant |= 1n << 52n;
  const ONE = 1n << 60n;
  if (mant === 0n) exp = 0;
  else {
    mant <<= 8n; // leading bit at 60
    while (mant < ONE) {
      mant <<= 1n;
      exp--;
    }
  }
  const MASK = ONE - 1n;
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & MASK;
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const digits = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = (neg ? '-' : '') + (upper ? '0X' : '0x') + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  const digit = () => {
    const d = digits[Number((mant >> 60n) & 15n)]!;
    mant = (mant << 4n) & ((1n << 64n) - 1n);
    return d;
  };
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) out += digit();
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digit();
  }
  const e = Math.abs(exp);
  return out + (upper ? 'P' : 'p') + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + String(e);
}
