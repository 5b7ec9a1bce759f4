/**
 * @module builtins
 * Go's builtin template functions (text/template funcs.go): and or not len index slice print printf
 * println eq ne lt le gt ge html js urlquery call, with Go's error messages.
 */
import { def, FuncError, type TemplateFunc } from './funcs.js';
import { printValue as fmtValue, sprint, sprintln } from './gofmt.js';
import { marshalJSON } from './gojson.js';
import { sprintf } from './printf.js';
import { isPrint } from './strconv.js';
import { compareGoStrings, fieldNames, goTypeName, isDeclaredStruct, isTrue, kindOf, numberValue } from './values.js';

// --- escapers -------------------------------------------------------------------------------------

/** The escapers' text: fmt.Sprint of the arguments, where a nil argument is `<no value>` (evalArgs). */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

const HTML_ESCAPES: Record<string, string> = { '\0': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };
export const htmlEscape = (s: string): string => s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);

const JS_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (JS_ESCAPES[ch] !== undefined) out += JS_ESCAPES[ch];
    else if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp >= 0x80 && !isPrint(cp)) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// --- index, slice, len ----------------------------------------------------------------------------

/** The type of a struct behind a pointer, as Go's index and len name it after indirecting. */
const derefTypeName = (v: unknown) => goTypeName(v).replace(/^\*/, '');

function indexArg(index: unknown, cap: number): number {
  const k = kindOf(index);
  if (k === 'invalid' || k === 'nil') throw new FuncError('cannot index slice/array with nil');
  if (k !== 'int') throw new FuncError(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = numberValue(index);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

/** A missing key's zero value: "" when the map looks like map[string]string, else nil. */
function mapZero(obj: object): unknown {
  return fieldNames(obj).every((k) => typeof (obj as Record<string, unknown>)[k] === 'string') ? '' : null;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  for (const idx of indexes) {
    if (item === undefined || item === null) throw new FuncError('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(idx, bytes.length);
      if (x >= bytes.length) throw new FuncError('reflect: string index out of range');
      item = bytes[x];
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x >= item.length) throw new FuncError('reflect: slice index out of range');
      item = item[x];
    } else if (kindOf(item) === 'map' || kindOf(item) === 'struct') {
      if (isDeclaredStruct(item as object)) throw new FuncError(`can't index item of type ${derefTypeName(item)}`);
      if (idx === undefined || idx === null) throw new FuncError('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new FuncError(`value has type ${goTypeName(idx)}; should be string`);
      const obj = item as Record<string, unknown>;
      const v = Object.prototype.hasOwnProperty.call(obj, idx) ? obj[idx] : undefined;
      item = v === undefined ? mapZero(obj) : v;
    } else throw new FuncError(`can't index item of type ${goTypeName(item)}`);
  }
  return item;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Buffer | undefined;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    bytes = Buffer.from(item, 'utf8');
    len = bytes.length;
  } else if (Array.isArray(item)) len = item.length;
  else throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return bytes ? bytes.subarray(idx[0], idx[1]).toString('utf8') : (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  if (item === null) throw new FuncError('len of nil pointer');
  if (item === undefined) throw new FuncError('len of untyped nil');
  if (typeof item === 'string') return Buffer.byteLength(item, 'utf8');
  if (Array.isArray(item)) return item.length;
  // Any object counts its keys unless declared a struct: which objects are structs is mostly a guess.
  if (kindOf(item) === 'map' || kindOf(item) === 'struct') {
    if (isDeclaredStruct(item as object)) throw new FuncError(`len of type ${derefTypeName(item)}`);
    return fieldNames(item as object).length;
  }
  throw new FuncError(`len of type ${goTypeName(item)}`);
}

// --- comparison -----------------------------------------------------------------------------------

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

const isNil = (v: unknown) => v === undefined || v === null;
const INCOMPATIBLE = 'incompatible types for comparison';

function basicEqual(a: unknown, b: unknown, k: BasicKind): boolean {
  return k === 'int' || k === 'float' ? numberValue(a) === numberValue(b) : a === b;
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (!isNil(arg1) && !isNil(arg)) throw new FuncError(INCOMPATIBLE);
    } else if (k1 !== 'invalid') truth = basicEqual(arg1, arg, k1);
    else if (isNil(arg1) || isNil(arg)) truth = isNil(arg1) === isNil(arg);
    else if (kindOf(arg1) !== kindOf(arg)) {
      throw new FuncError(`non-comparable types ${fmtValue(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${fmtValue(arg)}`);
    } else if (kindOf(arg) !== 'struct') throw new FuncError(`non-comparable type ${fmtValue(arg)}: ${goTypeName(arg)}`);
    else truth = marshalJSON(arg1) === marshalJSON(arg);
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) throw new FuncError(INCOMPATIBLE);
  if (k1 === 'bool') throw new FuncError('invalid type for comparison');
  if (k1 === 'string') return compareGoStrings(a as string, b as string) < 0;
  return numberValue(a) < numberValue(b);
}

const le = (a: unknown, b: unknown) => lt(a, b) || eq(a, b);

export const BUILTINS: Readonly<Record<string, TemplateFunc>> = {
  and: def(['value'], () => undefined, 'value'),
  or: def(['value'], () => undefined, 'value'),
  call: def(['value'], () => undefined, 'value'),
  html: def([], (...a: unknown[]) => htmlEscape(evalArgs(a)), 'any'),
  js: def([], (...a: unknown[]) => jsEscape(evalArgs(a)), 'any'),
  urlquery: def([], (...a: unknown[]) => queryEscape(evalArgs(a)), 'any'),
  index: def(['value'], index as TemplateFunc['fn'], 'value'),
  slice: def(['value'], slice as TemplateFunc['fn'], 'value'),
  len: def(['value'], length as TemplateFunc['fn']),
  not: def(['value'], ((v: unknown) => !isTrue(v)) as TemplateFunc['fn']),
  print: def([], (...a: unknown[]) => sprint(a), 'any'),
  printf: def(['string'], ((f: string, ...a: unknown[]) => sprintf(f, a)) as TemplateFunc['fn'], 'any'),
  println: def([], (...a: unknown[]) => sprintln(a), 'any'),
  eq: def(['value'], eq as TemplateFunc['fn'], 'value'),
  ne: def(['value', 'value'], ((a: unknown, b: unknown) => !eq(a, b)) as TemplateFunc['fn']),
  lt: def(['value', 'value'], lt as TemplateFunc['fn']),
  le: def(['value', 'value'], le as TemplateFunc['fn']),
  gt: def(['value', 'value'], ((a: unknown, b: unknown) => !le(a, b)) as TemplateFunc['fn']),
  ge: def(['value', 'value'], ((a: unknown, b: unknown) => !lt(a, b)) as TemplateFunc['fn']),
};

/** docker/cli's `basicFunctions`. */
