/**
 * @module numbers
 * Number and character constants in templates, as parse.newNumber reads them: Go integer literals
 * (0x, 0o, 0b, legacy 0-octal, `_` separators), floats (also hex floats), character constants.
 * Complex constants are recognised but not supported.
 */
import type { NumberNode } from './ast.js';
import { unquoteChar } from './strconv.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseInt/ParseUint with base 0: the value, or undefined when the syntax is not an integer. */
function parseGoInt(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (!signed) return undefined;
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s) || /^0[oO][0-7]+$/.test(s) || /^0[bB][01]+$/.test(s)) v = BigInt(s.toLowerCase());
  else if (/^0[0-7]*$/.test(s)) v = s.length > 1 ? BigInt('0o' + s.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(s)) v = BigInt(s);
  else return undefined;
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64): the value, or undefined on bad syntax or overflow. */
function parseGoFloat(text: string): number | undefined {
  let s = text;
  if (s.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  let v: number;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex) {
    const [, sign, intPart, fracPart, exp] = hex;
    if (intPart === '' && fracPart === '') return undefined;
    const mant = parseInt((intPart || '0') + (fracPart ?? ''), 16);
    v = mant * 2 ** (Number(exp) - 4 * (fracPart ?? '').length);
    if (sign === '-') v = -v;
  } else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
  else return undefined;
  return Number.isFinite(v) ? v : undefined;
}

export class NumberSyntaxError extends Error {}

/** Build a number node from a `number`, `charConstant` or `complex` item (parse.newNumber). */
export function parseNumber(pos: number, text: string, kind: 'number' | 'charConstant' | 'complex'): NumberNode {
  const n: NumberNode = { type: 'number', pos, text, isInt: false, isUint: false, isFloat: false, isComplex: false, int: 0n, float: 0 };
  if (kind === 'charConstant') {
    const { value, width } = unquoteChar(text.slice(1), "'");
    if (text.slice(1 + width) !== "'") throw new NumberSyntaxError(`malformed character constant: ${text}`);
    return { ...n, isInt: true, isUint: true, isFloat: true, int: BigInt(value), float: value };
  }
  if (kind === 'complex' || (text.endsWith('i') && parseGoFloat(text.slice(0, -1)) !== undefined)) {
    throw new NumberSyntaxError(`complex constants are not supported: ${text}`);
  }
  const u = parseGoInt(text, false);
  const i = parseGoInt(text, true);
  if (i !== undefined) return { ...n, isInt: true, isUint: i >= 0n, isFloat: true, int: i, float: Number(i) };
  if (u !== undefined) return { ...n, isUint: true, isFloat: true, int: u, float: Number(u) };
  const f = parseGoFloat(text);
  if (f === undefined) throw new NumberSyntaxError(`illegal number syntax: ${JSON.stringify(text)}`);
  if (!/[.eEpP]/.test(text)) throw new NumberSyntaxError(`integer overflow: ${JSON.stringify(text)}`);
  const integral = Number.isInteger(f);
  const asInt = integral ? BigInt(f) : 0n;
  return {
    ...n,
    isFloat: true,
    float: f,
    isInt: integral && asInt >= INT64_MIN && asInt <= INT64_MAX,
    isUint: integral && asInt >= 0n && asInt <= UINT64_MAX,
    int: asInt,
  };
}
