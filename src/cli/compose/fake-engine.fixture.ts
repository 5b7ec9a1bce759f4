/**
 * A fake Docker Engine API on a unix socket in a temp dir, for the compose client's unit tests:
 * it records every request and keeps just enough state (networks, containers) to answer like
 * Docker does, including its error statuses and messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeNetwork {
  Id: string;
  Name: string;
  Driver: string;
  Labels: Record<string, string>;
  Containers: Record<string, { Name: string }>;
  body?: Record<string, unknown>;
}

/** The parts of a create body the fake reads. */
export interface CreateBody {
  Image: string;
  Labels?: Record<string, string>;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  HostConfig?: { NetworkMode?: string; PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>>; [k: string]: unknown };
  NetworkingConfig?: { EndpointsConfig?: Record<string, Record<string, unknown>> };
  [k: string]: unknown;
}

export interface FakeContainer {
  Id: string;
  Name: string;
  Created: number;
  body: CreateBody;
  State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } };
  /** Network name -> NetworkID. */
  networks: Record<string, string>;
  logs: string;
}

type Reply = { status: number; json?: unknown; headers?: Record<string, string>; raw?: Buffer };

const newId = () => randomBytes(32).toString('hex');
const err = (status: number, message: string): Reply => ({ status, json: { message } });

export class FakeEngine {
  readonly requests: RecordedRequest[] = [];
  readonly networks = new Map<string, FakeNetwork>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set(['busybox', 'busybox:latest', 'postgres', 'nginx']);
  /** Network names GET /networks leaves out (as if created concurrently after the list). */
  readonly hiddenFromList = new Set<string>();
  apiVersion = '1.51';
  /** What a started container's State becomes (tests of depends_on conditions change it). */
  onStart: (c: FakeContainer) => void = (c) => Object.assign(c.State, { Status: 'running', Running: true });

  private constructor(
    readonly socketPath: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {}

  static async start(): Promise<FakeEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'berth-compose-fake-'));
    const socketPath = join(dir, 'docker.sock');
    let engine!: FakeEngine;
    const server = createServer((req, res) => void engine.handle(req, res));
    engine = new FakeEngine(socketPath, dir, server);
    for (const name of ['bridge', 'host', 'none']) engine.addNetwork(name, {}, name === 'none' ? 'null' : name);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return engine;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }

  addNetwork(name: string, labels: Record<string, string> = {}, driver = 'bridge'): FakeNetwork {
    const net = { Id: newId(), Name: name, Driver: driver, Labels: labels, Containers: {} };
    this.networks.set(net.Id, net);
    return net;
  }

  /** Requests that change something, as "METHOD /path" (GETs and pings left out). */
  changes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}${r.query.name ? `?name=${r.query.name}` : ''}`);
  }

  network(ref: string): FakeNetwork | undefined {
    const all = [...this.networks.values()];
    return all.find((n) => n.Id === ref) ?? all.find((n) => n.Name === ref) ?? all.find((n) => n.Id.startsWith(ref));
  }

  container(ref: string): FakeContainer | undefined {
    const all = [...this.containers.values()];
    return all.find((c) => c.Id === ref) ?? all.find((c) => c.Name === ref) ?? all.find((c) => c.Id.startsWith(ref));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const text = Buffer.concat(chunks).toString();
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), body: text ? JSON.parse(text) : undefined };
    if (path !== '/_ping') this.requests.push(rec);
    const reply = this.route(rec);
    res.writeHead(reply.status, { 'Api-Version': this.apiVersion, ...(reply.json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...reply.headers });
    res.end(reply.raw ?? (reply.json !== undefined ? JSON.stringify(reply.json) : undefined));
  }

  private route(r: RecordedRequest): Reply {
    const m = (method: string, re: RegExp) => (r.method === method ? re.exec(r.path) : null);
    let g: RegExpExecArray | null;
    if (r.path === '/_ping') return { status: 200, raw: Buffer.from('OK') };
    if (m('GET', /^\/networks\/?$/)) return { status: 200, json: this.listNetworks(filtersOf(r)) };
    if ((g = m('GET', /^\/networks\/([^/]+)$/))) {
      const net = this.network(decodeURIComponent(g[1]!));
      return net ? { status: 200, json: net } : err(404, `network ${decodeURIComponent(g[1]!)} not found`);
    }
    if (m('POST', /^\/networks\/create$/)) return this.createNetwork(r.body as { Name: string; Labels?: Record<string, string>; Driver?: string });
    if ((g = m('DELETE', /^\/networks\/([^/]+)$/))) return this.removeNetwork(g[1]!);
    if ((g = m('POST', /^\/networks\/([^/]+)\/connect$/))) {
      const net = this.network(decodeURIComponent(g[1]!));
      const c = this.container((r.body as { Container: string }).Container);
      if (!net || !c) return err(404, 'not found');
      c.networks[net.Name] = net.Id;
      return { status: 200 };
    }
    if (m('GET', /^\/containers\/json$/)) return { status: 200, json: this.listContainers(r.query.all === '1', filtersOf(r)) };
    if (m('POST', /^\/containers\/create$/)) return this.createContainer(r.query.name ?? '', r.body as CreateBody);
    if ((g = /^\/containers\/([^/]+)(\/\w+)?$/.exec(r.path))) return this.containerRoute(r, g[1]!, g[2] ?? '');
    return err(404, `page not found: ${r.method} ${r.path}`);
  }

  private listNetworks(filters: Record<string, string[]>): unknown[] {
    return [...this.networks.values()]
      .filter((n) => !this.hiddenFromList.has(n.Name))
      .filter((n) => !filters.name || filters.name.some((f) => n.Name.includes(f)))
      .filter((n) => matchLabels(filters.label, n.Labels))
      .map(({ body: _body, Containers: _containers, ...rest }) => ({ ...rest, Containers: {} }));
  }

  private createNetwork(body: { Name: string; Labels?: Record<string, string>; Driver?: string }): Reply {
    const name = String(body.Name);
    if ([...this.networks.values()].some((n) => n.Name === name)) {
      this.hiddenFromList.delete(name);
      return err(409, `network with name ${name} already exists`);
    }
    const net = this.addNetwork(name, body.Labels ?? {}, body.Driver ?? 'bridge');
    net.body = body;
    this.hiddenFromList.delete(name);
    return { status: 201, json: { Id: net.Id, Warning: '' } };
  }

  private removeNetwork(ref: string): Reply {
    const net = this.network(decodeURIComponent(ref));
    if (!net) return err(404, `network ${ref} not found`);
    const users = [...this.containers.values()].filter((c) => c.networks[net.Name] && c.State.Running);
    if (users.length) return err(403, `error while removing network: network ${net.Name} has active endpoints (${users.map((c) => c.Name).join(', ')})`);
    this.networks.delete(net.Id);
    return { status: 204 };
  }

  private listContainers(all: boolean, filters: Record<string, string[]>): unknown[] {
    return [...this.containers.values()]
      .filter((c) => all || c.State.Running)
      .filter((c) => matchLabels(filters.label, c.body.Labels ?? {}))
      .map((c) => ({
        Id: c.Id,
        Names: [`/${c.Name}`],
        Image: c.body.Image,
        Command: [...(c.body.Entrypoint ?? []), ...(c.body.Cmd ?? ['sh'])].join(' '),
        Created: c.Created,
        State: c.State.Status,
        Status: c.State.Running ? 'Up 2 seconds' : c.State.Status === 'created' ? 'Created' : `Exited (${c.State.ExitCode}) 1 second ago`,
        Labels: c.body.Labels ?? {},
        Ports: portsOf(c),
        NetworkSettings: { Networks: Object.fromEntries(Object.entries(c.networks).map(([name, id]) => [name, { NetworkID: id }])) },
      }));
  }

  private createContainer(name: string, body: CreateBody): Reply {
    const taken = name && this.container(name);
    if (taken && taken.Name === name) {
      return err(409, `Conflict. The container name "/${name}" is already in use by container "${taken.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    if (!this.images.has(body.Image)) return err(404, `No such image: ${body.Image}`);
    const networks: Record<string, string> = {};
    const mode = String(body.HostConfig?.NetworkMode ?? 'bridge');
    const refs = mode.startsWith('container:') ? [] : [mode, ...Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {})];
    for (const ref of refs) {
      const net = this.network(ref);
      if (!net) return err(404, `network ${ref} not found`);
      networks[net.Name] = net.Id;
    }
    const c: FakeContainer = { Id: newId(), Name: name || `c${this.containers.size}`, Created: 1_700_000_000, body, State: { Status: 'created', Running: false, ExitCode: 0 }, networks, logs: '' };
    this.containers.set(c.Id, c);
    return { status: 201, json: { Id: c.Id, Warnings: [] } };
  }

  private containerRoute(r: RecordedRequest, ref: string, action: string): Reply {
    const c = this.container(decodeURIComponent(ref));
    if (!c) return err(404, `No such container: ${ref}`);
    if (r.method === 'GET' && action === '/json') return { status: 200, json: { Id: c.Id, Name: `/${c.Name}`, State: c.State, Config: c.body } };
    if (r.method === 'GET' && action === '/logs') return { status: 200, raw: frames(c.logs), headers: { 'Content-Type': 'application/vnd.docker.multiplexed-stream' } };
    if (r.method === 'POST' && action === '/start') {
      if (c.State.Running) return { status: 304 };
      this.onStart(c);
      return { status: 204 };
    }
    if (r.method === 'POST' && action === '/stop') {
      if (!c.State.Running) return { status: 304 };
      Object.assign(c.State, { Status: 'exited', Running: false, ExitCode: 0 });
      return { status: 204 };
    }
    if (r.method === 'DELETE' && action === '') {
      if (c.State.Running && r.query.force !== '1') return err(409, `cannot remove container "/${c.Name}": container is running: stop the container before removing or force remove`);
      this.containers.delete(c.Id);
      return { status: 204 };
    }
    return err(404, `page not found: ${r.method} ${r.path}`);
  }
}

function filtersOf(r: RecordedRequest): Record<string, string[]> {
  if (!r.query.filters) return {};
  const raw = JSON.parse(r.query.filters) as Record<string, Record<string, boolean>>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Object.keys(v)]));
}

function matchLabels(wanted: string[] | undefined, labels: Record<string, string>): boolean {
  return (wanted ?? []).every((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? w in labels : labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}

function portsOf(c: FakeContainer): unknown[] {
  const out: unknown[] = [];
  for (const [port, bindings] of Object.entries(c.body.HostConfig?.PortBindings ?? {})) {
    const [num, type] = port.split('/');
    for (const b of bindings) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(num), PublicPort: Number(b.HostPort || 32768), Type: type });
  }
  return c.State.Running ? out : [];
}

/** stdout lines as Docker's multiplexed stream frames. */
function frames(text: string): Buffer {
  if (!text) return Buffer.alloc(0);
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
