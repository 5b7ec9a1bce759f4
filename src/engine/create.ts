/**
 * @module engine/create
 * Turning a Docker create request into a container record: the image's defaults merged with the
 * user's config, the network mode and endpoints resolved, and Docker's conflict checks. Pure
 * apart from the lookups it is handed.
 */
import { invalidParameter } from '../lib/errors.js';
import { shortId } from '../lib/ids.js';
import type { ContainerConfig, EndpointConfig, HostConfig, NetworkRecord } from './model.js';
import { parseNetworkMode } from './sandboxes.js';

/** POST /containers/create body: Docker's Config at the top level, plus HostConfig and NetworkingConfig. */
export interface CreateRequest extends Partial<Omit<ContainerConfig, 'OnBuild'>> {
  HostConfig?: Partial<HostConfig> | null;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointConfig | null> | null } | null;
}

export interface ImageDefaults {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export function mergeConfig(id: string, req: CreateRequest, image: ImageDefaults, imageRef: string): ContainerConfig {
  const entrypointGiven = req.Entrypoint !== undefined && req.Entrypoint !== null;
  const cmd = req.Cmd?.length ? req.Cmd : entrypointGiven ? null : (image.Cmd ?? null);
  const config: ContainerConfig = {
    Hostname: req.Hostname || shortId(id),
    Domainname: req.Domainname ?? '',
    User: req.User || image.User || '',
    AttachStdin: !!req.AttachStdin,
    AttachStdout: !!req.AttachStdout,
    AttachStderr: !!req.AttachStderr,
    Tty: !!req.Tty,
    OpenStdin: !!req.OpenStdin,
    StdinOnce: !!req.StdinOnce,
    Env: mergeEnv(image.Env ?? [], req.Env ?? []),
    Cmd: cmd,
    Image: req.Image ?? imageRef,
    Volumes: req.Volumes ?? null,
    WorkingDir: req.WorkingDir || image.WorkingDir || '',
    Entrypoint: entrypointGiven ? (req.Entrypoint!.length ? req.Entrypoint! : null) : (image.Entrypoint ?? null),
    OnBuild: null,
    Labels: { ...(image.Labels ?? {}), ...(req.Labels ?? {}) },
  };
  const exposed = { ...(image.ExposedPorts ?? {}), ...(req.ExposedPorts ?? {}) };
  if (Object.keys(exposed).length) config.ExposedPorts = exposed;
  const stopSignal = req.StopSignal || image.StopSignal;
  if (stopSignal) config.StopSignal = stopSignal;
  if (req.StopTimeout !== undefined && req.StopTimeout !== null) config.StopTimeout = req.StopTimeout;
  return config;
}

/** Image env first, the user's entries replace those with the same key. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const key = (e: string) => e.split('=')[0]!;
  const out = [...base];
  for (const entry of overrides) {
    const i = out.findIndex((e) => key(e) === key(entry));
    if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

export function normalizeHostConfig(raw: Partial<HostConfig> | null | undefined): HostConfig {
  const hc = { ...(raw ?? {}) } as HostConfig;
  if (!hc.NetworkMode || hc.NetworkMode === 'default') hc.NetworkMode = 'bridge';
  hc.PortBindings = hc.PortBindings ?? {};
  hc.PublishAllPorts = !!hc.PublishAllPorts;
  hc.AutoRemove = !!hc.AutoRemove;
  hc.Binds = hc.Binds ?? null;
  hc.Dns = hc.Dns ?? [];
  hc.DnsOptions = hc.DnsOptions ?? [];
  hc.DnsSearch = hc.DnsSearch ?? [];
  hc.ExtraHosts = hc.ExtraHosts ?? null;
  hc.Links = hc.Links ?? null;
  hc.Privileged = !!hc.Privileged;
  hc.CapAdd = hc.CapAdd ?? null;
  hc.CapDrop = hc.CapDrop ?? null;
  hc.ReadonlyRootfs = !!hc.ReadonlyRootfs;
  hc.RestartPolicy = hc.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
  if (!hc.RestartPolicy.Name) hc.RestartPolicy = { Name: 'no', MaximumRetryCount: hc.RestartPolicy.MaximumRetryCount ?? 0 };
  return hc;
}

/** Docker's runconfig checks between the network mode and other options. */
export function checkNetworkModeConflicts(config: ContainerConfig, req: CreateRequest, hc: HostConfig): string[] {
  const mode = parseNetworkMode(hc.NetworkMode);
  const warnings: string[] = [];
  if (mode.kind === 'container') {
    if (req.Hostname) throw invalidParameter('conflicting options: hostname and the network mode');
    if (hc.Dns.length || hc.DnsSearch.length || hc.DnsOptions.length) throw invalidParameter('conflicting options: dns and the network mode');
    if (hc.ExtraHosts?.length) throw invalidParameter('conflicting options: custom host-to-IP mapping and the network mode');
    if (Object.keys(hc.PortBindings).length || hc.PublishAllPorts) throw invalidParameter('conflicting options: port publishing and the container type network mode');
    if (config.ExposedPorts && req.ExposedPorts && Object.keys(req.ExposedPorts).length) {
      throw invalidParameter('conflicting options: port exposing and the container type network mode');
    }
    if (!mode.ref) throw invalidParameter('Invalid network mode: invalid container format container:<name|id>');
  }
  if (mode.kind === 'host') {
    if (hc.Links?.length) throw invalidParameter("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    if (Object.keys(hc.PortBindings).length || hc.PublishAllPorts) {
      warnings.push('Published ports are discarded when using host network mode');
      hc.PortBindings = {};
      hc.PublishAllPorts = false;
    }
  }
  return warnings;
}

/**
 * The networks a new container is attached to, by network name, in connect order. The network
 * mode names the first; API ≥ 1.44 clients may send several in EndpointsConfig.
 */
export function resolveNetworks(
  hc: HostConfig,
  endpoints: Record<string, EndpointConfig | null>,
  find: (ref: string) => NetworkRecord | undefined,
): Record<string, EndpointConfig & { NetworkID: string }> {
  const mode = parseNetworkMode(hc.NetworkMode);
  if (mode.kind === 'container') return {};
  const out: Record<string, EndpointConfig & { NetworkID: string }> = {};
  // The docker CLI keys the default network's endpoint "default", like the network mode.
  endpoints = Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k === 'default' ? 'bridge' : k, v]));
  const add = (ref: string, cfg: EndpointConfig | null | undefined) => {
    const net = find(ref);
    // Docker creates the container anyway and fails its start ("failed to set up container
    // networking: network x not found"); a 404 here would make the docker CLI try a pull.
    if (!net) {
      out[ref] = { ...(cfg ?? {}), NetworkID: '' };
      return;
    }
    if (out[net.name]) return;
    out[net.name] = { ...(cfg ?? {}), NetworkID: net.id };
  };
  add(hc.NetworkMode, endpoints[hc.NetworkMode]);
  for (const [ref, cfg] of Object.entries(endpoints)) {
    if (ref === hc.NetworkMode) continue;
    const net = find(ref);
    if (net && out[net.name]) {
      out[net.name] = { ...out[net.name]!, ...(cfg ?? {}), NetworkID: net.id };
      continue;
    }
    if (mode.kind === 'host' || mode.kind === 'none') {
      throw invalidParameter(
        mode.kind === 'none'
          ? 'container cannot be connected to multiple networks with one of the networks in private (none) mode'
          : 'container sharing network namespace with another container or host cannot be connected to any other network',
      );
    }
    add(ref, cfg);
  }
  return out;
}
