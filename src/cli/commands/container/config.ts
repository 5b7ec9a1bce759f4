/**
 * @module cli/commands/container/config
 * From `run`/`create` flags to the body of `POST /containers/create`, as docker 28's parse()
 * builds it: the same validation order and messages, the same JSON keys in the same order (Go's
 * struct order; map keys sorted), so the daemon sees from berth exactly what docker sends.
 */
import type { ParsedArgs } from '../../args.js';
import { isValidMac, kvToMap, normalizeCapabilities, parseRestartPolicy, readEnv, readLabels } from '../../opts/kv.js';
import { parseNetworkOpts, type EndpointSettings } from '../../opts/network.js';
import { parsePorts, type PortBinding } from '../../opts/ports.js';
import { parseCpus, parseDuration, ramInBytes, swapBytes } from '../../opts/units.js';
import { splitVolumes } from '../../opts/volumes.js';
import { UNSUPPORTED_CONTAINER_FLAGS } from './flags.js';

export interface ContainerRequest {
  /** The JSON body: Config fields, HostConfig, NetworkingConfig. */
  body: Record<string, unknown>;
  image: string;
  tty: boolean;
  openStdin: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  autoRemove: boolean;
}

export interface ParseContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** [height, width] of the output terminal, [0, 0] when it is not one. */
  consoleSize: [number, number];
}

/** Go's encoding of a map: keys sorted. */
function sortedObject<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const nullIfEmpty = <T>(list: T[]): T[] | null => (list.length ? list : null);

/** parse(): throws an Error whose message docker prints after "docker: ". */
export function buildContainerRequest(p: ParsedArgs, image: string, args: string[], ctx: ParseContext): ContainerRequest {
  for (const name of UNSUPPORTED_CONTAINER_FLAGS) {
    if (p.changed(name)) throw new Error(`--${name} is not supported by berth`);
  }
  const attach = p.list('attach');
  const macAddress = p.string('mac-address');
  if (macAddress !== '' && !isValidMac(macAddress)) throw new Error(`${macAddress} is not a valid mac address`);
  const attachStdin = attach.includes('stdin') || p.bool('interactive');
  const attachStdout = attach.length === 0 || attach.includes('stdout');
  const attachStderr = attach.length === 0 || attach.includes('stderr');
  const swappiness = p.int('memory-swappiness');
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new Error(`invalid value: ${swappiness}. Valid memory swappiness range is 0-100`);
  }
  const { binds, volumes } = splitVolumes(p.list('volume'), ctx.cwd);
  const tmpfs = p.list('tmpfs').map((t): [string, string] => {
    const colon = t.indexOf(':');
    return colon < 0 ? [t, ''] : [t.slice(0, colon), t.slice(colon + 1)];
  });
  let entrypoint: string[] | null = null;
  if (p.string('entrypoint') !== '') entrypoint = [p.string('entrypoint')];
  else if (p.changed('entrypoint')) entrypoint = [''];
  const ports = parsePorts(p.list('publish'), p.list('expose'));
  const env = readEnv(p.list('env-file'), p.list('env'), ctx.env);
  const labels = readLabels(p.list('label-file'), p.list('label'));
  const restartPolicy = parseRestartPolicy(p.string('restart'));
  const health = healthcheck(p);
  const autoRemove = p.bool('rm');
  if (autoRemove && restartPolicy.Name !== '' && restartPolicy.Name !== 'no') {
    throw new Error('conflicting options: cannot specify both --restart and --rm');
  }
  const openStdin = p.bool('interactive');
  const tty = p.bool('tty');
  const config: Record<string, unknown> = {
    Hostname: p.string('hostname'),
    Domainname: p.string('domainname'),
    User: p.string('user'),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(ports.exposed.size ? { ExposedPorts: sortedObject([...ports.exposed].map((k) => [k, {}])) } : {}),
    Tty: tty,
    OpenStdin: openStdin,
    StdinOnce: openStdin && attachStdin,
    Env: nullIfEmpty(env),
    Cmd: args.length ? args : null,
    ...(health ? { Healthcheck: health } : {}),
    Image: image,
    Volumes: sortedObject(volumes.map((v) => [v, {}])),
    WorkingDir: p.string('workdir'),
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: sortedObject(Object.entries(kvToMap(labels))),
    ...(p.string('stop-signal') ? { StopSignal: p.string('stop-signal') } : {}),
    ...(p.changed('stop-timeout') ? { StopTimeout: p.int('stop-timeout') } : {}),
  };
  const { mode, endpoints } = parseNetworkOpts(p.list('network'), {
    aliases: p.list('network-alias'),
    links: p.list('link'),
    ipv4: p.string('ip'),
    ipv6: p.string('ip6'),
    mac: macAddress,
    linkLocalIPs: p.list('link-local-ip'),
  });
  const hostConfig = buildHostConfig(p, { binds, tmpfs, ports: ports.bindings, restartPolicy, autoRemove, consoleSize: ctx.consoleSize, mode });
  const networking: { EndpointsConfig: Record<string, EndpointSettings> } = { EndpointsConfig: endpoints };
  return {
    body: { ...config, HostConfig: hostConfig, NetworkingConfig: networking },
    image,
    tty,
    openStdin,
    attachStdin,
    attachStdout,
    attachStderr,
    autoRemove,
  };
}

function healthcheck(p: ParsedArgs): Record<string, unknown> | undefined {
  const durations = ['health-interval', 'health-timeout', 'health-start-period', 'health-start-interval'].map((f) =>
    p.string(f) === '' ? 0 : parseDuration(p.string(f)),
  );
  const [interval, timeout, startPeriod, startInterval] = durations as [number, number, number, number];
  const retries = p.int('health-retries');
  const have = p.string('health-cmd') !== '' || durations.some((d) => d !== 0) || retries !== 0;
  if (p.bool('no-healthcheck')) {
    if (have) throw new Error('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!have) return undefined;
  const names = ['--health-interval', '--health-timeout', '--health-retries', '--health-start-period', '--health-start-interval'];
  [interval, timeout, retries, startPeriod, startInterval].forEach((v, i) => {
    if (v < 0) throw new Error(`${names[i]} cannot be negative`);
  });
  return {
    ...(p.string('health-cmd') ? { Test: ['CMD-SHELL', p.string('health-cmd')] } : {}),
    ...(interval ? { Interval: interval } : {}),
    ...(timeout ? { Timeout: timeout } : {}),
    ...(startPeriod ? { StartPeriod: startPeriod } : {}),
    ...(startInterval ? { StartInterval: startInterval } : {}),
    ...(retries ? { Retries: retries } : {}),
  };
}

interface HostParts {
  binds: string[];
  tmpfs: Array<[string, string]>;
  ports: Map<string, PortBinding[]>;
  restartPolicy: { Name: string; MaximumRetryCount: number };
  autoRemove: boolean;
  consoleSize: [number, number];
  mode: string;
}

const bytes = (p: ParsedArgs, name: string, parse = ramInBytes) => (p.string(name) === '' ? 0 : parse(p.string(name)));

/** HostConfig in docker 28's field order (Resources inlined where Go embeds them). */
function buildHostConfig(p: ParsedArgs, h: HostParts): Record<string, unknown> {
  const logDriver = p.string('log-driver');
  const logOpts = p.list('log-opt');
  if (logDriver === 'none' && logOpts.length > 0) throw new Error(`invalid logging opts for driver ${logDriver}`);
  const storageOpt = p.list('storage-opt').map((o): [string, string] => {
    const eq = o.indexOf('=');
    if (eq < 0) throw new Error('invalid storage option');
    return [o.slice(0, eq), o.slice(eq + 1)];
  });
  return {
    Binds: nullIfEmpty(h.binds),
    ContainerIDFile: p.string('cidfile'),
    LogConfig: { Type: logDriver, Config: sortedObject(Object.entries(kvToMap(logOpts))) },
    NetworkMode: h.mode,
    PortBindings: sortedObject(h.ports),
    RestartPolicy: h.restartPolicy,
    AutoRemove: h.autoRemove,
    VolumeDriver: p.string('volume-driver'),
    VolumesFrom: nullIfEmpty(p.list('volumes-from')),
    ConsoleSize: h.consoleSize,
    ...(p.map('annotation').size ? { Annotations: sortedObject(p.map('annotation')) } : {}),
    CapAdd: normalizeCapabilities(p.list('cap-add')),
    CapDrop: normalizeCapabilities(p.list('cap-drop')),
    CgroupnsMode: p.string('cgroupns'),
    Dns: p.list('dns'),
    DnsOptions: p.list('dns-option'),
    DnsSearch: p.list('dns-search'),
    ExtraHosts: nullIfEmpty(p.list('add-host')),
    GroupAdd: nullIfEmpty(p.list('group-add')),
    IpcMode: p.string('ipc'),
    Cgroup: '',
    Links: nullIfEmpty(p.list('link')),
    OomScoreAdj: p.int('oom-score-adj'),
    PidMode: p.string('pid'),
    Privileged: p.bool('privileged'),
    PublishAllPorts: p.bool('publish-all'),
    ReadonlyRootfs: p.bool('read-only'),
    SecurityOpt: nullIfEmpty(p.list('security-opt')),
    ...(storageOpt.length ? { StorageOpt: sortedObject(storageOpt) } : {}),
    ...(h.tmpfs.length ? { Tmpfs: sortedObject(h.tmpfs) } : {}),
    UTSMode: p.string('uts'),
    UsernsMode: p.string('userns'),
    ShmSize: bytes(p, 'shm-size'),
    ...(p.map('sysctl').size ? { Sysctls: sortedObject(p.map('sysctl')) } : {}),
    ...(p.string('runtime') ? { Runtime: p.string('runtime') } : {}),
    Isolation: p.string('isolation'),
    ...resources(p),
    MaskedPaths: null,
    ReadonlyPaths: null,
    ...(p.changed('init') ? { Init: p.bool('init') } : {}),
  };
}

function resources(p: ParsedArgs): Record<string, unknown> {
  return {
    CpuShares: p.int('cpu-shares'),
    Memory: bytes(p, 'memory'),
    NanoCpus: p.string('cpus') === '' ? 0 : parseCpus(p.string('cpus')),
    CgroupParent: p.string('cgroup-parent'),
    BlkioWeight: p.int('blkio-weight'),
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: p.int('cpu-period'),
    CpuQuota: p.int('cpu-quota'),
    CpuRealtimePeriod: p.int('cpu-rt-period'),
    CpuRealtimeRuntime: p.int('cpu-rt-runtime'),
    CpusetCpus: p.string('cpuset-cpus'),
    CpusetMems: p.string('cpuset-mems'),
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: bytes(p, 'memory-reservation'),
    MemorySwap: bytes(p, 'memory-swap', swapBytes),
    MemorySwappiness: p.int('memory-swappiness'),
    OomKillDisable: p.bool('oom-kill-disable'),
    PidsLimit: p.int('pids-limit'),
    Ulimits: p.list('ulimit').map(parseUlimit),
    CpuCount: p.int('cpu-count'),
    CpuPercent: p.int('cpu-percent'),
    IOMaximumIOps: p.int('io-maxiops'),
    IOMaximumBandwidth: bytes(p, 'io-maxbandwidth'),
  };
}

/** go-units ParseUlimit: "nofile=1024[:2048]". */
export function parseUlimit(val: string): { Name: string; Hard: number; Soft: number } {
  const [name, limits, extra] = val.split('=');
  if (limits === undefined || extra !== undefined) throw new Error(`invalid ulimit argument: ${val}`);
  const [soft, hard = soft, more] = limits.split(':');
  if (more !== undefined) throw new Error(`too many limit value arguments - ${limits}, can only have up to two, \`soft[:hard]\``);
  const num = (s: string) => {
    if (!/^-?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
    return Number(s);
  };
  const s = num(soft!);
  const h = num(hard!);
  if (s > h) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${s} > ${h}`);
  return { Name: name!, Hard: h, Soft: s };
}
