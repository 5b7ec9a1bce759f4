import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../lib/errors.js';
import { boolParam, boolValue, checkJsonContentType, intParam, parseFilters, parseJsonBody } from './params.js';
import { checkApiVersion, compareVersions } from './versions.js';

const q = (s: string) => new URLSearchParams(s);
const invalid = (message: string | RegExp) => (err: unknown) =>
  isBerthError(err, 'invalidParameter') && (typeof message === 'string' ? err.message === message : message.test(err.message));

test('boolValue follows httputils.BoolValue', () => {
  for (const f of ['', '0', 'no', 'false', 'none', 'False', ' NO ', 'NONE']) assert.equal(boolValue(f), false, JSON.stringify(f));
  for (const t of ['1', 'true', 'True', 'yes', 'on', 'anything', '2']) assert.equal(boolValue(t), true, t);
});

test('boolParam: the default only when the parameter is absent', () => {
  assert.equal(boolParam(q(''), 'all', true), true);
  assert.equal(boolParam(q('all='), 'all', true), false);
  assert.equal(boolParam(q('all=1'), 'all', false), true);
  assert.equal(boolParam(q('all=0&all=1'), 'all', true), false, 'first value wins');
});

test('intParam: default when absent or empty, strict base-10 otherwise', () => {
  assert.equal(intParam(q(''), 'limit', -1), -1);
  assert.equal(intParam(q('limit='), 'limit', -1), -1);
  assert.equal(intParam(q('limit=25'), 'limit', -1), 25);
  assert.equal(intParam(q('limit=-3'), 'limit', 0), -3);
  assert.throws(() => intParam(q('limit=abc'), 'limit', 0), invalid('strconv.ParseInt: parsing "abc": invalid syntax'));
  assert.throws(() => intParam(q('limit=1.5'), 'limit', 0), invalid(/invalid syntax/));
  assert.throws(() => intParam(q('limit=99999999999999999999'), 'limit', 0), invalid(/value out of range/));
});

test('parseFilters reads the current and the legacy form', () => {
  assert.deepEqual(parseFilters(null), new Map());
  assert.deepEqual(parseFilters(''), new Map());
  assert.deepEqual(
    parseFilters('{"name":{"web":true,"db":true},"label":{"a=b":true}}'),
    new Map([['name', ['web', 'db']], ['label', ['a=b']]]),
  );
  assert.deepEqual(parseFilters('{"name":["web","db"],"dangling":["true"]}'), new Map([['name', ['web', 'db']], ['dangling', ['true']]]));
  assert.deepEqual(parseFilters('{"name":{"x":false}}'), new Map([['name', ['x']]]), 'keys count whatever their value');
  assert.deepEqual(parseFilters('{}'), new Map());
  assert.deepEqual(parseFilters('null'), new Map());
});

test('parseFilters refuses anything else with "invalid filter"', () => {
  for (const bad of ['{', 'name=web', '[]', '"x"', '{"name":"web"}', '{"name":{"web":"yes"}}', '{"name":[1]}']) {
    assert.throws(() => parseFilters(bad), invalid('invalid filter'), bad);
  }
});

test('parseJsonBody follows httputils.ReadJSON', () => {
  assert.deepEqual(parseJsonBody(Buffer.from('')), {});
  assert.deepEqual(parseJsonBody(Buffer.from('null')), {});
  const obj = parseJsonBody<Record<string, unknown>>(Buffer.from('{"b":1,"a":{"z":1,"y":2}}\n'));
  assert.deepEqual(Object.keys(obj), ['b', 'a'], 'key order kept');
  assert.throws(() => parseJsonBody(Buffer.from('  \n')), invalid('invalid JSON: got EOF while reading request body'));
  assert.throws(() => parseJsonBody(Buffer.from('{"a":')), invalid(/^invalid JSON: /));
  assert.throws(() => parseJsonBody(Buffer.from('{"a":1} {"b":2}')), invalid('unexpected content after JSON'));
});

test('checkJsonContentType follows httputils.CheckForJSON', () => {
  checkJsonContentType({});
  checkJsonContentType({ 'content-length': '0' });
  checkJsonContentType({ 'content-type': 'application/json', 'content-length': '2' });
  checkJsonContentType({ 'content-type': 'application/json; charset=utf-8', 'transfer-encoding': 'chunked' });
  assert.throws(
    () => checkJsonContentType({ 'content-type': 'text/plain', 'content-length': '2' }),
    invalid("unsupported Content-Type header (text/plain): must be 'application/json'"),
  );
  assert.throws(() => checkJsonContentType({ 'content-length': '2' }), invalid('malformed Content-Type header (): mime: no media type'));
});

test('versions compare field by field', () => {
  assert.equal(compareVersions('1.9', '1.10'), -1);
  assert.equal(compareVersions('1.51', '1.51'), 0);
  assert.equal(compareVersions('1.51.0', '1.51'), 0);
  assert.equal(compareVersions('2', '1.99'), 1);
  const range = { api: '1.51', minApi: '1.24' };
  checkApiVersion('1.24', range);
  checkApiVersion('1.51', range);
  assert.throws(() => checkApiVersion('1.99', range), invalid('client version 1.99 is too new. Maximum supported API version is 1.51'));
  assert.throws(
    () => checkApiVersion('1.12', range),
    invalid('client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version'),
  );
});
