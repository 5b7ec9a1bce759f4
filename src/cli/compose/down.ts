/**
 * @module compose/down
 * `compose down` (docker/compose `down.go`): the project's containers, found by label, stopped and
 * removed in reverse dependency order; then its networks that are not external, each matched by
 * the project and network labels and its exact name, left alone (with a warning) while something
 * is still attached. Without a compose file the project is rebuilt from the labels.
 */
import { isBerthError } from '../../lib/errors.js';
import { filtersParam, type EngineClient } from './client.js';
import { labelOf, projectContainers, stopAndRemove, type ContainerSummary } from './containers.js';
import { startOrder } from './graph.js';
import { LABEL, type DependsOn, type Project, type Service } from './model.js';
import type { Progress } from './progress.js';
import type { NetworkSummary } from './up-networks.js';

export interface DownOptions {
  removeOrphans?: boolean;
  volumes?: boolean;
  timeout?: number;
}

export interface DownContext {
  client: EngineClient;
  progress: Progress;
  warn: (msg: string) => void;
}

export async function down(ctx: DownContext, projectName: string, project: Project | undefined, opts: DownOptions = {}): Promise<void> {
  const containers = await projectContainers(ctx.client, projectName, { all: true, includeOneoff: !!opts.removeOrphans });
  const services = project ? { ...project.services, ...(project.disabled_services ?? {}) } : servicesFromLabels(containers);
  const byService = (name: string) => containers.filter((c) => labelOf(c, LABEL.service) === name);
  for (const name of startOrder(services).reverse()) {
    for (const c of byService(name)) await stopAndRemove(ctx.client, c, ctx.progress, opts);
  }
  const orphans = containers.filter((c) => !services[labelOf(c, LABEL.service) ?? '']);
  if (opts.removeOrphans) for (const c of orphans) await stopAndRemove(ctx.client, c, ctx.progress, { ...opts, volumes: false });
  const networks = project
    ? Object.entries(project.networks).filter(([, n]) => !n.external).map(([key, n]) => ({ key, name: n.name }))
    : await networksFromLabels(ctx.client, projectName);
  let removedNetworks = 0;
  for (const { key, name } of networks.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (await removeNetwork(ctx, projectName, key, name)) removedNetworks++;
  }
  if (!containers.length && !removedNetworks) ctx.warn(`Warning: No resource found to remove for project "${projectName}".`);
}

/** Services and their depends_on as compose wrote them into the labels (`db:service_started:false,...`). */
function servicesFromLabels(containers: ContainerSummary[]): Record<string, Service> {
  const services: Record<string, Service> = {};
  for (const c of containers) {
    const name = labelOf(c, LABEL.service);
    if (!name) continue;
    const deps: Record<string, DependsOn> = {};
    for (const entry of (labelOf(c, LABEL.dependsOn) ?? '').split(',').filter(Boolean)) {
      const [dep] = entry.split(':');
      if (dep) deps[dep] = { condition: 'service_started', restart: false, required: false };
    }
    services[name] = { name, depends_on: deps };
  }
  for (const s of Object.values(services)) for (const dep of Object.keys(s.depends_on ?? {})) if (!services[dep]) delete s.depends_on![dep];
  return services;
}

async function networksFromLabels(client: EngineClient, project: string): Promise<Array<{ key: string; name: string }>> {
  const res = await client.get<NetworkSummary[]>('/networks', { filters: filtersParam({ label: [`${LABEL.project}=${project}`] }) });
  return (res.body ?? []).map((n) => ({ key: n.Labels?.[LABEL.network] ?? '', name: n.Name }));
}

/** compose `removeNetwork`; true when something was removed. */
async function removeNetwork(ctx: DownContext, project: string, key: string, name: string): Promise<boolean> {
  const labels = [`${LABEL.project}=${project}`, ...(key ? [`${LABEL.network}=${key}`] : [])];
  const res = await ctx.client.get<NetworkSummary[]>('/networks', { filters: filtersParam({ label: labels }) });
  const matches = (res.body ?? []).filter((n) => n.Name === name);
  if (!matches.length) return false;
  const id = `Network ${name}`;
  ctx.progress.working(id, 'Removing');
  let removed = false;
  let inUse = false;
  for (const net of matches) {
    try {
      const { body } = await ctx.client.get<NetworkSummary>(`/networks/${net.Id}`);
      if (body.Containers && Object.keys(body.Containers).length) {
        ctx.progress.warning(id, 'Resource is still in use');
        inUse = true;
        continue;
      }
      await ctx.client.delete(`/networks/${net.Id}`);
      removed = true;
    } catch (err) {
      if (isBerthError(err, 'notFound')) continue;
      ctx.progress.error(id, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
  if (removed) ctx.progress.done(id, 'Removed');
  else if (!inUse) ctx.progress.warning(id, 'No resource found to remove');
  return removed;
}
