/**
 * @module drivers/driver
 * The contract between the engine and a network driver. The required part is small; optional
 * abilities are separate interfaces found with type guards (moby's driverapi split).
 *
 * The engine owns the model (what should exist, stored) and decides addresses (IPAM), names and
 * which endpoint carries a sandbox's default route. A driver turns that into kernel state through
 * dataplane/, planning first and applying in batches, registering an undo for every step.
 */
import type { UndoStack } from '../lib/undo.js';

/** What a driver knows about a network. */
export interface NetworkState {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  /** IPv4 subnets with their gateway address (no prefix length), IPv4 first. */
  subnets: Array<{ subnet: string; gateway?: string }>;
  /** The user's `-o` options, raw; the driver parses them in `validate`. */
  options: Record<string, string>;
  /** Whether containers on this network use the embedded DNS (all but the default bridge). */
  dns: boolean;
  /** The kernel device of the network (bridge name, macvlan parent), chosen by the driver at create. */
  ifname?: string;
}

/** One container interface on one network. */
export interface EndpointState {
  id: string;
  networkId: string;
  containerId: string;
  /** Name inside the sandbox: eth0, eth1, ... */
  ifname: string;
  /** Host end of the veth (bridge driver), from InstanceNames.vethHost. */
  hostIfname: string;
  mac: string;
  /** "172.18.0.2/16" */
  ipv4?: string;
  /** Set when this endpoint carries the sandbox's default route: the network's gateway. */
  defaultGateway?: string;
}

/** A container's network namespace. */
export interface SandboxRef {
  id: string;
  /** Name under /run/netns. */
  netns: string;
}

export interface NetworkSpecCheck {
  name: string;
  internal: boolean;
  options: Record<string, string>;
  subnets: Array<{ subnet: string; gateway?: string }>;
}

export interface NetworkDriver {
  readonly type: string;
  /** Pure: check the options and config; throw invalidParameter with Docker's wording. */
  validate(spec: NetworkSpecCheck): void;
  /** Create the kernel side of a network; returns the device name it used (if any). */
  createNetwork(net: NetworkState, undo: UndoStack): Promise<{ ifname?: string }>;
  /** Idempotent and best effort: succeed when things are already gone. */
  deleteNetwork(net: NetworkState): Promise<void>;
  join(ep: EndpointState, net: NetworkState, sb: SandboxRef, undo: UndoStack): Promise<void>;
  /** Idempotent and best effort. */
  leave(ep: EndpointState, net: NetworkState, sb: SandboxRef): Promise<void>;
  /** On daemon start: make the kernel match the stored network again (idempotent). */
  restoreNetwork(net: NetworkState): Promise<void>;
}
