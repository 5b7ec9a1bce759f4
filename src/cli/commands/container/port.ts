/**
 * @module cli/commands/container/port
 * `berth port` (docker/cli container/port.go) and `berth top` (top.go).
 */
import { StatusError, type Command } from '../../command.js';
import { tabwrite } from '../../format/tabwriter.js';
import { naturalCompare } from '../../sort.js';

interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** net.JoinHostPort. */
const joinHostPort = (host: string, port: string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const portCommand: Command = {
  name: 'port',
  use: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  aliasesText: 'berth container port, berth port',
  args: { min: 1, max: 2 },
  async run(ctx, p) {
    const [container, wanted] = p.args as [string, string?];
    const c = await ctx.client().get<{ NetworkSettings?: { Ports?: Record<string, PortBinding[] | null> | null } }>(`/containers/${container}/json`);
    const ports = c.NetworkSettings?.Ports ?? {};
    const out: string[] = [];
    if (wanted !== undefined) {
      const slash = wanted.indexOf('/');
      const port = slash < 0 ? wanted : wanted.slice(0, slash);
      const proto = slash < 0 || wanted.slice(slash + 1) === '' ? 'tcp' : wanted.slice(slash + 1);
      if (!/^\d+$/.test(port) || Number(port) > 65535) {
        const why = /^\d+$/.test(port) ? 'value out of range' : 'invalid syntax';
        throw new StatusError(1, `Error: invalid port (${port}): strconv.ParseUint: parsing ${JSON.stringify(port)}: ${why}`);
      }
      const frontends = ports[`${port}/${proto}`];
      if (!frontends || frontends.length === 0) throw new StatusError(1, `Error: No public port '${wanted}' published for ${container}`);
      for (const f of frontends) out.push(joinHostPort(f.HostIp, f.HostPort));
    } else {
      for (const [from, frontends] of Object.entries(ports)) {
        for (const f of frontends ?? []) out.push(`${from} -> ${joinHostPort(f.HostIp, f.HostPort)}`);
      }
    }
    if (out.length) ctx.out(`${out.sort(naturalCompare).join('\n')}\n`);
  },
};

export const topCommand: Command = {
  name: 'top',
  use: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  aliasesText: 'berth container top, berth top',
  args: { min: 1 },
  interspersed: false,
  async run(ctx, p) {
    const [container, ...psArgs] = p.args as [string, ...string[]];
    const top = await ctx.client().get<{ Titles: string[]; Processes: string[][] }>(`/containers/${container}/top`, {
      ps_args: psArgs.length ? psArgs.join(' ') : undefined,
    });
    ctx.out(tabwrite([top.Titles, ...top.Processes], { minwidth: 20, tabwidth: 1, padding: 3, padchar: ' ' }));
  },
};
