/**
 * @module compose/model
 * The normalised Compose model: what `load` produces, `config` prints, and `up`/`down`/`ps` act on.
 * Field names are the Compose spec's own (snake_case), as compose-go's yaml tags spell them, so the
 * model printed as YAML reads like `docker compose config`. Only the networking-relevant part of
 * the spec is here; see load.ts for what is accepted and ignored.
 */

/** compose's labels (docker/compose `pkg/api/labels.go`). */
export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  configHash: 'com.docker.compose.config-hash',
  containerNumber: 'com.docker.compose.container-number',
  network: 'com.docker.compose.network',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  oneoff: 'com.docker.compose.oneoff',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
} as const;

/** The value berth writes into `com.docker.compose.version` (the Compose version whose behaviour it follows). */
export const COMPOSE_VERSION = '2.39.0';

/** compose's separator in container names: `<project>-<service>-<n>`. */
export const SEPARATOR = '-';

export interface Project {
  name: string;
  /** Absolute project directory: relative paths (bind mounts, env_file) resolve against it. */
  working_dir: string;
  /** Absolute paths of the files the model was loaded from. */
  compose_files: string[];
  services: Record<string, Service>;
  networks: Record<string, Network>;
  /** Services left out by profiles; `down` and `ps` still know them. */
  disabled_services?: Record<string, Service>;
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  restart: boolean;
  required: boolean;
}

export interface PortConfig {
  mode: 'ingress' | 'host';
  host_ip?: string;
  target: number;
  /** A port or a range ("8080", "8000-8010"); absent for an ephemeral host port. */
  published?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  name?: string;
  app_protocol?: string;
}

/** Only bind mounts: the source is an absolute host path once loaded. */
export interface VolumeMount {
  type: 'bind';
  source: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  interface_name?: string;
  driver_opts?: Record<string, string>;
  priority?: number;
  gw_priority?: number;
}

export interface Service {
  name: string;
  profiles?: string[];
  image?: string;
  build?: { context: string; dockerfile?: string; [key: string]: unknown };
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  env_file?: string[];
  ports?: PortConfig[];
  expose?: string[];
  /** Network key -> endpoint settings (null: defaults). Absent when network_mode is set. */
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  links?: string[];
  depends_on?: Record<string, DependsOn>;
  hostname?: string;
  domainname?: string;
  container_name?: string;
  labels?: Record<string, string>;
  restart?: string;
  tty?: boolean;
  stdin_open?: boolean;
  working_dir?: string;
  user?: string;
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  extra_hosts?: string[];
  mac_address?: string;
  stop_signal?: string;
  stop_grace_period?: string;
  volumes?: VolumeMount[];
}

export interface IpamPool {
  subnet?: string;
  ip_range?: string;
  gateway?: string;
  aux_addresses?: Record<string, string>;
}

export interface Network {
  /** The daemon-side name: `<project>_<key>` unless `name:` or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: IpamPool[]; options?: Record<string, string> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
}

/** compose-go's ErrInvalid text, appended to consistency errors. */
export const INVALID_PROJECT = 'invalid compose project';

/** `<project>-<service>-<n>`, or container_name (compose `getContainerName`). */
export function containerName(project: Project, service: Service, number = 1): string {
  return service.container_name || [project.name, service.name, String(number)].join(SEPARATOR);
}

/** Network keys by `priority` (highest first), then by key (compose-go `NetworksByPriority`). */
export function networksByPriority(service: Service): string[] {
  const entries = Object.entries(service.networks ?? {});
  entries.sort(([a, x], [b, y]) => (y?.priority ?? 0) - (x?.priority ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([key]) => key);
}

/** The service named by `network_mode: service:<name>`, if any. */
export function networkModeService(service: Service): string | undefined {
  return service.network_mode?.startsWith('service:') ? service.network_mode.slice('service:'.length) : undefined;
}
