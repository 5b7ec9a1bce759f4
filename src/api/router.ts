/**
 * @module api/router
 * The route table as data (moby `daemon/server/router/*`: initRoutes). Patterns are paths with
 * `{name}` for one segment and `{name*}` for one or more segments (image names contain slashes:
 * `/images/{name*}/json`). Matching is on the decoded path without the `/v1.NN` prefix; where
 * several patterns match, literal segments win over parameters, parameters over `*`.
 */
import type { Handler } from './context.js';

export type { Handler, HijackedConnection, Reply, RequestContext } from './context.js';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string };

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  segments: Segment[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

const RANK = { literal: 0, param: 1, rest: 2 } as const;

export class Router {
  #routes: CompiledRoute[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const upper = method.toUpperCase();
    if (this.has(upper, pattern)) throw new Error(`route ${upper} ${pattern} registered twice`);
    this.#routes.push({ method: upper, pattern, handler, segments: compile(pattern) });
    this.#routes.sort((a, b) => specificity(a.segments, b.segments));
    return this;
  }

  has(method: string, pattern: string): boolean {
    return this.#routes.some((r) => r.method === method.toUpperCase() && r.pattern === pattern);
  }

  /** The route for a method and path; a path known only for other methods does not match (Docker: 404). */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const params = matchSegments(route.segments, parts, 0, 0, {});
      if (params) return { route, params };
    }
    return undefined;
  }

  routes(): Route[] {
    return this.#routes.map(({ method, pattern, handler }) => ({ method, pattern, handler }));
  }
}

/** "/a/b/" -> ["a", "b", ""]: a trailing slash is a segment of its own, as in Docker's mux. */
function splitPath(path: string): string[] {
  return path.replace(/^\//, '').split('/');
}

function compile(pattern: string): Segment[] {
  if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
  return splitPath(pattern).map((part): Segment => {
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}$/.exec(part);
    if (!param) {
      if (/[{}]/.test(part)) throw new Error(`bad route segment "${part}" in ${pattern}`);
      return { kind: 'literal', value: part };
    }
    return param[2] ? { kind: 'rest', name: param[1]! } : { kind: 'param', name: param[1]! };
  });
}

function specificity(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = RANK[a[i]!.kind] - RANK[b[i]!.kind];
    if (d !== 0) return d;
  }
  return b.length - a.length;
}

/** Backtracking match; a `*` parameter takes as many segments as still lets the rest match. */
function matchSegments(
  segments: Segment[],
  parts: string[],
  si: number,
  pi: number,
  params: Record<string, string>,
): Record<string, string> | undefined {
  if (si === segments.length) return pi === parts.length ? params : undefined;
  if (pi === parts.length) return undefined;
  const seg = segments[si]!;
  const part = parts[pi]!;
  if (seg.kind === 'literal') return seg.value === part ? matchSegments(segments, parts, si + 1, pi + 1, params) : undefined;
  if (seg.kind === 'param') {
    return part === '' ? undefined : matchSegments(segments, parts, si + 1, pi + 1, { ...params, [seg.name]: part });
  }
  const after = segments.length - si - 1;
  for (let end = parts.length - after; end > pi; end--) {
    const value = parts.slice(pi, end).join('/');
    if (value === '') continue;
    const found = matchSegments(segments, parts, si + 1, end, { ...params, [seg.name]: value });
    if (found) return found;
  }
  return undefined;
}
