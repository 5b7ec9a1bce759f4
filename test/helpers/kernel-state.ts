/**
 * What a berth instance has in the kernel and in its store, as plain sorted lists, so a test can
 * take a baseline and later prove that an operation (or a failed one) left nothing behind:
 *
 *   const baseline = await snapshot(host);
 *   ... create, fail, remove ...
 *   assert.deepEqual(await snapshot(host), baseline);
 */
import { runCommand, type TestHost } from './testhost.js';

export interface Snapshot {
  /** Links of the test host (bridges, host ends of veths), "name mtu N". */
  links: string[];
  /** IPv4 addresses of the test host, "dev address/len". */
  addresses: string[];
  /** The instance's container namespaces (`ip netns list`, outside the test host). */
  netns: string[];
  /** Chains of berth's nft table, and every map and set element as "set: element". */
  nft: string[];
  /** `network ls` names and `ps -aq`. */
  networks: string[];
  containers: string[];
}

interface NftItem {
  chain?: { name: string };
  map?: { name: string; elem?: unknown[] };
  set?: { name: string; elem?: unknown[] };
}

/** The chains and elements of berth's table in the test host (empty when there is no table). */
export async function nftState(host: TestHost): Promise<string[]> {
  const r = await host.sh(['nft', '-j', 'list', 'table', 'ip', host.prefix]);
  if (r.code !== 0) return [];
  const items = (JSON.parse(r.stdout) as { nftables: NftItem[] }).nftables;
  const out: string[] = [];
  for (const item of items) {
    if (item.chain) out.push(`chain ${item.chain.name}`);
    const s = item.map ?? item.set;
    for (const e of s?.elem ?? []) out.push(`${s!.name}: ${JSON.stringify(e)}`);
  }
  return out.sort();
}

/** `ip -o` lines reduced to what identifies an object. */
export async function links(host: TestHost): Promise<string[]> {
  const r = await host.sh(['ip', '-o', 'link', 'show']);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^\d+: ([^:@]+)(?:@[^:]+)?: .* mtu (\d+)/.exec(l);
      return m ? `${m[1]} mtu ${m[2]}` : l;
    })
    .sort();
}

export async function addresses(host: TestHost): Promise<string[]> {
  const r = await host.sh(['ip', '-4', '-o', 'addr', 'show']);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^\d+: (\S+)\s+inet (\S+)/.exec(l);
      return m ? `${m[1]} ${m[2]}` : l;
    })
    .sort();
}

/** This instance's container namespaces, seen from outside the test host. */
export async function instanceNetns(host: TestHost): Promise<string[]> {
  const r = await runCommand(['ip', 'netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`${host.prefix}-`))
    .sort();
}

export async function snapshot(host: TestHost): Promise<Snapshot> {
  const [l, a, n, f, nets, ps] = await Promise.all([
    links(host),
    addresses(host),
    instanceNetns(host),
    nftState(host),
    host.berth(['network', 'ls', '--format', '{{.Name}}']),
    host.berth(['ps', '-aq']),
  ]);
  for (const r of [nets, ps]) if (r.code !== 0) throw new Error(`snapshot: berth failed: ${r.stderr}`);
  const lines = (s: string) => s.split('\n').filter(Boolean).sort();
  return { links: l, addresses: a, netns: n, nft: f, networks: lines(nets.stdout), containers: lines(ps.stdout) };
}

/** The bridge device berth makes for a user network without a bridge.name option (InstanceNames.networkBridge). */
export function bridgeOf(host: TestHost, networkId: string): string {
  return `${host.prefix}-${networkId.slice(0, 15 - host.prefix.length - 1)}`;
}
