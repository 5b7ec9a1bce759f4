/**
 * @module api/shape/container
 * Container JSON for inspect and list, in the field order of Docker 28's API types (the
 * highest API berth serves is 1.51, which still carries the default bridge's settings at the
 * top of NetworkSettings).
 */
import type { ContainerRecord, EndpointRecord, NetworkRecord, PortBinding } from '../../engine/model.js';

export interface ContainerViewInput {
  c: ContainerRecord;
  /** Networks the container is configured on, with the live endpoint when running. */
  networks: Array<{ name: string; net?: NetworkRecord; ep?: EndpointRecord }>;
  paths: { resolvConf: string; hostname: string; hosts: string; log: string; sandboxKey: string; rootfs: string };
  execIds: string[];
}

export function endpointSettings(c: ContainerRecord, name: string, net: NetworkRecord | undefined, ep: EndpointRecord | undefined, apiVersion: string): Record<string, unknown> {
  const cfg = c.networks[name] ?? { NetworkID: net?.id ?? '' };
  const [ip, len] = ep?.ipv4 ? ep.ipv4.split('/') : ['', '0'];
  let aliases = cfg.Aliases ?? null;
  if (versionLess(apiVersion, '1.45') && net && !net.predefined) {
    aliases = [...new Set([...(aliases ?? []), c.id.slice(0, 12), c.config.Hostname])];
  }
  return {
    IPAMConfig: cfg.IPAMConfig ?? null,
    Links: cfg.Links ?? null,
    Aliases: aliases,
    MacAddress: ep?.mac ?? cfg.MacAddress ?? '',
    DriverOpts: cfg.DriverOpts ?? null,
    GwPriority: cfg.GwPriority ?? 0,
    NetworkID: net?.id ?? cfg.NetworkID,
    EndpointID: ep?.id ?? '',
    Gateway: ep?.ipv4 ? ep.gateway : '',
    IPAddress: ip ?? '',
    IPPrefixLen: Number(len ?? 0),
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: ep?.dnsNames.length ? ep.dnsNames : null,
  };
}

/** NetworkSettings.Ports: published bindings, and exposed ports mapped to null. */
export function portMap(c: ContainerRecord): Record<string, PortBinding[] | null> {
  const out: Record<string, PortBinding[] | null> = {};
  if (!c.state.Running) return out;
  for (const port of Object.keys(c.config.ExposedPorts ?? {})) out[port] = null;
  for (const [port, bindings] of Object.entries(c.ports)) out[port] = bindings;
  return out;
}

export function containerInspectJson(v: ContainerViewInput, apiVersion: string): Record<string, unknown> {
  const { c } = v;
  const networks: Record<string, unknown> = {};
  for (const { name, net, ep } of v.networks) networks[name] = endpointSettings(c, name, net, ep, apiVersion);
  const bridge = v.networks.find((n) => n.name === 'bridge');
  const bridgeEp = bridge ? (networks.bridge as Record<string, unknown>) : undefined;
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: c.state,
    Image: c.imageId,
    ResolvConfPath: v.paths.resolvConf,
    HostnamePath: v.paths.hostname,
    HostsPath: v.paths.hosts,
    LogPath: v.paths.log,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: v.execIds.length ? v.execIds : null,
    HostConfig: hostConfigJson(c),
    GraphDriver: {
      Data: {
        MergedDir: v.paths.rootfs,
        UpperDir: v.paths.rootfs.replace(/rootfs$/, 'upper'),
        WorkDir: v.paths.rootfs.replace(/rootfs$/, 'work'),
      },
      Name: 'overlay',
    },
    Mounts: mountsJson(c),
    Config: configJson(c),
    NetworkSettings: {
      Bridge: '',
      SandboxID: c.sandboxId ?? '',
      SandboxKey: c.sandboxId ? v.paths.sandboxKey : '',
      Ports: portMap(c),
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: bridgeEp?.EndpointID ?? '',
      Gateway: bridgeEp?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: bridgeEp?.IPAddress ?? '',
      IPPrefixLen: bridgeEp?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: bridgeEp?.MacAddress ?? '',
      Networks: networks,
    },
  };
}

function configJson(c: ContainerRecord): Record<string, unknown> {
  const k = c.config;
  const out: Record<string, unknown> = {
    Hostname: k.Hostname,
    Domainname: k.Domainname,
    User: k.User,
    AttachStdin: k.AttachStdin,
    AttachStdout: k.AttachStdout,
    AttachStderr: k.AttachStderr,
  };
  if (k.ExposedPorts && Object.keys(k.ExposedPorts).length) out.ExposedPorts = k.ExposedPorts;
  Object.assign(out, {
    Tty: k.Tty,
    OpenStdin: k.OpenStdin,
    StdinOnce: k.StdinOnce,
    Env: k.Env,
    Cmd: k.Cmd,
    Image: k.Image,
    Volumes: k.Volumes,
    WorkingDir: k.WorkingDir,
    Entrypoint: k.Entrypoint,
    OnBuild: k.OnBuild,
    Labels: k.Labels,
  });
  if (k.StopSignal) out.StopSignal = k.StopSignal;
  if (k.StopTimeout !== undefined) out.StopTimeout = k.StopTimeout;
  return out;
}

/** Docker's full HostConfig in its field order; what the client sent overrides the defaults. */
function hostConfigJson(c: ContainerRecord): Record<string, unknown> {
  const defaults: Record<string, unknown> = {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: {} },
    NetworkMode: 'bridge',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [0, 0],
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: 'host',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 67108864,
    Runtime: 'runc',
    Isolation: '',
    CpuShares: 0,
    Memory: 0,
    NanoCpus: 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: null,
    OomKillDisable: null,
    PidsLimit: null,
    Ulimits: [],
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: null,
    ReadonlyPaths: null,
  };
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(c.hostConfig)) if (value !== undefined) out[key] = value;
  return out;
}

function mountsJson(c: ContainerRecord): unknown[] {
  return (c.hostConfig.Binds ?? []).map((b) => {
    const [source, destination, mode = ''] = b.split(':');
    return { Type: 'bind', Source: source, Destination: destination ?? source, Mode: mode, RW: !mode.split(',').includes('ro'), Propagation: 'rprivate' };
  });
}

/** GET /containers/json item. */
export function containerSummaryJson(v: ContainerViewInput, status: string, apiVersion: string): Record<string, unknown> {
  const { c } = v;
  const networks: Record<string, unknown> = {};
  for (const { name, net, ep } of v.networks) networks[name] = endpointSettings(c, name, net, ep, apiVersion);
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.config.Image,
    ImageID: c.imageId,
    Command: commandLine(c.path, c.args),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: portSummaries(c),
    Labels: c.config.Labels,
    State: c.state.Status,
    Status: status,
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode },
    NetworkSettings: { Networks: networks },
    Mounts: mountsJson(c),
  };
}

/** Docker's COMMAND: path and args, args containing a space wrapped in single quotes. */
function commandLine(path: string, args: string[]): string {
  if (!args.length) return path;
  return `${path} ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}

function portSummaries(c: ContainerRecord): unknown[] {
  const out: unknown[] = [];
  for (const [port, bindings] of Object.entries(portMap(c))) {
    const [num, proto] = port.split('/');
    if (!bindings) {
      out.push({ PrivatePort: Number(num), Type: proto });
      continue;
    }
    for (const b of bindings) out.push({ IP: b.HostIp, PrivatePort: Number(num), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

export function versionLess(a: string, b: string): boolean {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am! < bm! || (am === bm && an! < bn!);
}
