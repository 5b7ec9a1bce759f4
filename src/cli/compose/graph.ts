/**
 * @module compose/graph
 * The service dependency graph (depends_on, which the loader has already extended with links and
 * `network_mode: service:x`): cycle detection with compose-go's message, start order, and the
 * closure of a service selection over its dependencies.
 */
import { invalidParameter } from '../../lib/errors.js';
import type { Service } from './model.js';

type Services = Record<string, Service>;

const depsOf = (s: Service | undefined): string[] => Object.keys(s?.depends_on ?? {}).sort();

/** compose-go `CheckCycle`: vertices in name order, first cycle found is reported. */
export function checkCycle(services: Services): void {
  const search = (path: string[]): void => {
    for (const dep of depsOf(services[path[path.length - 1]!])) {
      const i = path.indexOf(dep);
      if (i >= 0) throw invalidParameter(`dependency cycle detected: ${[...path.slice(i), dep].join(' -> ')}`);
      search([...path, dep]);
    }
  };
  for (const name of Object.keys(services).sort()) search([name]);
}

/**
 * Dependencies first; among services whose dependencies are met, by name. `only` restricts the
 * result (dependencies outside it are assumed satisfied).
 */
export function startOrder(services: Services, only?: Iterable<string>): string[] {
  const wanted = new Set(only ?? Object.keys(services));
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < wanted.size) {
    const ready = [...wanted]
      .filter((n) => !done.has(n) && depsOf(services[n]).every((d) => done.has(d) || !wanted.has(d)))
      .sort();
    if (!ready.length) throw invalidParameter('dependency cycle detected');
    const next = ready[0]!;
    done.add(next);
    order.push(next);
  }
  return order;
}

/** The selected services plus everything they depend on (compose `up web` starts web's dependencies). */
export function withDependencies(services: Services, selected: string[]): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name) || !services[name]) return;
    out.add(name);
    for (const dep of depsOf(services[name])) visit(dep);
  };
  selected.forEach(visit);
  return [...out];
}
