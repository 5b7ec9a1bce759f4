/**
 * @module funcs
 * Template function signatures, and docker's functions (docker/cli templates/templates.go
 * `basicFunctions`, plus the `HeaderFunctions` used for table headers). Go's builtins are in
 * builtins.ts. Each function declares Go-like parameter types so argument errors read like Go's
 * ("wrong type for value; expected string; got int").
 */
import { compareGoStrings, goTypeName, objectKind, sortedKeys } from './values.js';
import { sprint } from './gofmt.js';
import { JsonError, marshalJSON } from './gojson.js';

/**
 * A parameter's Go type: `string`, `int`, `bool`; `any` is interface{} (a missing value arrives as
 * null); `value` is reflect.Value (a missing value arrives as undefined).
 */
export type ParamType = 'string' | 'int' | 'bool' | 'any' | 'value';

export interface TemplateFunc {
  params: readonly ParamType[];
  /** The element type of a final variadic parameter. */
  variadic?: ParamType;
  fn: (...args: never[]) => unknown;
}

/** Thrown by a function for Go's `(result, error)` error return: "error calling NAME: MESSAGE". */
export class FuncError extends Error {}

export const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  string: 'string', int: 'int', bool: 'bool', any: 'interface {}', value: 'reflect.Value',
};

export const def = (params: ParamType[], fn: TemplateFunc['fn'], variadic?: ParamType): TemplateFunc =>
  variadic === undefined ? { params, fn } : { params, fn, variadic };

// --- docker's functions ---------------------------------------------------------------------------

function join(elems: unknown, sep: string): string {
  if (elems === null || elems === undefined) return '';
  if (Array.isArray(elems)) return elems.map((e) => (typeof e === 'string' ? e : sprint([e]))).join(sep);
  if (typeof elems === 'object' && objectKind(elems) === 'map') {
    const obj = elems as Record<string, unknown>;
    return sortedKeys(obj).map((k) => sprint([obj[k]])).sort(compareGoStrings).join(sep);
  }
  throw new FuncError(`expected slice, got ${goTypeName(elems)}`);
}

function split(s: string, sep: string): string[] {
  return sep === '' ? Array.from(s) : s.split(sep);
}

/** Per-rune case mapping as Go's unicode.ToUpper/ToLower do (a rune never becomes two). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += Array.from(m).length === 1 ? m : ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return !/[A-Za-z0-9_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** strings.Title: upper-case the first letter of each word. */
function title(s: string): string {
  let prev = ' ';
  return mapRunes(s, (ch) => {
    const out = isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
    return out;
  });
}

function pad(s: string, prefix: number, suffix: number): string {
  if (s === '') return s;
  if (prefix < 0 || suffix < 0) throw new FuncError('strings: negative Repeat count');
  return ' '.repeat(prefix) + s + ' '.repeat(suffix);
}

function truncate(s: string, n: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length < n) return s;
  if (n < 0) throw new FuncError(`runtime error: slice bounds out of range [:${n}]`);
  return bytes.subarray(0, n).toString('utf8');
}

function json(v: unknown): string {
  try {
    return marshalJSON(v);
  } catch (e) {
    if (e instanceof JsonError) throw new FuncError(e.message);
    throw e;
  }
}

/** Go's builtin functions. `and`, `or` and `call` are evaluated by the executor itself. */
export const DOCKER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: def(['any'], json as TemplateFunc['fn']),
  split: def(['string', 'string'], split as TemplateFunc['fn']),
  join: def(['any', 'string'], join as TemplateFunc['fn']),
  title: def(['string'], title as TemplateFunc['fn']),
  lower: def(['string'], ((s: string) => mapRunes(s, (c) => c.toLowerCase())) as TemplateFunc['fn']),
  upper: def(['string'], ((s: string) => mapRunes(s, (c) => c.toUpperCase())) as TemplateFunc['fn']),
  pad: def(['string', 'int', 'int'], pad as TemplateFunc['fn']),
  truncate: def(['string', 'int'], truncate as TemplateFunc['fn']),
};

const same = ((v: string) => v) as TemplateFunc['fn'];

/**
 * docker/cli's `HeaderFunctions`: while a table's header row is rendered (dot is the map of column
 * names), these leave the column name intact. `pad` is not among them, to keep alignment.
 */
export const HEADER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: def(['string'], same),
  split: def(['string', 'string'], same),
  join: def(['string', 'string'], same),
  title: def(['string'], same),
  lower: def(['string'], same),
  upper: def(['string'], same),
  truncate: def(['string', 'int'], same),
};
