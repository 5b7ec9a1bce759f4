/**
 * @module compose/normalize
 * One service's raw YAML into the model, as compose-go's transform + normalize steps leave it:
 * commands split, environment resolved (env_file first, `environment` over it, bare keys taken
 * from the environment), ports in long syntax, networks as a map, links and
 * `network_mode: service:x` added to depends_on, bind sources made absolute.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { invalidParameter } from '../../lib/errors.js';
import { parseEnvFile, type Lookup } from './interpolate.js';
import type { DependsOn, PortConfig, Service, ServiceNetwork, VolumeMount } from './model.js';
import { parsePortEntry } from './ports.js';
import { shellSplit } from './shellwords.js';
import {
  asBool, asList, asMap, asNumber, asString, checkKeys, durationSeconds, isMap, listOfStrings, mapOrList, sortedRecord, stringMap, stringOrList,
  type Raw,
} from './values.js';

export interface NormalizeContext {
  workingDir: string;
  lookup: Lookup;
  warn: (msg: string) => void;
}

/** Keys berth acts on. */
const SUPPORTED = [
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'networks', 'network_mode', 'links',
  'depends_on', 'hostname', 'domainname', 'container_name', 'labels', 'restart', 'tty', 'stdin_open', 'working_dir', 'user', 'dns',
  'dns_search', 'dns_opt', 'extra_hosts', 'volumes', 'mac_address', 'stop_signal', 'stop_grace_period', 'profiles',
] as const;

/** Valid Compose keys berth ignores (with a warning). */
const IGNORED = [
  'develop', 'deploy', 'annotations', 'attach', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup', 'cgroup_parent', 'configs', 'cpu_count',
  'cpu_percent', 'cpu_shares', 'cpu_quota', 'cpu_period', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'credential_spec',
  'device_cgroup_rules', 'devices', 'label_file', 'extends', 'provider', 'external_links', 'gpus', 'group_add', 'healthcheck', 'init',
  'ipc', 'isolation', 'logging', 'mem_limit', 'mem_reservation', 'mem_swappiness', 'memswap_limit', 'models', 'oom_kill_disable',
  'oom_score_adj', 'pid', 'pids_limit', 'platform', 'pre_start', 'post_start', 'pre_stop', 'privileged', 'pull_policy',
  'pull_refresh_after', 'read_only', 'runtime', 'scale', 'security_opt', 'shm_size', 'secrets', 'sysctls', 'storage_opt', 'tmpfs',
  'ulimits', 'use_api_socket', 'uts', 'userns_mode', 'volumes_from',
] as const;

const NETWORK_ENDPOINT_KEYS = [
  'aliases', 'interface_name', 'ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'driver_opts', 'priority', 'gw_priority',
] as const;

const STRING_FIELDS = [
  'image', 'network_mode', 'hostname', 'domainname', 'container_name', 'restart', 'working_dir', 'user', 'mac_address', 'stop_signal',
  'stop_grace_period',
] as const;

export function normalizeService(name: string, raw: unknown, ctx: NormalizeContext): Service {
  const where = `services.${name}`;
  const s = asMap(raw, where);
  checkKeys(s, [...SUPPORTED, ...IGNORED], where);
  for (const key of IGNORED) if (key in s) ctx.warn(`${where}: \`${key}\` is not supported by berth compose and is ignored`);
  const out: Service = { name };
  for (const key of STRING_FIELDS) if (s[key] !== undefined && s[key] !== null) out[key] = asString(s[key], `${where}.${key}`);
  if (out.stop_grace_period !== undefined && durationSeconds(out.stop_grace_period) === undefined) {
    throw invalidParameter(`${where}.stop_grace_period: invalid duration "${out.stop_grace_period}"`);
  }
  if (s.profiles !== undefined) out.profiles = listOfStrings(s.profiles, `${where}.profiles`);
  if (s.build !== undefined && s.build !== null) out.build = build(s.build, `${where}.build`, ctx);
  for (const key of ['command', 'entrypoint'] as const) if (key in s) out[key] = commandOf(s[key], `${where}.${key}`);
  const environment = environmentOf(s, where, ctx, out);
  if (Object.keys(environment).length) out.environment = environment;
  if (s.ports !== undefined) out.ports = portsOf(s.ports, `${where}.ports`);
  if (s.expose !== undefined) out.expose = asList(s.expose, `${where}.expose`).map((e, i) => asString(e, `${where}.expose.${i}`));
  if (s.network_mode !== undefined && s.networks !== undefined) {
    throw invalidParameter(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`);
  }
  if (s.networks !== undefined) out.networks = networksOf(s.networks, `${where}.networks`);
  if (s.links !== undefined) out.links = listOfStrings(s.links, `${where}.links`);
  const dependsOn = dependsOnOf(s.depends_on, `${where}.depends_on`, out);
  if (Object.keys(dependsOn).length) out.depends_on = dependsOn;
  if (s.labels !== undefined) out.labels = sortedRecord(stringMap(s.labels, `${where}.labels`));
  for (const key of ['tty', 'stdin_open'] as const) if (s[key] !== undefined) out[key] = asBool(s[key], `${where}.${key}`);
  if (s.dns !== undefined) out.dns = stringOrList(s.dns, `${where}.dns`);
  if (s.dns_search !== undefined) out.dns_search = stringOrList(s.dns_search, `${where}.dns_search`);
  if (s.dns_opt !== undefined) out.dns_opt = listOfStrings(s.dns_opt, `${where}.dns_opt`);
  if (s.extra_hosts !== undefined) out.extra_hosts = extraHosts(s.extra_hosts, `${where}.extra_hosts`);
  if (s.volumes !== undefined) out.volumes = asList(s.volumes, `${where}.volumes`).map((v, i) => volumeOf(v, `${where}.volumes.${i}`, ctx));
  if (!out.image && !out.build) throw invalidParameter(`service "${name}" has neither an image nor a build context specified: invalid compose project`);
  return out;
}

function build(v: unknown, where: string, ctx: NormalizeContext): NonNullable<Service['build']> {
  const m: Raw = typeof v === 'string' ? { context: v } : asMap(v, where);
  const context = asString(m.context ?? '.', `${where}.context`);
  const local = !/^[a-z]+:\/\//.test(context) && !context.startsWith('git@');
  return { ...m, context: local ? resolve(ctx.workingDir, context) : context, dockerfile: asString(m.dockerfile ?? 'Dockerfile', `${where}.dockerfile`) };
}

function commandOf(v: unknown, where: string): string[] | null {
  if (v === null) return null;
  if (typeof v === 'string') return shellSplit(v);
  return listOfStrings(v, where);
}

function environmentOf(s: Raw, where: string, ctx: NormalizeContext, out: Service): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  if (s.env_file !== undefined && s.env_file !== null) {
    out.env_file = [];
    for (const [i, entry] of (typeof s.env_file === 'string' ? [s.env_file] : asList(s.env_file, `${where}.env_file`)).entries()) {
      const spec = isMap(entry) ? entry : { path: entry };
      const path = resolve(ctx.workingDir, asString(spec.path, `${where}.env_file.${i}.path`));
      const required = spec.required === undefined ? true : asBool(spec.required, `${where}.env_file.${i}.required`);
      if (!existsSync(path)) {
        if (required) throw invalidParameter(`env file ${path} not found: stat ${path}: no such file or directory`);
        continue;
      }
      out.env_file.push(path);
      Object.assign(env, parseEnvFile(readFileSync(path, 'utf8'), path));
    }
  }
  if (s.environment !== undefined) Object.assign(env, mapOrList(s.environment, `${where}.environment`));
  for (const [key, value] of Object.entries(env)) if (value === null) env[key] = ctx.lookup(key) ?? null;
  return sortedRecord(env);
}

function portsOf(v: unknown, where: string): PortConfig[] {
  const seen = new Set<string>();
  const out: PortConfig[] = [];
  asList(v, where).forEach((entry, i) => {
    for (const port of parsePortEntry(entry, `${where}.${i}`)) {
      const key = JSON.stringify(port);
      if (!seen.has(key)) out.push(port);
      seen.add(key);
    }
  });
  return out;
}

function networksOf(v: unknown, where: string): Record<string, ServiceNetwork | null> {
  if (Array.isArray(v)) return sortedRecord(Object.fromEntries(listOfStrings(v, where).map((k) => [k, null])));
  const out: Record<string, ServiceNetwork | null> = {};
  for (const [key, value] of Object.entries(asMap(v, where))) {
    if (value === null || value === undefined) {
      out[key] = null;
      continue;
    }
    const w = `${where}.${key}`;
    const m = asMap(value, w);
    checkKeys(m, NETWORK_ENDPOINT_KEYS, w);
    const ep: ServiceNetwork = {};
    if (m.aliases !== undefined) ep.aliases = listOfStrings(m.aliases, `${w}.aliases`);
    for (const k of ['ipv4_address', 'ipv6_address', 'mac_address', 'interface_name'] as const) if (m[k] != null) ep[k] = asString(m[k], `${w}.${k}`);
    if (m.link_local_ips !== undefined) ep.link_local_ips = listOfStrings(m.link_local_ips, `${w}.link_local_ips`);
    if (m.driver_opts !== undefined) ep.driver_opts = stringMap(m.driver_opts, `${w}.driver_opts`);
    for (const k of ['priority', 'gw_priority'] as const) if (m[k] != null) ep[k] = asNumber(m[k], `${w}.${k}`);
    out[key] = ep;
  }
  return sortedRecord(out);
}

function dependsOnOf(v: unknown, where: string, service: Service): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (Array.isArray(v)) {
    for (const dep of listOfStrings(v, where)) out[dep] = { condition: 'service_started', restart: false, required: true };
  } else if (v !== undefined && v !== null) {
    for (const [dep, value] of Object.entries(asMap(v, where))) {
      const m = asMap(value, `${where}.${dep}`);
      checkKeys(m, ['condition', 'restart', 'required'], `${where}.${dep}`);
      const condition = asString(m.condition ?? 'service_started', `${where}.${dep}.condition`);
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        throw invalidParameter(`${where}.${dep}.condition must be one of the following: "service_started", "service_healthy", "service_completed_successfully"`);
      }
      out[dep] = {
        condition: condition as DependsOn['condition'],
        restart: m.restart === undefined ? false : asBool(m.restart, `${where}.${dep}.restart`),
        required: m.required === undefined ? true : asBool(m.required, `${where}.${dep}.required`),
      };
    }
  }
  // compose-go normalize: links and shared network namespaces imply a dependency.
  const implied = [...(service.links ?? []).map((l) => l.split(':')[0]!), ...(service.network_mode?.startsWith('service:') ? [service.network_mode.slice(8)] : [])];
  for (const dep of implied) out[dep] ??= { condition: 'service_started', restart: true, required: true };
  return sortedRecord(out);
}

/** `host:ip`, `host=ip` or a `{host: ip}` map, into Docker's `host:ip`. */
function extraHosts(v: unknown, where: string): string[] {
  if (isMap(v)) return Object.entries(v).flatMap(([host, ip]) => (Array.isArray(ip) ? ip : [ip]).map((one) => `${host}:${asString(one, `${where}.${host}`)}`));
  return listOfStrings(v, where).map((entry) => {
    const at = entry.includes('=') ? entry.indexOf('=') : entry.indexOf(':');
    if (at < 0) throw invalidParameter(`${where}: invalid extra host ${entry}: expected host:ip`);
    return `${entry.slice(0, at)}:${entry.slice(at + 1)}`;
  });
}

function volumeOf(v: unknown, where: string, ctx: NormalizeContext): VolumeMount {
  if (typeof v === 'string') return shortVolume(v, where, ctx);
  const m = asMap(v, where);
  checkKeys(m, ['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'], where);
  if (m.type !== 'bind') throw invalidParameter(`${where}: volume type "${String(m.type)}" is not supported by berth compose (bind mounts only)`);
  const mount: VolumeMount = {
    type: 'bind',
    source: hostPath(asString(m.source, `${where}.source`), ctx),
    target: asString(m.target, `${where}.target`),
  };
  if (m.read_only !== undefined && asBool(m.read_only, `${where}.read_only`)) mount.read_only = true;
  if (m.bind !== undefined) {
    const b = asMap(m.bind, `${where}.bind`);
    mount.bind = {};
    if (b.propagation !== undefined) mount.bind.propagation = asString(b.propagation, `${where}.bind.propagation`);
    if (b.create_host_path !== undefined) mount.bind.create_host_path = asBool(b.create_host_path, `${where}.bind.create_host_path`);
    if (b.selinux !== undefined) mount.bind.selinux = asString(b.selinux, `${where}.bind.selinux`);
  }
  return mount;
}

/** `SRC:DST[:MODE]` where SRC is a path (`.`, `/`, `~`); named and anonymous volumes are refused. */
function shortVolume(spec: string, where: string, ctx: NormalizeContext): VolumeMount {
  const parts = spec.split(':');
  const [source, target, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !target) {
    throw invalidParameter(`${where}: anonymous volume "${spec}" is not supported by berth compose (bind mounts only)`);
  }
  if (!/^[./~]/.test(source!)) throw invalidParameter(`${where}: named volume "${source}" is not supported by berth compose (bind mounts only)`);
  const mount: VolumeMount = { type: 'bind', source: hostPath(source!, ctx), target, bind: { create_host_path: true } };
  const opts = (mode ?? '').split(',').filter(Boolean);
  for (const opt of opts) {
    if (opt === 'ro') mount.read_only = true;
    else if (opt === 'z' || opt === 'Z') mount.bind!.selinux = opt;
    else if (/^r?(shared|slave|private)$/.test(opt)) mount.bind!.propagation = opt;
    else if (opt !== 'rw') throw invalidParameter(`${where}: invalid mode "${opt}" in "${spec}"`);
  }
  return mount;
}

function hostPath(p: string, ctx: NormalizeContext): string {
  if (p === '~' || p.startsWith('~/')) return resolve(ctx.lookup('HOME') ?? homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(ctx.workingDir, p);
}
