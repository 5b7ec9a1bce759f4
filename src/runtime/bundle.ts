/**
 * @module runtime/bundle
 * The OCI runtime config (config.json, runtime-spec 1.0.2) runc gets for a container, with
 * Docker's defaults: its capability set, masked and read-only /proc paths, /proc /dev /dev/pts
 * /dev/shm /dev/mqueue /sys mounts, pid/ipc/uts/mount namespaces plus a network namespace given
 * by path (none with host networking), the default PATH, HOSTNAME and TERM. Unlike Docker: no
 * `process.rlimits` (root here lacks CAP_SYS_RESOURCE, so raising one fails), no cgroup limits,
 * no seccomp or AppArmor profile. `buildOciSpec` and `resolveCommand` are pure; `resolveUser`
 * and `boundingCapabilities` read files.
 */
import { readFile } from 'node:fs/promises';
import { invalidParameter } from '../lib/errors.js';
import { resolveInRoot } from './images/scoped-path.js';
import type { ImageConfig } from './images/types.js';

export interface BundleSpec {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  tty: boolean;
  hostname: string;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  /** 'host' = no network namespace entry at all. */
  network: { mode: 'netns'; path: string } | { mode: 'host' };
  /** Bind mounts: /etc/hosts, /etc/resolv.conf, /etc/hostname, -v binds. */
  mounts: Array<{ destination: string; source: string; readonly?: boolean }>;
  sysctl?: Record<string, string>;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  readonlyRootfs?: boolean;
  /** Capabilities this host can grant (see `boundingCapabilities`); others are left out. Default: all. */
  grantable?: string[];
  /** /dev/shm size in bytes (Docker's default 64 MiB). */
  shmSize?: number;
  /** runc's cgroup for the container (Docker: "/docker/<id>"); runc's default "/<id>" when absent. */
  cgroupsPath?: string;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Linux capabilities by number (include/uapi/linux/capability.h). */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/sched_debug',
  '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap', '/sys/firmware',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

type OciMount = { destination: string; type: string; source: string; options: string[] };

function defaultMounts(spec: BundleSpec): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', spec.privileged ? 'rw' : 'ro'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${spec.shmSize ?? DEFAULT_SHM_SIZE}`] },
  ];
}

// Docker's device cgroup rules: deny all, allow null, zero, urandom, random, tty, console; /dev/fuse (10:229) stays denied.
const CHAR = (major: number, minor: number, allow = true) => ({ allow, type: 'c', major, minor, access: 'rwm' });
const DEFAULT_DEVICE_RULES = [
  { allow: false, access: 'rwm' },
  CHAR(1, 5), CHAR(1, 3), CHAR(1, 9), CHAR(1, 8), CHAR(5, 0), CHAR(5, 1), CHAR(10, 229, false),
];

export function buildOciSpec(spec: BundleSpec): object {
  const capabilities = effectiveCapabilities(spec);
  const mounts = userAndDefaultMounts(spec);
  const namespaces: Array<{ type: string; path?: string }> = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (spec.network.mode === 'netns') namespaces.push({ type: 'network', path: spec.network.path });
  const sysctl: Record<string, string> = {};
  if (spec.network.mode === 'netns') {
    // Docker's defaults for a container's own network namespace: ping without CAP_NET_RAW, low ports without NET_BIND_SERVICE.
    sysctl['net.ipv4.ping_group_range'] = '0 2147483647';
    sysctl['net.ipv4.ip_unprivileged_port_start'] = '0';
  }
  Object.assign(sysctl, spec.sysctl ?? {});
  const user = spec.user ?? { uid: 0, gid: 0 };
  const linux: Record<string, unknown> = {
    sysctl,
    resources: { devices: spec.privileged ? [{ allow: true, access: 'rwm' }] : DEFAULT_DEVICE_RULES },
    namespaces,
  };
  if (spec.cgroupsPath) linux.cgroupsPath = spec.cgroupsPath;
  if (!spec.privileged) {
    linux.maskedPaths = MASKED_PATHS;
    linux.readonlyPaths = READONLY_PATHS;
  }
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: spec.tty,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids?.length ? { additionalGids: user.additionalGids } : {}) },
      args: spec.args,
      env: containerEnv(spec),
      cwd: spec.cwd || '/',
      capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities },
      noNewPrivileges: false,
    },
    root: { path: spec.rootfs, readonly: !!spec.readonlyRootfs },
    hostname: spec.hostname,
    mounts,
    linux,
  };
}

/** PATH, HOSTNAME and (with a TTY) TERM first; the container's own entries replace or extend them. */
export function containerEnv(spec: Pick<BundleSpec, 'env' | 'hostname' | 'tty'>): string[] {
  const env = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${spec.hostname}`];
  if (spec.tty) env.push('TERM=xterm');
  return replaceOrAppendEnv(env, spec.env);
}

/** Docker's ReplaceOrAppendEnvValues: `K=V` replaces K or appends; a bare `K` removes K. */
export function replaceOrAppendEnv(defaults: string[], overrides: string[]): string[] {
  const out: Array<string | undefined> = [...defaults];
  const index = new Map(defaults.map((e, i) => [e.split('=')[0]!, i]));
  for (const entry of overrides) {
    const eq = entry.indexOf('=');
    const key = eq >= 0 ? entry.slice(0, eq) : entry;
    const at = index.get(key);
    if (at !== undefined) out[at] = eq >= 0 ? entry : undefined;
    else if (eq >= 0) {
      index.set(key, out.length);
      out.push(entry);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

function userAndDefaultMounts(spec: BundleSpec): OciMount[] {
  const userDestinations = new Set(spec.mounts.map((m) => m.destination));
  const devMounted = userDestinations.has('/dev');
  const defaults = defaultMounts(spec).filter((m) => !userDestinations.has(m.destination) && !(devMounted && m.destination.startsWith('/dev/')));
  const binds = spec.mounts.map((m) => ({
    destination: m.destination,
    type: 'bind',
    source: m.source,
    options: m.readonly ? ['rbind', 'ro', 'rprivate'] : ['rbind', 'rprivate'],
  }));
  return [...defaults, ...binds];
}

/** Docker's TweakCapabilities: privileged = all; CAP_ALL in add or drop; names with or without CAP_, any case. */
export function effectiveCapabilities(spec: Pick<BundleSpec, 'privileged' | 'capAdd' | 'capDrop' | 'grantable'>): string[] {
  const grantable = (cap: string) => !spec.grantable || spec.grantable.includes(cap);
  if (spec.privileged) return ALL_CAPABILITIES.filter(grantable);
  const add = normalizeCaps(spec.capAdd ?? []);
  const drop = normalizeCaps(spec.capDrop ?? []);
  let caps: string[];
  if (add.includes('ALL')) caps = ALL_CAPABILITIES.filter((c) => !drop.includes(c));
  else if (drop.includes('ALL')) caps = add;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add.filter((c) => !DEFAULT_CAPABILITIES.includes(c))];
  return [...new Set(caps)].filter((c) => c !== 'ALL' && grantable(c));
}

function normalizeCaps(names: string[]): string[] {
  return names.map((name) => {
    const upper = name.toUpperCase();
    if (upper === 'ALL') return 'ALL';
    const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!ALL_CAPABILITIES.includes(cap)) throw invalidParameter(`unknown capability: "${cap}"`);
    return cap;
  });
}

/** Docker's Entrypoint + Cmd: a given entrypoint drops the image's Cmd; nothing to run is an error. */
export function resolveCommand(image: ImageConfig, cmd?: string[], entrypoint?: string[]): string[] {
  const entry = entrypoint !== undefined ? entrypoint : (image.Entrypoint ?? []);
  const command = cmd?.length ? cmd : entrypoint !== undefined ? [] : (image.Cmd ?? []);
  const args = [...entry, ...command];
  if (!args.length) throw invalidParameter('no command specified');
  return args;
}

/** The capabilities in this process's bounding set: what a container here can be given. */
export async function boundingCapabilities(): Promise<string[]> {
  const status = await readFile('/proc/self/status', 'utf8');
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return [...ALL_CAPABILITIES];
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/**
 * Docker's user lookup in the image: "name", "uid", "name:group", "uid:gid" against the image's
 * /etc/passwd and /etc/group. Without a group, the user's primary group and the groups that list
 * it as a member; numeric IDs need no entry.
 */
export async function resolveUser(rootfs: string, user: string | undefined): Promise<{ uid: number; gid: number; additionalGids: number[] }> {
  const [userPart = '', groupPart] = (user ?? '').split(':', 2) as [string, string | undefined];
  const passwd = await readDatabase(rootfs, '/etc/passwd');
  const groups = await readDatabase(rootfs, '/etc/group');
  const wantUser = userPart || '0';
  const entry = passwd.find((f) => f[0] === wantUser || (isNumeric(wantUser) && f[2] === wantUser));
  let uid: number;
  let gid = 0;
  let name: string | undefined;
  if (entry) {
    [name, uid, gid] = [entry[0], Number(entry[2]), Number(entry[3])];
  } else if (isNumeric(wantUser)) {
    uid = Number(wantUser);
  } else {
    throw invalidParameter(`unable to find user ${wantUser}: no matching entries in passwd file`);
  }
  if (groupPart !== undefined && groupPart !== '') {
    const group = groups.find((f) => f[0] === groupPart || (isNumeric(groupPart) && f[2] === groupPart));
    if (group) gid = Number(group[2]);
    else if (isNumeric(groupPart)) gid = Number(groupPart);
    else throw invalidParameter(`unable to find group ${groupPart}: no matching entries in group file`);
    return { uid, gid, additionalGids: [] };
  }
  const additionalGids = name === undefined ? [] : groups.filter((f) => (f[3] ?? '').split(',').includes(name!)).map((f) => Number(f[2]));
  return { uid, gid, additionalGids: [...new Set(additionalGids)].filter((g) => Number.isFinite(g)) };
}

function isNumeric(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** Colon-separated lines of a file inside the image (links resolved inside it); a missing file is empty. */
async function readDatabase(rootfs: string, path: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(await resolveInRoot(rootfs, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return [];
    throw err;
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(':'));
}
