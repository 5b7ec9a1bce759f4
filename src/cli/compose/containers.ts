/**
 * @module compose/containers
 * The project's containers as the daemon lists them (compose `getContainers` with
 * `getDefaultFilters`), and compose's stop-then-remove of one container with its progress events.
 */
import { isBerthError } from '../../lib/errors.js';
import { filtersParam, type EngineClient } from './client.js';
import { LABEL } from './model.js';
import type { PortSummary } from './ports.js';
import type { Progress } from './progress.js';

/** One item of `GET /containers/json`, the fields compose reads. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
  Ports?: PortSummary[] | null;
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string } | null> | null } | null;
}

/** Inspect fields compose waits on. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } | null };
}

/** `/name` -> `name` (compose `getCanonicalContainerName` for containers without legacy link names). */
export function displayName(c: ContainerSummary): string {
  const names = c.Names ?? [];
  const plain = names.find((n) => n.split('/').length === 2) ?? names[0] ?? c.Id.slice(0, 12);
  return plain.replace(/^\//, '');
}

export const labelOf = (c: ContainerSummary, label: string): string | undefined => c.Labels?.[label];

/** The project's service containers (one-off `run` containers excluded unless `oneoff`). */
export async function projectContainers(
  client: EngineClient,
  project: string,
  opts: { all: boolean; includeOneoff?: boolean; service?: string },
): Promise<ContainerSummary[]> {
  const labels = [`${LABEL.project}=${project}`, LABEL.configHash];
  if (opts.service) labels.push(`${LABEL.service}=${opts.service}`);
  if (!opts.includeOneoff) labels.push(`${LABEL.oneoff}=False`);
  const res = await client.get<ContainerSummary[]>('/containers/json', { all: opts.all, filters: filtersParam({ label: labels }) });
  return res.body ?? [];
}

/** compose `stopAndRemoveContainer`: stop (gone is fine), then force-remove (gone or in removal is fine). */
export async function stopAndRemove(
  client: EngineClient,
  c: ContainerSummary,
  progress: Progress,
  opts: { timeout?: number; volumes?: boolean; silent?: boolean } = {},
): Promise<void> {
  const id = `Container ${displayName(c)}`;
  const quiet = !!opts.silent;
  if (!quiet) progress.working(id, 'Stopping');
  try {
    await client.post(`/containers/${c.Id}/stop`, undefined, { t: opts.timeout });
  } catch (err) {
    if (isBerthError(err, 'notFound')) {
      if (!quiet) progress.done(id, 'Removed');
      return;
    }
    progress.error(id, 'Error while Stopping');
    throw err;
  }
  if (!quiet) progress.working(id, 'Removing');
  try {
    await client.delete(`/containers/${c.Id}`, { force: true, v: opts.volumes || undefined });
  } catch (err) {
    if (!isBerthError(err, 'notFound') && !isBerthError(err, 'conflict')) {
      progress.error(id, 'Error while Removing');
      throw err;
    }
  }
  if (!quiet) progress.done(id, 'Removed');
}
