/**
 * @module compose/convert
 * A service into the `POST /containers/create` body compose sends (`getCreateConfigs`,
 * `defaultNetworkSettings`, `createEndpointSettings`, `getLinks`), and the config hashes that
 * decide whether an existing container or network still matches the model.
 */
import { createHash } from 'node:crypto';
import { COMPOSE_VERSION, LABEL, SEPARATOR, containerName, networksByPriority, type Network, type Project, type Service } from './model.js';
import { versionLess } from './client.js';
import { exposedPorts } from './ports.js';
import { durationSeconds } from './values.js';

export interface EndpointSettings {
  Aliases?: string[];
  Links?: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  MacAddress?: string;
  DriverOpts?: Record<string, string>;
  GwPriority?: number;
}

export interface ContainerCreateBody {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty: boolean;
  OpenStdin: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Env?: string[];
  Image: string;
  WorkingDir?: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  HostConfig: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointSettings> };
}

export interface CreatePlan {
  name: string;
  body: ContainerCreateBody;
  /** Networks to connect after create, for daemons older than API 1.44 (one network per create). */
  connect: Array<{ network: string; endpoint: EndpointSettings }>;
  hash: string;
}

export interface ConvertContext {
  project: Project;
  /** Network key -> config hash, for the hash of the services on it. */
  networkHashes: Record<string, string>;
  /** `network_mode: service:x` resolved to the container of x. */
  serviceContainerId?: (service: string) => string | undefined;
  /** The daemon's API version: below 1.44 only the first network goes into the create. */
  apiVersion: string;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A network's config hash (compose `NetworkHash` stands in the same place). */
export function networkHash(net: Network): string {
  return sha256(net);
}

export function createPlan(service: Service, ctx: ConvertContext): CreatePlan {
  const { project } = ctx;
  const name = containerName(project, service);
  const links = linksOf(project, service);
  const { networkMode, endpoints } = networkSettings(service, ctx, links);
  const body: ContainerCreateBody = {
    ...(service.hostname ? { Hostname: service.hostname } : {}),
    ...(service.domainname ? { Domainname: service.domainname } : {}),
    ...(service.user ? { User: service.user } : {}),
    Tty: !!service.tty,
    OpenStdin: !!service.stdin_open,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Image: service.image!,
    Labels: { ...(service.labels ?? {}) },
    HostConfig: hostConfig(service, networkMode, links),
  };
  const exposed = [...(service.ports ?? []).map((p) => `${p.target}/${p.protocol}`), ...exposedPorts(service.expose ?? [])];
  if (exposed.length) body.ExposedPorts = Object.fromEntries([...new Set(exposed)].sort().map((p) => [p, {}]));
  if (service.command !== undefined) body.Cmd = service.command;
  if (service.entrypoint !== undefined) body.Entrypoint = service.entrypoint;
  const env = Object.entries(service.environment ?? {}).map(([k, v]) => (v === null ? k : `${k}=${v}`));
  if (env.length) body.Env = env;
  if (service.working_dir) body.WorkingDir = service.working_dir;
  if (service.stop_signal) body.StopSignal = service.stop_signal;
  const grace = service.stop_grace_period ? durationSeconds(service.stop_grace_period) : undefined;
  if (grace !== undefined) body.StopTimeout = grace;
  const primary = Object.keys(endpoints)[0];
  const connect: CreatePlan['connect'] = [];
  if (primary !== undefined) {
    const oneAtATime = versionLess(ctx.apiVersion, '1.44');
    body.NetworkingConfig = { EndpointsConfig: oneAtATime ? { [primary]: endpoints[primary]! } : endpoints };
    if (oneAtATime) for (const [network, endpoint] of Object.entries(endpoints).slice(1)) connect.push({ network, endpoint });
  }
  const usedNetworks = Object.keys(service.networks ?? {}).sort().map((k) => [k, ctx.networkHashes[k] ?? '']);
  const hash = sha256({ body, endpoints, usedNetworks });
  Object.assign(body.Labels, composeLabels(project, service, hash));
  return { name, body, connect, hash };
}

/** compose's CustomLabels plus config-hash, container-number and depends_on. */
function composeLabels(project: Project, service: Service, hash: string): Record<string, string> {
  const deps = Object.entries(service.depends_on ?? {}).map(([dep, d]) => `${dep}:${d.condition}:${d.restart}`);
  return {
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.version]: COMPOSE_VERSION,
    [LABEL.workingDir]: project.working_dir,
    [LABEL.configFiles]: project.compose_files.join(','),
    [LABEL.oneoff]: 'False',
    [LABEL.configHash]: hash,
    [LABEL.containerNumber]: '1',
    [LABEL.dependsOn]: deps.join(','),
  };
}

function hostConfig(service: Service, networkMode: string, links: string[]): Record<string, unknown> {
  const hc: Record<string, unknown> = { NetworkMode: networkMode };
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of service.ports ?? []) (bindings[`${p.target}/${p.protocol}`] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  if (Object.keys(bindings).length) hc.PortBindings = bindings;
  const binds = (service.volumes ?? []).map((v) => {
    const opts = [v.read_only ? 'ro' : 'rw', ...(v.bind?.selinux ? [v.bind.selinux] : []), ...(v.bind?.propagation ? [v.bind.propagation] : [])];
    return `${v.source}:${v.target}:${opts.join(',')}`;
  });
  if (binds.length) hc.Binds = binds;
  if (service.restart) {
    const [name, count] = service.restart.split(':');
    hc.RestartPolicy = { Name: name === 'none' ? 'no' : name, MaximumRetryCount: Number(count ?? 0) || 0 };
  }
  if (service.dns?.length) hc.Dns = service.dns;
  if (service.dns_search?.length) hc.DnsSearch = service.dns_search;
  if (service.dns_opt?.length) hc.DnsOptions = service.dns_opt;
  if (service.extra_hosts?.length) hc.ExtraHosts = service.extra_hosts;
  if (links.length) hc.Links = links;
  return hc;
}

/** NetworkMode and EndpointsConfig (compose `defaultNetworkSettings`); the first network is the primary. */
function networkSettings(service: Service, ctx: ConvertContext, links: string[]): { networkMode: string; endpoints: Record<string, EndpointSettings> } {
  const { project } = ctx;
  if (service.network_mode) {
    const shared = service.network_mode.startsWith('service:') ? service.network_mode.slice(8) : undefined;
    const mode = shared ? `container:${ctx.serviceContainerId?.(shared) ?? containerName(project, project.services[shared]!)}` : service.network_mode;
    return { networkMode: mode, endpoints: {} };
  }
  const keys = networksByPriority(service);
  if (!keys.length) return { networkMode: 'none', endpoints: {} };
  const endpoints: Record<string, EndpointSettings> = {};
  for (const key of keys) endpoints[project.networks[key]!.name] = endpointSettings(project, service, key, links);
  return { networkMode: project.networks[keys[0]!]!.name, endpoints };
}

function endpointSettings(project: Project, service: Service, key: string, links: string[]): EndpointSettings {
  const cfg = service.networks?.[key] ?? null;
  const aliases = [containerName(project, service), service.name, ...(cfg?.aliases ?? []), ...linkAliases(project, service, key)];
  const ep: EndpointSettings = { Aliases: [...new Set(aliases)] };
  if (links.length) ep.Links = links;
  if (cfg?.ipv4_address || cfg?.ipv6_address || cfg?.link_local_ips?.length) {
    ep.IPAMConfig = {
      ...(cfg.ipv4_address ? { IPv4Address: cfg.ipv4_address } : {}),
      ...(cfg.ipv6_address ? { IPv6Address: cfg.ipv6_address } : {}),
      ...(cfg.link_local_ips?.length ? { LinkLocalIPs: cfg.link_local_ips } : {}),
    };
  }
  const mac = cfg?.mac_address || (networksByPriority(service)[0] === key ? service.mac_address : undefined);
  if (mac) ep.MacAddress = mac;
  const driverOpts = { ...(cfg?.driver_opts ?? {}), ...(cfg?.interface_name ? { 'com.docker.network.endpoint.ifname': cfg.interface_name } : {}) };
  if (Object.keys(driverOpts).length) ep.DriverOpts = driverOpts;
  if (cfg?.gw_priority) ep.GwPriority = cfg.gw_priority;
  return ep;
}

/**
 * `links: [db:database]` in another service on the same network makes `database` a name of db.
 * Docker scopes such a link alias to the linking container; berth's resolver has no per-container
 * scope, so the alias goes on the target's endpoint and the whole network sees it.
 */
export function linkAliases(project: Project, target: Service, key: string): string[] {
  const out: string[] = [];
  for (const other of Object.values(project.services)) {
    if (other === target || !other.networks || !(key in other.networks)) continue;
    for (const link of other.links ?? []) {
      const [svc, alias] = link.split(':');
      if (svc === target.name && alias && alias !== target.name) out.push(alias);
    }
  }
  return [...new Set(out)].sort();
}

/** compose `getLinks`: `<container>:<alias>`, `<container>:<service>-1`, `<container>:<project>-<service>-1`. */
function linksOf(project: Project, service: Service): string[] {
  const out: string[] = [];
  for (const link of service.links ?? []) {
    const [svc, alias] = link.split(':') as [string, string | undefined];
    const target = project.services[svc];
    if (!target) continue;
    const c = containerName(project, target);
    out.push(`${c}:${alias ?? svc}`, `${c}:${svc}${SEPARATOR}1`, `${c}:${[project.name, svc, '1'].join(SEPARATOR)}`);
  }
  return out;
}
