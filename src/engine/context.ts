/**
 * @module engine/context
 * What every engine service shares: the state, the allocators, the drivers and the resolver.
 */
import type { InstanceNames } from '../lib/names.js';
import type { KeyedMutex } from '../lib/mutex.js';
import type { NetworkDriver, SandboxRef } from '../drivers/driver.js';
import type { UndoStack } from '../lib/undo.js';
import type { AddressSpace } from '../ipam/address-space.js';
import type { State } from './state.js';
import type { EventBus } from './events.js';

export interface EngineOptions {
  /** Upstream resolvers for names the embedded DNS does not know ("ip" or "ip:port"). */
  dnsUpstreams: string[];
  /** Nameservers, search domains and options of the host (for containers' resolv.conf). */
  hostResolv: { nameservers: string[]; search: string[]; options: string[] };
  /** The daemon's default address pools (Docker's when absent). */
  defaultAddressPools?: Array<{ base: string; size: number }>;
  /** Subnet for the default bridge network (Docker's --bip network), when not the first free default pool. */
  defaultBridgeSubnet?: string;
  /** Paths of helper binaries. */
  shimPath: string;
  runtimePath: string;
}

/** Kernel operations on a container's network namespace, independent of any driver. */
export interface SandboxKernel {
  /** `dnsTarget`: the DNS redirect to set up at once (see setDnsRedirect), saving a second nft call. */
  create(sb: SandboxRef, undo: UndoStack, dnsTarget?: string): Promise<void>;
  /** Idempotent. */
  delete(sb: SandboxRef): Promise<void>;
  setDefaultRoute(sb: SandboxRef, route?: { gateway: string; ifname: string }): Promise<void>;
  /** Make 127.0.0.11:53 inside the sandbox reach the embedded resolver at `target`:53; undefined removes it. */
  setDnsRedirect(sb: SandboxRef, target?: string): Promise<void>;
}

export interface EngineContext {
  names: InstanceNames;
  opts: EngineOptions;
  state: State;
  ipam: AddressSpace;
  drivers: Map<string, NetworkDriver>;
  sandboxKernel: SandboxKernel;
  locks: KeyedMutex;
  events: EventBus;
  /** Push the current names/addresses to the embedded DNS (rebuilds its table). */
  refreshDns(): Promise<void>;
  /** Host routes and nameserver addresses that automatically chosen subnets must avoid. */
  hostReserved(): Promise<string[]>;
}
