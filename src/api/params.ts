/**
 * @module api/params
 * Docker's rules for reading request parameters (moby `daemon/server/httputils`): boolean and
 * integer query values, the `filters` query parameter, and JSON request bodies. Pure functions,
 * so the rules are tested without a server.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidParameter } from '../lib/errors.js';

const FALSY = new Set(['', '0', 'no', 'false', 'none']);

/** httputils.BoolValue: anything but "", "0", "no", "false", "none" (any case, trimmed) is true. */
export function boolValue(raw: string): boolean {
  return !FALSY.has(raw.trim().toLowerCase());
}

/** httputils.BoolValueOrDefault: the default only when the parameter is absent ("?all=" is false). */
export function boolParam(query: URLSearchParams, name: string, dflt: boolean): boolean {
  const raw = query.get(name);
  return raw === null ? dflt : boolValue(raw);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * httputils.Int64ValueOrDefault: the default when absent or empty, otherwise a base-10 integer;
 * anything else is an invalid parameter with Go's strconv wording.
 */
export function intParam(query: URLSearchParams, name: string, dflt: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^[+-]?\d+$/.test(raw)) throw invalidParameter(`strconv.ParseInt: parsing ${goQuote(raw)}: invalid syntax`);
  const value = BigInt(raw);
  if (value < INT64_MIN || value > INT64_MAX) throw invalidParameter(`strconv.ParseInt: parsing ${goQuote(raw)}: value out of range`);
  return Number(value);
}

const goQuote = (s: string) => JSON.stringify(s);

/**
 * filters.FromJSON: `{"name":{"web":true}}` (current form) or `{"name":["web"]}` (legacy form) into
 * name -> values. Values are the map keys whatever their boolean, as Docker's Args.Get returns them.
 * Anything else is `invalid filter` (400).
 */
export function parseFilters(raw: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (raw === null || raw === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('invalid filter');
  }
  if (parsed === null) return out;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParameter('invalid filter');
  const entries = Object.entries(parsed as Record<string, unknown>);
  const current = entries.every(([, v]) => v === null || isBoolMap(v));
  const legacy = entries.every(([, v]) => v === null || (Array.isArray(v) && v.every((s) => typeof s === 'string')));
  if (!current && !legacy) throw invalidParameter('invalid filter');
  for (const [key, v] of entries) {
    if (v === null) out.set(key, []);
    else out.set(key, current ? Object.keys(v as object) : [...new Set(v as string[])]);
  }
  return out;
}

function isBoolMap(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((b) => typeof b === 'boolean');
}

/** Whether a request carries a body according to its framing headers (Go's ContentLength != 0). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && Number(length) !== 0;
}

/** httputils.CheckForJSON: no Content-Type is fine without a body; otherwise it must be application/json. */
export function checkJsonContentType(headers: IncomingHttpHeaders): void {
  const ct = headers['content-type'] ?? '';
  if (ct === '' && !hasBody(headers)) return;
  const media = ct.split(';')[0]!.trim().toLowerCase();
  if (media === '') throw invalidParameter(`malformed Content-Type header (${ct}): mime: no media type`);
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(media)) {
    throw invalidParameter(`malformed Content-Type header (${ct}): mime: expected slash after first token`);
  }
  if (media !== 'application/json') throw invalidParameter(`unsupported Content-Type header (${ct}): must be 'application/json'`);
}

/**
 * httputils.ReadJSON's decoding: an empty body is an empty object (Go leaves the struct zero, as
 * does `null`); a body of only whitespace is "got EOF"; anything after the value is refused.
 */
export function parseJsonBody<T>(body: Buffer): T {
  if (body.length === 0) return {} as T;
  const text = body.toString('utf8');
  if (text.trim() === '') throw invalidParameter('invalid JSON: got EOF while reading request body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    if (/after JSON/.test(message)) throw invalidParameter('unexpected content after JSON');
    throw invalidParameter(`invalid JSON: ${message}`, err);
  }
  return (value === null ? {} : value) as T;
}
