/**
 * @module engine/dns-view
 * Projects the engine's state onto the embedded resolver: one immutable name table per change,
 * swapped in whole, and the listening set = the gateways of networks with embedded DNS.
 */
import { NameTable, type DnsNetwork } from '../dns/table.js';
import type { DnsServer } from '../dns/server.js';
import { isIPv4 } from '../ipam/prefix.js';
import { hasEmbeddedDns } from './networks.js';
import type { State } from './state.js';

export class DnsView {
  #listening = '';

  constructor(
    private readonly state: State,
    private readonly server: DnsServer,
  ) {}

  async refresh(): Promise<void> {
    const networks: DnsNetwork[] = [];
    const listen: Array<{ address: string; networkId: string }> = [];
    for (const net of this.state.networks.values()) {
      if (!hasEmbeddedDns(net)) continue;
      networks.push({
        id: net.id,
        name: net.name,
        internal: net.internal,
        subnets: net.ipamConfig.flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
        endpoints: this.state.endpointsOfNetwork(net.id).map((ep) => ({
          containerId: ep.containerId,
          ...(ep.ipv4 ? { ipv4: ep.ipv4.split('/')[0]! } : {}),
          names: ep.dnsNames,
        })),
      });
      for (const cfg of net.ipamConfig) if (cfg.Gateway && isIPv4(cfg.Gateway)) listen.push({ address: cfg.Gateway, networkId: net.id });
    }
    const perContainer = new Map<string, { upstreams?: string[] }>();
    // Containers not attached anywhere are simply never asked about; no need to filter by state.
    for (const c of this.state.containers.values()) if (c.hostConfig.Dns?.length) perContainer.set(c.id, { upstreams: c.hostConfig.Dns });
    this.server.setTable(NameTable.build(networks, perContainer));
    const key = JSON.stringify(listen);
    if (key !== this.#listening) {
      await this.server.setListenAddresses(listen);
      this.#listening = key;
    }
  }
}
