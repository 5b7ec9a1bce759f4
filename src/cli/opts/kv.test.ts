/**
 * Environment, labels, hosts, DNS, links, restart policies: docker 28's validators as table tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  kvToMap, normalizeCapabilities, parseRestartPolicy, readEnv, readLabels, resolveEnv, validateDNSSearch, validateEnv, validateExtraHost,
  validateIPAddress, validateLabel, validateLink,
} from './kv.js';

const table = <T>(fn: (v: string) => T, rows: Array<[string, T | Error]>) => {
  for (const [input, want] of rows) {
    it(JSON.stringify(input), () => {
      if (want instanceof Error) assert.throws(() => fn(input), { message: want.message });
      else assert.deepEqual(fn(input), want);
    });
  }
};

describe('-e/--env', () => {
  table(validateEnv, [
    ['A=1', 'A=1'],
    ['A=', 'A='],
    ['A', 'A'],
    ['A=b=c', 'A=b=c'],
    ['=x', new Error('invalid environment variable: =x')],
    ['', new Error('invalid environment variable: ')],
  ]);
  it('takes a bare name from the CLI environment when set there', () => {
    assert.equal(resolveEnv('HOME', { HOME: '/root' }), 'HOME=/root');
    assert.equal(resolveEnv('NOPE', {}), 'NOPE');
    assert.equal(resolveEnv('A=1', { A: '2' }), 'A=1');
  });
});

describe('--env-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('reads KEY=VALUE lines, skips comments, looks up bare keys, then -e values win', () => {
    const f = join(dir, 'ok.env');
    writeFileSync(f, '\uFEFF# comment\n\n  A=1\nB= spaced value \nFROM_ENV\nUNSET\nC="quoted"\r\n');
    assert.deepEqual(readEnv([f], ['A=2', 'HOME'], { FROM_ENV: 'x', HOME: '/root' }), [
      'A=1', 'B= spaced value ', 'FROM_ENV=x', 'C="quoted"', 'A=2', 'HOME=/root',
    ]);
  });
  it('fails like docker on bad lines and missing files', () => {
    const f = join(dir, 'bad.env');
    writeFileSync(f, 'MY VAR=1\n');
    assert.throws(() => readEnv([f], [], {}), { message: `invalid env file (${f}): variable 'MY VAR' contains whitespaces` });
    writeFileSync(f, '=1\n');
    assert.throws(() => readEnv([f], [], {}), { message: `invalid env file (${f}): no variable name on line '=1'` });
    assert.throws(() => readEnv([join(dir, 'nope')], [], {}), { message: `open ${join(dir, 'nope')}: no such file or directory` });
  });
  it('reads label files the same way, without lookups', () => {
    const f = join(dir, 'labels');
    writeFileSync(f, 'a=1\nb\n');
    assert.deepEqual(readLabels([f], ['c=3']), ['a=1', 'c=3']);
  });
});

describe('-l/--label', () => {
  table(validateLabel, [
    ['a=b', 'a=b'],
    ['a', 'a'],
    ['com.example.x= spaces kept ', 'com.example.x= spaces kept '],
    ['=a', new Error("invalid label '=a': empty name")],
    ['a b=c', new Error("label 'a b' contains whitespaces")],
  ]);
  it('maps labels, later keys winning, bare keys empty', () => {
    assert.deepEqual(kvToMap(['a=1', 'b', 'a=2', 'c=x=y']), { a: '2', b: '', c: 'x=y' });
  });
});

describe('--add-host', () => {
  table(validateExtraHost, [
    ['h:1.2.3.4', 'h:1.2.3.4'],
    ['h=1.2.3.4', 'h:1.2.3.4'],
    ['h=::1', 'h:::1'],
    ['h:[::1]', 'h:::1'],
    ['h:host-gateway', 'h:host-gateway'],
    ['foo', new Error('bad format for add-host: "foo"')],
    [':1.2.3.4', new Error('bad format for add-host: ":1.2.3.4"')],
    ['h:nope', new Error('invalid IP address in add-host: "nope"')],
  ]);
});

describe('--dns, --dns-search, --link', () => {
  table(validateIPAddress, [
    ['1.1.1.1', '1.1.1.1'],
    [' 8.8.8.8 ', '8.8.8.8'],
    ['x', new Error('IP address is not correctly formatted: x')],
  ]);
  table(validateDNSSearch, [
    ['example.com', 'example.com'],
    ['.', '.'],
    ['example.com.', 'example.com'],
    ['123', new Error('123 is not a valid domain')],
    ['-bad.com', new Error('-bad.com is not a valid domain')],
  ]);
  table(validateLink, [
    ['db', 'db'],
    ['db:alias', 'db:alias'],
    ['a:b:c', new Error('bad format for links: a:b:c')],
  ]);
});

describe('--restart and capabilities', () => {
  table(parseRestartPolicy, [
    ['no', { Name: 'no', MaximumRetryCount: 0 }],
    ['on-failure:3', { Name: 'on-failure', MaximumRetryCount: 3 }],
    ['always', { Name: 'always', MaximumRetryCount: 0 }],
    [':3', new Error('invalid restart policy format: no policy provided before colon')],
    ['on-failure:x', new Error('invalid restart policy format: maximum retry count must be an integer')],
  ]);
  it('normalises capability names as the Engine API client does', () => {
    assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_SYS_TIME', 'all', ' chown ']), ['CAP_NET_ADMIN', 'CAP_SYS_TIME', 'ALL', 'CAP_CHOWN']);
    assert.equal(normalizeCapabilities([]), null);
  });
});
