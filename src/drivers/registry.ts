/**
 * @module drivers/registry
 * The built-in network drivers of one daemon instance, by type name.
 */
import { listRoutes } from '../dataplane/ip.js';
import { notFound } from '../lib/errors.js';
import type { InstanceNames } from '../lib/names.js';
import { BridgeDriver } from './bridge/driver.js';
import type { NetworkDriver } from './driver.js';
import { HostDriver } from './host.js';
import { MacvlanDriver } from './macvlan.js';
import { NullDriver } from './null.js';
import { SandboxNet } from './sandbox.js';

export { initHost, purgeHost } from './bridge/host.js';

export interface DriverOptions {
  /** The namespace playing the host (tests); undefined = the daemon's own namespace. */
  hostNetns?: string;
}

export function createDrivers(names: InstanceNames, opts: DriverOptions = {}): Map<string, NetworkDriver> {
  const drivers: NetworkDriver[] = [new BridgeDriver(names, opts), new NullDriver(), new HostDriver(), new MacvlanDriver(names, opts)];
  return new Map(drivers.map((d) => [d.type, d]));
}

/** Docker's answer for `-d <unknown>`: `plugin "x" not found` (404). */
export function unknownDriver(type: string) {
  return notFound(`plugin "${type}" not found`);
}

export function getDriver(drivers: Map<string, NetworkDriver>, type: string): NetworkDriver {
  const d = drivers.get(type);
  if (!d) throw unknownDriver(type);
  return d;
}

/** The engine's SandboxKernel: netns, default route, embedded-DNS redirect. */
export function createSandboxKernel(names: InstanceNames): SandboxNet {
  return new SandboxNet(names);
}

/**
 * What automatically chosen subnets must avoid: the host's IPv4 routes (except the default) and
 * its IPv4 nameservers, as CIDRs.
 */
export async function hostReservedPrefixes(nameservers: string[], opts: DriverOptions = {}): Promise<string[]> {
  const routes = await listRoutes(opts.hostNetns ? { netns: opts.hostNetns } : {});
  const out = routes.filter((r) => r.dst !== 'default').map((r) => (r.dst.includes('/') ? r.dst : `${r.dst}/32`));
  for (const ns of nameservers) if (/^\d+\.\d+\.\d+\.\d+$/.test(ns)) out.push(`${ns}/32`);
  return [...new Set(out)];
}
