/**
 * @module cli/commands/container/ps
 * `berth ps` / `berth container ls` (docker/cli container/list.go, formatter/container.go): GET
 * /containers/json, one docker ContainerContext per container, rendered with docker's formats.
 */
import { StatusError, FORMAT_HELP, boolFlag, filterFlag, headersWithLabel, intFlag, stringFlag, type Command } from '../../command.js';
import {
  containerSize, ellipsis, formatCommand, formatLabels, formatNames, formatPorts, goUnixTimeString, runningFor, truncateId, type PortSummary,
} from '../../format/display.js';
import { formatterContext, parseTemplate } from '../../format/gotemplate.js';
import { CONTAINER_CONTEXT_TYPE, CONTAINER_HEADERS, DEFAULT_CONTAINER_TABLE_FORMAT, DEFAULT_QUIET_FORMAT, formatList } from '../../format/table.js';
import { isBerthError } from '../../../lib/errors.js';
import { filtersJson, parseFilters } from '../../opts/filters.js';
import { familiarString, parseNormalizedNamed } from '../../opts/reference.js';

/** The fields of GET /containers/json that docker's ContainerContext reads. */
export interface ContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  Ports?: PortSummary[] | null;
  SizeRw?: number;
  SizeRootFs?: number;
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Mounts?: Array<{ Name?: string; Source?: string; Driver?: string }> | null;
}

/** ContainerContext.Image: the image as given, shortened to a familiar name:tag when truncating. */
function imageColumn(c: ContainerSummary, trunc: boolean): string {
  const image = c.Image ?? '';
  if (image === '') return '<no image>';
  if (!trunc) return image;
  if (truncateId(c.ImageID ?? '') === truncateId(image)) return truncateId(image);
  try {
    const ref = parseNormalizedNamed(image);
    return familiarString({ domain: ref.domain, path: ref.path, ...(ref.tag !== undefined ? { tag: ref.tag } : {}) });
  } catch {
    return image;
  }
}

/** docker's ContainerContext: fields docker exposes, computed once per container. */
export function containerContext(c: ContainerSummary, trunc: boolean, now = Date.now()): object {
  const labels = c.Labels ?? {};
  return {
    ID: trunc ? truncateId(c.Id) : c.Id,
    Names: formatNames(c.Names ?? [], trunc),
    Image: imageColumn(c, trunc),
    Command: formatCommand(c.Command ?? '', trunc),
    CreatedAt: goUnixTimeString(c.Created ?? 0),
    RunningFor: runningFor((c.Created ?? 0) * 1000, now),
    Platform: null,
    Ports: formatPorts(c.Ports ?? []),
    State: c.State ?? '',
    Status: c.Status ?? '',
    Size: containerSize(c.SizeRw ?? 0, c.SizeRootFs ?? 0),
    Labels: formatLabels(labels),
    Label: (name: string) => labels[name] ?? '',
    Mounts: (c.Mounts ?? []).map((m) => (trunc ? ellipsis(m.Name || m.Source || '', 15) : m.Name || m.Source || '')).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
  };
}

/** NewContainerFormat. */
function containerFormat(format: string, quiet: boolean, size: boolean): string {
  if (format === '' || format === 'table') return quiet ? DEFAULT_QUIET_FORMAT : DEFAULT_CONTAINER_TABLE_FORMAT + (size ? '\\t{{.Size}}' : '');
  if (format === 'raw') {
    if (quiet) return 'container_id: {{.ID}}';
    return (
      'container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\n' +
      'status: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\n' +
      (size ? 'size: {{.Size}}\\n' : '')
    );
  }
  return quiet ? DEFAULT_QUIET_FORMAT : format;
}

/** docker turns on --size when the template reads .Size (or prints everything with json). */
const templateUsesSize = (format: string) => /\.Size\b/.test(format) || /\bjson\s+\.\s*}}/.test(format);

/** docker checks a --format before listing: parsed, then run against an empty container. */
function validateFormat(format: string): void {
  let tmpl;
  try {
    tmpl = parseTemplate(format);
  } catch (err) {
    throw new StatusError(1, `failed to parse template: ${(err as Error).message}`);
  }
  try {
    tmpl.execute(formatterContext(containerContext({ Id: '' }, true), CONTAINER_CONTEXT_TYPE), { strictFields: true });
  } catch (err) {
    throw new StatusError(1, `failed to execute template: ${(err as Error).message}`);
  }
}

export const psCommand: Command = {
  name: 'ps',
  use: '[OPTIONS]',
  short: 'List containers',
  aliasesText: 'berth container ls, berth container list, berth container ps, berth ps',
  flags: [
    boolFlag('quiet', 'q', 'Only display container IDs'),
    boolFlag('size', 's', 'Display total file sizes'),
    boolFlag('all', 'a', 'Show all containers (default shows just running)'),
    boolFlag('no-trunc', undefined, "Don't truncate output"),
    boolFlag('latest', 'l', 'Show the latest created container (includes all states)'),
    intFlag('last', 'n', 'Show n last created containers (includes all states)', { value: -1 }),
    stringFlag('format', undefined, FORMAT_HELP),
    filterFlag('filter', 'f', 'Filter output based on conditions provided'),
  ],
  args: { none: true },
  async run(ctx, p) {
    const format = p.string('format');
    const quiet = p.bool('quiet');
    if (format && quiet) ctx.err('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
    if (format) validateFormat(format);
    let limit = p.int('last');
    if (p.bool('latest') && limit === -1) limit = 1;
    const size = p.bool('size') || (!quiet && !p.changed('size') && format !== '' && templateUsesSize(format));
    const list = await ctx.client().get<ContainerSummary[]>('/containers/json', {
      all: p.bool('all') || undefined,
      limit: limit > 0 ? limit : undefined,
      size: size || undefined,
      filters: filtersJson(parseFilters(p.list('filter'))),
    });
    const now = Date.now();
    const items = list.map((c) => containerContext(c, !p.bool('no-trunc'), now));
    try {
      ctx.out(formatList(containerFormat(format, quiet, size), items, headersWithLabel(CONTAINER_HEADERS), { typeName: CONTAINER_CONTEXT_TYPE }));
    } catch (err) {
      if (isBerthError(err)) throw new StatusError(1, err.message);
      throw err;
    }
  },
};
