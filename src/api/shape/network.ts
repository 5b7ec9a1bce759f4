/**
 * @module api/shape/network
 * Network JSON as Docker returns it. The docker CLI prints the daemon's raw JSON, so the field
 * order is user-visible: berth speaks API 1.51, Docker 28's, whose inspect puts Containers
 * between ConfigOnly and Options (v29 moved it after Labels). `network inspect | sed -n
 * '/Containers/,/Options/p'` prints just the containers on Docker 28.
 */
import type { EndpointRecord, NetworkRecord } from '../../engine/model.js';

export interface NetworkJsonInput {
  net: NetworkRecord;
  /** Present for inspect (GET /networks/{id}); list responses omit Containers. */
  endpoints?: Array<{ ep: EndpointRecord; containerName: string }>;
}

export function networkJson({ net, endpoints }: NetworkJsonInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: net.scope,
    Driver: net.driver,
    EnableIPv4: net.enableIPv4,
    EnableIPv6: net.enableIPv6,
    IPAM: {
      Driver: net.ipamDriver,
      Options: net.ipamOptions,
      Config: ipamConfigJson(net),
    },
    Internal: net.internal,
    Attachable: net.attachable,
    Ingress: net.ingress,
    ConfigFrom: { Network: net.configFrom },
    ConfigOnly: net.configOnly,
  };
  if (endpoints) {
    // Go encodes maps with sorted keys: containers come in ID order, not in joining order.
    const containers: Record<string, unknown> = {};
    const byId = [...endpoints].sort((a, b) => (a.ep.containerId < b.ep.containerId ? -1 : a.ep.containerId > b.ep.containerId ? 1 : 0));
    for (const { ep, containerName } of byId) {
      containers[ep.containerId] = {
        Name: containerName,
        EndpointID: ep.id,
        MacAddress: ep.mac,
        IPv4Address: ep.ipv4,
        IPv6Address: '',
      };
    }
    out.Containers = containers;
  }
  out.Options = net.options;
  out.Labels = net.labels;
  return out;
}

/** The user's config when given, else what was allocated (Docker's buildIPAMResources). */
function ipamConfigJson(net: NetworkRecord): unknown[] {
  if (net.driver === 'null' || net.driver === 'host') return [];
  return net.ipamConfig.map((allocated, i) => {
    const asked = net.ipamRequested[i] ?? {};
    const entry: Record<string, unknown> = { Subnet: asked.Subnet ?? allocated.Subnet };
    if (asked.IPRange) entry.IPRange = asked.IPRange;
    const gateway = asked.Gateway ?? allocated.Gateway;
    if (gateway) entry.Gateway = gateway;
    if (asked.AuxiliaryAddresses) entry.AuxiliaryAddresses = asked.AuxiliaryAddresses;
    return entry;
  });
}
