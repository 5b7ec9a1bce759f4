/**
 * @module compose/up
 * `compose up`, compose's convergence simplified to one container per service: networks first,
 * then each service in dependency order is created, kept (same config hash, same network IDs:
 * "Running") or recreated, then started in the same order once its dependencies' conditions hold.
 */
import { invalidParameter, notImplemented } from '../../lib/errors.js';
import type { EngineClient } from './client.js';
import { displayName, labelOf, projectContainers, stopAndRemove, type ContainerInspect, type ContainerSummary } from './containers.js';
import { createPlan, networkHash, type CreatePlan } from './convert.js';
import { startOrder, withDependencies } from './graph.js';
import { LABEL, type Project, type Service } from './model.js';
import type { Progress } from './progress.js';
import { ensureNetworks } from './up-networks.js';

export interface UpOptions {
  services?: string[];
  removeOrphans?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  noDeps?: boolean;
  noStart?: boolean;
  timeout?: number;
  /** Poll interval while waiting on dependency conditions (tests shorten it). */
  pollMs?: number;
}

export interface UpContext {
  client: EngineClient;
  project: Project;
  progress: Progress;
  warn: (msg: string) => void;
}

/** A service's container after convergence, and whether it was already running untouched. */
export interface Converged {
  service: string;
  id: string;
  name: string;
  running: boolean;
}

export async function up(ctx: UpContext, opts: UpOptions = {}): Promise<Record<string, Converged>> {
  const { client, project } = ctx;
  const selected = selectServices(project, opts);
  checkBuildable(project, selected);
  checkContainerNames(project);
  const apiVersion = await client.apiVersion();
  const observed = await projectContainers(client, project.name, { all: true });
  await handleOrphans(ctx, observed, opts);
  const networkKeys = [...new Set(selected.flatMap((n) => Object.keys(project.services[n]!.networks ?? {})))];
  const networkIds = await ensureNetworks({ ...ctx, observed, timeout: opts.timeout }, networkKeys);
  const networkHashes = Object.fromEntries(Object.entries(project.networks).map(([k, n]) => [k, networkHash(n)]));
  const order = startOrder(project.services, selected);
  const converged: Record<string, Converged> = {};
  for (const name of order) {
    const service = project.services[name]!;
    const plan = createPlan(service, {
      project,
      networkHashes,
      apiVersion,
      serviceContainerId: (s) => converged[s]?.id,
    });
    converged[name] = await convergeService(ctx, service, plan, observed, networkIds, opts);
  }
  if (opts.noStart) return converged;
  for (const name of order) await startService(ctx, project.services[name]!, converged, opts.pollMs ?? 250);
  return converged;
}

function selectServices(project: Project, opts: UpOptions): string[] {
  const requested = opts.services?.length ? opts.services : Object.keys(project.services);
  for (const s of requested) if (!project.services[s]) throw invalidParameter(`no such service: ${s}`);
  return opts.noDeps ? requested : withDependencies(project.services, requested);
}

function checkBuildable(project: Project, names: string[]): void {
  for (const name of names) {
    const s = project.services[name]!;
    if (!s.image) {
      throw notImplemented(`service "${name}" has a build section but no image: berth compose cannot build images; build it elsewhere and set "image:"`);
    }
  }
}

/** compose-go `CheckContainerNameUnicity`, with its stray quote. */
function checkContainerNames(project: Project): void {
  const seen = new Map<string, string>();
  for (const [name, s] of Object.entries(project.services)) {
    if (!s.container_name) continue;
    const other = seen.get(s.container_name);
    if (other) throw invalidParameter(`services.${name}: container name "${s.container_name}" is already in use by service ${other}"`);
    seen.set(s.container_name, name);
  }
}

async function handleOrphans(ctx: UpContext, observed: ContainerSummary[], opts: UpOptions): Promise<void> {
  const known = new Set([...Object.keys(ctx.project.services), ...Object.keys(ctx.project.disabled_services ?? {})]);
  const orphans = observed.filter((c) => !known.has(labelOf(c, LABEL.service) ?? ''));
  if (!orphans.length) return;
  if (!opts.removeOrphans) {
    ctx.warn(
      `Found orphan containers ([${orphans.map(displayName).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
    );
    return;
  }
  for (const c of orphans) {
    await stopAndRemove(ctx.client, c, ctx.progress, { timeout: opts.timeout });
    observed.splice(observed.indexOf(c), 1);
  }
}

async function convergeService(
  ctx: UpContext,
  service: Service,
  plan: CreatePlan,
  observed: ContainerSummary[],
  networkIds: Record<string, string>,
  opts: UpOptions,
): Promise<Converged> {
  const mine = observed
    .filter((c) => labelOf(c, LABEL.service) === service.name)
    .sort((a, b) => Number(labelOf(a, LABEL.containerNumber) ?? 0) - Number(labelOf(b, LABEL.containerNumber) ?? 0));
  const [current, ...extra] = mine;
  for (const c of extra) await stopAndRemove(ctx.client, c, ctx.progress, { timeout: opts.timeout });
  const id = `Container ${plan.name}`;
  if (current) {
    const upToDate = labelOf(current, LABEL.configHash) === plan.hash && networksMatch(ctx.project, service, current, networkIds);
    if (opts.noRecreate || (upToDate && !opts.forceRecreate)) {
      return { service: service.name, id: current.Id, name: displayName(current), running: current.State === 'running' };
    }
    ctx.progress.working(id, 'Recreate');
    await stopAndRemove(ctx.client, current, ctx.progress, { timeout: opts.timeout, silent: true });
    const created = await createContainer(ctx, plan);
    ctx.progress.done(id, 'Recreated');
    return { service: service.name, id: created, name: plan.name, running: false };
  }
  ctx.progress.working(id, 'Creating');
  const created = await createContainer(ctx, plan);
  ctx.progress.done(id, 'Created');
  return { service: service.name, id: created, name: plan.name, running: false };
}

/** compose compares the container's NetworkIDs with the networks' (a network re-created underneath means recreate). */
function networksMatch(project: Project, service: Service, c: ContainerSummary, ids: Record<string, string>): boolean {
  const attached = c.NetworkSettings?.Networks;
  if (!attached || service.network_mode) return true;
  return Object.keys(service.networks ?? {}).every((key) => {
    const ep = attached[project.networks[key]!.name];
    return ep !== undefined && (!ep?.NetworkID || ep.NetworkID === ids[key]);
  });
}

async function createContainer(ctx: UpContext, plan: CreatePlan): Promise<string> {
  const id = `Container ${plan.name}`;
  try {
    const res = await ctx.client.post<{ Id: string; Warnings?: string[] | null }>('/containers/create', plan.body, { name: plan.name });
    for (const w of res.body.Warnings ?? []) ctx.warn(w);
    for (const { network, endpoint } of plan.connect) {
      await ctx.client.post(`/networks/${encodeURIComponent(network)}/connect`, { Container: res.body.Id, EndpointConfig: endpoint });
    }
    return res.body.Id;
  } catch (err) {
    ctx.progress.error(id, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

async function startService(ctx: UpContext, service: Service, converged: Record<string, Converged>, pollMs: number): Promise<void> {
  const mine = converged[service.name]!;
  const id = `Container ${mine.name}`;
  for (const [dep, cfg] of Object.entries(service.depends_on ?? {})) {
    if (converged[dep] && cfg.condition !== 'service_started') await waitFor(ctx, converged[dep]!, dep, cfg.condition, pollMs);
  }
  if (mine.running) {
    ctx.progress.done(id, 'Running');
    return;
  }
  ctx.progress.working(id, 'Starting');
  try {
    await ctx.client.post(`/containers/${mine.id}/start`);
  } catch (err) {
    ctx.progress.error(id, err instanceof Error ? err.message : String(err));
    throw err;
  }
  ctx.progress.done(id, 'Started');
}

/** depends_on conditions: completed successfully (exit 0) or healthy (without a health check: warn, go on). */
async function waitFor(ctx: UpContext, dep: Converged, service: string, condition: string, pollMs: number): Promise<void> {
  const id = `Container ${dep.name}`;
  const inspect = async () => (await ctx.client.get<ContainerInspect>(`/containers/${dep.id}/json`)).body.State;
  let state = await inspect();
  if (condition === 'service_healthy' && !state.Health?.Status) {
    ctx.warn(`service "${service}" has no healthcheck configured: berth compose treats "service_healthy" as "service_started"`);
    return;
  }
  ctx.progress.working(id, 'Waiting');
  for (;; state = await inspect()) {
    if (condition === 'service_completed_successfully' && !state.Running && state.Status !== 'created') {
      if (state.ExitCode === 0) return ctx.progress.done(id, 'Exited');
      ctx.progress.error(id, `exit ${state.ExitCode}`);
      throw invalidParameter(`service "${service}" didn't complete successfully: exit ${state.ExitCode}`);
    }
    if (condition === 'service_healthy') {
      if (state.Health?.Status === 'healthy') return ctx.progress.done(id, 'Healthy');
      if (state.Health?.Status === 'unhealthy' || !state.Running) {
        ctx.progress.error(id, state.Running ? 'unhealthy' : `exited (${state.ExitCode})`);
        throw invalidParameter(`dependency failed to start: container ${dep.name} ${state.Running ? 'is unhealthy' : `exited (${state.ExitCode})`}`);
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
