/**
 * @module cli/commands/network
 * `berth network ...` (docker/cli cli/command/network/*.go, docker 28): create (with docker's
 * client-side IPAM consolidation and messages), ls, inspect, rm, prune, connect, disconnect.
 */
import { isBerthError } from '../../lib/errors.js';
import { DaemonError } from '../client.js';
import {
  FORMAT_HELP, INSPECT_FORMAT_HELP, StatusError, boolFlag, filterFlag, headersWithLabel, intFlag, listFlag, mapFlag, stringFlag, stringsFlag, type Command,
} from '../command.js';
import { formatLabels, goTimeString, truncateId } from '../format/display.js';
import { DEFAULT_NETWORK_TABLE_FORMAT, DEFAULT_QUIET_FORMAT, NETWORK_CONTEXT_TYPE, NETWORK_HEADERS, formatList } from '../format/table.js';
import { getRaw, inspectAll } from '../inspect.js';
import { filtersJson, parseFilters } from '../opts/filters.js';
import { kvToMap, validateLabel, validateLink } from '../opts/kv.js';
import { createIpamConfig, type IpamConfig } from '../opts/ipam.js';
import { emptyEndpoint, ipamConfig } from '../opts/network.js';
import { naturalCompare } from '../sort.js';
import { confirm } from '../prompt.js';

// --- create -----------------------------------------------------------------------------------

const sortedMap = (m: Map<string, string>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

const createCommand: Command = {
  name: 'create',
  use: '[OPTIONS] NETWORK',
  short: 'Create a network',
  flags: [
    stringFlag('driver', 'd', 'Driver to manage the Network', { value: 'bridge' }),
    mapFlag('opt', 'o', 'Set driver specific options'),
    listFlag('label', undefined, 'Set metadata on a network', { validate: validateLabel }),
    boolFlag('internal', undefined, 'Restrict external access to the network'),
    boolFlag('ipv4', undefined, 'Enable or disable IPv4 address assignment', { value: true }),
    boolFlag('ipv6', undefined, 'Enable or disable IPv6 address assignment'),
    boolFlag('attachable', undefined, 'Enable manual container attachment'),
    boolFlag('ingress', undefined, 'Create swarm routing-mesh network'),
    stringFlag('scope', undefined, "Control the network's scope"),
    boolFlag('config-only', undefined, 'Create a configuration only network'),
    stringFlag('config-from', undefined, 'The network from which to copy the configuration'),
    stringFlag('ipam-driver', undefined, 'IP Address Management Driver', { value: 'default' }),
    stringsFlag('subnet', undefined, 'Subnet in CIDR format that represents a network segment'),
    stringsFlag('ip-range', undefined, 'Allocate container ip from a sub-range'),
    stringsFlag('gateway', undefined, 'IPv4 or IPv6 Gateway for the master subnet'),
    mapFlag('aux-address', undefined, 'Auxiliary IPv4 or IPv6 addresses used by Network driver'),
    mapFlag('ipam-opt', undefined, 'Set IPAM driver specific options'),
  ],
  args: { exact: 1 },
  async run(ctx, p) {
    let config: IpamConfig[];
    try {
      config = createIpamConfig(p.list('subnet'), p.list('ip-range'), p.list('gateway'), p.map('aux-address'));
    } catch (err) {
      throw new StatusError(1, (err as Error).message);
    }
    const body = {
      Driver: p.string('driver'),
      Scope: p.string('scope'),
      ...(p.changed('ipv4') ? { EnableIPv4: p.bool('ipv4') } : {}),
      ...(p.changed('ipv6') ? { EnableIPv6: p.bool('ipv6') } : {}),
      IPAM: { Driver: p.string('ipam-driver'), Options: sortedMap(p.map('ipam-opt')), Config: config },
      Internal: p.bool('internal'),
      Attachable: p.bool('attachable'),
      Ingress: p.bool('ingress'),
      ConfigOnly: p.bool('config-only'),
      ConfigFrom: p.string('config-from') ? { Network: p.string('config-from') } : null,
      Options: sortedMap(p.map('opt')),
      Labels: Object.fromEntries(Object.entries(kvToMap(p.list('label'))).sort(([a], [b]) => (a < b ? -1 : 1))),
      Name: p.args[0],
    };
    const res = await ctx.client().post<{ Id: string; Warning?: string }>('/networks/create', { json: body });
    if (res.Warning) ctx.err(`WARNING: ${res.Warning}\n`);
    ctx.out(`${res.Id}\n`);
  },
};

// --- ls ---------------------------------------------------------------------------------------

interface NetworkSummary {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
  Created?: string;
}

/** docker's networkContext. */
export function networkContext(n: NetworkSummary, trunc: boolean): object {
  const labels = n.Labels ?? {};
  return {
    ID: trunc ? truncateId(n.Id) : n.Id,
    Name: n.Name,
    Driver: n.Driver ?? '',
    Scope: n.Scope ?? '',
    IPv4: String(n.EnableIPv4 ?? false),
    IPv6: String(n.EnableIPv6 ?? false),
    Internal: String(n.Internal ?? false),
    Labels: formatLabels(labels),
    Label: (name: string) => labels[name] ?? '',
    CreatedAt: n.Created ? goTimeString(n.Created) : '0001-01-01 00:00:00 +0000 UTC',
  };
}

const lsCommand: Command = {
  name: 'ls',
  aliases: ['list'],
  use: '[OPTIONS]',
  short: 'List networks',
  flags: [
    boolFlag('quiet', 'q', 'Only display network IDs'),
    boolFlag('no-trunc', undefined, 'Do not truncate the output'),
    stringFlag('format', undefined, FORMAT_HELP),
    filterFlag('filter', 'f', 'Provide filter values (e.g. "driver=bridge")'),
  ],
  args: { none: true },
  async run(ctx, p) {
    const list = await ctx.client().get<NetworkSummary[]>('/networks', { filters: filtersJson(parseFilters(p.list('filter'))) });
    list.sort((a, b) => naturalCompare(a.Name, b.Name));
    let format = p.string('format');
    if (format === '' || format === 'table') format = p.bool('quiet') ? DEFAULT_QUIET_FORMAT : DEFAULT_NETWORK_TABLE_FORMAT;
    else if (p.bool('quiet')) format = DEFAULT_QUIET_FORMAT;
    const items = list.map((n) => networkContext(n, !p.bool('no-trunc')));
    try {
      ctx.out(formatList(format, items, headersWithLabel(NETWORK_HEADERS), { typeName: NETWORK_CONTEXT_TYPE }));
    } catch (err) {
      if (isBerthError(err)) throw new StatusError(1, err.message);
      throw err;
    }
  },
};

// --- inspect, rm, prune -------------------------------------------------------------------------

const inspectCommand: Command = {
  name: 'inspect',
  use: '[OPTIONS] NETWORK [NETWORK...]',
  short: 'Display detailed information on one or more networks',
  flags: [stringFlag('format', 'f', INSPECT_FORMAT_HELP), boolFlag('verbose', 'v', 'Verbose output for diagnostics')],
  args: { min: 1 },
  async run(ctx, p) {
    const verbose = p.bool('verbose') || undefined;
    await inspectAll(ctx, p.args, p.string('format'), (ref) => getRaw(ctx, `/networks/${ref}`, { verbose }));
  },
};

const rmCommand: Command = {
  name: 'rm',
  aliases: ['remove'],
  use: 'NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  flags: [boolFlag('force', 'f', 'Do not error if the network does not exist')],
  args: { min: 1 },
  async run(ctx, p) {
    let status = 0;
    for (const name of p.args) {
      try {
        await ctx.client().request('DELETE', `/networks/${name}`);
        ctx.out(`${name}\n`);
      } catch (err) {
        if (p.bool('force') && err instanceof DaemonError && err.notFound) continue;
        ctx.err(`${(err as Error).message}\n`);
        status = 1;
      }
    }
    if (status !== 0) throw new StatusError(status, `exit status ${status}`);
  },
};

const PRUNE_WARNING = `WARNING! This will remove all custom networks not used by at least one container.
Are you sure you want to continue?`;

const pruneCommand: Command = {
  name: 'prune',
  use: '[OPTIONS]',
  short: 'Remove all unused networks',
  flags: [filterFlag('filter', undefined, 'Provide filter values (e.g. "until=<timestamp>")'), boolFlag('force', 'f', 'Do not prompt for confirmation')],
  args: { none: true },
  async run(ctx, p) {
    if (!p.bool('force') && !(await confirm(ctx, PRUNE_WARNING))) return;
    const report = await ctx.client().post<{ NetworksDeleted?: string[] | null }>('/networks/prune', {
      query: { filters: filtersJson(parseFilters(p.list('filter'))) },
    });
    const deleted = report.NetworksDeleted ?? [];
    if (deleted.length) ctx.out(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}\n`);
  },
};

// --- connect, disconnect -------------------------------------------------------------------------

function driverOpts(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const opt of values) {
    const eq = opt.indexOf('=');
    const key = (eq < 0 ? opt : opt.slice(0, eq)).trim();
    if (eq < 0 || key === '') throw new StatusError(1, 'invalid key/value pair format in driver options');
    out[key] = opt.slice(eq + 1).trim();
  }
  return out;
}

const connectCommand: Command = {
  name: 'connect',
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  flags: [
    stringFlag('ip', undefined, 'IPv4 address (e.g., "172.30.100.104")'),
    stringFlag('ip6', undefined, 'IPv6 address (e.g., "2001:db8::33")'),
    listFlag('link', undefined, 'Add link to another container', { validate: validateLink }),
    stringsFlag('alias', undefined, 'Add network-scoped alias for the container'),
    stringsFlag('link-local-ip', undefined, 'Add a link-local address for the container'),
    stringsFlag('driver-opt', undefined, 'driver options for the network'),
    intFlag('gw-priority', undefined, 'Highest gw-priority provides the default gateway. Accepts positive and negative values.'),
  ],
  args: { exact: 2 },
  async run(ctx, p) {
    const [network, container] = p.args as [string, string];
    const opts = driverOpts(p.list('driver-opt'));
    const endpoint = {
      ...emptyEndpoint(),
      IPAMConfig: ipamConfig(p.string('ip'), p.string('ip6'), p.list('link-local-ip')),
      Links: p.list('link').length ? p.list('link') : null,
      Aliases: p.list('alias'),
      DriverOpts: opts,
      GwPriority: p.int('gw-priority'),
    };
    await ctx.client().request('POST', `/networks/${network}/connect`, { json: { Container: container, EndpointConfig: endpoint } });
  },
};

const disconnectCommand: Command = {
  name: 'disconnect',
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  flags: [boolFlag('force', 'f', 'Force the container to disconnect from a network')],
  args: { exact: 2 },
  async run(ctx, p) {
    const [network, container] = p.args as [string, string];
    await ctx.client().request('POST', `/networks/${network}/disconnect`, { json: { Container: container, Force: p.bool('force') } });
  },
};

export const networkCommand: Command = {
  name: 'network',
  short: 'Manage networks',
  commands: [connectCommand, createCommand, disconnectCommand, inspectCommand, lsCommand, pruneCommand, rmCommand],
};
