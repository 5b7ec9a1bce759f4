import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvConf, type ResolvInput } from './etc-files.js';

const HOST = { nameservers: ['127.0.0.53', '192.0.2.1'], search: ['corp.test'], options: ['edns0'] };
const base: ResolvInput = { host: HOST, dns: [], dnsSearch: [], dnsOptions: [], internalResolver: true };
/** The file without berth's three-line header and the blank line after it. */
const body = (input: Partial<ResolvInput>) => resolvConf({ ...base, ...input }).split('\n').slice(4).join('\n');

test('user network: 127.0.0.11, ndots:0 added, host servers as host(...) ExtServers (Docker trailer)', () => {
  assert.equal(body({}), [
    'nameserver 127.0.0.11',
    'search corp.test',
    'options edns0 ndots:0',
    '',
    '# ExtServers: [host(127.0.0.53) host(192.0.2.1)]',
    '# Overrides: []',
    '# Option ndots from: internal',
    '',
  ].join('\n'));
});

test('user network with --dns, --dns-search . and --dns-option: overrides listed, search dropped', () => {
  assert.equal(body({ dns: ['192.0.2.53'], dnsSearch: ['.'], dnsOptions: ['ndots:2', 'timeout:1'] }), [
    'nameserver 127.0.0.11',
    'options ndots:2 timeout:1',
    '',
    '# ExtServers: [192.0.2.53]',
    '# Overrides: [nameservers search options]',
    '# Option ndots from: override',
    '',
  ].join('\n'));
});

test('user network without any upstream warns as Docker does; ndots from the host file is kept', () => {
  assert.equal(body({ host: { nameservers: [], search: [], options: ['ndots:3'] } }), [
    'nameserver 127.0.0.11',
    'options ndots:3',
    '',
    '# NO EXTERNAL NAMESERVERS DEFINED',
    '# Overrides: []',
    '# Option ndots from: host',
    '',
  ].join('\n'));
});

test('default bridge: host servers minus loopback; only loopback ones -> Google fallback with a warning', () => {
  assert.equal(body({ internalResolver: false }), ['nameserver 192.0.2.1', 'search corp.test', 'options edns0', '', '# Overrides: []', ''].join('\n'));
  assert.equal(body({ internalResolver: false, host: { nameservers: ['127.0.0.1'], search: [], options: [] } }), [
    'nameserver 8.8.8.8',
    'nameserver 8.8.4.4',
    '',
    '# Used default nameservers.',
    '# Overrides: []',
    '',
  ].join('\n'));
  // --dns overrides are written as given, loopback or not (moby TransformForLegacyNw)
  assert.equal(body({ internalResolver: false, dns: ['127.0.0.1'], dnsSearch: ['a.test'] }).split('\n')[0], 'nameserver 127.0.0.1');
  assert.match(body({ internalResolver: false, dns: ['127.0.0.1'], dnsSearch: ['a.test'] }), /^search a\.test$/m);
});
