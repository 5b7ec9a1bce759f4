/**
 * @module dataplane/nft
 * nftables as typed JSON. Objects (table, chain with its rules, set, map, element) are plain
 * data; a `Changeset` holds only creates and deletes of whole objects so `reverse()` can undo it
 * (moby's Modifier), and `applyNft` runs one `nft -j` transaction: all of it or none.
 *
 * Rules live only inside the chain object that holds them: a chain is created with its rules and
 * deleted with them, so no rule is ever addressed by handle. Per-network and per-port pieces are
 * chains plus set/map elements.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemError } from '../lib/errors.js';
import { run } from './exec.js';

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export type NftExpr = Record<string, unknown>;
export type NftVerdict = 'accept' | 'drop' | 'continue' | 'return' | { jump: string } | { goto: string };

export interface TableRef {
  family: NftFamily;
  name: string;
}

export interface NftRule {
  expr: NftExpr[];
  comment?: string;
}

export interface NftTable extends TableRef {
  kind: 'table';
}

export interface NftChain {
  kind: 'chain';
  table: TableRef;
  name: string;
  /** A base chain's hook; absent for regular chains. */
  base?: { type: 'filter' | 'nat' | 'route'; hook: string; prio: number; policy?: 'accept' | 'drop' };
  rules: NftRule[];
}

export interface NftSet {
  kind: 'set' | 'map';
  table: TableRef;
  name: string;
  /** Key type: one name or a concatenation ("ipv4_addr", ["ipv4_addr", "inet_proto", "inet_service"]). */
  type: string | string[];
  /** Maps only: the value type ("verdict", "ipv4_addr", ...). */
  map?: string;
  flags?: string[];
}

/** One element of a set (`key`) or a map (`key` and `value`). */
export interface NftElement {
  kind: 'element';
  table: TableRef;
  set: string;
  key: unknown;
  value?: unknown;
}

export type NftObject = NftTable | NftChain | NftSet | NftElement;
/** One command of an `nft -j` document: exactly one of these keys. */
export type NftCommand = Partial<Record<'add' | 'delete' | 'flush' | 'create', Record<string, unknown>>>;

// ---------------------------------------------------------------- expressions

export const expr = {
  meta: (key: string) => ({ meta: { key } }),
  payload: (protocol: string, field: string) => ({ payload: { protocol, field } }),
  ct: (key: string) => ({ ct: { key } }),
  prefix: (cidr: string) => {
    const [addr, len] = cidr.split('/');
    return { prefix: { addr, len: Number(len) } };
  },
  concat: (...parts: unknown[]) => ({ concat: parts }),
  set: (...items: unknown[]) => ({ set: items }),
  match: (left: unknown, op: '==' | '!=' | 'in', right: unknown): NftExpr => ({ match: { op, left, right } }),
  verdict: (v: NftVerdict): NftExpr => (typeof v === 'string' ? { [v]: null } : { ...v }),
  jump: (target: string): NftExpr => ({ jump: { target } }),
  counter: (): NftExpr => ({ counter: null }),
  masquerade: (): NftExpr => ({ masquerade: null }),
  snat: (addr: string, port?: number): NftExpr => ({ snat: { addr, ...(port ? { port } : {}) } }),
  dnat: (addr: string, port?: number): NftExpr => ({ dnat: { addr, ...(port ? { port } : {}) } }),
  vmap: (key: unknown, mapName: string): NftExpr => ({ vmap: { key, data: `@${mapName}` } }),
  accept: (): NftExpr => ({ accept: null }),
  drop: (): NftExpr => ({ drop: null }),
};

// ---------------------------------------------------------------- objects

export const nft = {
  table: (family: NftFamily, name: string): NftTable => ({ kind: 'table', family, name }),
  chain: (table: TableRef, name: string, rules: NftRule[] = [], base?: NftChain['base']): NftChain => ({
    kind: 'chain',
    table: ref(table),
    name,
    rules,
    ...(base ? { base } : {}),
  }),
  set: (table: TableRef, name: string, type: string | string[], flags?: string[]): NftSet => ({
    kind: 'set',
    table: ref(table),
    name,
    type,
    ...(flags ? { flags } : {}),
  }),
  map: (table: TableRef, name: string, type: string | string[], map: string, flags?: string[]): NftSet => ({
    kind: 'map',
    table: ref(table),
    name,
    type,
    map,
    ...(flags ? { flags } : {}),
  }),
  element: (table: TableRef, set: string, key: unknown, value?: unknown): NftElement => ({
    kind: 'element',
    table: ref(table),
    set,
    key,
    ...(value !== undefined ? { value } : {}),
  }),
};

function ref(t: TableRef): TableRef {
  return { family: t.family, name: t.name };
}

/** The JSON body naming an object (what `delete` needs). */
function objectKey(o: NftObject): Record<string, unknown> {
  switch (o.kind) {
    case 'table':
      return { table: { family: o.family, name: o.name } };
    case 'chain':
      return { chain: { family: o.table.family, table: o.table.name, name: o.name } };
    case 'set':
    case 'map':
      return { [o.kind]: { family: o.table.family, table: o.table.name, name: o.name } };
    case 'element':
      return { element: { family: o.table.family, table: o.table.name, name: o.set, elem: [o.key] } };
  }
}

/** The JSON body that creates an object (for chains: without rules, see `addCommands`). */
function objectSpec(o: NftObject): Record<string, unknown> {
  switch (o.kind) {
    case 'table':
      return objectKey(o);
    case 'chain':
      return { chain: { family: o.table.family, table: o.table.name, name: o.name, ...(o.base ?? {}) } };
    case 'set':
    case 'map':
      return {
        [o.kind]: {
          family: o.table.family,
          table: o.table.name,
          name: o.name,
          type: o.type,
          ...(o.map ? { map: o.map } : {}),
          ...(o.flags ? { flags: o.flags } : {}),
        },
      };
    case 'element':
      return { element: { family: o.table.family, table: o.table.name, name: o.set, elem: [o.value !== undefined ? [o.key, o.value] : o.key] } };
  }
}

function ruleCommand(c: NftChain, r: NftRule): NftCommand {
  return {
    add: {
      rule: { family: c.table.family, table: c.table.name, chain: c.name, expr: r.expr, ...(r.comment ? { comment: r.comment } : {}) },
    },
  };
}

/** `add` commands for an object; a chain comes with its rules. */
export function addCommands(o: NftObject): NftCommand[] {
  const out: NftCommand[] = [{ add: objectSpec(o) }];
  if (o.kind === 'chain') out.push(...o.rules.map((r) => ruleCommand(o, r)));
  return out;
}

/** A chain that may exist already: add it, then replace its rules (idempotent). */
function ensureChainCommands(c: NftChain): NftCommand[] {
  return [{ add: objectSpec(c) }, flushCommand(c), ...c.rules.map((r) => ruleCommand(c, r))];
}

export function deleteCommand(o: NftObject): NftCommand {
  return { delete: objectKey(o) };
}

export function flushCommand(o: NftTable | NftChain | NftSet): NftCommand {
  return { flush: objectKey(o) };
}

// ---------------------------------------------------------------- changeset

/**
 * - `ensure`: add if missing (tables, sets shared by many owners); a chain's rules are replaced
 *   (add, flush, add rules) so ensuring twice never duplicates them; never reversed.
 * - `create`: add; reversed by a delete.
 * - `delete`: delete; reversed by a create.
 * - `purge`: delete if present (add-then-delete in the same transaction); never reversed, since
 *   whether it existed is unknown. Elements are purged by key and value: a stale element with
 *   another value makes the transaction fail.
 */
export type ChangeOp = 'ensure' | 'create' | 'delete' | 'purge';

export interface Change {
  op: ChangeOp;
  obj: NftObject;
}

export class Changeset {
  readonly changes: Change[] = [];

  ensure(...objs: NftObject[]): this {
    for (const obj of objs) this.changes.push({ op: 'ensure', obj });
    return this;
  }
  create(...objs: NftObject[]): this {
    for (const obj of objs) this.changes.push({ op: 'create', obj });
    return this;
  }
  delete(...objs: NftObject[]): this {
    for (const obj of objs) this.changes.push({ op: 'delete', obj });
    return this;
  }
  purge(...objs: NftObject[]): this {
    for (const obj of objs) this.changes.push({ op: 'purge', obj });
    return this;
  }
  append(other: Changeset): this {
    this.changes.push(...other.changes);
    return this;
  }

  get isEmpty(): boolean {
    return this.changes.length === 0;
  }

  /** Undo: ensures first (so the container objects exist), then creates and deletes swapped, in reverse. */
  reverse(): Changeset {
    const out = new Changeset();
    for (const c of this.changes) if (c.op === 'ensure') out.ensure(c.obj);
    for (const c of [...this.changes].reverse()) {
      if (c.op === 'create') out.delete(c.obj);
      else if (c.op === 'delete') out.create(c.obj);
    }
    return out;
  }

  /**
   * The `nft -j` commands, in order. A run of consecutive purges is deleted in the given order
   * (elements before the chains they jump to), so it is first made present in the reverse order.
   */
  commands(): NftCommand[] {
    const out: NftCommand[] = [];
    const changes = this.changes;
    for (let i = 0; i < changes.length; i++) {
      const { op, obj } = changes[i]!;
      if (op === 'purge') {
        let end = i;
        while (end + 1 < changes.length && changes[end + 1]!.op === 'purge') end++;
        const run = changes.slice(i, end + 1).map((c) => c.obj);
        for (const o of [...run].reverse()) out.push({ add: objectSpec(o) });
        for (const o of run) out.push(deleteCommand(o));
        i = end;
      } else if (op === 'ensure' && obj.kind === 'chain') out.push(...ensureChainCommands(obj));
      else if (op === 'ensure' || op === 'create') out.push(...addCommands(obj));
      else out.push(deleteCommand(obj));
    }
    return out;
  }

  toJSON(): { nftables: NftCommand[] } {
    return { nftables: this.commands() };
  }
}

// ---------------------------------------------------------------- apply and read

/** Apply a changeset (or raw commands) as one atomic `nft -j` transaction. */
export async function applyNft(change: Changeset | NftCommand[], opts: { netns?: string } = {}): Promise<void> {
  const commands = change instanceof Changeset ? change.commands() : change;
  if (!commands.length) return;
  const doc = JSON.stringify({ nftables: commands });
  const res = await runNftDocument(doc, opts.netns);
  if (res.code !== 0) {
    const lines = res.stderr.replace(/internal:0:0-0: /g, '').split('\n').map((l) => l.trim()).filter(Boolean);
    const msg = [...new Set(lines)].join('; ');
    throw systemError(`nft transaction of ${commands.length} commands failed${opts.netns ? ` in ${opts.netns}` : ''}: ${msg}`);
  }
}

// nft opens "-" as /dev/stdin, which fails on the socket Node gives a child as stdin; the
// document goes on the command line instead (one argument may hold 128 KiB), or through a
// private temporary file when larger.
const MAX_ARG = 120_000;

async function runNftDocument(doc: string, netns: string | undefined) {
  if (Buffer.byteLength(doc) <= MAX_ARG) return run(['nft', '-j', doc], { netns, allowFail: true });
  const dir = await mkdtemp(join(tmpdir(), 'berth-nft-'));
  try {
    const file = join(dir, 'ruleset.json');
    await writeFile(file, doc, { mode: 0o600 });
    return await run(['nft', '-j', '-f', file], { netns, allowFail: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ListedChain {
  name: string;
  base?: NftChain['base'];
  rules: Array<NftRule & { handle: number }>;
}
export interface ListedSet {
  kind: 'set' | 'map';
  name: string;
  type: string | string[];
  map?: string;
  /** Set: keys; map: [key, value] pairs, as nft -j prints them. */
  elements: unknown[];
}
export interface ListedTable extends TableRef {
  chains: Map<string, ListedChain>;
  sets: Map<string, ListedSet>;
}

/** A table's content, or undefined when the table does not exist. */
export async function listTable(table: TableRef, opts: { netns?: string } = {}): Promise<ListedTable | undefined> {
  const res = await run(['nft', '-j', 'list', 'table', table.family, table.name], { netns: opts.netns, allowFail: true });
  if (res.code !== 0) {
    if (/No such file or directory/.test(res.stderr)) return undefined;
    throw systemError(`nft list table ${table.family} ${table.name}: ${res.stderr.trim()}`);
  }
  return parseTable(table, JSON.parse(res.stdout) as { nftables: Array<Record<string, Record<string, unknown>>> });
}

/** Names of the tables in a namespace, as "family name". */
export async function listTables(opts: { netns?: string } = {}): Promise<TableRef[]> {
  const res = await run(['nft', '-j', 'list', 'tables'], { netns: opts.netns });
  const items = (JSON.parse(res.stdout) as { nftables: Array<Record<string, Record<string, unknown>>> }).nftables;
  return items.filter((i) => i.table).map((i) => ({ family: i.table!.family as NftFamily, name: i.table!.name as string }));
}

export function parseTable(table: TableRef, json: { nftables: Array<Record<string, Record<string, unknown>>> }): ListedTable {
  const out: ListedTable = { ...ref(table), chains: new Map(), sets: new Map() };
  for (const item of json.nftables) {
    if (item.chain) {
      const c = item.chain;
      const base = c.hook
        ? { type: c.type as 'filter', hook: c.hook as string, prio: c.prio as number, ...(c.policy ? { policy: c.policy as 'accept' } : {}) }
        : undefined;
      out.chains.set(c.name as string, { name: c.name as string, ...(base ? { base } : {}), rules: [] });
    } else if (item.set || item.map) {
      const s = (item.set ?? item.map)!;
      out.sets.set(s.name as string, {
        kind: item.set ? 'set' : 'map',
        name: s.name as string,
        type: s.type as string,
        ...(s.map ? { map: s.map as string } : {}),
        elements: (s.elem as unknown[]) ?? [],
      });
    } else if (item.rule) {
      const r = item.rule;
      out.chains.get(r.chain as string)?.rules.push({
        handle: r.handle as number,
        expr: r.expr as NftExpr[],
        ...(r.comment ? { comment: r.comment as string } : {}),
      });
    }
  }
  return out;
}
