/**
 * @module values
 * How JavaScript data stands in for Go values inside the template engine.
 *
 * - `undefined` is Go's invalid reflect.Value (a missing map key): it prints `<no value>`.
 * - `null` is Go's nil (nil pointer, slice, map, interface): it prints `<nil>`.
 * - A number is an `int` when it is integral, a `float64` otherwise; `GoFloat` boxes a float64 whose
 *   value happens to be integral (the literal `1.0`), so `printf "%d" 1.0` still fails like Go.
 * - An array is a slice; a function-valued property is a method.
 * - An object is either a Go map or a Go struct. The two print, encode and fail differently
 *   (`map[a:b]` vs `{b}`, sorted vs declared key order, `<no value>` vs "can't evaluate field").
 *   `goMap`/`goStruct` mark an object explicitly; otherwise an object is a map when it is empty, when
 *   any key is not an exported Go identifier (labels, network names, "80/tcp"), or when it sits under a
 *   field that is a map in Docker's API types (`DOCKER_MAP_FIELDS`). Everything else is a struct.
 */

/** A float64 whose value is integral: the literal `1.0` or `1e3`. */
export class GoFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

type Marks = { kind: 'map' | 'struct'; typeName?: string; context?: boolean };
const MARKS = new WeakMap<object, Marks>();

/** Mark an object as a Go map: printed `map[k:v]`, JSON keys sorted, missing keys are `<no value>`. */
export function goMap<T extends object>(obj: T): T {
  MARKS.set(obj, { kind: 'map' });
  return obj;
}

/** Mark an object as a Go struct, optionally with the Go type name used in error messages. */
export function goStruct<T extends object>(obj: T, typeName?: string): T {
  MARKS.set(obj, { kind: 'struct', ...(typeName === undefined ? {} : { typeName }) });
  return obj;
}

/**
 * Mark an object as a docker formatter context (`*formatter.ContainerContext` & co.): a struct whose
 * `{{json .}}` goes through docker's `MarshalJSON` (a map of its methods, so sorted keys, HTML-escaped).
 */
export function formatterContext<T extends object>(obj: T, typeName?: string): T {
  MARKS.set(obj, { kind: 'struct', context: true, ...(typeName === undefined ? {} : { typeName }) });
  return obj;
}

/** Marked a struct explicitly (goStruct, formatterContext), not just guessed to be one. */
export function isDeclaredStruct(obj: object): boolean {
  return !allMaps && MARKS.get(obj)?.kind === 'struct';
}

export function isFormatterContext(obj: object): boolean {
  return MARKS.get(obj)?.context === true;
}

/**
 * Fields that are maps in Docker's API types (container, network, image inspect), so objects under
 * them are maps even when their keys look like Go identifiers ({"Prod": ...} under Networks).
 */
export const DOCKER_MAP_FIELDS: ReadonlySet<string> = new Set([
  'Labels', 'Options', 'Networks', 'Ports', 'ExposedPorts', 'Volumes', 'PortBindings', 'Sysctls', 'Tmpfs',
  'StorageOpt', 'DriverOpts', 'Containers', 'Data', 'Annotations', 'Services', 'DriverOptions',
]);

const EXPORTED_IDENT = /^[A-Z][A-Za-z0-9_]*$/;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);
}

let allMaps = false;

/**
 * Run `fn` with every object taken for a map, as docker inspect's fallback sees raw JSON decoded
 * into map[string]interface{}.
 */
export function withObjectsAsMaps<T>(fn: () => T): T {
  const saved = allMaps;
  allMaps = true;
  try {
    return fn();
  } finally {
    allMaps = saved;
  }
}

/** The map-or-struct decision for an object; `viaKey` is the field it was reached through, if known. */
export function objectKind(obj: object, viaKey?: string, mapFields: ReadonlySet<string> = DOCKER_MAP_FIELDS): 'map' | 'struct' {
  if (allMaps) return 'map';
  const mark = MARKS.get(obj);
  if (mark) return mark.kind;
  if (viaKey !== undefined && mapFields.has(viaKey)) return 'map';
  const keys = fieldNames(obj);
  if (keys.length === 0) return 'map';
  return keys.every((k) => EXPORTED_IDENT.test(k)) ? 'struct' : 'map';
}

/** The data-carrying keys of an object, in declaration order (functions are methods, not fields). */
export function fieldNames(obj: object): string[] {
  const rec = obj as Record<string, unknown>;
  return Object.keys(obj).filter((k) => rec[k] !== undefined && typeof rec[k] !== 'function');
}

/** Remember that an object reached through a map-typed field (see DOCKER_MAP_FIELDS) is a map. */
export function noteField(value: unknown, fieldName: string): void {
  if (isPlainObject(value) && !MARKS.has(value) && DOCKER_MAP_FIELDS.has(fieldName)) MARKS.set(value, { kind: 'map' });
}

/** Keys sorted the way Go's fmt and text/template order map keys: by UTF-8 bytes. */
export function sortedKeys(obj: object): string[] {
  return fieldNames(obj).sort(compareGoStrings);
}

export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Whether `name` can be read from `obj` as a field or method (own property or a class member). */
export function hasMember(obj: object, name: string): boolean {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return (obj as Record<string, unknown>)[name] !== undefined;
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto === null || proto === Object.prototype) return false;
  return name in obj && !(name in Object.prototype);
}

export function kindOf(v: unknown, viaKey?: string): GoKind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'function':
      return 'func';
  }
  if (v instanceof GoFloat) return 'float';
  if (Array.isArray(v)) return 'slice';
  return objectKind(v as object, viaKey);
}

/** Go's type name for a value, as it appears in fmt's %T and in error messages. */
export function goTypeName(v: unknown, viaKey?: string): string {
  const kind = kindOf(v, viaKey);
  switch (kind) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'slice':
      return (v as unknown[]).length > 0 && (v as unknown[]).every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
    case 'map': {
      const vals = fieldNames(v as object).map((k) => (v as Record<string, unknown>)[k]);
      return vals.length > 0 && vals.every((e) => typeof e === 'string') ? 'map[string]string' : 'map[string]interface {}';
    }
    case 'struct':
      return MARKS.get(v as object)?.typeName ?? 'struct';
    case 'func':
      return 'func';
    default:
      return kind;
  }
}

export function numberValue(v: unknown): number {
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return v as number;
}

/** Go's truth: the zero value of any type is false; structs are always true. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return numberValue(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return fieldNames(v as object).length > 0;
    default:
      return true;
  }
}

/** The object's `String()` method when it has one (Go's fmt.Stringer). */
export function stringer(v: unknown): (() => unknown) | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const fn = (v as { String?: unknown }).String;
  return typeof fn === 'function' && fn.length === 0 ? () => (fn as () => unknown).call(v) : undefined;
}
