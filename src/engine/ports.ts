/**
 * @module engine/ports
 * Published ports (-p/-P) of a running container, on the kernel path only (no proxy process):
 * ports/ picks and holds the host ports and adds nft elements; this service decides what to
 * publish and where to. Like Docker, ports go to the container's gateway endpoint (the one with
 * the default route) when it is on a bridge network; a container only on internal networks (or
 * none, or macvlan) publishes nothing and starts fine. Failures use Docker's wording:
 * "driver failed programming external connectivity on endpoint <name> (<endpoint id>): ...".
 *
 * `c.ports` (Docker's NetworkSettings.Ports, stored with the container) is the record of what was
 * made; after a daemon restart it is how `restore` knows what to take back.
 */
import { parseBridgeOptions } from '../drivers/bridge/options.js';
import { portLayout } from '../drivers/bridge/firewall.js';
import { hostTable } from '../drivers/bridge/host.js';
import { errorMessage, wrapError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { withUndo, type UndoStack } from '../lib/undo.js';
import { bindingsFromView, portsView, type Publication } from '../ports/plan.js';
import { kernelPublisherDeps, PortPublisher } from '../ports/publisher.js';
import { portRequests, resolveRequests, type ResolvedRequest } from '../ports/spec.js';
import type { EngineContext } from './context.js';
import type { ContainerRecord, EndpointRecord } from './model.js';
import type { SandboxService } from './sandboxes.js';

interface Target {
  ep: EndpointRecord;
  /** IPv4 address of the endpoint, without prefix length. */
  addr: string;
  defaultHostIp?: string;
  nat: boolean;
}

export class PortService {
  readonly publisher: PortPublisher;

  constructor(
    private readonly ctx: EngineContext,
    private readonly sandboxes: SandboxService,
    publisher?: PortPublisher,
  ) {
    this.publisher = publisher ?? new PortPublisher(kernelPublisherDeps(portLayout(hostTable(ctx.names))));
  }

  /** At start, after the network stack is up; registers its undo on the start sequence. */
  async publish(c: ContainerRecord, undo: UndoStack): Promise<void> {
    c.ports = {};
    const target = this.#target(c);
    if (!target) return;
    const reqs = this.#requests(c, target);
    if (!reqs.length) return;
    const bindings = await this.publisher.publish(c.id, target.addr, reqs).catch((err: unknown) => {
      throw wrapError(err, `driver failed programming external connectivity on endpoint ${c.name} (${target.ep.id})`);
    });
    undo.push('unpublish ports', async () => {
      await this.publisher.unpublish(c.id);
      c.ports = {};
    });
    c.ports = portsView(bindings);
  }

  /** On exit (and stop, rm): sockets closed, ports released, elements deleted. */
  async unpublish(c: ContainerRecord): Promise<void> {
    try {
      await this.publisher.unpublish(c.id, this.#recorded(c));
    } finally {
      c.ports = {};
    }
  }

  /** Daemon restart, container still running: the kernel kept the elements; hold the ports again. */
  async restore(c: ContainerRecord): Promise<void> {
    const pub = this.#recorded(c);
    if (!pub) return;
    await this.publisher.restore(c.id, pub).catch((err: unknown) => log.warn(`restoring the published ports of ${c.name} failed`, errorMessage(err)));
  }

  /**
   * After connect/disconnect of a running container: if its gateway endpoint changed, publish
   * again towards the new one (or nowhere). A failure leaves the container without published
   * ports; the network change itself stands.
   */
  async refresh(c: ContainerRecord): Promise<void> {
    if (!c.state.Running) return;
    const target = this.#target(c);
    const current = this.publisher.published(c.id);
    if (current?.containerAddr === target?.addr) return;
    await this.unpublish(c).catch((err: unknown) => log.warn(`unpublishing the ports of ${c.name} failed`, errorMessage(err)));
    if (!target) return;
    await withUndo((undo) => this.publish(c, undo)).catch((err: unknown) => log.warn(`publishing the ports of ${c.name} failed`, errorMessage(err)));
  }

  /** The gateway endpoint, when it can publish: a bridge network with an IPv4 address. */
  #target(c: ContainerRecord): Target | undefined {
    const ep = this.sandboxes.gatewayEndpoint(c);
    const net = ep ? this.ctx.state.networks.get(ep.networkId) : undefined;
    if (!ep || !net || net.driver !== 'bridge' || !ep.ipv4) return undefined;
    const options = parseBridgeOptions(net.options, net.internal);
    return {
      ep,
      addr: ep.ipv4.split('/')[0]!,
      ...(options.hostBindingIPv4 ? { defaultHostIp: options.hostBindingIPv4 } : {}),
      nat: options.gatewayMode !== 'routed',
    };
  }

  #requests(c: ContainerRecord, target: Target): ResolvedRequest[] {
    const reqs = portRequests({ portBindings: c.hostConfig.PortBindings, publishAll: c.hostConfig.PublishAllPorts, exposedPorts: c.config.ExposedPorts });
    return resolveRequests(reqs, { ...(target.defaultHostIp ? { defaultHostIp: target.defaultHostIp } : {}), nat: target.nat });
  }

  /** What `c.ports` says was published, towards the current gateway endpoint. */
  #recorded(c: ContainerRecord): Publication | undefined {
    const bindings = bindingsFromView(c.ports ?? {});
    const addr = this.#target(c)?.addr ?? this.publisher.published(c.id)?.containerAddr;
    return bindings.length && addr ? { containerAddr: addr, bindings } : undefined;
  }
}
