/**
 * @module compose/config
 * `compose config`: the normalised model printed back, in compose's layout (name, services,
 * networks; service keys sorted as compose-go's struct mostly has them; network keys in
 * compose-go's struct order), as YAML or JSON.
 */
import { stringify } from 'yaml';
import type { Network, PortConfig, Project, Service } from './model.js';

const NETWORK_ORDER: Array<keyof Network> = [
  'name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6',
];
const PORT_ORDER: Array<keyof PortConfig> = ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'];

export function configModel(project: Project): Record<string, unknown> {
  const services = Object.fromEntries(Object.entries(project.services).map(([k, s]) => [k, serviceOut(s)]));
  const out: Record<string, unknown> = { name: project.name, services };
  if (Object.keys(project.networks).length) {
    out.networks = Object.fromEntries(Object.entries(project.networks).map(([k, n]) => [k, ordered(n, NETWORK_ORDER)]));
  }
  return out;
}

function serviceOut(s: Service): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(s).sort() as Array<keyof Service>) {
    if (key === 'name' || s[key] === undefined) continue;
    if (key === 'ports') out.ports = s.ports!.map((p) => ordered(p, PORT_ORDER));
    else if (key === 'depends_on') {
      out.depends_on = Object.fromEntries(
        Object.entries(s.depends_on!).map(([dep, d]) => [dep, { condition: d.condition, ...(d.restart ? { restart: true } : {}), required: d.required }]),
      );
    } else out[key] = s[key];
  }
  return out;
}

function ordered<T extends object>(value: T, order: Array<keyof T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (value[key] !== undefined) out[key as string] = value[key];
  return out;
}

export function renderConfig(project: Project, format: 'yaml' | 'json' = 'yaml'): string {
  const model = configModel(project);
  if (format === 'json') return `${JSON.stringify(model, null, 2)}\n`;
  return stringify(model, { lineWidth: 0, nullStr: 'null' });
}
