/**
 * @module engine/filters
 * Docker's list filters (`?filters={"name":{"x":true}}`): which keys each list accepts and how a
 * value matches: exact or unanchored regular expression for names and IDs, key[=value] for labels.
 */
import { invalidParameter } from '../lib/errors.js';
import type { ContainerRecord, NetworkRecord } from './model.js';
import type { State } from './state.js';
import { isPredefinedName } from './networks.js';

export type Filters = Map<string, string[]>;

const NETWORK_KEYS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];
/** What `prune` accepts, for containers and networks alike (moby daemon/prune.go). */
const PRUNE_KEYS = ['label', 'label!', 'until'];
const CONTAINER_KEYS = [
  'ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network',
  'publish', 'since', 'status', 'volume',
];

export function checkFilterKeys(filters: Filters, accepted: string[]): void {
  for (const key of filters.keys()) if (!accepted.includes(key)) throw invalidParameter(`invalid filter '${key}'`);
}

/** Exact match, or the value as an unanchored regular expression (moby filters.Args.Match). */
export function matchAny(values: string[], source: string): boolean {
  return values.some((v) => {
    if (v === source) return true;
    try {
      return new RegExp(v).test(source);
    } catch {
      return false;
    }
  });
}

/** Every "key" or "key=value" must be present in the labels (moby MatchKVList). */
export function matchLabels(values: string[], labels: Record<string, string>): boolean {
  if (!values.length) return true;
  return values.every((v) => {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (!(key in labels)) return false;
    return eq < 0 || labels[key] === v.slice(eq + 1);
  });
}

/** Up front, so a bad filter fails even when there is nothing to prune. */
export function checkPruneFilters(filters: Filters): void {
  checkFilterKeys(filters, PRUNE_KEYS);
  if ((filters.get('until') ?? []).length > 1) throw invalidParameter('more than one until filter specified');
}

/** prune's filters against an object's labels and creation time; throws on keys prune does not take. */
export function matchPruneFilters(filters: Filters, labels: Record<string, string>, created: string): boolean {
  checkPruneFilters(filters);
  const until = filters.get('until') ?? [];
  if (until.length === 1 && Date.parse(created) > parseTimestamp(until[0]!)) return false;
  if (filters.has('label') && !matchLabels(filters.get('label')!, labels)) return false;
  return !(filters.has('label!') && matchLabels(filters.get('label!')!, labels));
}

export function matchNetworkFilters(net: NetworkRecord, filters: Filters, state: State, pruning: boolean): boolean {
  if (pruning) return matchPruneFilters(filters, net.labels, net.created);
  checkFilterKeys(filters, NETWORK_KEYS);
  const get = (k: string) => filters.get(k) ?? [];
  if (filters.has('driver') && !get('driver').includes(net.driver)) return false;
  if (filters.has('name') && !matchAny(get('name'), net.name)) return false;
  if (filters.has('id') && !matchAny(get('id'), net.id)) return false;
  if (filters.has('label') && !matchLabels(get('label'), net.labels)) return false;
  if (filters.has('scope') && !get('scope').includes(net.scope)) return false;
  const dangling = get('dangling');
  if (dangling.length > 1) throw invalidParameter('got more than one value for filter key "dangling"');
  if (dangling.length === 1) {
    const only = parseDangling(dangling[0]!);
    const used = isPredefinedName(net.name) || state.endpointsOfNetwork(net.id).length > 0;
    if (only === used) return false;
  }
  const types = get('type');
  for (const t of types) if (t !== 'builtin' && t !== 'custom') throw invalidParameter(`invalid filter: 'type'='${t}'`);
  return !types.length || types.some((t) => (t === 'builtin') === net.predefined);
}

function parseDangling(v: string): boolean {
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw invalidParameter(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`);
}

/** Docker timestamps for since/until filters: RFC3339 dates, unix seconds, or Go durations ("10m") before now. */
export function parseTimestamp(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = parseGoDuration(value);
  if (duration !== undefined) return now - duration;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalidParameter(`failed to parse value as time or duration: "${value}"`);
  return t;
}

export function parseGoDuration(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = 0;
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched += m[0].length;
  }
  return matched === value.length && matched > 0 ? total : undefined;
}

export function matchContainerFilters(c: ContainerRecord, filters: Filters, state: State): boolean {
  checkFilterKeys(filters, CONTAINER_KEYS);
  const get = (k: string) => filters.get(k) ?? [];
  if (filters.has('id') && !matchAny(get('id'), c.id)) return false;
  if (filters.has('name') && !matchAny(get('name'), c.name) && !matchAny(get('name'), `/${c.name}`)) return false;
  if (filters.has('label') && !matchLabels(get('label'), c.config.Labels ?? {})) return false;
  if (filters.has('status')) {
    const valid = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
    for (const s of get('status')) {
      if (!valid.includes(s)) throw invalidParameter(`invalid filter 'status=${s}'`);
    }
    if (!get('status').includes(c.state.Status)) return false;
  }
  if (filters.has('exited')) {
    if (c.state.Status !== 'exited' || !get('exited').map(Number).includes(c.state.ExitCode)) return false;
  }
  if (filters.has('ancestor')) {
    const wanted = get('ancestor');
    if (!wanted.some((a) => a === c.config.Image || c.imageId.replace('sha256:', '').startsWith(a.replace('sha256:', '')))) return false;
  }
  if (filters.has('network')) {
    const names = Object.keys(c.networks);
    const ids = Object.values(c.networks).map((n) => n.NetworkID);
    if (!get('network').some((v) => names.includes(v) || ids.some((id) => id.startsWith(v)))) return false;
  }
  if (filters.has('before') || filters.has('since')) {
    const created = Date.parse(c.created);
    for (const ref of get('before')) if (created >= Date.parse(state.container(ref).created)) return false;
    for (const ref of get('since')) if (created <= Date.parse(state.container(ref).created)) return false;
  }
  if (filters.has('publish') || filters.has('expose')) {
    const exposed = Object.keys(c.config.ExposedPorts ?? {});
    const published = Object.entries(c.ports).filter(([, b]) => b?.length).map(([p]) => p);
    const norm = (p: string) => (p.includes('/') ? p : `${p}/tcp`);
    if (filters.has('expose') && !get('expose').some((p) => exposed.includes(norm(p)))) return false;
    if (filters.has('publish') && !get('publish').some((p) => published.includes(norm(p)))) return false;
  }
  return true;
}
