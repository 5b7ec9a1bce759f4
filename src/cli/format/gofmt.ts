/**
 * @module gofmt
 * Go's fmt for template data: Sprint, Sprintln and Sprintf with the verbs people put in --format
 * strings (%v %+v %s %q %d %x %X %o %O %b %c %U %t %e %E %f %F %g %G %T %%), flags (+ - # space 0),
 * width and precision (also `*` and `%[n]` argument indexes), and Go's error strings for misuse:
 * `%!d(string=a)`, `%!s(MISSING)`, `%!(EXTRA int=1)`, `%!(NOVERB)`, `%!d(BADINDEX)`.
 *
 * Sprintf's directive parsing is in printf.ts.
 *
 * Composite values print the way fmt prints them: slices `[a b]`, maps `map[k:v]` (keys sorted),
 * structs `{v1 v2}` (`%+v`: `{Name:v1 Count:v2}`), nil `<nil>`. A nested struct prints as `{...}`
 * where Go would print a pointer's address.
 */
import { formatFloat, formatHexFloat } from './ftoa.js';
import { canBackquote, isPrint, quote, quoteRune } from './strconv.js';
import { fieldNames, goTypeName, kindOf, numberValue, sortedKeys, stringer } from './values.js';

export interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number | undefined;
  prec: number | undefined;
}

export const noFlags = (): Flags => ({
  plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: undefined, prec: undefined,
});

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Flags): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

function truncate(s: string, f: Flags): string {
  if (f.prec === undefined) return s;
  return Array.from(s).slice(0, f.prec).join('');
}

function fmtInteger(v: bigint, base: number, verb: string, f: Flags): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = f.prec;
  if (prec === undefined && f.zero && f.wid !== undefined && !f.minus) {
    prec = f.wid - (neg || f.plus || f.space ? 1 : 0);
  }
  if (prec !== undefined) {
    if (prec === 0 && v === 0n) digits = '';
    else if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  }
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + digits, { ...f, zero: false });
}

function fmtUnicode(cp: bigint, f: Flags): string {
  let s = 'U+' + cp.toString(16).toUpperCase().padStart(Math.max(4, f.prec ?? 0), '0');
  const n = Number(cp);
  if (f.sharp && n >= 0 && n <= 0x10ffff && isPrint(n)) s += ` '${String.fromCodePoint(n)}'`;
  return pad(s, { ...f, zero: false });
}

function validRune(v: bigint): number {
  const n = Number(v);
  return n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? 0xfffd : n;
}

function printInt(v: bigint, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 'd':
      return fmtInteger(v, 10, verb, f);
    case 'b':
      return fmtInteger(v, 2, verb, f);
    case 'o':
    case 'O':
      return fmtInteger(v, 8, verb, f);
    case 'x':
    case 'X':
      return fmtInteger(v, 16, verb, f);
    case 'c':
      return pad(String.fromCodePoint(validRune(v)), f);
    case 'q':
      return pad(quoteRune(validRune(v), f.plus), f);
    case 'U':
      return fmtUnicode(v, f);
  }
  return undefined;
}

/** The '#' flag on floats: always a decimal point, and %g keeps its trailing zeros. */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = 0;
  if ('vgGxX'.includes(verb)) digits = prec < 0 ? 6 : prec;
  let tail = '';
  const m = /[eEpP]/.exec(num);
  if (m && (m[0] === 'p' || m[0] === 'P' || (verb !== 'x' && verb !== 'X'))) {
    tail = num.slice(m.index);
    num = num.slice(0, m.index);
  }
  let sawNonzero = false;
  for (const c of num.replace(/^[-+]/, '')) {
    if (c === '.') continue;
    sawNonzero ||= c !== '0';
    if (sawNonzero) digits--;
  }
  if (!num.includes('.')) {
    if (num.replace(/^[-+]/, '') === '0') digits--;
    num += '.';
  }
  return num + '0'.repeat(Math.max(digits, 0)) + tail;
}

function printFloat(x: number, verb: string, f: Flags): string | undefined {
  let s: string;
  switch (verb) {
    case 'v':
      s = formatFloat(x, 'g', f.prec ?? -1);
      break;
    case 'g':
    case 'G':
      s = formatFloat(x, verb, f.prec ?? -1);
      break;
    case 'e':
    case 'E':
    case 'f':
    case 'F':
      s = formatFloat(x, verb, f.prec ?? 6);
      break;
    case 'x':
    case 'X':
      s = formatHexFloat(x, verb === 'X', f.prec ?? -1);
      break;
    default:
      return undefined;
  }
  if (f.sharp && Number.isFinite(x)) s = sharpFloat(s, verb, f.prec ?? -1);
  if (f.plus && !s.startsWith('-') && !s.startsWith('+')) s = '+' + s;
  else if (f.space && !s.startsWith('-') && !s.startsWith('+')) s = ' ' + s;
  else if (!f.plus && s === '+Inf') s = f.space ? ' Inf' : '+Inf';
  if (!Number.isFinite(x)) return pad(s, { ...f, zero: false });
  if (f.zero && !f.minus && f.wid !== undefined && runeCount(s) < f.wid) {
    const signed = s[0] === '-' || s[0] === '+' || s[0] === ' ';
    const body = signed ? s.slice(1) : s;
    return (signed ? s[0] : '') + '0'.repeat(f.wid - runeCount(s)) + body;
  }
  return pad(s, f);
}

function printString(s: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(quote(s), f);
      return pad(truncate(s, f), f);
    case 's':
      return pad(truncate(s, f), f);
    case 'q': {
      const t = truncate(s, f);
      if (f.sharp && canBackquote(t)) return pad('`' + t + '`', f);
      return pad(quote(t, f.plus), f);
    }
    case 'x':
    case 'X': {
      let bytes = [...Buffer.from(s, 'utf8')];
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      let hexes = bytes.map((b) => b.toString(16).padStart(2, '0'));
      if (verb === 'X') hexes = hexes.map((h) => h.toUpperCase());
      const prefix = verb === 'X' ? '0X' : '0x';
      const out = f.space ? hexes.map((h) => (f.sharp ? prefix : '') + h).join(' ') : (f.sharp && hexes.length ? prefix : '') + hexes.join('');
      return pad(out, f);
    }
  }
  return undefined;
}

/** `%!v(type=value)`: Go's report of a verb that does not fit the operand. */
function badVerb(v: unknown, verb: string, f: Flags): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${printArg(v, 'v', f, 0)})`;
}

function printComposite(v: unknown, verb: string, f: Flags, depth: number): string {
  const kind = kindOf(v);
  if (kind === 'slice') {
    const elems = (v as unknown[]).map((e) => printArg(e, verb, f, depth + 1));
    return f.sharpV ? `${goTypeName(v)}{${elems.join(', ')}}` : `[${elems.join(' ')}]`;
  }
  const obj = v as Record<string, unknown>;
  if (kind === 'map') {
    const parts = sortedKeys(obj).map((k) =>
      f.sharpV ? `${quote(k)}:${printArg(obj[k], verb, f, depth + 1, k)}` : `${printArg(k, verb, f, depth + 1)}:${printArg(obj[k], verb, f, depth + 1, k)}`,
    );
    return f.sharpV ? `${goTypeName(v)}{${parts.join(', ')}}` : `map[${parts.join(' ')}]`;
  }
  const parts = fieldNames(obj).map((k) => {
    const val = printArg(obj[k], verb, f, depth + 1, k);
    return f.plusV || f.sharpV ? `${k}:${val}` : val;
  });
  return f.sharpV ? `${goTypeName(v)}{${parts.join(', ')}}` : `{${parts.join(' ')}}`;
}

/** Format one operand with one verb (fmt's printArg/printValue). */
export function printArg(v: unknown, verb: string, f: Flags, depth: number, viaKey?: string): string {
  if (v === null || v === undefined) {
    if (depth > 0 || verb === 'v' || verb === 'T') return pad('<nil>', f);
    return badVerb(v, verb, f);
  }
  if (verb === 'T') return pad(goTypeName(v, viaKey), f);
  const str = stringer(v);
  if (str && 'vsxXq'.includes(verb) && !f.sharpV) return printArg(String(str()), verb, f, depth);
  let out: string | undefined;
  switch (kindOf(v, viaKey)) {
    case 'bool':
      out = verb === 'v' || verb === 't' ? pad(String(v), f) : undefined;
      break;
    case 'int':
      out = printInt(typeof v === 'bigint' ? v : BigInt(numberValue(v)), verb, f);
      break;
    case 'float':
      out = printFloat(numberValue(v), verb, f);
      break;
    case 'string':
      out = printString(v as string, verb, f);
      break;
    case 'func':
      out = verb === 'v' ? pad('<func>', f) : undefined;
      break;
    default:
      return printComposite(v, verb, f, depth);
  }
  return out ?? badVerb(v, verb, f);
}

/** fmt.Sprint: operands in %v, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printArg(a, 'v', noFlags(), 0);
  });
  return out;
}

/** fmt.Sprintln: operands in %v separated by spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => printArg(a, 'v', noFlags(), 0)).join(' ') + '\n';
}

/** How a template prints a value: fmt.Fprint of one operand, `<no value>` for a missing one. */
export function printValue(v: unknown): string {
  return v === undefined ? '<no value>' : printArg(v, 'v', noFlags(), 0);
}
