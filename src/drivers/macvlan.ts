/**
 * @module drivers/macvlan
 * The "macvlan" driver: each endpoint is a macvlan child of the host interface `-o parent=`,
 * created directly inside the sandbox with its final name (so a host `eth0` never collides).
 * Modes from `-o macvlan_mode=` (bridge by default). No firewall and no NAT: containers sit on
 * the parent's segment. VLAN sub-interfaces (`eth0.10`) and Docker's dummy parent need link
 * types this kernel lacks, so a parent that is not an existing interface is refused.
 */
import { IpBatch, listLinks } from '../dataplane/ip.js';
import { invalidParameter } from '../lib/errors.js';
import type { InstanceNames } from '../lib/names.js';
import { failPoint, type UndoStack } from '../lib/undo.js';
import { isValidIfname } from './bridge/options.js';
import type { EndpointState, NetworkDriver, NetworkSpecCheck, NetworkState, SandboxRef } from './driver.js';

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru';
const MODES: readonly string[] = ['bridge', 'private', 'vepa', 'passthru'];

export interface MacvlanOptions {
  parent: string;
  mode: MacvlanMode;
  mtu?: number;
}

export function parseMacvlanOptions(options: Record<string, string>): MacvlanOptions {
  const mode = options.macvlan_mode || 'bridge';
  if (!MODES.includes(mode)) throw invalidParameter(`requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`);
  const parent = options.parent ?? options['com.docker.network.macvlan.parent'] ?? '';
  if (!parent) throw invalidParameter('berth: the macvlan driver needs -o parent=<host interface> (no dummy parent links on this kernel)');
  if (parent === 'lo') throw invalidParameter('loopback interface is not a valid macvlan parent link');
  if (/\.\d+$/.test(parent)) throw invalidParameter(`berth: VLAN sub-interface parents (${parent}) are not supported: this kernel has no vlan links`);
  if (!isValidIfname(parent)) throw invalidParameter(`-o parent interface was not found on the host: ${parent}`);
  const mtuRaw = options['com.docker.network.driver.mtu'];
  const mtu = mtuRaw ? Number(mtuRaw) : undefined;
  if (mtu !== undefined && !(Number.isInteger(mtu) && mtu >= 68 && mtu <= 65535)) throw invalidParameter(`invalid MTU number: ${mtuRaw}`);
  return { parent, mode: mode as MacvlanMode, ...(mtu ? { mtu } : {}) };
}

export class MacvlanDriver implements NetworkDriver {
  readonly type = 'macvlan';

  constructor(
    private readonly names: InstanceNames,
    private readonly opts: { hostNetns?: string } = {},
  ) {
    void this.names;
  }

  validate(spec: NetworkSpecCheck): void {
    parseMacvlanOptions(spec.options);
  }

  async #checkParent(parent: string): Promise<void> {
    const found = await listLinks({ dev: parent, ...(this.opts.hostNetns ? { netns: this.opts.hostNetns } : {}) });
    if (!found.length) throw invalidParameter(`the requested parent interface ${parent} was not found on the Docker host`);
  }

  async createNetwork(net: NetworkState, undo: UndoStack): Promise<{ ifname?: string }> {
    void undo;
    const o = parseMacvlanOptions(net.options);
    await this.#checkParent(o.parent);
    return { ifname: o.parent };
  }

  async deleteNetwork(): Promise<void> {}

  async join(ep: EndpointState, net: NetworkState, sb: SandboxRef, undo: UndoStack): Promise<void> {
    const o = parseMacvlanOptions(net.options);
    await new IpBatch(this.opts.hostNetns)
      .linkAdd({ kind: 'macvlan', name: ep.ifname, parent: o.parent, mode: o.mode, netns: sb.netns, address: ep.mac, ...(o.mtu ? { mtu: o.mtu } : {}) })
      .commit();
    undo.push(`delete macvlan ${ep.ifname} in ${sb.netns}`, () => this.leave(ep, net, sb));
    failPoint('macvlan.join');
    const c = new IpBatch(sb.netns);
    if (ep.ipv4) c.addrAdd(ep.ifname, ep.ipv4);
    c.linkSet(ep.ifname, { up: true });
    if (ep.defaultGateway) c.routeReplace({ dst: 'default', via: ep.defaultGateway, dev: ep.ifname });
    await c.commit();
  }

  /** The macvlan lives in the sandbox: delete it there; a missing link or sandbox is fine. */
  async leave(ep: EndpointState, net: NetworkState, sb: SandboxRef): Promise<void> {
    void net;
    if (!sb.netns) return;
    try {
      await new IpBatch(sb.netns).linkDel(ep.ifname).commit();
    } catch (err) {
      if (!/No such file|does not exist|Invalid argument|Cannot open network namespace/i.test(String(err))) throw err;
    }
  }

  async restoreNetwork(net: NetworkState): Promise<void> {
    await this.#checkParent(parseMacvlanOptions(net.options).parent);
  }
}
