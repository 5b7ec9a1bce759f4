import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';
import type { Handler } from './context.js';

const h = (name: string): Handler => Object.assign(async () => ({ status: 200, json: name }), { label: name });
const which = (r: Router, method: string, path: string) => {
  const m = r.match(method, path);
  return m ? { pattern: m.route.pattern, params: m.params } : undefined;
};

test('literal and single-segment parameters', () => {
  const r = new Router().add('GET', '/containers/json', h('list')).add('GET', '/containers/{id}/json', h('inspect'));
  assert.deepEqual(which(r, 'GET', '/containers/json'), { pattern: '/containers/json', params: {} });
  assert.deepEqual(which(r, 'GET', '/containers/abc/json'), { pattern: '/containers/{id}/json', params: { id: 'abc' } });
  assert.equal(which(r, 'GET', '/containers/a/b/json'), undefined);
  assert.equal(which(r, 'GET', '/containers//json'), undefined);
  assert.equal(which(r, 'POST', '/containers/json'), undefined, 'another method does not match');
  assert.equal(which(r, 'GET', '/containers/json/'), undefined, 'a trailing slash is another path');
});

test('a * parameter spans segments and backtracks for what follows', () => {
  const r = new Router()
    .add('GET', '/images/json', h('list'))
    .add('GET', '/images/{name*}/json', h('inspect'))
    .add('DELETE', '/images/{name*}', h('remove'))
    .add('POST', '/images/{name*}/tag', h('tag'));
  assert.deepEqual(which(r, 'GET', '/images/json'), { pattern: '/images/json', params: {} });
  assert.deepEqual(which(r, 'GET', '/images/library/alpine:3/json')?.params, { name: 'library/alpine:3' });
  assert.deepEqual(which(r, 'GET', '/images/json/json')?.params, { name: 'json' });
  assert.deepEqual(which(r, 'DELETE', '/images/registry:5000/a/b:1')?.params, { name: 'registry:5000/a/b:1' });
  assert.deepEqual(which(r, 'POST', '/images/a/tag/tag')?.params, { name: 'a/tag' });
});

test('literal segments win over parameters whatever the order of registration', () => {
  const r = new Router().add('POST', '/networks/{id}', h('x')).add('POST', '/networks/create', h('create'));
  assert.equal(which(r, 'POST', '/networks/create')?.pattern, '/networks/create');
  assert.equal(which(r, 'POST', '/networks/abc')?.pattern, '/networks/{id}');
});

test('registering a route twice is a programming error', () => {
  const r = new Router().add('GET', '/x', h('x'));
  assert.throws(() => r.add('get', '/x', h('y')), /registered twice/);
  assert.throws(() => r.add('GET', 'x', h('y')), /must start with/);
  assert.equal(r.routes().length, 1);
});
