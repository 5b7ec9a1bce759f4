/**
 * @module compose/up-networks
 * Making the project's networks exist before its containers (compose `checkExternalNetworks`,
 * `resolveExternalNetwork`, `createNetwork`, and the older `resolveOrCreateNetwork` for reuse):
 * networks are matched by exact name after listing with a `name` filter (the filter is a
 * substring match); a 409 on create means someone else just made it and counts as success; a
 * compose network whose config hash changed is removed (with the project's containers on it)
 * and created again.
 */
import { invalidParameter, isBerthError, notFound } from '../../lib/errors.js';
import { filtersParam, withContext, type EngineClient } from './client.js';
import { displayName, stopAndRemove, type ContainerSummary } from './containers.js';
import { networkHash } from './convert.js';
import { LABEL, type Network, type Project } from './model.js';
import { networkCreateBody } from './networks.js';
import type { Progress } from './progress.js';

export interface NetworkSummary {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
  Containers?: Record<string, unknown> | null;
}

/** `GET /networks?filters={"name":...}`, keeping exact matches of the name (or the ID). */
export async function networksNamed(client: EngineClient, name: string): Promise<NetworkSummary[]> {
  const res = await client.get<NetworkSummary[]>('/networks', { filters: filtersParam({ name: [name] }) });
  return (res.body ?? []).filter((n) => n.Name === name || n.Id === name);
}

/** compose `resolveExternalNetwork`: exactly one network with that name (or ID), else an error. */
export async function resolveExternalNetwork(client: EngineClient, name: string): Promise<string> {
  let found = await networksNamed(client, name);
  if (!found.length) {
    try {
      const res = await client.get<NetworkSummary>(`/networks/${encodeURIComponent(name)}`);
      if (res.body && (res.body.Name === name || res.body.Id === name)) found = [res.body];
    } catch (err) {
      if (!isBerthError(err, 'notFound')) throw err;
    }
  }
  if (found.length === 1) return found[0]!.Id;
  if (!found.length) throw notFound(`network ${name} declared as external, but could not be found`);
  throw invalidParameter(`multiple networks with name "${name}" were found. Use network ID as \`name\` to avoid ambiguity`);
}

export interface EnsureContext {
  client: EngineClient;
  project: Project;
  progress: Progress;
  warn: (msg: string) => void;
  /** The project's containers; those removed with a diverged network are taken out of it. */
  observed: ContainerSummary[];
  timeout?: number;
}

/** Ensure every network `keys` names exists; returns network key -> ID. */
export async function ensureNetworks(ctx: EnsureContext, keys: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const key of [...keys].sort()) {
    const net = ctx.project.networks[key]!;
    ids[key] = net.external ? await resolveExternalNetwork(ctx.client, net.name) : await ensureManaged(ctx, key, net);
  }
  return ids;
}

async function ensureManaged(ctx: EnsureContext, key: string, net: Network): Promise<string> {
  const { project } = ctx;
  const hash = networkHash(net);
  const existing = await networksNamed(ctx.client, net.name);
  const ours = existing.find((n) => n.Labels?.[LABEL.project] === project.name && n.Labels?.[LABEL.network] === key);
  if (ours) {
    const had = ours.Labels?.[LABEL.configHash];
    if (!had || had === hash) return ours.Id;
    await removeDiverged(ctx, net, ours);
  } else if (existing.length) {
    const owner = existing[0]!.Labels?.[LABEL.project];
    ctx.warn(
      owner
        ? `a network with name ${net.name} exists but was not created for project "${project.name}".\nSet \`external: true\` to use an existing network`
        : `a network with name ${net.name} exists but was not created by compose.\nSet \`external: true\` to use an existing network`,
    );
    return existing[0]!.Id;
  }
  return createNetwork(ctx, key, net, hash);
}

async function createNetwork(ctx: EnsureContext, key: string, net: Network, hash: string): Promise<string> {
  const id = `Network ${net.name}`;
  ctx.progress.working(id, 'Creating');
  try {
    const res = await ctx.client.post<{ Id: string }>('/networks/create', networkCreateBody(key, net, ctx.project.name, hash));
    ctx.progress.done(id, 'Created');
    return res.body.Id;
  } catch (err) {
    if (isBerthError(err, 'conflict')) {
      // A concurrent `up` created it between our list and our create: compose treats that as success.
      ctx.progress.done(id, 'Created');
      const now = await networksNamed(ctx.client, net.name);
      if (now[0]) return now[0].Id;
      return (await ctx.client.get<NetworkSummary>(`/networks/${encodeURIComponent(net.name)}`)).body.Id;
    }
    ctx.progress.error(id, err instanceof Error ? err.message : String(err));
    throw withContext(err, `failed to create network ${net.name}`);
  }
}

/** compose `removeDivergedNetwork`: the project's containers on it go first (they are recreated later). */
async function removeDiverged(ctx: EnsureContext, net: Network, found: NetworkSummary): Promise<void> {
  const attached = ctx.observed.filter((c) => c.NetworkSettings?.Networks && net.name in c.NetworkSettings.Networks);
  for (const c of attached) {
    await stopAndRemove(ctx.client, c, ctx.progress, { timeout: ctx.timeout, silent: true });
    ctx.progress.done(`Container ${displayName(c)}`, 'Removed');
    ctx.observed.splice(ctx.observed.indexOf(c), 1);
  }
  await ctx.client.delete(`/networks/${found.Id}`);
  ctx.progress.done(`Network ${net.name}`, 'Removed');
}
