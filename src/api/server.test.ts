/**
 * The HTTP layer in process (inject): routing, versions, headers, errors, bodies, streams and
 * hijacks, rendered exactly as over the socket but with no socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../lib/log.js';
import { createApiServer } from './server.js';
import { decodeFrames } from './stdcopy.js';
import { testRouter, VERSION } from './testing.fixture.js';

setLogLevel('error');

function server() {
  const { router, probe } = testRouter();
  const api = createApiServer(router, { socketPath: join(tmpdir(), 'unused.sock'), version: VERSION });
  return { api, probe };
}

test('routes with and without a /v1.NN prefix, recording the version', async () => {
  const { api } = server();
  const plain = await api.inject({ url: '/containers/abc/json' });
  assert.equal(plain.status, 200);
  assert.deepEqual(plain.json(), { Id: 'abc', ApiVersion: '1.51', Path: '/containers/abc/json', Old: false });
  const old = await api.inject({ url: '/v1.40/containers/abc/json' });
  assert.deepEqual(old.json(), { Id: 'abc', ApiVersion: '1.40', Path: '/containers/abc/json', Old: true });
  const encoded = await api.inject({ url: '/v1.51/containers/a%20b/json?x=1' });
  assert.equal(encoded.json<{ Id: string }>().Id, 'a b');
});

test('JSON replies: Content-Type, trailing newline, key order, common headers', async () => {
  const { api } = server();
  const res = await api.inject({ method: 'POST', url: '/echo', body: { Zeta: 1, Alpha: { b: 2, a: 1 } } });
  assert.equal(res.status, 201);
  assert.equal(res.body, '{"Zeta":1,"Alpha":{"b":2,"a":1}}\n');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(res.headers['content-length'], String(res.raw.length));
  assert.equal(res.headers['api-version'], '1.51');
  assert.equal(res.headers['server'], 'berth/0.1.0-test (linux)');
  assert.equal(res.headers['ostype'], 'linux');
  assert.equal(res.headers['docker-experimental'], 'false');
});

test('client versions outside the range are refused with Docker\'s words', async () => {
  const { api } = server();
  const tooNew = await api.inject({ url: '/v1.99/containers/abc/json' });
  assert.equal(tooNew.status, 400);
  assert.deepEqual(tooNew.json(), { message: 'client version 1.99 is too new. Maximum supported API version is 1.51' });
  const tooOld = await api.inject({ url: '/v1.23/containers/abc/json' });
  assert.equal(tooOld.status, 400);
  assert.equal(tooOld.headers['content-type'], 'text/plain; charset=utf-8', 'pre-1.24 clients get text errors');
  assert.equal(
    tooOld.body,
    'client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n',
  );
  assert.equal((await api.inject({ url: '/v1.24/_ping' })).status, 200);
});

test('unknown paths and known paths with another method are 404 "page not found"', async () => {
  const { api } = server();
  for (const [method, url] of [
    ['GET', '/nope'],
    ['GET', '/v1.51/nope'],
    ['GET', '/v1.99/nope'],
    ['POST', '/containers/abc/json'],
    ['PUT', '/_ping'],
    ['GET', '/v1.51'],
  ] as const) {
    const res = await api.inject({ method, url });
    assert.equal(res.status, 404, `${method} ${url}`);
    assert.equal(res.body, '{"message":"page not found"}\n');
  }
});

test('/_ping answers GET and HEAD with Docker\'s headers', async () => {
  const { api } = server();
  for (const method of ['GET', 'HEAD']) {
    const res = await api.inject({ method, url: '/_ping' });
    assert.equal(res.status, 200);
    assert.equal(res.body, method === 'GET' ? 'OK' : '');
    assert.equal(res.headers['content-length'], method === 'GET' ? '2' : '0');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.headers['api-version'], '1.51');
    assert.equal(res.headers['ostype'], 'linux');
    assert.equal(res.headers['docker-experimental'], 'false');
    assert.equal(res.headers['builder-version'], '1');
    assert.equal(res.headers['swarm'], 'inactive');
    assert.equal(res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
    assert.equal(res.headers['pragma'], 'no-cache');
  }
  assert.equal((await api.inject({ method: 'OPTIONS', url: '/containers/json' })).status, 200);
});

test('thrown errors map to their status with {"message"}; 304 and 204 have no body', async () => {
  const { api } = server();
  const nf = await api.inject({ url: '/fail/notfound' });
  assert.equal(nf.status, 404);
  assert.equal(nf.body, '{"message":"No such container: nope"}\n');
  assert.equal(nf.headers['content-type'], 'application/json');
  const logged: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((line: string) => logged.push(line) > 0) as typeof process.stderr.write;
  let crash;
  try {
    crash = await api.inject({ url: '/fail/crash' });
    await api.inject({ url: '/fail/notfound' });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(crash.status, 500);
  assert.deepEqual(crash.json(), { message: 'boom' });
  assert.equal(logged.length, 1, '5xx logged once, 4xx not at all');
  assert.match(logged[0]!, /error Handler for GET \/fail\/crash returned error: boom/);
  const nm = await api.inject({ method: 'POST', url: '/containers/abc/start' });
  assert.equal(nm.status, 304);
  assert.equal(nm.body, '');
  const nc = await api.inject({ method: 'DELETE', url: '/nothing' });
  assert.equal(nc.status, 204);
  assert.equal(nc.body, '');
  assert.equal(nc.headers['content-type'], undefined);
});

test('request bodies: empty is {}, bad JSON and wrong Content-Type are 400', async () => {
  const { api } = server();
  assert.deepEqual((await api.inject({ method: 'POST', url: '/echo' })).json(), {});
  const bad = await api.inject({ method: 'POST', url: '/echo', body: '{"a":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.match(bad.json<{ message: string }>().message, /^invalid JSON: /);
  const text = await api.inject({ method: 'POST', url: '/echo', body: '{}', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(text.status, 400);
  assert.deepEqual(text.json(), { message: "unsupported Content-Type header (text/plain): must be 'application/json'" });
});

test('query helpers: filters in both forms, bool and int rules', async () => {
  const { api } = server();
  const current = encodeURIComponent('{"label":{"a=b":true},"name":{"web":true}}');
  const res = await api.inject({ url: `/query?filters=${current}&all=True&limit=3` });
  assert.deepEqual(res.json(), { filters: { label: ['a=b'], name: ['web'] }, all: true, limit: 3 });
  const legacy = encodeURIComponent('{"name":["web","db"]}');
  assert.deepEqual((await api.inject({ url: `/query?filters=${legacy}&all=0` })).json(), {
    filters: { name: ['web', 'db'] },
    all: false,
    limit: -1,
  });
  const bad = await api.inject({ url: '/query?filters=%7Bnope' });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: 'invalid filter' });
  assert.equal((await api.inject({ url: '/query?limit=ten' })).status, 400);
});

test('stream replies are collected by inject', async () => {
  const { api, probe } = server();
  probe.release();
  const res = await api.inject({ url: '/stream' });
  assert.equal(res.status, 200);
  assert.equal(res.body, '{"n":1}\n{"n":2}\n');
  assert.equal(res.headers['content-type'], 'application/json');
});

test('hijack in process: 101 with the multiplexed label from API 1.42, raw before, 200 without Upgrade', async () => {
  const { api } = server();
  const upgrade = { Connection: 'Upgrade', Upgrade: 'tcp' };
  const res = await api.inject({ method: 'POST', url: '/v1.51/exec/e1/start', headers: upgrade, body: { Tty: false }, stdin: 'ping' });
  assert.equal(res.status, 101);
  assert.equal(res.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  assert.equal(res.headers['upgrade'], 'tcp');
  assert.deepEqual(
    decodeFrames(res.raw).map((f) => [f.stream, f.data.toString()]),
    [[1, 'got:ping'], [2, 'bye\n']],
  );
  const old = await api.inject({ method: 'POST', url: '/v1.41/exec/e1/start', headers: upgrade, body: {}, stdin: 'x' });
  assert.equal(old.headers['content-type'], 'application/vnd.docker.raw-stream');
  const plain = await api.inject({ method: 'POST', url: '/exec/e1/start', body: { Tty: true }, stdin: 'y' });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(plain.headers['upgrade'], undefined);
  assert.equal(plain.body, 'got:y');
  const detached = await api.inject({ method: 'POST', url: '/exec/e1/start', headers: upgrade, body: { Detach: true } });
  assert.equal(detached.status, 200);
});
