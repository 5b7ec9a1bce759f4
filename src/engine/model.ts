/**
 * @module engine/model
 * The records berth stores: what should exist. Field names inside `config`/`hostConfig` are
 * Docker's own (the Engine API bodies as received), so inspect can echo them faithfully.
 */

export interface IpamConfigEntry {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: string;
  scope: 'local';
  created: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv4: boolean;
  enableIPv6: boolean;
  ipamDriver: string;
  ipamOptions: Record<string, string> | null;
  /** What the user asked for (echoed by inspect when given). */
  ipamRequested: IpamConfigEntry[];
  /** What was allocated: subnet and gateway, always filled for networks with addresses. */
  ipamConfig: IpamConfigEntry[];
  options: Record<string, string>;
  labels: Record<string, string>;
  configOnly: boolean;
  configFrom: string;
  /** Kernel device chosen by the driver (bridge name). */
  ifname?: string;
  /** bridge, host and none: created by the daemon, never removable. */
  predefined: boolean;
}

/** Docker's EndpointSettings as configured (NetworkingConfig.EndpointsConfig[name], connect body). */
export interface EndpointConfig {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
  NetworkID?: string;
}

/** A live attachment: exists while the container runs (Docker semantics). */
export interface EndpointRecord {
  id: string;
  networkId: string;
  containerId: string;
  ifname: string;
  hostIfname: string;
  mac: string;
  /** "172.18.0.2/16", or "" on networks without addresses. */
  ipv4: string;
  gateway: string;
  aliases: string[];
  dnsNames: string[];
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

/** Docker's container Config (create body minus HostConfig/NetworkingConfig), merged with the image's. */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
}

/** The subset of Docker's HostConfig berth acts on; unknown fields are kept as received. */
export interface HostConfig {
  NetworkMode: string;
  PortBindings: Record<string, PortBinding[] | null>;
  PublishAllPorts: boolean;
  AutoRemove: boolean;
  Binds: string[] | null;
  Dns: string[];
  DnsOptions: string[];
  DnsSearch: string[];
  ExtraHosts: string[] | null;
  Links: string[] | null;
  Privileged: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  ReadonlyRootfs: boolean;
  RestartPolicy: { Name: string; MaximumRetryCount: number };
  [field: string]: unknown;
}

export interface ContainerRecord {
  id: string;
  name: string;
  created: string;
  path: string;
  args: string[];
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** Networks the container is configured on, by network name, in connect order. */
  networks: Record<string, EndpointConfig & { NetworkID: string }>;
  state: ContainerState;
  restartCount: number;
  /** Published ports while running: "80/tcp" -> bindings actually made. */
  ports: Record<string, PortBinding[] | null>;
  /** Set while running with its own network namespace. */
  sandboxId?: string;
  /** The container whose network namespace this one joins (network mode container:<x>). */
  netnsOwner?: string;
}

export const CONTAINER_PREFIX = 'containers/';
export const NETWORK_PREFIX = 'networks/';
export const ENDPOINT_PREFIX = 'endpoints/';
