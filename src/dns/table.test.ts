import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameTable, type DnsNetwork, type LookupResult } from './table.js';

// Two networks and a few containers:
//   app (10.1.0.0/24):   db 10.1.0.2 (+ fd01::2, aliases "database", "Store"), web 10.1.0.3, api 10.1.0.4
//   back (10.2.0.0/24):  api 10.2.0.4, cache 10.2.0.5, six (IPv6 only) fd02::6
//   my.net (dotted name): job 10.3.0.2
//   vault (internal, 10.9.0.0/24): secret 10.9.0.2 (only here), api 10.9.0.4
const ID = (n: number) => `${n}`.padStart(2, '0').repeat(32);
const app: DnsNetwork = {
  id: 'net-app', name: 'app', internal: false, subnets: ['10.1.0.0/24', 'fd01::/64'],
  endpoints: [
    { containerId: ID(1), ipv4: '10.1.0.2', ipv6: 'fd01::2', names: ['db', 'database', 'Store', ID(1).slice(0, 12)] },
    { containerId: ID(2), ipv4: '10.1.0.3', names: ['web', 'www'] },
    { containerId: ID(3), ipv4: '10.1.0.4', names: ['api'] },
  ],
};
const back: DnsNetwork = {
  id: 'net-back', name: 'back', internal: false, subnets: ['10.2.0.0/24'],
  endpoints: [
    { containerId: ID(3), ipv4: '10.2.0.4', names: ['api'] },
    { containerId: ID(4), ipv4: '10.2.0.5', names: ['cache'] },
    { containerId: ID(5), ipv6: 'fd02:0:0:0::6', names: ['six'] },
  ],
};
const dotted: DnsNetwork = {
  id: 'net-dot', name: 'my.net', internal: false,
  endpoints: [{ containerId: ID(6), ipv4: '10.3.0.2', names: ['job'] }],
};
const vault: DnsNetwork = {
  id: 'net-vault', name: 'vault', internal: true, subnets: ['10.9.0.0/24'],
  endpoints: [
    { containerId: ID(7), ipv4: '10.9.0.2', names: ['secret'] },
    { containerId: ID(3), ipv4: '10.9.0.4', names: ['api'] },
    { containerId: ID(8), ipv4: '10.9.0.8', names: ['dnsbox'] },
  ],
};
const table = NameTable.build([app, back, dotted, vault], new Map([
  [ID(4), { upstreams: ['192.0.2.53', '192.0.2.54:5353'] }],
  [ID(7), { upstreams: ['10.9.0.8', '192.0.2.53'] }],
]));

const addrs = (r: LookupResult) => (r.kind === 'answer' ? [...r.addresses].sort() : r);

test('container name, alias, short ID resolve for a requester on the same network', () => {
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'db', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'database', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', ID(1).slice(0, 12), 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'db', 'AAAA')), ['fd01::2']);
});

test('lookups are case-insensitive and tolerate a trailing dot', () => {
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'DB.', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'store', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'STORE.APP.', 'A')), ['10.1.0.2']);
});

test('scoping: a requester sees only the networks it is attached to', () => {
  // web is only on app: cache (back only) is not ours for it -> forwarded.
  assert.deepEqual(table.lookup('10.1.0.3', 'cache', 'A'), { kind: 'forward' });
  assert.deepEqual(table.lookup('10.1.0.3', 'cache.back', 'A'), { kind: 'forward' });
  // cache is only on back: db is not visible.
  assert.equal(table.lookup('10.2.0.5', 'db', 'A').kind, 'forward');
  // api is on app, back and vault: it sees names from all of them.
  assert.deepEqual(addrs(table.lookup('10.1.0.4', 'db', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.4', 'cache', 'A')), ['10.2.0.5']);
  assert.deepEqual(addrs(table.lookup('10.1.0.4', 'secret', 'A')), ['10.9.0.2']);
  // any of api's addresses identifies the same container
  assert.deepEqual(addrs(table.lookup('10.2.0.4', 'db', 'A')), ['10.1.0.2']);
});

test('a name on several of the requester networks answers from the first in Docker order', () => {
  // api asking for "api": app and back are non-internal, sorted by name -> app first; vault (internal) last.
  assert.deepEqual(addrs(table.lookup('10.2.0.4', 'api', 'A')), ['10.1.0.4']);
  assert.deepEqual(addrs(table.lookup('10.2.0.4', 'api.back', 'A')), ['10.2.0.4']);
  assert.deepEqual(addrs(table.lookup('10.2.0.4', 'api.vault', 'A')), ['10.9.0.4']);
});

test('<name>.<network> works, also for network names with dots', () => {
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'db.app', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.1.0.3', 'database.app.', 'A')), ['10.1.0.2']);
  assert.deepEqual(addrs(table.lookup('10.3.0.2', 'job.my.net', 'A')), ['10.3.0.2']);
  assert.deepEqual(addrs(table.lookup('10.3.0.2', 'job', 'A')), ['10.3.0.2']);
  assert.equal(table.lookup('10.3.0.2', 'job.net', 'A').kind, 'forward');
  assert.equal(table.lookup('10.1.0.3', 'db.back', 'A').kind, 'forward'); // db is not on back
});

test('an alias shared by several containers returns all their addresses', () => {
  const shared: DnsNetwork = {
    id: 'n', name: 'pool', internal: false,
    endpoints: [1, 2, 3, 4].map((i) => ({ containerId: ID(10 + i), ipv4: `10.5.0.${i}`, names: [`w${i}`, 'worker'] })),
  };
  const t = NameTable.build([shared]);
  assert.deepEqual(addrs(t.lookup('10.5.0.1', 'worker', 'A')), ['10.5.0.1', '10.5.0.2', '10.5.0.3', '10.5.0.4']);
  assert.deepEqual(addrs(t.lookup('10.5.0.1', 'w3', 'A')), ['10.5.0.3']);
});

test('NODATA: the name exists but has no address of the asked family; other types too', () => {
  assert.deepEqual(table.lookup('10.1.0.3', 'web', 'AAAA'), { kind: 'answer', addresses: [] });
  assert.deepEqual(table.lookup('10.2.0.5', 'six', 'A'), { kind: 'answer', addresses: [] });
  assert.deepEqual(addrs(table.lookup('10.2.0.5', 'six', 'AAAA')), ['fd02::6']);
  assert.deepEqual(table.lookup('10.1.0.3', 'db', 'MX'), { kind: 'answer', addresses: [] });
  assert.deepEqual(table.lookup('10.1.0.3', 'db', 'TXT'), { kind: 'answer', addresses: [] });
  assert.deepEqual(table.lookup('10.1.0.3', 'db.app', 'OTHER'), { kind: 'answer', addresses: [] });
});

test('PTR for a visible container address names <first name>.<network>.', () => {
  assert.deepEqual(table.lookup('10.1.0.3', '2.0.1.10.in-addr.arpa', 'PTR'), { kind: 'ptr', name: 'db.app.' });
  assert.deepEqual(table.lookup('10.1.0.3', '2.0.1.10.IN-ADDR.ARPA.', 'PTR'), { kind: 'ptr', name: 'db.app.' });
  const v6 = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.d.f.ip6.arpa';
  assert.deepEqual(table.lookup('10.1.0.3', v6, 'PTR'), { kind: 'ptr', name: 'db.app.' });
  // api's address on back, seen by cache (on back)
  assert.deepEqual(table.lookup('10.2.0.5', '4.0.2.10.in-addr.arpa', 'PTR'), { kind: 'ptr', name: 'api.back.' });
});

test('PTR: unknown address inside a visible subnet is NXDOMAIN; outside, or invisible, forwarded', () => {
  assert.deepEqual(table.lookup('10.1.0.3', '99.0.1.10.in-addr.arpa', 'PTR'), { kind: 'nxdomain' });
  assert.deepEqual(table.lookup('10.1.0.3', '8.8.8.8.in-addr.arpa', 'PTR'), { kind: 'forward' });
  // 10.2.0.5 (cache) exists, but web cannot see back: not revealed, forwarded.
  assert.deepEqual(table.lookup('10.1.0.3', '5.0.2.10.in-addr.arpa', 'PTR'), { kind: 'forward' });
  // a zone cut is not an address
  assert.deepEqual(table.lookup('10.1.0.3', '1.10.in-addr.arpa', 'PTR'), { kind: 'forward' });
});

test('forwarding: container --dns servers, else the defaults', () => {
  assert.deepEqual(table.lookup('10.1.0.3', 'example.com', 'A'), { kind: 'forward' });
  assert.deepEqual(table.lookup('10.2.0.5', 'example.com', 'A'), { kind: 'forward', upstreams: ['192.0.2.53', '192.0.2.54:5353'] });
});

test('a requester only on internal networks is not forwarded for, except to on-net --dns servers', () => {
  // secret (vault only) has --dns 10.9.0.8 (on vault) and 192.0.2.53 (off-net): only the first stays.
  assert.deepEqual(table.lookup('10.9.0.2', 'example.com', 'A'), { kind: 'forward', upstreams: ['10.9.0.8'] });
  // dnsbox (vault only, no --dns): forwarding disabled -> the server answers SERVFAIL like Docker.
  assert.deepEqual(table.lookup('10.9.0.8', 'example.com', 'A'), { kind: 'forward', upstreams: [] });
  // names still resolve
  assert.deepEqual(addrs(table.lookup('10.9.0.8', 'secret', 'A')), ['10.9.0.2']);
  // api is on vault and on external networks: it is forwarded for
  assert.deepEqual(table.lookup('10.9.0.4', 'example.com', 'A'), { kind: 'forward' });
});

test('unknown requester: names of the network it asked through, no forwarding; no network -> refused', () => {
  assert.deepEqual(addrs(table.lookup('10.1.0.200', 'db', 'A', 'net-app')), ['10.1.0.2']);
  assert.deepEqual(table.lookup('10.1.0.200', 'cache', 'A', 'net-app'), { kind: 'refused' });
  assert.deepEqual(table.lookup('10.1.0.200', 'example.com', 'A', 'net-app'), { kind: 'refused' });
  assert.deepEqual(table.lookup('10.1.0.200', 'db', 'A'), { kind: 'refused' });
  assert.deepEqual(table.lookup('10.1.0.200', 'db', 'A', 'no-such-net'), { kind: 'refused' });
  // a known requester is scoped by its own networks, not by the listener
  assert.deepEqual(addrs(table.lookup('10.2.0.5', 'cache', 'A', 'net-app')), ['10.2.0.5']);
  assert.equal(table.lookup('10.2.0.5', 'db', 'A', 'net-app').kind, 'forward');
});

test('IPv6 requesters match in any spelling', () => {
  assert.deepEqual(addrs(table.lookup('fd01:0::2', 'web', 'A')), ['10.1.0.3']);
  assert.deepEqual(addrs(table.lookup('FD02::6', 'cache', 'A')), ['10.2.0.5']);
  assert.deepEqual(addrs(table.lookup('::ffff:10.1.0.3', 'db', 'A')), ['10.1.0.2']);
});

test('build ignores bad addresses and is immutable', () => {
  const t = NameTable.build([{ id: 'x', name: 'x', internal: false, endpoints: [{ containerId: 'c', ipv4: '300.1.1.1', ipv6: 'fd00::1', names: ['c'] }] }]);
  assert.deepEqual(addrs(t.lookup('fd00::1', 'c', 'A')), []);
  const r = table.lookup('10.1.0.3', 'db', 'A');
  assert.ok(r.kind === 'answer' && Object.isFrozen(r.addresses));
  assert.deepEqual(NameTable.EMPTY.lookup('10.1.0.3', 'db', 'A'), { kind: 'refused' });
});

test('a large table (10k containers) builds and answers', () => {
  const endpoints = Array.from({ length: 10_000 }, (_, i) => ({
    containerId: `c${i}`, ipv4: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, names: [`n${i}`, `alias${i % 10}`, `h${i}`],
  }));
  const t = NameTable.build([{ id: 'big', name: 'big', internal: false, endpoints }]);
  assert.deepEqual(addrs(t.lookup('10.0.0.1', 'n9999', 'A')), ['10.0.39.15']);
  assert.equal((addrs(t.lookup('10.0.0.1', 'alias3', 'A')) as string[]).length, 1000);
});

test('aliases are per network: an alias given on connect answers only there, with that network address', () => {
  // box: on front with its name only, connected to rear with --alias store (network connect --alias)
  const front: DnsNetwork = { id: 'f', name: 'front', internal: false, subnets: ['10.7.0.0/24'], endpoints: [
    { containerId: 'box', ipv4: '10.7.0.2', names: ['box', 'boxhost'] },
    { containerId: 'f-only', ipv4: '10.7.0.3', names: ['fonly'] },
  ] };
  const rear: DnsNetwork = { id: 'r', name: 'rear', internal: false, subnets: ['10.8.0.0/24'], endpoints: [
    { containerId: 'box', ipv4: '10.8.0.2', names: ['box', 'store', 'boxhost'] },
    { containerId: 'r-only', ipv4: '10.8.0.3', names: ['ronly'] },
  ] };
  const t = NameTable.build([front, rear]);
  assert.deepEqual(addrs(t.lookup('10.8.0.3', 'store', 'A')), ['10.8.0.2']);
  assert.deepEqual(addrs(t.lookup('10.8.0.3', 'box', 'A')), ['10.8.0.2']);
  assert.deepEqual(addrs(t.lookup('10.8.0.3', 'boxhost', 'A')), ['10.8.0.2']);
  assert.deepEqual(t.lookup('10.7.0.3', 'store', 'A'), { kind: 'forward' });
  assert.deepEqual(t.lookup('10.7.0.3', 'store.rear', 'A'), { kind: 'forward' });
  assert.deepEqual(addrs(t.lookup('10.7.0.3', 'box', 'A')), ['10.7.0.2']);
  // PTR names the container by its first name on the network of that address
  assert.deepEqual(t.lookup('10.7.0.3', '2.0.7.10.in-addr.arpa', 'PTR'), { kind: 'ptr', name: 'box.front.' });
  assert.deepEqual(t.lookup('10.8.0.3', '2.0.8.10.in-addr.arpa', 'PTR'), { kind: 'ptr', name: 'box.rear.' });
  // after a disconnect from rear (the table is rebuilt without that endpoint) its names there are gone
  const after = NameTable.build([front, { ...rear, endpoints: rear.endpoints.filter((e) => e.containerId !== 'box') }]);
  assert.deepEqual(after.lookup('10.8.0.3', 'store', 'A'), { kind: 'forward' });
  assert.deepEqual(after.lookup('10.8.0.3', 'box', 'A'), { kind: 'forward' });
  assert.deepEqual(after.lookup('10.8.0.3', '2.0.8.10.in-addr.arpa', 'PTR'), { kind: 'nxdomain' });
});
