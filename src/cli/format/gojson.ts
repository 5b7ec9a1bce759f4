/**
 * @module gojson
 * Go's encoding/json as docker's `json` template function uses it.
 *
 * docker/cli `templates.formatJSON` encodes with `SetEscapeHTML(false)`, so `{{json .Ports}}` keeps
 * `->` as is. Formatter contexts (the items of `docker ps`/`network ls`/... lists) implement
 * `MarshalJSON` with `json.Marshal` of a map of their methods: `{{json .}}` and `--format json` on them
 * give sorted keys and HTML escapes (`"0.0.0.0:80-\u003e80/tcp"`), exactly what docker prints.
 *
 * Objects that are Go structs keep their key order; maps are sorted (see values.ts for which is which).
 */
import { kindOf, fieldNames, isFormatterContext, numberValue, sortedKeys } from './values.js';

export class JsonError extends Error {}

const HEX = '0123456789abcdef';

/** A JSON string literal with Go's escapes (\u00XX in lower case, U+2028/2029 always escaped). */
export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
    }
    if (cp < 0x20 || (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))) {
      out += '\\u00' + HEX[cp >> 4] + HEX[cp & 0xf];
    } else if (cp === 0x2028 || cp === 0x2029) {
      out += '\\u' + cp.toString(16);
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd'; // a lone surrogate is invalid UTF-8, which Go replaces
    } else out += ch;
  }
  return out + '"';
}

function jsonNumber(v: unknown): string {
  const n = numberValue(v);
  if (typeof v === 'bigint') return v.toString();
  if (!Number.isFinite(n)) throw new JsonError(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  // Go uses %f for 1e-6 <= |n| < 1e21 and %e otherwise, with the exponent's leading zero dropped:
  // exactly what JavaScript's Number#toString does.
  return Object.is(n, -0) ? '-0' : String(n);
}

function encode(v: unknown, escapeHTML: boolean, depth: number, viaKey?: string): string {
  if (depth > 1000) throw new JsonError('json: unsupported value: encountered a cycle');
  switch (kindOf(v, viaKey)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return String(v);
    case 'int':
    case 'float':
      return jsonNumber(v);
    case 'string':
      return jsonString(v as string, escapeHTML);
    case 'func':
      throw new JsonError('json: unsupported type: func()');
    case 'slice':
      return '[' + (v as unknown[]).map((e) => encode(e, escapeHTML, depth + 1)).join(',') + ']';
  }
  const obj = v as Record<string, unknown>;
  if (isFormatterContext(obj)) escapeHTML = true; // MarshalJSON -> json.Marshal(map)
  const sorted = isFormatterContext(obj) || kindOf(obj, viaKey) === 'map';
  const keys = sorted ? sortedKeys(obj) : fieldNames(obj);
  const parts = keys.map((k) => jsonString(k, escapeHTML) + ':' + encode(obj[k], escapeHTML, depth + 1, k));
  return '{' + parts.join(',') + '}';
}

/**
 * docker's `json` template function: a compact encoding without HTML escaping (formatter contexts
 * excepted, see above).
 */
export function marshalJSON(v: unknown, opts: { escapeHTML?: boolean } = {}): string {
  return encode(v, opts.escapeHTML ?? false, 0);
}
