/**
 * @module compose/interpolate
 * Variable interpolation in a Compose file the way compose-go's `template` package does it:
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+replacement}`, `${VAR+replacement}` (defaults may nest), and `$$` for a literal `$`.
 * Values only, never keys; the environment is the process's plus the project's `.env` file.
 */
import { invalidParameter } from '../../lib/errors.js';

export type Lookup = (name: string) => string | undefined;

class InvalidTemplate extends Error {}
class MissingRequired extends Error {}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Interpolate every string value of a parsed YAML tree; `warn` hears about unset variables. */
export function interpolateTree(node: unknown, lookup: Lookup, warn: (msg: string) => void, path: string[] = []): unknown {
  if (typeof node === 'string') return interpolateAt(node, lookup, warn, path);
  if (Array.isArray(node)) return node.map((item, i) => interpolateTree(item, lookup, warn, [...path, `[${i}]`]));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = interpolateTree(value, lookup, warn, [...path, key]);
    return out;
  }
  return node;
}

function interpolateAt(text: string, lookup: Lookup, warn: (msg: string) => void, path: string[]): string {
  const where = path.join('.').replace(/\.\[/g, '[');
  try {
    return substitute(text, lookup, warn);
  } catch (err) {
    if (err instanceof InvalidTemplate) {
      throw invalidParameter(`invalid interpolation format for ${where}.\nYou may need to escape any $ with another $.\n${text}`);
    }
    if (err instanceof MissingRequired) throw invalidParameter(`error while interpolating ${where}: ${err.message}`);
    throw err;
  }
}

/** One string: scan left to right, expanding each `$` form. */
export function substitute(text: string, lookup: Lookup, warn: (msg: string) => void): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) throw new InvalidTemplate(text);
      out += braced(text.slice(dollar + 2, end), lookup, warn, text);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (!name) throw new InvalidTemplate(text);
      out += valueOf(name, lookup, warn);
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** The index of the `}` closing a `${` whose body starts at `from`, counting nested `${`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      depth++;
      j++;
    } else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function braced(body: string, lookup: Lookup, warn: (msg: string) => void, whole: string): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new InvalidTemplate(whole);
  const rest = body.slice(name.length);
  if (rest === '') return valueOf(name, lookup, warn);
  const m = /^(:?)([-+?])([\s\S]*)$/.exec(rest);
  if (!m) throw new InvalidTemplate(whole);
  const [, colon, op, arg] = m as unknown as [string, string, string, string];
  const value = lookup(name);
  const unset = colon ? !value : value === undefined;
  const expand = () => substitute(arg, lookup, warn);
  switch (op) {
    case '-':
      return unset ? expand() : value!;
    case '+':
      return unset ? '' : expand();
    default: {
      if (!unset) return value!;
      const reason = expand();
      throw new MissingRequired(reason ? `required variable ${name} is missing a value: ${reason}` : `required variable ${name} is missing a value`);
    }
  }
}

function valueOf(name: string, lookup: Lookup, warn: (msg: string) => void): string {
  const value = lookup(name);
  if (value === undefined) {
    warn(`The "${name}" variable is not set. Defaulting to a blank string.`);
    return '';
  }
  return value;
}

/**
 * A `.env` / `env_file` file: `KEY=VALUE` lines, `#` comments, blank lines, an optional `export `
 * prefix, single quotes literal, double quotes with `\n`-style escapes, `KEY` alone meaning
 * "take it from the environment" (null here).
 */
export function parseEnvFile(text: string, file: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    const key = (eq < 0 ? body : body.slice(0, eq)).trim();
    if (!/^[^\s=]+$/.test(key)) throw invalidParameter(`failed to read ${file}: line ${index + 1}: unexpected character "${key[0] ?? ''}" in variable name "${key}"`);
    if (eq < 0) {
      out[key] = null;
      return;
    }
    out[key] = envValue(body.slice(eq + 1));
  });
  return out;
}

function envValue(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    return end < 0 ? v.slice(1) : v.slice(1, end);
  }
  if (v.startsWith('"')) {
    let s = '';
    for (let i = 1; i < v.length; i++) {
      const c = v[i]!;
      if (c === '"') break;
      if (c === '\\' && i + 1 < v.length) {
        const n = v[++i]!;
        s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
      } else s += c;
    }
    return s;
  }
  const hash = v.search(/\s#/);
  return (hash < 0 ? v : v.slice(0, hash)).trim();
}
