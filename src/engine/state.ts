/**
 * @module engine/state
 * The engine's in-memory view of the store: containers, networks and endpoints with their
 * indexes, written through to the store on every change. The engine is the only writer.
 */
import { conflict, invalidParameter, notFound } from '../lib/errors.js';
import type { Store, StoreOp } from '../store/store.js';
import {
  CONTAINER_PREFIX,
  ENDPOINT_PREFIX,
  NETWORK_PREFIX,
  type ContainerRecord,
  type EndpointRecord,
  type NetworkRecord,
} from './model.js';

export class State {
  readonly containers = new Map<string, ContainerRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly endpoints = new Map<string, EndpointRecord>();

  private constructor(readonly store: Store) {}

  static async load(store: Store): Promise<State> {
    const state = new State(store);
    for (const { value } of await store.list<ContainerRecord>(CONTAINER_PREFIX)) state.containers.set(value.id, value);
    for (const { value } of await store.list<NetworkRecord>(NETWORK_PREFIX)) state.networks.set(value.id, value);
    for (const { value } of await store.list<EndpointRecord>(ENDPOINT_PREFIX)) state.endpoints.set(value.id, value);
    return state;
  }

  // ---- writes (memory first, then the store, in one transaction) ----

  async commit(changes: {
    containers?: ContainerRecord[];
    networks?: NetworkRecord[];
    endpoints?: EndpointRecord[];
    deleteContainers?: string[];
    deleteNetworks?: string[];
    deleteEndpoints?: string[];
  }): Promise<void> {
    const ops: StoreOp[] = [];
    for (const c of changes.containers ?? []) {
      this.containers.set(c.id, c);
      ops.push({ op: 'put', key: CONTAINER_PREFIX + c.id, value: c });
    }
    for (const n of changes.networks ?? []) {
      this.networks.set(n.id, n);
      ops.push({ op: 'put', key: NETWORK_PREFIX + n.id, value: n });
    }
    for (const e of changes.endpoints ?? []) {
      this.endpoints.set(e.id, e);
      ops.push({ op: 'put', key: ENDPOINT_PREFIX + e.id, value: e });
    }
    for (const id of changes.deleteContainers ?? []) {
      this.containers.delete(id);
      ops.push({ op: 'delete', key: CONTAINER_PREFIX + id });
    }
    for (const id of changes.deleteNetworks ?? []) {
      this.networks.delete(id);
      ops.push({ op: 'delete', key: NETWORK_PREFIX + id });
    }
    for (const id of changes.deleteEndpoints ?? []) {
      this.endpoints.delete(id);
      ops.push({ op: 'delete', key: ENDPOINT_PREFIX + id });
    }
    if (ops.length) await this.store.txn(ops);
  }

  saveContainer(c: ContainerRecord): Promise<void> {
    return this.commit({ containers: [c] });
  }

  // ---- lookups with Docker's resolution rules ----

  /** Full ID, exact name (with or without the leading "/"), then unique ID prefix. */
  findContainer(ref: string): ContainerRecord | undefined {
    const byId = this.containers.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    for (const c of this.containers.values()) if (c.name === name) return c;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const matches = [...this.containers.values()].filter((c) => c.id.startsWith(ref));
    if (matches.length > 1) throw invalidParameter(`multiple IDs found with provided prefix: ${ref}`);
    return matches[0];
  }

  container(ref: string): ContainerRecord {
    if (!ref) throw notFound('No such container: ');
    const c = this.findContainer(ref);
    if (!c) throw notFound(`No such container: ${ref}`);
    return c;
  }

  containerByName(name: string): ContainerRecord | undefined {
    for (const c of this.containers.values()) if (c.name === name) return c;
    return undefined;
  }

  checkNameFree(name: string): void {
    const holder = this.containerByName(name);
    if (holder) {
      throw conflict(
        `Conflict. The container name "/${name}" is already in use by container "${holder.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
  }

  /** Full ID, exact name, then unique ID prefix (moby network_routes.go). */
  findNetwork(ref: string): NetworkRecord | undefined {
    const byId = this.networks.get(ref);
    if (byId) return byId;
    const byName = [...this.networks.values()].filter((n) => n.name === ref);
    if (byName.length > 1) throw invalidParameter(`network ${ref} is ambiguous (${byName.length} matches found based on name)`);
    if (byName.length === 1) return byName[0];
    const byPrefix = [...this.networks.values()].filter((n) => n.id.startsWith(ref));
    if (byPrefix.length > 1) throw invalidParameter(`network ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    return byPrefix[0];
  }

  network(ref: string): NetworkRecord {
    const n = ref ? this.findNetwork(ref) : undefined;
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  networkByName(name: string): NetworkRecord | undefined {
    for (const n of this.networks.values()) if (n.name === name) return n;
    return undefined;
  }

  endpointsOfNetwork(networkId: string): EndpointRecord[] {
    return [...this.endpoints.values()].filter((e) => e.networkId === networkId);
  }

  endpointsOfContainer(containerId: string): EndpointRecord[] {
    return [...this.endpoints.values()].filter((e) => e.containerId === containerId);
  }

  endpointOf(containerId: string, networkId: string): EndpointRecord | undefined {
    for (const e of this.endpoints.values()) if (e.containerId === containerId && e.networkId === networkId) return e;
    return undefined;
  }
}
