/**
 * @module strconv
 * The parts of Go's strconv that templates show: quoting (`%q`, `strconv.Quote` in docker's COMMAND
 * column), unquoting string and character literals, and Go's idea of a printable rune.
 */

const HEX = '0123456789abcdef';
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function hex(n: number, width: number): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) s += HEX[(n >> (4 * i)) & 0xf];
  return s;
}

function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out.push(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp); // a lone surrogate is not valid UTF-8
  }
  return out;
}

/** strconv.Quote (or QuoteToASCII when `asciiOnly`). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const cp of codePoints(s)) out += escapeRune(cp, 0x22, asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII). */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote: a raw string literal can hold it unchanged. */
export function canBackquote(s: string): boolean {
  for (const cp of codePoints(s)) {
    if (cp === 0x60 || cp === 0xfeff || cp === 0xfffd) return false;
    if ((cp < 0x20 && cp !== 0x09) || cp === 0x7f) return false;
  }
  return true;
}

export class GoSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** strconv.UnquoteChar: one (possibly escaped) character from `s`, and how many UTF-16 units it used. */
export function unquoteChar(s: string, quoteChar: string): { value: number; width: number } {
  const c = s[0];
  if (c === undefined) throw new GoSyntaxError();
  if (c === quoteChar && (quoteChar === "'" || quoteChar === '"')) throw new GoSyntaxError();
  if (c !== '\\') {
    const cp = s.codePointAt(0)!;
    return { value: cp, width: cp > 0xffff ? 2 : 1 };
  }
  const e = s[1];
  if (e === undefined) throw new GoSyntaxError();
  if (SIMPLE_ESCAPES[e] !== undefined) return { value: SIMPLE_ESCAPES[e].charCodeAt(0), width: 2 };
  if (e === quoteChar && (e === "'" || e === '"')) return { value: e.charCodeAt(0), width: 2 };
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const digits = s.slice(2, 2 + hexLen);
    if (digits.length !== hexLen || !/^[0-9a-fA-F]+$/.test(digits)) throw new GoSyntaxError();
    const v = parseInt(digits, 16);
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new GoSyntaxError();
    return { value: v, width: 2 + hexLen };
  }
  if (e >= '0' && e <= '7') {
    const digits = s.slice(1, 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new GoSyntaxError();
    const v = parseInt(digits, 8);
    if (v > 255) throw new GoSyntaxError();
    return { value: v, width: 4 };
  }
  throw new GoSyntaxError();
}

/** strconv.Unquote for "double-quoted" and `raw` string literals (the lexer has checked the shape). */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new GoSyntaxError();
  const body = lit.slice(1, -1);
  if (q === '`') return body.replaceAll('\r', '');
  if (q !== '"') throw new GoSyntaxError();
  let out = '';
  for (let i = 0; i < body.length; ) {
    const { value, width } = unquoteChar(body.slice(i), '"');
    out += String.fromCodePoint(value);
    i += width;
  }
  return out;
}

/** fmt's `%#U`-style rune description used in lexer errors: `U+0041 'A'`, or `U+0007` when unprintable. */
export function describeRune(cp: number): string {
  const code = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}
