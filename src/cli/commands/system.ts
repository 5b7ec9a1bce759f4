/**
 * @module cli/commands/system
 * `berth version`, `berth info` and the generic `berth inspect` (docker/cli cli/command/system).
 */
import { arch as osArch } from 'node:os';
import { isBerthError } from '../../lib/errors.js';
import { CLIENT_API_VERSION, DaemonError } from '../client.js';
import { INSPECT_FORMAT_HELP, StatusError, boolFlag, stringFlag, type Command, type Context } from '../command.js';
import { bytesSize } from '../format/display.js';
import { def } from '../format/funcs.js';
import { parseTemplate, type Template } from '../format/gotemplate.js';
import { tabwriteText } from '../format/tabwriter.js';
import { getRaw, inspectAll, type InspectedObject } from '../inspect.js';
import { cliVersion } from '../version.js';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

const VERSION_TEMPLATE = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:\t{{.GoVersion}}
 Git commit:\t{{.GitCommit}}
 Built:\t{{.BuildTime}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:\t{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

interface ServerVersion {
  Platform?: { Name?: string };
  Components?: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

/** The version data with Go's field names (APIVersion), as templates see it. */
function versionData(clientApi: string, server: ServerVersion | undefined): Record<string, unknown> {
  const client = {
    Platform: null,
    Version: cliVersion(),
    APIVersion: clientApi,
    DefaultAPIVersion: CLIENT_API_VERSION,
    GitCommit: '',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: GOARCH[osArch()] ?? osArch(),
    BuildTime: '',
    Context: 'default',
  };
  if (!server) return { Client: client, Server: null };
  const { ApiVersion, ...rest } = server;
  const components = server.Components?.length
    ? server.Components.map((c) => ({ Name: c.Name, Version: c.Version, Details: c.Details ?? {} }))
    : [
        {
          Name: 'Engine',
          Version: server.Version ?? '',
          Details: {
            ApiVersion: ApiVersion ?? '', MinAPIVersion: server.MinAPIVersion ?? '', GitCommit: server.GitCommit ?? '', GoVersion: server.GoVersion ?? '',
            Os: server.Os ?? '', Arch: server.Arch ?? '', BuildTime: server.BuildTime ?? '', Experimental: String(server.Experimental ?? false),
          },
        },
      ];
  return { Client: client, Server: { ...rest, Platform: { Name: server.Platform?.Name ?? '' }, Components: components, APIVersion: ApiVersion ?? '' } };
}

/** `--format json` prints the JSON names (ApiVersion), not the Go field names. */
function versionJson(data: Record<string, unknown>): string {
  const rename = (o: unknown): unknown => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'Platform' && v === null) continue;
      out[k === 'APIVersion' ? 'ApiVersion' : k] = k === 'Components' ? v : rename(v);
    }
    return out;
  };
  return JSON.stringify(rename(data));
}

function versionTemplate(format: string): Template | 'json' {
  if (format === 'json') return 'json';
  try {
    return parseTemplate(format || VERSION_TEMPLATE, {
      funcs: { getDetailsOrder: def(['any'], (c: { Details?: Record<string, string> }) => Object.keys(c?.Details ?? {}).sort()) },
    });
  } catch (err) {
    if (isBerthError(err)) throw new StatusError(64, `template parsing error: ${err.message}`);
    throw err;
  }
}

export const versionCommand: Command = {
  name: 'version',
  use: '[OPTIONS]',
  short: 'Show the berth version information',
  flags: [stringFlag('format', 'f', INSPECT_FORMAT_HELP)],
  args: { none: true },
  async run(ctx, p) {
    const tmpl = versionTemplate(p.string('format'));
    const client = ctx.client();
    let server: ServerVersion | undefined;
    let failure: unknown;
    let api = CLIENT_API_VERSION;
    try {
      api = await client.apiVersion();
      server = await client.get<ServerVersion>('/version');
    } catch (err) {
      failure = err;
    }
    const data = versionData(api, server);
    let text: string;
    try {
      text = tmpl === 'json' ? versionJson(data) : tmpl.execute(data);
    } catch (err) {
      if (!failure) throw new StatusError(1, `template: ${(err as Error).message}`);
      text = '';
    }
    ctx.out(tabwriteText(text + '\n', { minwidth: 20, tabwidth: 1, padding: 1, padchar: ' ' }));
    if (failure) throw failure;
  },
};

// --- info -------------------------------------------------------------------------------------

type Info = Record<string, unknown> & {
  Containers?: number; ContainersRunning?: number; ContainersPaused?: number; ContainersStopped?: number; Images?: number;
  ServerVersion?: string; Driver?: string; LoggingDriver?: string; CgroupDriver?: string; CgroupVersion?: string;
  KernelVersion?: string; OperatingSystem?: string; OSType?: string; Architecture?: string; NCPU?: number; MemTotal?: number;
  Name?: string; ID?: string; DockerRootDir?: string; Debug?: boolean; ExperimentalBuild?: boolean; LiveRestoreEnabled?: boolean;
  Plugins?: { Network?: string[] | null } | null; Warnings?: string[] | null;
};

function infoText(info: Info): string {
  const line = (indent: number, key: string, value: unknown) => `${' '.repeat(indent)}${key}: ${value ?? ''}\n`;
  let out = 'Server:\n';
  out += line(1, 'Containers', info.Containers);
  out += line(2, 'Running', info.ContainersRunning);
  out += line(2, 'Paused', info.ContainersPaused);
  out += line(2, 'Stopped', info.ContainersStopped);
  out += line(1, 'Images', info.Images);
  out += line(1, 'Server Version', info.ServerVersion);
  out += line(1, 'Storage Driver', info.Driver);
  out += line(1, 'Logging Driver', info.LoggingDriver);
  out += line(1, 'Cgroup Driver', info.CgroupDriver);
  out += line(1, 'Cgroup Version', info.CgroupVersion);
  out += ' Plugins:\n';
  out += line(2, 'Network', (info.Plugins?.Network ?? []).join(' '));
  out += line(1, 'Kernel Version', info.KernelVersion);
  out += line(1, 'Operating System', info.OperatingSystem);
  out += line(1, 'OSType', info.OSType);
  out += line(1, 'Architecture', info.Architecture);
  out += line(1, 'CPUs', info.NCPU);
  out += line(1, 'Total Memory', bytesSize(info.MemTotal ?? 0));
  out += line(1, 'Name', info.Name);
  out += line(1, 'ID', info.ID);
  out += line(1, 'Docker Root Dir', info.DockerRootDir);
  out += line(1, 'Debug Mode', info.Debug ?? false);
  out += line(1, 'Experimental', info.ExperimentalBuild ?? false);
  out += line(1, 'Live Restore Enabled', info.LiveRestoreEnabled ?? false);
  return out;
}

export const infoCommand: Command = {
  name: 'info',
  use: '[OPTIONS]',
  short: 'Display system-wide information',
  aliasesText: 'berth system info, berth info',
  flags: [stringFlag('format', 'f', INSPECT_FORMAT_HELP)],
  args: { none: true },
  async run(ctx, p) {
    const format = p.string('format');
    if (format) {
      const tmpl = format === 'json' ? undefined : versionTemplateFor(format);
      const info = await ctx.client().get<Info>('/info');
      ctx.out(`${tmpl ? tmpl.execute(info) : JSON.stringify(info)}\n`);
      return;
    }
    ctx.out(`Client:\n Version:    ${cliVersion()}\n Context:    default\n Debug Mode: false\n\n`);
    let info: Info;
    try {
      info = await ctx.client().get<Info>('/info');
    } catch (err) {
      ctx.out(`Server:\nERROR: ${(err as Error).message}\n`);
      throw new StatusError(1, 'errors pretty printing info');
    }
    ctx.out(infoText(info));
    for (const w of info.Warnings ?? []) ctx.err(`${w}\n`);
  },
};

function versionTemplateFor(format: string): Template {
  try {
    return parseTemplate(format);
  } catch (err) {
    if (isBerthError(err)) throw new StatusError(64, `template parsing error: ${err.message}`);
    throw err;
  }
}

// --- inspect ----------------------------------------------------------------------------------

const TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];
const allTypes = () => TYPES.map((t) => `"${t}"`).join(', ');

/** docker's isErrSkippable: try the next kind of object. */
const skippable = (err: unknown) =>
  (err instanceof DaemonError && err.notFound) || /not supported|invalid reference format/.test((err as Error).message ?? '');

function inspectAny(ctx: Context, type: string, size: boolean): (ref: string) => Promise<InspectedObject> {
  const kinds: Array<[string, (ref: string) => Promise<InspectedObject>]> = [
    ['container', (ref) => getRaw(ctx, `/containers/${ref}/json`, { size: size || undefined })],
    ['image', (ref) => getRaw(ctx, `/images/${ref}/json`)],
    ['network', (ref) => getRaw(ctx, `/networks/${ref}`)],
  ];
  return async (ref) => {
    for (const [kind, get] of kinds) {
      if (type !== '' && kind !== type) continue;
      try {
        const obj = await get(ref);
        if (size && kind !== 'container') ctx.err(`WARNING: --size ignored for ${kind}\n`);
        return obj;
      } catch (err) {
        if (type === '' && skippable(err)) continue;
        throw err;
      }
    }
    if (type !== '' && !['container', 'image', 'network'].includes(type)) throw new Error(`berth has no ${type} objects`);
    throw new Error(`Error: No such object: ${ref}`);
  };
}

export const inspectCommand: Command = {
  name: 'inspect',
  use: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on berth objects',
  flags: [
    stringFlag('format', 'f', INSPECT_FORMAT_HELP),
    stringFlag('type', undefined, 'Only inspect objects of the given type'),
    boolFlag('size', 's', 'Display total file sizes if the type is container'),
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const type = p.string('type');
    if (p.changed('type') && type === '') throw new StatusError(1, `type is empty: must be one of ${allTypes()}`);
    if (type !== '' && !TYPES.includes(type)) throw new StatusError(1, `unknown type: ${JSON.stringify(type)}: must be one of ${allTypes()}`);
    await inspectAll(ctx, p.args, p.string('format'), inspectAny(ctx, type, p.bool('size')));
  },
};

export const containerInspectCommand: Command = {
  name: 'inspect',
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Display detailed information on one or more containers',
  flags: [stringFlag('format', 'f', INSPECT_FORMAT_HELP), boolFlag('size', 's', 'Display total file sizes')],
  args: { min: 1 },
  async run(ctx, p) {
    const size = p.bool('size') || undefined;
    await inspectAll(ctx, p.args, p.string('format'), (ref) => getRaw(ctx, `/containers/${ref}/json`, { size }));
  },
};

export const systemCommand: Command = {
  name: 'system',
  short: 'Manage berth',
  commands: [{ ...infoCommand }],
};
