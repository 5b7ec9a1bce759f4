/**
 * @module table
 * docker's list output (cli/command/formatter/formatter.go): a --format string renders once per item;
 * `table ...` adds a header row, rendered from the same template against the column-name map with
 * docker's HeaderFunctions, and aligns everything with docker's tabwriter; `json` prints each item as
 * one JSON line. Items are "formatter contexts": objects with the fields docker exposes (.ID already
 * truncated, .Names, .Ports, ...) and methods as functions (.Label "key").
 */
import { invalidParameter, isBerthError } from '../../lib/errors.js';
import { HEADER_FUNCS, goMap, parseTemplate, type Template } from './gotemplate.js';
import { tabwriteText } from './tabwriter.js';
import { formatterContext, isFormatterContext } from './values.js';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';
export const RAW_FORMAT_KEY = 'raw';

/** docker's column names for `docker ps` (formatter/container.go NewContainerContext). */
export const CONTAINER_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Labels: 'LABELS', Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Platform: 'PLATFORM', HealthStatus: 'HEALTH STATUS',
};

/** docker's column names for `docker network ls` (network/formatter.go). */
export const NETWORK_HEADERS: Readonly<Record<string, string>> = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL',
  Labels: 'LABELS', CreatedAt: 'CREATED AT',
};

/** docker's column names for `docker images` (formatter/image.go newImageContext). */
export const IMAGE_HEADERS: Readonly<Record<string, string>> = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE',
};

/** docker's column names for `docker volume ls` (formatter/volume.go newVolumeContext). */
export const VOLUME_HEADERS: Readonly<Record<string, string>> = {
  ID: 'ID', Name: 'VOLUME NAME', Group: 'GROUP', Driver: 'DRIVER', Scope: 'SCOPE', Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Status: 'STATUS',
};

/** The Go types docker's errors name for each kind of list item ("can't evaluate field X in type T"). */
export const CONTAINER_CONTEXT_TYPE = '*formatter.ContainerContext';
export const NETWORK_CONTEXT_TYPE = '*network.networkContext';
export const IMAGE_CONTEXT_TYPE = '*formatter.imageContext';
export const VOLUME_CONTEXT_TYPE = '*formatter.volumeContext';

/** docker's default list formats (used for `--format table` and no --format). */
export const DEFAULT_CONTAINER_TABLE_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
export const DEFAULT_NETWORK_TABLE_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
export const DEFAULT_IMAGE_TABLE_FORMAT =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
export const DEFAULT_VOLUME_TABLE_FORMAT = 'table {{.Driver}}\t{{.Name}}';
export const DEFAULT_QUIET_FORMAT = '{{.ID}}';

/** Format.IsTable: the format starts with "table". */
export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_FORMAT_KEY);
}

/**
 * Format.templateString: "json" means `{{json .}}`; a leading "table" is dropped, then spaces (only
 * spaces) are trimmed, and the two-character sequences `\t` and `\n` become a tab and a newline.
 * A bare "table" gives an empty template: callers replace it with their default format first.
 */
export function templateString(format: string): string {
  if (format === TABLE_FORMAT_KEY) return '';
  if (format === JSON_FORMAT_KEY) return '{{json .}}';
  let out = isTableFormat(format) ? format.slice(TABLE_FORMAT_KEY.length) : format;
  out = out.replace(/^ +| +$/g, '');
  return out.replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

export interface FormatListOptions {
  /** The Go type docker's errors name for these items, e.g. `*formatter.ContainerContext`. */
  typeName?: string;
}

function templateError(err: unknown): never {
  if (isBerthError(err, 'invalidParameter')) throw invalidParameter(`template parsing error: ${err.message}`, err);
  throw err;
}

function parseFormat(format: string): Template {
  try {
    return parseTemplate(templateString(format));
  } catch (err) {
    templateError(err);
  }
}

/**
 * Render `items` with a docker --format string, as docker's formatter.Context.Write does. Nothing is
 * returned on an error (docker prints nothing either): the error is an invalidParameter BerthError
 * reading `template parsing error: template: :1:2: executing "" at <.Foo>: ...`.
 */
export function formatList(format: string, items: readonly object[], headers: Readonly<Record<string, string>>, opts: FormatListOptions = {}): string {
  const tmpl = parseFormat(format);
  let rows = '';
  for (const item of items) {
    if (opts.typeName !== undefined || !isFormatterContext(item)) formatterContext(item, opts.typeName);
    try {
      rows += tmpl.execute(item, { strictFields: true }) + '\n';
    } catch (err) {
      templateError(err);
    }
  }
  if (!isTableFormat(format)) return rows;
  return tabwriteText(renderHeader(tmpl, headers) + '\n' + rows);
}

/**
 * The header row: the template run against the column-name map with docker's HeaderFunctions.
 * docker ignores errors here and keeps what was written before the failure.
 */
export function renderHeader(tmpl: Template, headers: Readonly<Record<string, string>>): string {
  try {
    return tmpl.execute(goMap({ ...headers }), { funcs: HEADER_FUNCS });
  } catch (err) {
    const partial = (err as { cause?: { partial?: unknown } }).cause?.partial;
    return typeof partial === 'string' ? partial : '';
  }
}

/** One JSON line per item, as `--format json` prints (sorted keys, docker's MarshalJSON). */
export function formatJSONLines(items: readonly object[], opts: FormatListOptions = {}): string {
  return formatList(JSON_FORMAT_KEY, items, {}, opts);
}
