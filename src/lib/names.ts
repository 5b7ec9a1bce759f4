/**
 * @module names
 * Everything a daemon creates is named from one instance prefix, so two daemons never collide
 * and cleanup can find all a daemon made. No other module invents a kernel name or a path.
 */
import { join } from 'node:path';
import { invalidParameter } from './errors.js';

export interface InstanceOptions {
  /** Short lowercase tag, 3-8 chars, starting with "berth" by convention (default "berth"). */
  prefix: string;
  dataRoot: string; // persistent state: store, images, container layers
  runRoot: string; //  volatile state: shim sockets, runc state, resolv.conf/hosts files
  socket: string; //   the Engine API unix socket
}

export const DEFAULT_INSTANCE: InstanceOptions = {
  prefix: 'berth',
  dataRoot: '/var/lib/berth',
  runRoot: '/run/berth',
  socket: '/run/berth/berth.sock',
};

const IFNAMSIZ = 15; // Linux interface names are at most 15 bytes
const PREFIX_RULE = /^[a-z][a-z0-9]{2,7}$/;

export function checkPrefix(prefix: string): void {
  if (!PREFIX_RULE.test(prefix)) throw invalidParameter(`invalid instance prefix "${prefix}": want 3-8 of [a-z0-9], starting with a letter`);
}

export class InstanceNames {
  constructor(readonly opts: InstanceOptions) {
    checkPrefix(opts.prefix);
  }

  get prefix(): string {
    return this.opts.prefix;
  }

  // ---- kernel objects ----

  /** The default `bridge` network's device, like docker0. */
  defaultBridge(): string {
    return `${this.prefix}0`;
  }

  /** A user network's bridge: prefix-<id head>, 15 chars, like Docker's br-<12 hex>. */
  networkBridge(networkId: string): string {
    const room = IFNAMSIZ - this.prefix.length - 1;
    return `${this.prefix}-${networkId.slice(0, room)}`;
  }

  /** Host end of a veth pair: prefix + "v" + random hex, 15 chars. */
  vethHost(randomHex: string): string {
    const room = IFNAMSIZ - this.prefix.length - 1;
    return `${this.prefix}v${randomHex.slice(0, room)}`;
  }

  /** A container's network namespace under /run/netns (so `ip -n` and `ip netns list` see it). */
  netns(sandboxId: string): string {
    return `${this.prefix}-${sandboxId.slice(0, 12)}`;
  }

  netnsPath(sandboxId: string): string {
    return `/run/netns/${this.netns(sandboxId)}`;
  }

  /** Prefix shared by all of this instance's netns names, for cleanup. */
  netnsPrefix(): string {
    return `${this.prefix}-`;
  }

  /** berth's nftables table in the host namespace (family ip). */
  nftTable(): string {
    return this.prefix;
  }

  /** berth's nftables table inside each container namespace (DNS DNAT to the resolver). */
  nftContainerTable(): string {
    return `${this.prefix}-dns`;
  }

  // ---- files ----

  storeDir(): string {
    return join(this.opts.dataRoot, 'store');
  }
  imagesDir(): string {
    return join(this.opts.dataRoot, 'images');
  }
  containerDir(containerId: string): string {
    return join(this.opts.dataRoot, 'containers', containerId);
  }
  containersDir(): string {
    return join(this.opts.dataRoot, 'containers');
  }
  /**
   * Where the shim of a container (or exec) keeps its socket, pid and exit files. The id is cut
   * to 24 hex characters: the socket path inside must fit a sockaddr_un (107 bytes).
   */
  shimDir(id: string): string {
    return join(this.opts.runRoot, 'shims', id.slice(0, 24));
  }
  shimsDir(): string {
    return join(this.opts.runRoot, 'shims');
  }
  /** runc's --root: its state for this instance only. */
  runcRoot(): string {
    return join(this.opts.runRoot, 'runc');
  }
  /** Per-container volatile files bind-mounted into the container: hosts, resolv.conf, hostname. */
  containerRunDir(containerId: string): string {
    return join(this.opts.runRoot, 'containers', containerId);
  }
  containersRunDir(): string {
    return join(this.opts.runRoot, 'containers');
  }
  socket(): string {
    return this.opts.socket;
  }
  pidFile(): string {
    return join(this.opts.runRoot, 'berthd.pid');
  }
}
