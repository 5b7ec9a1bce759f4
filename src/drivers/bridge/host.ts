/**
 * @module drivers/bridge/host
 * The host-wide part of bridge networking: IPv4 forwarding and berth's own nft table with its
 * base chains, maps and the published-ports set. `initHost` is idempotent (daemon start, and
 * lazily before the first network); `purgeHost` removes the table (cleanup of an instance).
 */
import { applyNft, deleteCommand, nft, type TableRef } from '../../dataplane/nft.js';
import { sysctlSet } from '../../dataplane/sysctl.js';
import type { InstanceNames } from '../../lib/names.js';
import { planHostInit } from './firewall.js';

export interface HostOptions {
  /** The namespace playing the host (tests); undefined = the daemon's own. */
  netns?: string;
}

export function hostTable(names: InstanceNames): TableRef {
  return { family: 'ip', name: names.nftTable() };
}

export async function initHost(names: InstanceNames, opts: HostOptions = {}): Promise<void> {
  await Promise.all([
    sysctlSet('net.ipv4.ip_forward', 1, opts),
    applyNft(planHostInit(hostTable(names)), opts),
  ]);
}

/** Delete berth's table (all networks' firewall pieces with it); fine when it is gone. */
export async function purgeHost(names: InstanceNames, opts: HostOptions = {}): Promise<void> {
  const t = hostTable(names);
  await applyNft([{ add: { table: { family: t.family, name: t.name } } }, deleteCommand(nft.table(t.family, t.name))], opts);
}
