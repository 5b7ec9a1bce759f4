/**
 * @module engine/engine
 * The engine facade the API talks to. `Engine.open` loads the store, rebuilds the allocators from
 * it, repairs the kernel to match (networks, surviving containers, orphans) and returns a ready
 * engine. Everything else delegates to the services.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { conflict, forbidden, invalidParameter, isBerthError, systemError } from '../lib/errors.js';
import { checkContainerName, newId, nowRfc3339Nano, randomName, ZERO_TIME } from '../lib/ids.js';
import { KeyedMutex } from '../lib/mutex.js';
import type { InstanceNames } from '../lib/names.js';
import { log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import type { NetworkDriver } from '../drivers/driver.js';
import { AddressSpace } from '../ipam/address-space.js';
import { DnsServer } from '../dns/server.js';
import { ImageStore } from '../runtime/images/store.js';
import { resolveCommand } from '../runtime/bundle.js';
import { Supervisor } from '../runtime/supervisor.js';
import { readLogs, type LogRecord } from '../runtime/logs.js';
import type { EngineContext, EngineOptions, SandboxKernel } from './context.js';
import { EventBus } from './events.js';
import { State } from './state.js';
import { NetworkService } from './networks.js';
import { EndpointService } from './endpoints.js';
import { SandboxService } from './sandboxes.js';
import { Lifecycle } from './lifecycle.js';
import { ExecService } from './exec.js';
import { Hubs, type OutputSink } from './io.js';
import { PortService } from './ports.js';
import { DnsView } from './dns-view.js';
import { checkNetworkModeConflicts, mergeConfig, normalizeHostConfig, resolveNetworks, type CreateRequest } from './create.js';
import type { ContainerRecord, EndpointConfig, NetworkRecord } from './model.js';
import { checkPruneFilters, matchContainerFilters, matchPruneFilters, type Filters } from './filters.js';
import { containerTop, type TopResult } from './top.js';
import type { Readable } from 'node:stream';

export interface EngineDeps {
  names: InstanceNames;
  store: Store;
  opts: EngineOptions;
  drivers: Map<string, NetworkDriver>;
  sandboxKernel: SandboxKernel;
  /** Host routes and nameservers to avoid when picking subnets. */
  hostReserved: () => Promise<string[]>;
}

interface EngineParts {
  networks: NetworkService;
  endpoints: EndpointService;
  sandboxes: SandboxService;
  lifecycle: Lifecycle;
  exec: ExecService;
  images: ImageStore;
  dns: DnsServer;
  hubs: Hubs;
  ports: PortService;
}

export class Engine {
  readonly networks: NetworkService;
  readonly sandboxes: SandboxService;
  readonly lifecycle: Lifecycle;
  readonly exec: ExecService;
  readonly images: ImageStore;
  readonly dns: DnsServer;
  readonly hubs: Hubs;
  readonly #endpoints: EndpointService;
  readonly #ports: PortService;

  private constructor(
    readonly ctx: EngineContext,
    parts: EngineParts,
  ) {
    ({ networks: this.networks, sandboxes: this.sandboxes, lifecycle: this.lifecycle, exec: this.exec } = parts);
    ({ images: this.images, dns: this.dns, hubs: this.hubs, endpoints: this.#endpoints, ports: this.#ports } = parts);
  }

  get events(): EventBus {
    return this.ctx.events;
  }

  static async open(deps: EngineDeps): Promise<Engine> {
    const { names, opts } = deps;
    await mkdir(names.containersDir(), { recursive: true });
    await mkdir(names.containersRunDir(), { recursive: true });
    const state = await State.load(deps.store);
    const dns = new DnsServer({ upstreams: opts.dnsUpstreams });
    const view = new DnsView(state, dns);
    const ctx: EngineContext = {
      names,
      opts,
      state,
      ipam: new AddressSpace(opts.defaultAddressPools ? { defaultPools: opts.defaultAddressPools } : {}),
      drivers: deps.drivers,
      sandboxKernel: deps.sandboxKernel,
      locks: new KeyedMutex(),
      events: new EventBus(),
      refreshDns: () => view.refresh(),
      hostReserved: deps.hostReserved,
    };
    const images = await ImageStore.open(names, deps.store);
    const supervisor = new Supervisor({ shim: opts.shimPath, runtime: opts.runtimePath, runtimeRoot: names.runcRoot() });
    const networks = new NetworkService(ctx);
    const endpoints = new EndpointService(ctx, networks);
    const sandboxes = new SandboxService(ctx, endpoints);
    const hubs = new Hubs();
    const ports = new PortService(ctx, sandboxes);
    const lifecycle = new Lifecycle({ ctx, sandboxes, images, supervisor, hubs, ports });
    const exec = new ExecService(ctx, supervisor, (id) => lifecycle.bundleDir(id));
    const engine = new Engine(ctx, { networks, endpoints, sandboxes, lifecycle, exec, images, dns, hubs, ports });
    await engine.#restore();
    return engine;
  }

  /** Rebuild allocations from the store, then make the kernel match it again. */
  async #restore(): Promise<void> {
    await this.networks.restoreAll();
    await this.networks.ensurePredefined();
    for (const ep of this.ctx.state.endpoints.values()) {
      const net = this.ctx.state.networks.get(ep.networkId);
      const pool = net?.ipamConfig.find((p) => p.Subnet);
      if (pool?.Subnet && ep.ipv4) this.ctx.ipam.reserve(pool.Subnet, ep.ipv4.split('/')[0]!);
    }
    await this.lifecycle.recover();
    await this.images.releaseUnused((id) => this.containerUsingImage(id));
    await this.ctx.refreshDns();
  }

  /**
   * The host's resolver configuration changed (Docker reads it at each container start): later
   * containers' resolv.conf use it, and so does forwarding when no daemon --dns overrides it.
   */
  setHostResolv(hostResolv: EngineOptions['hostResolv'], upstreams?: string[]): void {
    this.ctx.opts.hostResolv = hostResolv;
    if (upstreams) {
      this.ctx.opts.dnsUpstreams = upstreams;
      this.dns.setUpstreams(upstreams);
    }
  }

  // ---- containers ----

  async createContainer(name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (name) checkContainerName(name.replace(/^\//, ''));
    const wanted = name?.replace(/^\//, '');
    if (!req.Image) throw invalidParameter('config cannot be empty in order to create a container');
    const image = this.images.resolve(req.Image);
    return this.ctx.locks.run('names', async () => {
      if (wanted) this.ctx.state.checkNameFree(wanted);
      const id = newId();
      const hostConfig = normalizeHostConfig(req.HostConfig);
      const config = mergeConfig(id, req, image.config, req.Image!);
      const warnings = checkNetworkModeConflicts(config, req, hostConfig);
      const networks = resolveNetworks(hostConfig, req.NetworkingConfig?.EndpointsConfig ?? {}, (ref) => this.ctx.state.findNetwork(ref));
      for (const [netName, cfg] of Object.entries(networks)) if (cfg.NetworkID) this.#endpoints.validate(this.ctx.state.network(netName), cfg);
      const [path, ...args] = resolveCommand(image.config, config.Cmd ?? undefined, config.Entrypoint ?? undefined);
      const c: ContainerRecord = {
        id,
        name: wanted ?? randomName((n) => !!this.ctx.state.containerByName(n)),
        created: nowRfc3339Nano(),
        path: path!,
        args,
        imageId: image.id,
        config,
        hostConfig,
        networks,
        state: {
          Status: 'created',
          Running: false,
          Paused: false,
          Restarting: false,
          OOMKilled: false,
          Dead: false,
          Pid: 0,
          ExitCode: 0,
          Error: '',
          StartedAt: ZERO_TIME,
          FinishedAt: ZERO_TIME,
        },
        restartCount: 0,
        ports: {},
      };
      await mkdir(this.ctx.names.containerDir(id), { recursive: true });
      await this.ctx.state.saveContainer(c);
      this.events.publish('container', 'create', id, { name: c.name, image: config.Image });
      return { Id: id, Warnings: warnings };
    });
  }

  /** Docker's list: newest first; stopped ones only with all, a status filter or a limit (ps -a, -f status=, -n). */
  listContainers(opts: { all: boolean; limit?: number; filters: Filters }): ContainerRecord[] {
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const all = opts.all || opts.filters.has('status') || limit > 0;
    const list = [...this.ctx.state.containers.values()]
      .filter((c) => all || c.state.Running)
      .filter((c) => matchContainerFilters(c, opts.filters, this.ctx.state))
      .sort((a, b) => b.created.localeCompare(a.created));
    return limit ? list.slice(0, limit) : list;
  }

  /** docker top: the container's processes as the host's `ps` prints them. */
  top(ref: string, psArgs: string): Promise<TopResult> {
    return containerTop(this.ctx.state.container(ref), psArgs, this.ctx.names.runcRoot(), this.ctx.opts.runtimePath);
  }

  /** docker container prune: remove every container that is not running and matches; their IDs (moby ContainersPrune). */
  async pruneContainers(filters: Filters): Promise<string[]> {
    checkPruneFilters(filters);
    const deleted: string[] = [];
    for (const c of [...this.ctx.state.containers.values()]) {
      if (c.state.Running || !matchPruneFilters(filters, c.config.Labels ?? {}, c.created)) continue;
      try {
        await this.lifecycle.remove(c.id, { force: false });
        deleted.push(c.id);
      } catch (err) {
        log.warn(`failed to prune container ${c.id}`, err);
      }
    }
    return deleted;
  }

  async rename(ref: string, newName: string): Promise<void> {
    const wanted = newName.replace(/^\//, '');
    if (!wanted) throw invalidParameter('Neither old nor new names may be empty');
    checkContainerName(wanted);
    await this.ctx.locks.run('names', async () => {
      const c = this.ctx.state.container(ref);
      if (c.name === wanted) throw invalidParameter('Renaming a container with the same name as its current name');
      this.ctx.state.checkNameFree(wanted);
      const old = c.name;
      c.name = wanted;
      for (const ep of this.ctx.state.endpointsOfContainer(c.id)) ep.dnsNames = ep.dnsNames.map((n) => (n === old ? wanted : n));
      await this.ctx.state.commit({ containers: [c], endpoints: this.ctx.state.endpointsOfContainer(c.id) });
      this.events.publish('container', 'rename', c.id, { name: wanted, oldName: `/${old}` });
    });
    await this.ctx.refreshDns();
  }

  // ---- networks <-> containers ----

  async connect(netRef: string, containerRef: string, cfg: EndpointConfig): Promise<void> {
    const net = this.ctx.state.network(netRef);
    const c = this.ctx.state.container(containerRef);
    await this.ctx.locks.run(c.id, async () => {
      if (c.state.Status === 'removing' || c.state.Dead) {
        throw conflict(`Container ${c.id} is marked for removal and cannot be connected or disconnected to the network`);
      }
      if (net.driver === 'host') throw invalidParameter('cannot connect container to host network - container must be created in host network mode');
      const mode = c.hostConfig.NetworkMode;
      if (mode === 'host' || mode.startsWith('container:')) {
        throw invalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
      }
      // libnetwork's CreateEndpoint: a Forbidden error (403), not a conflict
      if (c.networks[net.name]) throw forbidden(`endpoint with name ${c.name} already exists in network ${net.name}`);
      if (mode === 'none' || net.driver === 'null') {
        throw invalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      }
      this.#endpoints.validate(net, cfg);
      const entry = { ...cfg, NetworkID: net.id };
      // In the config first: the sandbox picks the gateway endpoint among the configured networks.
      c.networks[net.name] = entry;
      try {
        if (c.state.Running) await this.sandboxes.connect(c, net, entry);
      } catch (err) {
        delete c.networks[net.name];
        throw err;
      }
      await this.#ports.refresh(c);
      await this.ctx.state.saveContainer(c);
      this.events.publish('network', 'connect', net.id, { container: c.id, name: net.name, type: net.driver });
    });
  }

  async disconnect(netRef: string, containerRef: string, force: boolean): Promise<void> {
    const c = this.ctx.state.container(containerRef);
    let net: NetworkRecord | undefined;
    try {
      net = this.ctx.state.network(netRef);
    } catch (err) {
      if (!force || !isBerthError(err, 'notFound')) throw err;
    }
    await this.ctx.locks.run(c.id, async () => {
      const name = net?.name ?? netRef;
      // moby's wording differs by state (DisconnectFromNetwork / disconnectFromNetwork); both are plain 500s.
      if (!c.networks[name]) {
        throw systemError(`container ${c.id} is not connected to ${c.state.Running && net ? 'network' : 'the network'} ${name}`);
      }
      if (net && c.hostConfig.NetworkMode === 'host' && net.driver === 'host') {
        throw invalidParameter('cannot disconnect container from host network - container was created in host network mode');
      }
      if (c.state.Running && net && this.ctx.state.endpointOf(c.id, net.id)) await this.sandboxes.disconnect(c, net);
      delete c.networks[name];
      await this.#ports.refresh(c);
      await this.ctx.state.saveContainer(c);
      if (net) this.events.publish('network', 'disconnect', net.id, { container: c.id, name: net.name, type: net.driver });
    });
  }

  // ---- I/O ----

  /** Attach a client; resolves when the container exits or the client leaves. */
  attach(ref: string, opts: { sink: OutputSink; stdout: boolean; stderr: boolean; stdin?: Readable; gone: Promise<void>; logs: boolean }): Promise<void> {
    const c = this.ctx.state.container(ref);
    return this.hubs.get(c.id).attach({ ...opts, stdinOnce: c.config.StdinOnce });
  }

  logs(
    ref: string,
    opts: { follow: boolean; since?: bigint; until?: bigint; tail?: number; signal?: AbortSignal },
  ): { tty: boolean; records: AsyncIterable<LogRecord> } {
    const c = this.ctx.state.container(ref);
    const hub = this.hubs.get(c.id);
    const exited = c.state.Running ? new Promise<void>((resolve) => hub.once('exit', () => resolve())) : Promise.resolve();
    return {
      tty: c.config.Tty,
      records: readLogs(this.lifecycle.logPath(c.id), { ...opts, follow: opts.follow && c.state.Running, exited }),
    };
  }

  resize(ref: string, rows: number, cols: number): void {
    const c = this.ctx.state.container(ref);
    if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
    this.hubs.get(c.id).resize(rows, cols);
  }

  /** A container using the image, if any (rmi refuses, or must be forced). */
  containerUsingImage(imageId: string): { id: string; running: boolean } | undefined {
    return this.lifecycle.imageUser(imageId);
  }

  async close(): Promise<void> {
    await this.dns.close();
    await this.ctx.state.store.close();
  }
}

/** The host's resolv.conf, for containers and for the resolver's upstreams. */
export async function readHostResolvConf(path = '/etc/resolv.conf'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    log.warn(`cannot read ${path}; containers get default nameservers`, err);
    return '';
  }
}
