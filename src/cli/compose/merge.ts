/**
 * @module compose/merge
 * Several compose files (`-f a -f b`, or a file and its override) into one, with compose-go's
 * override rules where berth has the fields: mappings merge key by key, `command` and
 * `entrypoint` are replaced, lists keyed by something merge on that key (environment, labels,
 * networks, depends_on by name; volumes by target), other lists are appended without duplicates.
 */
import { isMap, type Raw } from './values.js';

const REPLACED = new Set(['command', 'entrypoint']);
const KEYED_LISTS = new Set(['environment', 'labels', 'networks', 'depends_on']);

export function mergeFiles(files: Raw[]): Raw {
  if (files.length === 1) return files[0]!;
  return files.reduce((base, next) => mergeMap(canonical(base), canonical(next), []), {} as Raw);
}

/** Lists that compose-go treats as maps become maps, so they merge by key. */
function canonical(file: Raw): Raw {
  if (!isMap(file.services)) return file;
  const services: Raw = {};
  for (const [name, svc] of Object.entries(file.services)) {
    if (!isMap(svc)) {
      services[name] = svc;
      continue;
    }
    const s: Raw = { ...svc };
    for (const key of KEYED_LISTS) if (Array.isArray(s[key])) s[key] = listToMap(key, s[key] as unknown[]);
    services[name] = s;
  }
  return { ...file, services };
}

function listToMap(key: string, list: unknown[]): Raw {
  const out: Raw = {};
  for (const item of list) {
    const text = String(item);
    if (key === 'networks') out[text] = null;
    else if (key === 'depends_on') out[text] = { condition: 'service_started', required: true };
    else {
      const eq = text.indexOf('=');
      out[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? null : text.slice(eq + 1);
    }
  }
  return out;
}

function mergeMap(base: Raw, over: Raw, path: string[]): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const here = [...path, key];
    const prev = out[key];
    const inService = path.length === 2 && path[0] === 'services';
    if (inService && REPLACED.has(key)) out[key] = value;
    else if (isMap(prev) && isMap(value)) out[key] = mergeMap(prev, value, here);
    else if (Array.isArray(prev) && Array.isArray(value)) out[key] = inService && key === 'volumes' ? mergeVolumes(prev, value) : appendUnique(prev, value);
    else out[key] = value;
  }
  return out;
}

function appendUnique(a: unknown[], b: unknown[]): unknown[] {
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
}

function mergeVolumes(a: unknown[], b: unknown[]): unknown[] {
  const target = (v: unknown) => (typeof v === 'string' ? v.split(':')[1] ?? v : isMap(v) ? String(v.target) : JSON.stringify(v));
  const overridden = new Set(b.map(target));
  return [...a.filter((v) => !overridden.has(target(v))), ...b];
}
