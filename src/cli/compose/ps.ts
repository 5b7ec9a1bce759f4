/**
 * @module compose/ps
 * `compose ps` (docker/compose `cmd/compose/ps.go`, `cmd/formatter/container.go`): the project's
 * containers sorted by name, as docker's table (`NAME IMAGE COMMAND SERVICE CREATED STATUS
 * PORTS`, tabwriter min width 10, padding 3), as one JSON object per line, or as IDs.
 */
import { humanDuration } from '../../lib/human.js';
import type { EngineClient } from './client.js';
import { displayName, labelOf, projectContainers, type ContainerSummary } from './containers.js';
import { LABEL } from './model.js';
import { displayablePorts } from './ports.js';

export interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  services?: string[];
  format?: string;
  listServices?: boolean;
  noTrunc?: boolean;
  now?: number;
}

export async function ps(client: EngineClient, project: string, opts: PsOptions): Promise<string> {
  let containers = await projectContainers(client, project, { all: !!opts.all });
  if (opts.services?.length) containers = containers.filter((c) => opts.services!.includes(labelOf(c, LABEL.service) ?? ''));
  containers.sort((a, b) => (displayName(a) < displayName(b) ? -1 : displayName(a) > displayName(b) ? 1 : 0));
  if (opts.quiet) return containers.map((c) => `${c.Id}\n`).join('');
  if (opts.listServices) return [...new Set(containers.map((c) => labelOf(c, LABEL.service) ?? ''))].map((s) => `${s}\n`).join('');
  const now = opts.now ?? Date.now();
  const trunc = !opts.noTrunc;
  if (opts.format === 'json') return containers.map((c) => `${JSON.stringify(jsonOf(c, now, trunc))}\n`).join('');
  const header = ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'];
  const rows = containers.map((c) => [
    displayName(c),
    c.Image,
    command(c, trunc),
    labelOf(c, LABEL.service) ?? '',
    runningFor(c, now),
    c.Status,
    displayablePorts(c.Ports ?? []),
  ]);
  return table([header, ...rows]);
}

/** Go's tabwriter as docker's formatter sets it up: min width 10, padding 3, last column unpadded. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(10, ...rows.map((r) => [...(r[col] ?? '')].length + 3)));
  return rows
    .map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell + ' '.repeat(widths[col]! - [...cell].length))).join('') + '\n')
    .join('');
}

/** docker/cli `Ellipsis` then `strconv.Quote`. */
function command(c: ContainerSummary, trunc: boolean): string {
  const runes = [...(c.Command ?? '')];
  const text = trunc && runes.length > 20 ? `${runes.slice(0, 19).join('')}…` : runes.join('');
  return JSON.stringify(text);
}

function runningFor(c: ContainerSummary, now: number): string {
  return `${humanDuration(Math.max(0, now - c.Created * 1000))} ago`;
}

/** The fields of compose's ContainerContext as `--format json` prints them (keys sorted, like Go's map encoding). */
function jsonOf(c: ContainerSummary, now: number, trunc: boolean): Record<string, unknown> {
  const exit = /^Exited \((\d+)\)/.exec(c.Status);
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.Status);
  const labels = c.Labels ?? {};
  return {
    Command: command(c, trunc),
    CreatedAt: goTime(c.Created),
    ExitCode: exit ? Number(exit[1]) : 0,
    Health: health ? health[1]!.replace('health: ', '') : '',
    ID: trunc ? c.Id.slice(0, 12) : c.Id,
    Image: c.Image,
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: '0',
    Mounts: '',
    Name: displayName(c),
    Names: displayName(c),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
    Ports: displayablePorts(c.Ports ?? []),
    Project: labels[LABEL.project] ?? '',
    Publishers: [...(c.Ports ?? [])]
      .sort((a, b) => a.PrivatePort - b.PrivatePort)
      .map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
    RunningFor: runningFor(c, now),
    Service: labels[LABEL.service] ?? '',
    Size: '',
    State: c.State,
    Status: c.Status,
  };
}

/** Go's `time.Time.String()` for a Unix time, in UTC. */
function goTime(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}
