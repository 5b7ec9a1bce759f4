/**
 * @module api/handlers/containers
 * /containers/* routes: each handler parses the request, makes one engine call and shapes the
 * answer the way Docker does.
 */
import { join } from 'node:path';
import { invalidParameter, wrapError } from '../../lib/errors.js';
import { containerStatus } from '../../lib/human.js';
import type { Engine } from '../../engine/engine.js';
import type { ContainerRecord } from '../../engine/model.js';
import type { CreateRequest } from '../../engine/create.js';
import { etcPaths } from '../../engine/etc-files.js';
import { containerInspectJson, containerSummaryJson, type ContainerViewInput } from '../shape/container.js';
import type { Handler, HijackedConnection, Router } from '../router.js';
import { logStream, sinkFor } from './streams.js';

export function containerView(engine: Engine, c: ContainerRecord): ContainerViewInput {
  const { state, names } = engine.ctx;
  const owner = engine.sandboxes.filesOwner(c);
  const files = etcPaths(names.containerRunDir(owner.id));
  const networks = Object.entries(c.networks).map(([name, cfg]) => {
    const net = state.networks.get(cfg.NetworkID) ?? state.findNetwork(name);
    const ep = net ? state.endpointOf(c.id, net.id) : undefined;
    return { name, ...(net ? { net } : {}), ...(ep ? { ep } : {}) };
  });
  return {
    c,
    networks,
    paths: {
      resolvConf: files.resolvConf,
      hostname: files.hostname,
      hosts: files.hosts,
      log: engine.lifecycle.logPath(c.id),
      sandboxKey: c.sandboxId ? names.netnsPath(c.sandboxId) : '',
      rootfs: join(names.containerDir(c.id), 'rootfs'),
    },
    execIds: [],
  };
}

export function registerContainerRoutes(router: Router, engine: Engine): void {
  const list: Handler = async (ctx) => {
    const items = engine.listContainers({
      all: ctx.boolQuery('all', false),
      limit: ctx.intQuery('limit', -1),
      filters: ctx.filters(),
    });
    return { status: 200, json: items.map((c) => containerSummaryJson(containerView(engine, c), containerStatus(c.state), ctx.apiVersion)) };
  };

  const create: Handler = async (ctx) => {
    const body = await ctx.json<CreateRequest>();
    const name = ctx.query.get('name') ?? undefined;
    const result = await engine.createContainer(name || undefined, body);
    return { status: 201, json: { Id: result.Id, Warnings: result.Warnings } };
  };

  const inspect: Handler = async (ctx) => {
    const c = engine.ctx.state.container(ctx.params.id!);
    return { status: 200, json: containerInspectJson(containerView(engine, c), ctx.apiVersion) };
  };

  const start: Handler = async (ctx) => {
    await engine.lifecycle.start(ctx.params.id!);
    return { status: 204 };
  };

  const stop: Handler = async (ctx) => {
    const t = ctx.query.get('t');
    await engine.lifecycle.stop(ctx.params.id!, {
      ...(t !== null && t !== '' ? { timeout: Number(t) } : {}),
      ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}),
    });
    return { status: 204 };
  };

  const restart: Handler = async (ctx) => {
    const t = ctx.query.get('t');
    await engine.lifecycle.restart(ctx.params.id!, {
      ...(t !== null && t !== '' ? { timeout: Number(t) } : {}),
      ...(ctx.query.get('signal') ? { signal: ctx.query.get('signal')! } : {}),
    });
    return { status: 204 };
  };

  const kill: Handler = async (ctx) => {
    try {
      await engine.lifecycle.kill(ctx.params.id!, ctx.query.get('signal') || 'SIGKILL');
    } catch (err) {
      // moby's postContainersKill wraps every failure (API >= 1.20), keeping its kind.
      throw wrapError(err, `cannot kill container: ${ctx.params.id}`);
    }
    return { status: 204 };
  };

  const wait: Handler = async (ctx) => {
    const condition = ctx.query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalidParameter(`invalid condition: "${condition}"`);
    const waiting = engine.lifecycle.wait(ctx.params.id!, condition);
    // Docker sends the headers at once and the body when the container stops.
    return { status: 200, stream: (async function* () {
      yield JSON.stringify(await waiting) + '\n';
    })(), contentType: 'application/json' };
  };

  const remove: Handler = async (ctx) => {
    await engine.lifecycle.remove(ctx.params.id!, { force: ctx.boolQuery('force', false) });
    return { status: 204 };
  };

  const rename: Handler = async (ctx) => {
    await engine.rename(ctx.params.id!, ctx.query.get('name') ?? '');
    return { status: 204 };
  };

  const resize: Handler = async (ctx) => {
    engine.resize(ctx.params.id!, ctx.intQuery('h', 0), ctx.intQuery('w', 0));
    return { status: 200 };
  };

  const logs: Handler = async (ctx) => {
    const stdout = ctx.boolQuery('stdout', false);
    const stderr = ctx.boolQuery('stderr', false);
    if (!stdout && !stderr) throw invalidParameter('Bad parameters: you must choose at least one stream');
    const tail = ctx.query.get('tail');
    const { tty, records } = engine.logs(ctx.params.id!, {
      follow: ctx.boolQuery('follow', false),
      ...(ctx.query.get('since') ? { since: toNanos(ctx.query.get('since')!) } : {}),
      ...(ctx.query.get('until') ? { until: toNanos(ctx.query.get('until')!) } : {}),
      ...(tail && tail !== 'all' ? { tail: Number(tail) } : {}),
      signal: ctx.signal,
    });
    return {
      status: 200,
      contentType: tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
      stream: logStream(records, { tty, stdout, stderr, timestamps: ctx.boolQuery('timestamps', false) }),
    };
  };

  const attach: Handler = async (ctx) => {
    const c = engine.ctx.state.container(ctx.params.id!);
    const wantStdin = ctx.boolQuery('stdin', false);
    const stdout = ctx.boolQuery('stdout', false);
    const stderr = ctx.boolQuery('stderr', false);
    return {
      contentType: c.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
      hijack: async (conn: HijackedConnection) => {
        await engine.attach(c.id, {
          sink: sinkFor(conn, c.config.Tty),
          stdout,
          stderr,
          ...(wantStdin ? { stdin: conn.input } : {}),
          gone: conn.closed,
          logs: ctx.boolQuery('logs', false),
        });
      },
    };
  };

  const execCreate: Handler = async (ctx) => {
    const id = engine.exec.create(ctx.params.id!, await ctx.json());
    return { status: 201, json: { Id: id } };
  };

  const top: Handler = async (ctx) => {
    return { status: 200, json: await engine.top(ctx.params.id!, ctx.query.get('ps_args') || '-ef') };
  };

  const prune: Handler = async (ctx) => {
    const deleted = await engine.pruneContainers(ctx.filters());
    // berth keeps no writable layer size per container: nothing to report as reclaimed.
    return { status: 200, json: { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: 0 } };
  };

  router.add('GET', '/containers/json', list);
  router.add('POST', '/containers/create', create);
  router.add('GET', '/containers/{id}/json', inspect);
  router.add('POST', '/containers/{id}/start', start);
  router.add('POST', '/containers/{id}/stop', stop);
  router.add('POST', '/containers/{id}/restart', restart);
  router.add('POST', '/containers/{id}/kill', kill);
  router.add('POST', '/containers/{id}/wait', wait);
  router.add('DELETE', '/containers/{id}', remove);
  router.add('POST', '/containers/{id}/rename', rename);
  router.add('POST', '/containers/{id}/resize', resize);
  router.add('GET', '/containers/{id}/logs', logs);
  router.add('POST', '/containers/{id}/attach', attach);
  router.add('POST', '/containers/{id}/exec', execCreate);
  router.add('GET', '/containers/{id}/top', top);
  router.add('POST', '/containers/prune', prune);
}

/** Docker's since/until: unix seconds with optional fraction, or RFC3339. */
function toNanos(value: string): bigint {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const [s, frac = ''] = value.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9) || '0');
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidParameter(`invalid value for "since": ${value}`);
  return BigInt(ms) * 1_000_000n;
}
