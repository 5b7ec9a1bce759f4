/**
 * @module dataplane/ip
 * iproute2, batched: an `IpBatch` collects commands and `commit()` runs them in ONE
 * `ip [-n NS] -batch -`. iproute2 stops at the first failing line and keeps what ran before it,
 * so commit makes the batch all-or-error itself: it undoes the creates that already ran (link,
 * addr, route adds, in reverse) and throws an error naming the line that failed. Lines marked
 * `tolerate` make idempotent deletes ("already gone" is fine) and idempotent adds possible.
 * Reads (`ip -j`) come back as typed objects.
 */
import { systemError } from '../lib/errors.js';
import { run } from './exec.js';

/** Which failures a line may shrug off: deleting something missing, adding something present. */
export type Tolerate = 'missing' | 'exists';

interface Line {
  words: string[];
  /** The command that undoes this one, when it creates something. */
  undo?: string[];
  tolerate?: Tolerate;
}

export interface VethSpec {
  kind: 'veth';
  name: string;
  /** The other end, created directly where it will live (`netns`), with its final name. */
  peer: { name: string; netns?: string; address?: string; mtu?: number };
  master?: string;
  mtu?: number;
  up?: boolean;
}
export interface BridgeSpec {
  kind: 'bridge';
  name: string;
  address?: string;
  mtu?: number;
  up?: boolean;
}
export interface MacvlanSpec {
  kind: 'macvlan';
  name: string;
  parent: string;
  mode: 'bridge' | 'private' | 'vepa' | 'passthru';
  netns?: string;
  address?: string;
  mtu?: number;
}
export type LinkSpec = VethSpec | BridgeSpec | MacvlanSpec;

export interface LinkSet {
  up?: boolean;
  down?: boolean;
  master?: string;
  nomaster?: boolean;
  mtu?: number;
  address?: string;
  netns?: string;
  name?: string;
}

export interface RouteSpec {
  /** "default" or a CIDR. */
  dst: string;
  via?: string;
  dev?: string;
  src?: string;
  metric?: number;
  table?: number | string;
}

// Every word goes into a line that iproute2 splits on blanks and reads quotes and '#' in: refuse
// anything that could change how the line is read.
const SAFE_WORD = /^[A-Za-z0-9_.:/@%+=,-]+$/;

function word(value: string | number): string {
  const w = String(value);
  if (!SAFE_WORD.test(w)) throw systemError(`unsafe word for an ip batch: ${JSON.stringify(w)}`);
  return w;
}

function routeWords(r: RouteSpec): string[] {
  const out = [word(r.dst)];
  if (r.via) out.push('via', word(r.via));
  if (r.dev) out.push('dev', word(r.dev));
  if (r.src) out.push('src', word(r.src));
  if (r.metric !== undefined) out.push('metric', word(r.metric));
  if (r.table !== undefined) out.push('table', word(r.table));
  return out;
}

export class IpBatch {
  #lines: Line[] = [];

  /** `netns`: a name under /run/netns; undefined runs in the caller's namespace. */
  constructor(readonly netns?: string) {}

  get size(): number {
    return this.#lines.length;
  }

  /** The batch as `ip -batch` reads it, one command per line (for plan tests). */
  get lines(): string[] {
    return this.#lines.map((l) => l.words.join(' '));
  }

  /** Append a raw command (words are checked). */
  raw(words: Array<string | number>, opts: { undo?: string[]; tolerate?: Tolerate } = {}): this {
    this.#lines.push({ words: words.map(word), ...opts });
    return this;
  }

  linkAdd(spec: LinkSpec, opts: { tolerate?: Tolerate } = {}): this {
    const w: Array<string | number> = ['link', 'add', spec.name];
    if (spec.kind === 'macvlan') w.push('link', spec.parent);
    if ('address' in spec && spec.address) w.push('address', spec.address);
    if (spec.mtu) w.push('mtu', spec.mtu);
    if (spec.kind === 'veth' && spec.master) w.push('master', spec.master);
    if (spec.kind === 'macvlan' && spec.netns) w.push('netns', spec.netns);
    if ((spec.kind === 'veth' || spec.kind === 'bridge') && spec.up) w.push('up');
    w.push('type', spec.kind);
    if (spec.kind === 'macvlan') w.push('mode', spec.mode);
    if (spec.kind === 'veth') {
      w.push('peer', 'name', spec.peer.name);
      if (spec.peer.netns) w.push('netns', spec.peer.netns);
      if (spec.peer.address) w.push('address', spec.peer.address);
      if (spec.peer.mtu) w.push('mtu', spec.peer.mtu);
    }
    // A macvlan created into another namespace cannot be deleted from here by name.
    const undo = spec.kind === 'macvlan' && spec.netns ? undefined : ['link', 'del', spec.name];
    return this.raw(w, { ...(undo ? { undo } : {}), ...opts });
  }

  linkDel(name: string, opts: { tolerate?: Tolerate } = { tolerate: 'missing' }): this {
    return this.raw(['link', 'del', name], opts);
  }

  linkSet(name: string, s: LinkSet): this {
    const w: Array<string | number> = ['link', 'set', name];
    if (s.netns) w.push('netns', s.netns);
    if (s.name) w.push('name', s.name);
    if (s.address) w.push('address', s.address);
    if (s.mtu) w.push('mtu', s.mtu);
    if (s.master) w.push('master', s.master);
    if (s.nomaster) w.push('nomaster');
    if (s.up) w.push('up');
    if (s.down) w.push('down');
    return this.raw(w);
  }

  /** `ip link set NAME type bridge_slave hairpin on` (a bridge port reflecting to itself). */
  bridgePortHairpin(name: string, on: boolean): this {
    return this.raw(['link', 'set', name, 'type', 'bridge_slave', 'hairpin', on ? 'on' : 'off']);
  }

  /** IPv4 prefixes up to /30 get their broadcast address, as Docker's netlink library sets it (`brd 172.17.255.255`). */
  addrAdd(dev: string, cidr: string, opts: { tolerate?: Tolerate } = {}): this {
    const v4 = /^\d+\.\d+\.\d+\.\d+\/(\d+)$/.exec(cidr);
    const brd = v4 && Number(v4[1]) < 31 ? ['broadcast', '+'] : [];
    return this.raw(['addr', 'add', cidr, ...brd, 'dev', dev], { undo: ['addr', 'del', cidr, 'dev', dev], ...opts });
  }

  addrDel(dev: string, cidr: string, opts: { tolerate?: Tolerate } = { tolerate: 'missing' }): this {
    return this.raw(['addr', 'del', cidr, 'dev', dev], opts);
  }

  routeAdd(r: RouteSpec, opts: { tolerate?: Tolerate } = {}): this {
    const w = routeWords(r);
    return this.raw(['route', 'add', ...w], { undo: ['route', 'del', ...w], ...opts });
  }

  /** Replace is idempotent; it is not undone (the previous route is unknown here). */
  routeReplace(r: RouteSpec): this {
    return this.raw(['route', 'replace', ...routeWords(r)]);
  }

  routeDel(r: RouteSpec, opts: { tolerate?: Tolerate } = { tolerate: 'missing' }): this {
    return this.raw(['route', 'del', ...routeWords(r)], opts);
  }

  /**
   * Run a program inside a named namespace as one line of the batch (`netns exec`: ip forks it
   * and the batch fails on its exit status). Costs a fork, not a new process from Node; ip sets up
   * a private mount namespace for it, so prefer plain ip lines where they exist.
   */
  netnsExec(netns: string, argv: string[]): this {
    return this.raw(['netns', 'exec', netns, ...argv]);
  }

  /** Pin a neighbour entry (e.g. a re-used address with a new MAC). */
  neighReplace(dev: string, address: string, lladdr: string, nud: 'stale' | 'reachable' | 'permanent' = 'stale'): this {
    return this.raw(['neigh', 'replace', address, 'lladdr', lladdr, 'dev', dev, 'nud', nud]);
  }

  /**
   * Run the batch. On a failing line that is not tolerated: undo the creates that already ran
   * and throw, naming the line. Tolerated failures skip the line and go on with the rest.
   */
  async commit(): Promise<void> {
    const lines = this.#lines;
    let start = 0;
    const applied: Line[] = [];
    while (start < lines.length) {
      const chunk = lines.slice(start);
      const failure = await runBatch(this.netns, chunk);
      if (!failure) {
        applied.push(...chunk);
        return;
      }
      const failedAt = start + failure.index;
      applied.push(...lines.slice(start, failedAt));
      const line = lines[failedAt]!;
      if (line.tolerate && isTolerated(line.tolerate, failure.message)) {
        start = failedAt + 1;
        continue;
      }
      await revert(this.netns, applied);
      throw systemError(`ip${this.netns ? ` -n ${this.netns}` : ''}: "${line.words.join(' ')}" (batch line ${failedAt + 1}): ${failure.message}`);
    }
  }
}

const MISSING = /Cannot find device|No such process|No such file or directory|Address not found|Cannot assign requested address|does not exist/i;
const EXISTS = /File exists|already exists|already assigned/i;

function isTolerated(t: Tolerate, message: string): boolean {
  return t === 'missing' ? MISSING.test(message) : EXISTS.test(message);
}

/** Run lines; undefined when all succeeded, else which line failed (0-based) and why. */
async function runBatch(netns: string | undefined, lines: Line[]): Promise<{ index: number; message: string } | undefined> {
  const argv = ['ip', ...(netns ? ['-n', netns] : []), '-batch', '-'];
  const input = lines.map((l) => l.words.join(' ')).join('\n') + '\n';
  const res = await run(argv, { input, allowFail: true });
  if (res.code === 0) return undefined;
  const m = /Command failed -:(\d+)/.exec(res.stderr);
  const message = res.stderr.replace(/Command failed -:\d+\s*/g, '').trim() || `exit status ${res.code}`;
  if (!m) throw systemError(`${argv.join(' ')}: ${message}`);
  return { index: Number(m[1]) - 1, message };
}

/** Best effort: undo applied creates in reverse order, ignoring what is already gone. */
async function revert(netns: string | undefined, applied: Line[]): Promise<void> {
  const undo = applied
    .filter((l) => l.undo)
    .reverse()
    .map((l) => l.undo!.join(' '));
  if (!undo.length) return;
  await run(['ip', ...(netns ? ['-n', netns] : []), '-force', '-batch', '-'], { input: undo.join('\n') + '\n', allowFail: true });
}

// ---------------------------------------------------------------- reads

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  address: string;
  master?: string;
  /** ifalias, when set. */
  alias?: string;
  /** linkinfo.info_kind: "bridge", "veth", "macvlan"... (undefined for plain devices) */
  kind?: string;
  /** For bridge ports: linkinfo.info_slave_data (hairpin_mode etc.). */
  slave?: Record<string, unknown>;
  up: boolean;
}

export interface AddrInfo {
  ifname: string;
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope: string;
}

export interface RouteInfo {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
}

async function ipJson(netns: string | undefined, args: string[]): Promise<unknown[]> {
  const res = await run(['ip', ...(netns ? ['-n', netns] : []), '-j', ...args], { allowFail: true });
  if (res.code !== 0) {
    if (/does not exist|Cannot find device/.test(res.stderr)) return [];
    throw systemError(`ip ${args.join(' ')}: ${res.stderr.trim()}`);
  }
  const text = res.stdout.trim();
  return text ? (JSON.parse(text) as unknown[]) : [];
}

type Json = Record<string, unknown>;

/** All links, or the one named `dev` (empty when it does not exist). */
export async function listLinks(opts: { netns?: string; dev?: string } = {}): Promise<LinkInfo[]> {
  const raw = await ipJson(opts.netns, ['-d', 'link', 'show', ...(opts.dev ? ['dev', word(opts.dev)] : [])]);
  return raw.map((r) => {
    const j = r as Json;
    const linkinfo = (j.linkinfo ?? {}) as Json;
    const flags = (j.flags as string[]) ?? [];
    return {
      ifindex: j.ifindex as number,
      ifname: j.ifname as string,
      flags,
      mtu: j.mtu as number,
      operstate: j.operstate as string,
      address: j.address as string,
      ...(j.master ? { master: j.master as string } : {}),
      ...(j.ifalias ? { alias: j.ifalias as string } : {}),
      ...(linkinfo.info_kind ? { kind: linkinfo.info_kind as string } : {}),
      ...(linkinfo.info_slave_data ? { slave: linkinfo.info_slave_data as Record<string, unknown> } : {}),
      up: flags.includes('UP'),
    };
  });
}

export async function linkExists(dev: string, opts: { netns?: string } = {}): Promise<boolean> {
  return (await listLinks({ ...opts, dev })).length > 0;
}

export async function listAddrs(opts: { netns?: string; dev?: string; family?: 'inet' | 'inet6' } = {}): Promise<AddrInfo[]> {
  const raw = await ipJson(opts.netns, [...(opts.family === 'inet' ? ['-4'] : opts.family === 'inet6' ? ['-6'] : []), 'addr', 'show', ...(opts.dev ? ['dev', word(opts.dev)] : [])]);
  const out: AddrInfo[] = [];
  for (const r of raw) {
    const j = r as Json;
    for (const a of (j.addr_info as Json[]) ?? []) {
      out.push({
        ifname: j.ifname as string,
        family: a.family as 'inet' | 'inet6',
        local: a.local as string,
        prefixlen: a.prefixlen as number,
        scope: a.scope as string,
      });
    }
  }
  return out;
}

export async function listRoutes(opts: { netns?: string; table?: string } = {}): Promise<RouteInfo[]> {
  const raw = await ipJson(opts.netns, ['-4', 'route', 'show', ...(opts.table ? ['table', word(opts.table)] : [])]);
  return raw.map((r) => {
    const j = r as Json;
    return {
      dst: j.dst as string,
      ...(j.gateway ? { gateway: j.gateway as string } : {}),
      ...(j.dev ? { dev: j.dev as string } : {}),
      ...(j.protocol ? { protocol: j.protocol as string } : {}),
      ...(j.scope ? { scope: j.scope as string } : {}),
      ...(j.prefsrc ? { prefsrc: j.prefsrc as string } : {}),
      ...(j.metric !== undefined ? { metric: j.metric as number } : {}),
    };
  });
}
