/**
 * A router for the HTTP layer's own tests: each route exercises one behaviour of the server,
 * none touches an engine.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { notFound, notModified, systemError } from '../lib/errors.js';
import { MULTIPLEXED_STREAM, RAW_STREAM, readAll } from './context.js';
import { Router } from './router.js';

export const VERSION = { api: '1.51', minApi: '1.24', server: '0.1.0-test' };

export interface Probe {
  /** Resolve to let /stream send its second chunk. */
  release: () => void;
  aborted: Promise<void>;
}

export function testRouter(): { router: Router; probe: Probe } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let onAbort!: () => void;
  const aborted = new Promise<void>((r) => (onAbort = r));
  const router = new Router()
    .add('GET', '/containers/{id}/json', async (ctx) => ({
      status: 200,
      json: { Id: ctx.params.id, ApiVersion: ctx.apiVersion, Path: ctx.path, Old: !ctx.versionAtLeast('1.44') },
    }))
    .add('POST', '/containers/{id}/start', async () => {
      throw notModified('container already started');
    })
    .add('GET', '/fail/notfound', async () => {
      throw notFound('No such container: nope');
    })
    .add('GET', '/fail/crash', async () => {
      throw new Error('boom');
    })
    .add('POST', '/echo', async (ctx) => ({ status: 201, json: await ctx.json() }))
    .add('GET', '/query', async (ctx) => ({
      status: 200,
      json: { filters: Object.fromEntries(ctx.filters()), all: ctx.boolQuery('all'), limit: ctx.intQuery('limit', -1) },
    }))
    .add('DELETE', '/nothing', async () => ({ status: 204 }))
    .add('POST', '/upload', async (ctx) => ({ status: 200, json: { bytes: (await readAll(ctx.bodyStream())).length } }))
    .add('GET', '/stream/fail', async () => ({
      status: 200,
      contentType: 'application/json',
      stream: (async function* () {
        yield 'partial\n';
        await sleep(10);
        throw systemError('disk on fire');
      })(),
    }))
    .add('GET', '/stream', async () => ({
      status: 200,
      contentType: 'application/json',
      stream: (async function* () {
        yield '{"n":1}\n';
        await gate;
        yield Buffer.from('{"n":2}\n');
      })(),
    }))
    .add('GET', '/forever', async (ctx) => {
      ctx.signal.addEventListener('abort', () => onAbort(), { once: true });
      return {
        status: 200,
        contentType: 'application/json',
        stream: (async function* () {
          yield 'tick\n';
          while (!ctx.signal.aborted) await sleep(5);
        })(),
      };
    })
    // exec start: read the JSON body, then echo stdin back once the client half-closes.
    .add('POST', '/exec/{id}/start', async (ctx) => {
      const body = await ctx.json<{ Detach?: boolean; Tty?: boolean }>();
      if (body.Detach) return { status: 200 };
      return {
        contentType: body.Tty ? RAW_STREAM : MULTIPLEXED_STREAM,
        hijack: async (conn) => {
          const stdin = await readAll(conn.input);
          if (body.Tty) conn.write(Buffer.from(`got:${stdin}`));
          else {
            conn.writeFrame(1, Buffer.from(`got:${stdin}`));
            conn.writeFrame(2, Buffer.from('bye\n'));
          }
        },
      };
    });
  return { router, probe: { release, aborted } };
}
