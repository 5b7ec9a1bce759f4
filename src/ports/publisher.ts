/**
 * @module ports/publisher
 * Publishing a container's ports: pick host ports (allocator), hold them (sockets), then add the
 * nft elements in one transaction. All or nothing: a failure releases and closes whatever was
 * taken. Unpublish undoes it; restore (daemon restart) takes back what running containers hold:
 * the allocator's marks and the sockets; the kernel elements normally never went away.
 *
 * Host port choice follows moby's OSAllocator: an explicit port is tried once; a range or an
 * ephemeral pick that some other program holds is retried with the next port, up to 10 times.
 */
import { applyNft, Changeset } from '../dataplane/nft.js';
import { sysctlGet } from '../dataplane/sysctl.js';
import { errorMessage, systemError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { DEFAULT_EPHEMERAL, parsePortRangeSysctl, parseReservedPorts, PortAllocator, type EphemeralRange } from './allocator.js';
import { planPublish, planRestore, planUnpublish, publicationElements, type Binding, type PortLayout, type Publication } from './plan.js';
import { holdPort, type HeldPort } from './reserve.js';
import { groupRequests, sortRequests, type Proto, type ResolvedRequest } from './spec.js';

const MAX_ATTEMPTS = 10;

export interface PublisherDeps {
  layout: PortLayout;
  /** One nft transaction in the host namespace. */
  apply(cs: Changeset): Promise<void>;
  hold(ip: string, proto: Proto, port: number): Promise<HeldPort>;
  /** The kernel's ephemeral port range (read once, on first need). */
  ephemeral(): Promise<EphemeralRange>;
}

interface Held {
  pub: Publication;
  sockets: HeldPort[];
}

export class PortPublisher {
  #allocator?: Promise<PortAllocator>;
  #held = new Map<string, Held>();

  constructor(private readonly deps: PublisherDeps) {}

  /** What `owner` (a container ID) has published, if anything. */
  published(owner: string): Publication | undefined {
    return this.#held.get(owner)?.pub;
  }

  async publish(owner: string, containerAddr: string, reqs: ResolvedRequest[]): Promise<Binding[]> {
    if (this.#held.has(owner)) await this.unpublish(owner);
    const alloc = await this.#alloc();
    const bindings: Binding[] = [];
    const sockets: HeldPort[] = [];
    try {
      for (const group of groupRequests(sortRequests(reqs))) {
        const { proto, containerPort } = group[0]!;
        if (!group[0]!.nat) {
          for (const r of group) bindings.push({ proto, containerPort, hostIp: r.hostIp, hostPort: 0 });
          continue;
        }
        const { port, held } = await this.#allocateAndHold(alloc, group);
        sockets.push(...held);
        for (const r of group) bindings.push({ proto, containerPort, hostIp: r.hostIp, hostPort: port });
      }
      const pub: Publication = { containerAddr, bindings };
      await this.#applyClearingStale(planPublish(this.deps.layout, pub), pub);
      this.#held.set(owner, { pub, sockets });
      return bindings;
    } catch (err) {
      await closeAll(sockets);
      for (const b of bindings) if (b.hostPort) alloc.release(b.hostIp, b.proto, b.hostPort);
      throw err;
    }
  }

  /**
   * Remove what `owner` published: sockets, allocator marks, nft elements. `fallback` describes
   * it when this process never published it (the container ended while the daemon was down).
   */
  async unpublish(owner: string, fallback?: Publication): Promise<void> {
    const held = this.#held.get(owner);
    this.#held.delete(owner);
    const pub = held?.pub ?? fallback;
    if (!pub) return;
    await closeAll(held?.sockets ?? []);
    const alloc = await this.#alloc();
    for (const b of pub.bindings) if (b.hostPort) alloc.release(b.hostIp, b.proto, b.hostPort);
    await this.#applyLeniently(planUnpublish(this.deps.layout, pub));
  }

  /** After a daemon restart: mark the ports used, make sure the elements exist, hold the ports. */
  async restore(owner: string, pub: Publication): Promise<void> {
    const alloc = await this.#alloc();
    for (const b of pub.bindings) if (b.hostPort) alloc.claim(b.hostIp, b.proto, b.hostPort);
    await this.#applyClearingStale(planRestore(this.deps.layout, pub), pub);
    const sockets: HeldPort[] = [];
    for (const b of pub.bindings) {
      if (!b.hostPort) continue;
      try {
        sockets.push(await this.deps.hold(b.hostIp, b.proto, b.hostPort));
      } catch (err) {
        // The forwarding still works; only the reservation against other programs is lost.
        log.warn(`published port ${b.hostIp}:${b.hostPort}/${b.proto} could not be held again`, errorMessage(err));
      }
    }
    this.#held.set(owner, { pub, sockets });
  }

  /** One port for every address of the group (they differ only in host address). */
  async #allocateAndHold(alloc: PortAllocator, group: ResolvedRequest[]): Promise<{ port: number; held: HeldPort[] }> {
    const { proto, hostPortStart: start, hostPortEnd: end } = group[0]!;
    const ips = group.map((r) => r.hostIp);
    let lastErr: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const port = alloc.request(ips, proto, start, end); // berth's own conflicts end here
      const held: HeldPort[] = [];
      try {
        for (const ip of ips) held.push(await this.deps.hold(ip, proto, port));
        return { port, held };
      } catch (err) {
        await closeAll(held);
        for (const ip of ips) alloc.release(ip, proto, port);
        lastErr = err;
        if (start > 0 && start === end) break; // an explicit port: no point retrying
      }
    }
    throw lastErr;
  }

  /**
   * Apply; when a key is taken by a stale element (a crash between the kernel and the store),
   * delete those keys one by one and apply again. Host ports are ours, so such keys are garbage.
   */
  async #applyClearingStale(cs: Changeset, pub: Publication): Promise<void> {
    try {
      await this.deps.apply(cs);
    } catch (err) {
      if (!/File exists/.test(errorMessage(err))) throw err;
      log.warn('replacing stale published-port elements', errorMessage(err));
      for (const el of publicationElements(this.deps.layout, pub)) {
        await this.deps.apply(new Changeset().delete(el)).catch(() => undefined);
      }
      await this.deps.apply(cs);
    }
  }

  /** Deletes in one transaction; if some element is already gone, the rest one by one. */
  async #applyLeniently(cs: Changeset): Promise<void> {
    try {
      await this.deps.apply(cs);
    } catch (err) {
      if (!/No such file or directory/.test(errorMessage(err))) throw err;
      const failures: string[] = [];
      for (const change of cs.changes) {
        await this.deps.apply(new Changeset().delete(change.obj)).catch((e: unknown) => {
          if (!/No such file or directory/.test(errorMessage(e))) failures.push(errorMessage(e));
        });
      }
      if (failures.length) throw systemError(`removing published ports: ${failures.join('; ')}`);
    }
  }

  #alloc(): Promise<PortAllocator> {
    this.#allocator ??= this.deps.ephemeral().then(
      (range) => new PortAllocator(range),
      (err: unknown) => {
        log.warn(`falling back to port range ${DEFAULT_EPHEMERAL.begin}-${DEFAULT_EPHEMERAL.end}`, errorMessage(err));
        return new PortAllocator(DEFAULT_EPHEMERAL);
      },
    );
    return this.#allocator;
  }
}

async function closeAll(sockets: HeldPort[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.close().catch(() => undefined)));
}

/** The kernel's ephemeral range and reserved ports, as the daemon's own namespace sees them. */
export async function readEphemeralRange(): Promise<EphemeralRange> {
  const range = parsePortRangeSysctl(await sysctlGet('net.ipv4.ip_local_port_range'));
  if (!range) return DEFAULT_EPHEMERAL;
  const reservedText = await sysctlGet('net.ipv4.ip_local_reserved_ports').catch(() => '');
  return { ...range, reserved: parseReservedPorts(reservedText, range.begin, range.end) };
}

/** The real kernel: nft in `netns` (the host namespace; the daemon's own when undefined), sockets, sysctls. */
export function kernelPublisherDeps(layout: PortLayout, opts: { netns?: string } = {}): PublisherDeps {
  return {
    layout,
    apply: (cs) => applyNft(cs, opts.netns ? { netns: opts.netns } : {}),
    hold: holdPort,
    ephemeral: readEphemeralRange,
  };
}
