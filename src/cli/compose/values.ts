/**
 * @module compose/values
 * Reading untyped YAML values into the model's types, failing with compose-go's schema wording
 * (`services.web.ports must be a array`, `... additional properties 'x' not allowed`).
 */
import { invalidParameter } from '../../lib/errors.js';

export type Raw = Record<string, unknown>;

export function isMap(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asMap(v: unknown, where: string): Raw {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) throw invalidParameter(`${where} must be a mapping`);
  return v;
}

export function asList(v: unknown, where: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw invalidParameter(`${where} must be a array`);
  return v;
}

export function asString(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw invalidParameter(`${where} must be a string`);
}

export function asBool(v: unknown, where: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalidParameter(`${where} must be a boolean`);
}

export function asNumber(v: unknown, where: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidParameter(`${where} must be a number`);
  return n;
}

/** A string or a list of strings (dns, env_file, ...). */
export function stringOrList(v: unknown, where: string): string[] {
  if (typeof v === 'string') return [v];
  return asList(v, where).map((e, i) => asString(e, `${where}.${i}`));
}

export function listOfStrings(v: unknown, where: string): string[] {
  return asList(v, where).map((e, i) => asString(e, `${where}.${i}`));
}

/** A scalar map value as a string: YAML `true`/`1` become "true"/"1"; null stays null. */
export function scalar(v: unknown, where: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalidParameter(`${where} must be a string, number, boolean or null`);
}

/** `{K: V}` or `["K=V", "K"]` into a map; a key without a value is null. */
export function mapOrList(v: unknown, where: string, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      const s = asString(e, `${where}.${i}`);
      const at = s.indexOf(sep);
      if (at < 0) out[s] = null;
      else out[s.slice(0, at)] = s.slice(at + 1);
    });
    return out;
  }
  for (const [k, value] of Object.entries(asMap(v, where))) out[k] = scalar(value, `${where}.${k}`);
  return out;
}

/** A map whose values must be strings (labels, driver_opts): null becomes "". */
export function stringMap(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(mapOrList(v, where))) out[k] = value ?? '';
  return out;
}

/** Reject keys outside `allowed` (x- extensions always pass), as the JSON schema does. */
export function checkKeys(m: Raw, allowed: readonly string[], where: string): void {
  const extra = Object.keys(m).filter((k) => !allowed.includes(k) && !k.startsWith('x-'));
  if (extra.length) throw invalidParameter(`${where} additional properties ${extra.map((k) => `'${k}'`).join(', ')} not allowed`);
}

/** Sorted copy of a record, so printed models and hashes do not depend on file order. */
export function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Go durations ("10s", "1m30s", "500ms") in whole seconds, as compose's StopTimeout takes them. */
export function durationSeconds(d: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0];
  }
  return matched === d && d ? Math.floor(total) : undefined;
}
