/**
 * @module runtime/images/changes
 * `docker import --change`: Dockerfile instructions applied to an image config. CMD, ENTRYPOINT,
 * ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR, in JSON or shell form, as Docker's
 * builder reads them (no variable substitution). Pure.
 */
import { posix } from 'node:path';
import { invalidParameter, notImplemented } from '../../lib/errors.js';
import type { ImageConfig } from './types.js';

type Handler = (config: ImageConfig, rest: string, state: { cmdSet: boolean }) => void;

const HANDLERS: Record<string, Handler> = {
  cmd: (config, rest, state) => {
    config.Cmd = commandForm(rest);
    state.cmdSet = true;
  },
  entrypoint: (config, rest, state) => {
    const entrypoint = commandForm(rest);
    if (entrypoint.length) config.Entrypoint = entrypoint;
    else delete config.Entrypoint;
    // A new entrypoint drops the inherited CMD unless this same change set gave one.
    if (!state.cmdSet) delete config.Cmd;
  },
  env: (config, rest) => {
    const env = [...(config.Env ?? [])];
    for (const [key, value] of nameValues('ENV', rest)) {
      const at = env.findIndex((e) => e.split('=')[0] === key);
      if (at >= 0) env[at] = `${key}=${value}`;
      else env.push(`${key}=${value}`);
    }
    config.Env = env;
  },
  label: (config, rest) => {
    config.Labels = { ...(config.Labels ?? {}) };
    for (const [key, value] of nameValues('LABEL', rest)) config.Labels[key] = value;
  },
  expose: (config, rest) => {
    const ports = words(rest).map(unquote);
    if (!ports.length) throw invalidParameter('EXPOSE requires at least one argument');
    config.ExposedPorts = { ...(config.ExposedPorts ?? {}) };
    for (const spec of ports) for (const port of expandPortSpec(spec)) config.ExposedPorts[port] = {};
  },
  user: (config, rest) => {
    const user = unquote(rest.trim());
    if (!user) throw invalidParameter('USER requires exactly one argument');
    config.User = user;
  },
  workdir: (config, rest) => {
    const dir = unquote(rest.trim());
    if (!dir) throw invalidParameter('WORKDIR requires exactly one argument');
    config.WorkingDir = dir.startsWith('/') ? posix.normalize(dir) : posix.join('/', config.WorkingDir ?? '', dir);
  },
  volume: (config, rest) => {
    const json = jsonArray(rest);
    const volumes = json ?? words(rest).map(unquote);
    if (!volumes.length) throw invalidParameter('VOLUME requires at least one argument');
    config.Volumes = { ...(config.Volumes ?? {}) };
    for (const v of volumes) {
      if (!v.trim()) throw invalidParameter('VOLUME specified can not be an empty string');
      config.Volumes[v] = {};
    }
  },
  stopsignal: (config, rest) => {
    const signal = unquote(rest.trim());
    if (!signal) throw invalidParameter('STOPSIGNAL requires exactly one argument');
    config.StopSignal = signal;
  },
};

// Docker accepts these in --change; berth's image config has no place for them yet.
const UNSUPPORTED = new Set(['healthcheck', 'onbuild']);

/** Apply `changes` to a copy of `base`, in order. */
export function applyChanges(base: ImageConfig, changes: string[]): ImageConfig {
  const config: ImageConfig = structuredClone(base);
  const state = { cmdSet: false };
  for (const line of instructions(changes)) {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const name = match[1]!.toLowerCase();
    const handler = HANDLERS[name];
    if (UNSUPPORTED.has(name)) throw notImplemented(`${name.toUpperCase()} is not supported in --change by berth`);
    if (!handler) throw invalidParameter(`${name} is not a valid change command`);
    handler(config, match[2]!, state);
  }
  return config;
}

/** The changes as one Dockerfile: lines joined at trailing backslashes, blanks and comments dropped. */
function instructions(changes: string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of changes.join('\n').split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    out.push((pending + line).trim());
    pending = '';
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

/** JSON form `["a","b"]` as is; anything else runs through `/bin/sh -c`. */
function commandForm(rest: string): string[] {
  const json = jsonArray(rest);
  if (json) return json;
  const shell = rest.trim();
  return shell ? ['/bin/sh', '-c', shell] : [];
}

function jsonArray(rest: string): string[] | undefined {
  const text = rest.trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** `k=v k2="v 2"` pairs, or the legacy `k value with spaces`. */
function nameValues(instruction: string, rest: string): Array<[string, string]> {
  const list = words(rest);
  if (!list.length) throw invalidParameter(`${instruction} requires at least one argument`);
  if (!list[0]!.includes('=')) {
    const value = rest.trim().slice(list[0]!.length).trim();
    if (list.length < 2) throw invalidParameter(`${instruction} must have two arguments`);
    return [[unquote(list[0]!), unquote(value)]];
  }
  return list.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw invalidParameter(`Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    const key = unquote(word.slice(0, eq));
    if (!key) throw invalidParameter(`${instruction} names can not be blank`);
    return [key, unquote(word.slice(eq + 1))];
  });
}

/** Split at unquoted whitespace, keeping quotes and escapes for `unquote`. */
function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) word += c + text[++i];
      else word += c;
      if (c === quote) quote = '';
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === '\\' && i + 1 < text.length) word += c + text[++i];
      else {
        if (c === '"' || c === "'") quote = c;
        word += c;
      }
    }
  }
  if (inWord) out.push(word);
  return out;
}

/** Remove quotes and backslash escapes as the shell would (single quotes keep everything literal). */
function unquote(word: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      else out += c;
    } else if (c === '\\' && i + 1 < word.length && (!quote || '"\\$`'.includes(word[i + 1]!))) {
      out += word[++i];
    } else if (c === '"') {
      quote = quote ? '' : '"';
    } else if (c === "'" && !quote) {
      quote = "'";
    } else {
      out += c;
    }
  }
  return out;
}

/** "80" -> ["80/tcp"], "53/udp", "8000-8002/tcp" -> three ports. Docker's nat.ParsePortSpecs rules. */
export function expandPortSpec(spec: string): string[] {
  const [range, proto = 'tcp', extra] = spec.split('/');
  const protocol = (proto || 'tcp').toLowerCase();
  const invalid = () => invalidParameter(`invalid containerPort: ${spec}`);
  if (extra !== undefined || !range || !['tcp', 'udp', 'sctp'].includes(protocol)) throw invalid();
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!m) throw invalid();
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 0 || end > 65535 || end < start) throw invalid();
  const ports: string[] = [];
  for (let p = start; p <= end; p++) ports.push(`${p}/${protocol}`);
  return ports;
}
