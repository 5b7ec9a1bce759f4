/**
 * @module cli/opts/filters
 * docker's `--filter key=value` (opts.FilterOpt): keys lower-cased and trimmed, values trimmed, and
 * sent as the `filters` query parameter, `{"key":{"value":true}}`.
 */

/** The filters from repeated --filter values, keys in first-seen order. */
export function parseFilters(values: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of values) {
    if (v === '') continue;
    const eq = v.indexOf('=');
    const key = v.slice(0, eq).trim().toLowerCase();
    const value = v.slice(eq + 1).trim();
    const list = out.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    out.set(key, list);
  }
  return out;
}

/** filters.ToJSON: undefined when there are none (docker then omits the parameter). */
export function filtersJson(filters: Map<string, string[]>): string | undefined {
  if (filters.size === 0) return undefined;
  const obj: Record<string, Record<string, boolean>> = {};
  for (const key of [...filters.keys()].sort()) obj[key] = Object.fromEntries([...filters.get(key)!].sort().map((v) => [v, true]));
  return JSON.stringify(obj);
}
