import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError, type ErrorKind } from '../lib/errors.js';
import { AddressSpace, type PoolRequest } from './address-space.js';
import { DEFAULT_LOCAL_POOLS, enumerateSubnets, normalizePools } from './defaults.js';

const FULL = 'all predefined address pools have been fully subnetted';
const OVERLAP = 'invalid pool request: Pool overlaps with other one on this address space';

function throwsBerth(fn: () => unknown, kind: ErrorKind, message: string): void {
  assert.throws(fn, (e) => {
    assert.ok(isBerthError(e), `not a BerthError: ${String(e)}`);
    assert.equal(e.message, message);
    assert.equal(e.kind, kind);
    return true;
  });
}

const ALL_DEFAULTS = [...enumerateSubnets(normalizePools(DEFAULT_LOCAL_POOLS)[4])];

describe('default pools', () => {
  it('are Docker\'s 31 local networks in order', () => {
    assert.equal(ALL_DEFAULTS.length, 31);
    assert.deepEqual(ALL_DEFAULTS.slice(0, 4), ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16', '172.20.0.0/16']);
    assert.deepEqual(ALL_DEFAULTS.slice(14, 18), ['172.31.0.0/16', '192.168.0.0/20', '192.168.16.0/20', '192.168.32.0/20']);
    assert.equal(ALL_DEFAULTS[30], '192.168.240.0/20');
  });

  it('are handed out in that order, then run out', () => {
    const space = new AddressSpace();
    assert.deepEqual(ALL_DEFAULTS.map(() => space.requestPool({}).subnet), ALL_DEFAULTS);
    throwsBerth(() => space.requestPool({}), 'invalidParameter', FULL);
  });

  const skips: Array<{ name: string; hostReserved: string[]; taken?: string[]; expect: string[] }> = [
    { name: 'host route inside 172.18/16', hostReserved: ['172.18.5.0/24'], expect: ['172.17.0.0/16', '172.19.0.0/16', '172.20.0.0/16'] },
    { name: 'nameserver address', hostReserved: ['172.17.0.53'], expect: ['172.18.0.0/16', '172.19.0.0/16'] },
    { name: 'route covering all of 172.16/12', hostReserved: ['172.16.0.0/12'], expect: ['192.168.0.0/20', '192.168.16.0/20'] },
    { name: 'route inside the /14s', hostReserved: ['172.21.0.0/16', '172.22.3.0/24'], taken: ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16'], expect: ['172.20.0.0/16', '172.23.0.0/16', '172.24.0.0/16'] },
    { name: 'route overlapping two pools', hostReserved: ['172.18.0.0/15'], expect: ['172.17.0.0/16', '172.20.0.0/16'] },
    { name: 'IPv6 routes and junk are ignored', hostReserved: ['fd00::/8', 'not an address', '172.17.0.0/99'], expect: ['172.17.0.0/16'] },
    { name: 'explicit /24 blocks its /16', hostReserved: [], taken: ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16', '172.20.9.0/24'], expect: ['172.21.0.0/16'] },
  ];
  for (const c of skips) {
    it(`skips: ${c.name}`, () => {
      const space = new AddressSpace();
      for (const subnet of c.taken ?? []) space.requestPool({ subnet });
      assert.deepEqual(c.expect.map(() => space.requestPool({}, c.hostReserved).subnet), c.expect);
    });
  }

  it('a released subnet is picked again', () => {
    const space = new AddressSpace();
    const [a, b] = [space.requestPool({}), space.requestPool({})];
    assert.deepEqual([a.subnet, b.subnet], ['172.17.0.0/16', '172.18.0.0/16']);
    space.releasePool(a.id);
    assert.equal(space.requestPool({}).subnet, '172.17.0.0/16');
    assert.equal(space.requestPool({}).subnet, '172.19.0.0/16');
  });

  it('host-reserved prefixes do not block explicit subnets (Docker checks those against pools only)', () => {
    const space = new AddressSpace();
    assert.equal(space.requestPool({ subnet: '172.17.0.0/16' }, ['172.17.0.0/16']).subnet, '172.17.0.0/16');
  });

  it('daemon default-address-pools: custom, sorted, overlapping ones dropped', () => {
    const space = new AddressSpace({ defaultPools: [{ base: '10.10.0.0/16', size: 24 }, { base: '10.0.0.0/8', size: 16 }] });
    assert.deepEqual([1, 2].map(() => space.requestPool({}).subnet), ['10.0.0.0/16', '10.1.0.0/16']);
    assert.equal(new AddressSpace({ defaultPools: [] }).requestPool({}).subnet, '172.17.0.0/16');
    const custom = new AddressSpace({ defaultPools: [{ base: '10.10.0.0/16', size: 24 }] });
    assert.deepEqual([1, 2].map(() => custom.requestPool({}).subnet), ['10.10.0.0/24', '10.10.1.0/24']);
  });

  const badPools: Array<[{ base: string; size: number }, string]> = [
    [{ base: '10.0.0.0', size: 24 }, 'network at index 0 (&{10.0.0.0 24}) is not in canonical form'],
    [{ base: '10.0.0.0/8', size: 0 }, 'network at index 0 (&{10.0.0.0/8 0}) is not in canonical form'],
    [{ base: '10.0.0.0/24', size: 16 }, 'network at index 0 (&{10.0.0.0/24 16}) has a smaller prefix (/24) than the target size of that pool (/16)'],
    [{ base: '10.0.0.0/8', size: 33 }, 'network at index 0 (&{10.0.0.0/8 33}) has a target size (/33) longer than an IPv4 address'],
  ];
  for (const [pool, message] of badPools) {
    it(`rejects default pool ${pool.base} size ${pool.size}`, () => {
      throwsBerth(() => new AddressSpace({ defaultPools: [pool] }), 'invalidParameter', message);
    });
  }

  it('a size-only subnet ("0.0.0.0/24") cuts that size from the default pools', () => {
    const space = new AddressSpace();
    assert.equal(space.requestPool({ subnet: '0.0.0.0/24' }).subnet, '172.17.0.0/24');
    assert.equal(space.requestPool({ subnet: '0.0.0.0/24' }).subnet, '172.17.1.0/24');
    assert.equal(space.requestPool({}).subnet, '172.18.0.0/16');
    throwsBerth(() => space.requestPool({ subnet: '0.0.0.0/12' }), 'invalidParameter', 'invalid address pool');
    throwsBerth(
      () => space.requestPool({ subnet: '0.0.0.0/24', ipRange: '0.0.0.0/25' }),
      'system',
      'failed to parse pool request for address space "LocalDefault" pool "" subpool "0.0.0.0/25": invalid address subpool',
    );
    // Only an unspecified address as written means "size only": 0.0.0.5/8 is the subnet 0.0.0.0/8.
    assert.equal(space.requestPool({ subnet: '0.0.0.5/8' }).subnet, '0.0.0.0/8');
  });

  it('IPv6 from configured IPv6 pools only', () => {
    throwsBerth(() => new AddressSpace().requestPool({ v6: true }), 'invalidParameter', 'invalid address pool');
    const space = new AddressSpace({ defaultPools: [...DEFAULT_LOCAL_POOLS, { base: 'fd12:3456:789a::/48', size: 64 }] });
    const p6 = space.requestPool({ v6: true });
    assert.deepEqual(p6, { id: 'fd12:3456:789a::/64', subnet: 'fd12:3456:789a::/64', gateway: 'fd12:3456:789a::1', auxAddresses: {} });
    assert.equal(space.requestPool({ v6: true }).subnet, 'fd12:3456:789a:1::/64');
    assert.equal(space.requestPool({}).subnet, '172.17.0.0/16');
    assert.equal(space.requestAddress(p6.id), 'fd12:3456:789a::2');
    assert.equal(space.requestPool({ subnet: '::/56' }).subnet, 'fd12:3456:789a:100::/56');
  });
});

describe('explicit subnets', () => {
  const overlapCases: Array<[string, string]> = [
    ['10.1.0.0/16', '10.1.2.0/24'],
    ['10.1.2.0/24', '10.1.0.0/16'],
    ['10.1.0.0/16', '10.1.0.0/16'],
    ['10.0.0.0/8', '10.255.255.255/32'],
    ['fd00::/48', 'fd00:0:0:5::/64'],
  ];
  for (const [first, second] of overlapCases) {
    it(`${second} after ${first} is refused, and allowed once ${first} is released`, () => {
      const space = new AddressSpace();
      const p = space.requestPool({ subnet: first });
      throwsBerth(() => space.requestPool({ subnet: second }), 'forbidden', OVERLAP);
      space.releasePool(p.id);
      assert.equal(space.requestPool({ subnet: second }).id, second);
    });
  }

  it('different families never overlap; ids are canonical masked CIDRs', () => {
    const space = new AddressSpace();
    assert.equal(space.requestPool({ subnet: '10.1.2.3/16' }).id, '10.1.0.0/16');
    assert.equal(space.requestPool({ subnet: 'FD00:0::/64' }).id, 'fd00::/64');
    assert.equal(space.requestPool({ subnet: '::ffff:0:0/96' }).id, '::ffff:0.0.0.0/96');
    assert.equal(space.pool('fd00:0:0:0::/64')?.id, 'fd00::/64');
    assert.equal(space.pools().length, 3);
  });

  it('rejects text that is not a CIDR', () => {
    throwsBerth(() => new AddressSpace().requestPool({ subnet: '10.1.0.0' }), 'invalidParameter', `netip.ParsePrefix("10.1.0.0"): no '/'`);
  });

  it('releasing an unknown pool says so', () => {
    throwsBerth(() => new AddressSpace().releasePool('10.0.0.0/8'), 'invalidParameter', 'address space does not contain specified address pool');
  });
});

describe('gateway, aux addresses and ip-range at pool creation', () => {
  // `full`: the listed addresses are all that is left.
  const cases: Array<{ name: string; req: PoolRequest; gateway?: string; next: string[]; ipRange?: string; aux?: Record<string, string>; full?: boolean }> = [
    { name: 'default gateway is .1', req: { subnet: '10.1.0.0/16' }, gateway: '10.1.0.1', next: ['10.1.0.2', '10.1.0.3'] },
    { name: 'user gateway; .1 is then allocatable', req: { subnet: '10.1.0.0/16', gateway: '10.1.255.254' }, gateway: '10.1.255.254', next: ['10.1.0.1', '10.1.0.2'] },
    { name: 'aux addresses are never handed out', req: { subnet: '10.1.0.0/24', auxAddresses: { a: '10.1.0.2', b: '10.1.0.4' } }, gateway: '10.1.0.1', next: ['10.1.0.3', '10.1.0.5'], aux: { a: '10.1.0.2', b: '10.1.0.4' } },
    { name: 'no gateway when skipped', req: { subnet: '10.1.0.0/24', skipGatewayAlloc: true }, next: ['10.1.0.1', '10.1.0.2'] },
    { name: 'a given gateway is kept even when skipping', req: { subnet: '10.1.0.0/24', gateway: '10.1.0.9', skipGatewayAlloc: true }, gateway: '10.1.0.9', next: ['10.1.0.1'] },
    // Docker reserves only the subnet's network/broadcast, so the range's first address is the gateway.
    { name: 'ip-range: gateway and addresses from the range', req: { subnet: '10.1.0.0/16', ipRange: '10.1.128.0/17' }, gateway: '10.1.128.0', ipRange: '10.1.128.0/17', next: ['10.1.128.1'] },
    { name: 'ip-range: dynamic allocation stops at its end', req: { subnet: '10.1.0.0/16', ipRange: '10.1.4.0/30', gateway: '10.1.0.1' }, gateway: '10.1.0.1', ipRange: '10.1.4.0/30', next: ['10.1.4.0', '10.1.4.1', '10.1.4.2', '10.1.4.3'], full: true },
    { name: 'ip-range wider than the subnet means the subnet', req: { subnet: '10.1.0.0/24', ipRange: '10.0.0.0/8' }, gateway: '10.1.0.1', ipRange: '10.1.0.0/24', next: ['10.1.0.2'] },
    { name: '/30: network and broadcast reserved', req: { subnet: '10.0.0.8/30' }, gateway: '10.0.0.9', next: ['10.0.0.10'], full: true },
    { name: '/31: both addresses usable (RFC 3021)', req: { subnet: '10.0.0.8/31' }, gateway: '10.0.0.8', next: ['10.0.0.9'], full: true },
    { name: '/32: the one address is the gateway', req: { subnet: '10.0.0.8/32' }, gateway: '10.0.0.8', next: [], full: true },
    { name: '/32 without gateway: the one address is free', req: { subnet: '10.0.0.8/32', skipGatewayAlloc: true }, next: ['10.0.0.8'], full: true },
    { name: 'IPv6: anycast reserved, no broadcast', req: { subnet: 'fd00::/126' }, gateway: 'fd00::1', next: ['fd00::2', 'fd00::3'], full: true },
    { name: 'IPv6 /127', req: { subnet: 'fd00::/127' }, gateway: 'fd00::1', next: [], full: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const space = new AddressSpace();
      const pool = space.requestPool(c.req);
      assert.equal(pool.gateway, c.gateway);
      assert.equal(pool.ipRange, c.ipRange);
      assert.deepEqual(pool.auxAddresses, c.aux ?? {});
      assert.deepEqual(c.next.map(() => space.requestAddress(pool.id)), c.next);
      if (c.full) throwsBerth(() => space.requestAddress(pool.id), 'unavailable', 'no available addresses on this pool');
    });
  }

  const failures: Array<{ name: string; req: PoolRequest; kind: ErrorKind; message: string }> = [
    { name: 'gateway is the network address', req: { subnet: '10.1.0.0/16', gateway: '10.1.0.0' }, kind: 'system', message: 'failed to allocate gateway (10.1.0.0): Address already in use' },
    { name: 'gateway is the broadcast address', req: { subnet: '10.1.0.0/24', gateway: '10.1.0.255' }, kind: 'system', message: 'failed to allocate gateway (10.1.0.255): Address already in use' },
    { name: 'gateway outside the subnet', req: { subnet: '10.1.0.0/16', gateway: '10.2.0.1' }, kind: 'system', message: 'failed to allocate gateway (10.2.0.1): requested address is out of range' },
    { name: 'gateway not an address', req: { subnet: '10.1.0.0/16', gateway: '10.1.0.1/16' }, kind: 'invalidParameter', message: 'invalid gateway address 10.1.0.1/16 in Ipam configuration' },
    { name: 'aux is the default gateway (.1 is taken first)', req: { subnet: '10.1.0.0/16', auxAddresses: { host: '10.1.0.1' } }, kind: 'system', message: 'failed to allocate secondary ip address (host:10.1.0.1): Address already in use' },
    { name: 'aux equals the user gateway', req: { subnet: '10.1.0.0/16', gateway: '10.1.0.7', auxAddresses: { h: '10.1.0.7' } }, kind: 'system', message: 'failed to allocate secondary ip address (h:10.1.0.7): Address already in use' },
    { name: 'two aux with one address', req: { subnet: '10.1.0.0/16', auxAddresses: { a: '10.1.0.9', b: '10.1.0.9' } }, kind: 'system', message: 'failed to allocate secondary ip address (b:10.1.0.9): Address already in use' },
    { name: 'aux outside the subnet', req: { subnet: '10.1.0.0/16', auxAddresses: { a: '10.2.0.9' } }, kind: 'forbidden', message: 'auxiliary address: (a:10.2.0.9) must belong to the master pool: 10.1.0.0/16' },
    { name: 'aux not an address', req: { subnet: '10.1.0.0/16', auxAddresses: { a: 'x' } }, kind: 'invalidParameter', message: 'non parsable secondary ip address (a:x)' },
    { name: 'ip-range without subnet', req: { ipRange: '10.1.0.0/24' }, kind: 'system', message: 'failed to parse pool request for address space "LocalDefault" pool "" subpool "10.1.0.0/24": invalid address subpool' },
    { name: 'ip-range not a CIDR', req: { subnet: '10.1.0.0/16', ipRange: '10.1.0.0' }, kind: 'system', message: 'invalid pool request: invalid address subpool' },
    { name: 'ip-range of the other family', req: { subnet: '10.1.0.0/16', ipRange: 'fd00::/64' }, kind: 'invalidParameter', message: 'pool and subpool are of incompatible address families' },
    { name: 'ip-range outside the subnet', req: { subnet: '10.1.0.0/16', ipRange: '10.2.0.0/24' }, kind: 'invalidParameter', message: "invalid ip-range 10.2.0.0/24: parent subnet 10.1.0.0/16 doesn't contain ip-range" },
    { name: 'IPv6 /128 has no room for a gateway', req: { subnet: 'fd00::1/128' }, kind: 'system', message: 'failed to allocate gateway (): no available addresses on this pool' },
  ];
  for (const c of failures) {
    it(`fails: ${c.name}, and reserves nothing`, () => {
      const space = new AddressSpace();
      throwsBerth(() => space.requestPool(c.req), c.kind, c.message);
      assert.deepEqual(space.pools(), []);
      if (c.req.subnet) assert.equal(space.requestPool({ subnet: c.req.subnet, skipGatewayAlloc: true }).id.length > 0, true);
    });
  }
});

describe('address allocation', () => {
  it('lowest free address, reused immediately after release', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '172.20.0.0/16' });
    assert.deepEqual([1, 2, 3, 4].map(() => space.requestAddress(id)), ['172.20.0.2', '172.20.0.3', '172.20.0.4', '172.20.0.5']);
    space.releaseAddress(id, '172.20.0.3');
    assert.equal(space.requestAddress(id), '172.20.0.3');
    space.releaseAddress(id, '172.20.0.5');
    space.releaseAddress(id, '172.20.0.2');
    space.releaseAddress(id, '172.20.0.2'); // idempotent
    assert.deepEqual([1, 2, 3].map(() => space.requestAddress(id)), ['172.20.0.2', '172.20.0.5', '172.20.0.6']);
  });

  it('a wanted address may be outside the ip-range but inside the subnet', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.1.0.0/24', ipRange: '10.1.0.128/25', gateway: '10.1.0.1' });
    assert.equal(space.requestAddress(id, '10.1.0.5'), '10.1.0.5');
    assert.equal(space.requestAddress(id), '10.1.0.128');
  });

  const wantErrors: Array<{ want: string; kind: ErrorKind; message: string }> = [
    { want: '10.1.0.1', kind: 'forbidden', message: 'Address already in use' }, // gateway
    { want: '10.1.0.0', kind: 'forbidden', message: 'Address already in use' }, // network
    { want: '10.1.0.255', kind: 'forbidden', message: 'Address already in use' }, // broadcast
    { want: '10.1.0.7', kind: 'forbidden', message: 'Address already in use' }, // aux
    { want: '10.1.0.2', kind: 'forbidden', message: 'Address already in use' }, // taken below
    { want: '10.9.9.9', kind: 'invalidParameter', message: 'no configured subnet contains IP address 10.9.9.9' },
    { want: 'fd00::1', kind: 'invalidParameter', message: 'no configured subnet contains IP address fd00::1' },
    { want: '10.1.0.300', kind: 'invalidParameter', message: 'ParseAddr("10.1.0.300"): IPv4 field has value >255' },
  ];
  for (const c of wantErrors) {
    it(`want ${c.want}: ${c.message}`, () => {
      const space = new AddressSpace();
      const { id } = space.requestPool({ subnet: '10.1.0.0/24', auxAddresses: { x: '10.1.0.7' } });
      space.requestAddress(id, '10.1.0.2');
      throwsBerth(() => space.requestAddress(id, c.want), c.kind, c.message);
    });
  }

  it('release: out of the subnet, unknown pool, and the pool\'s own addresses', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.1.0.0/24', auxAddresses: { x: '10.1.0.7' } });
    throwsBerth(() => space.releaseAddress(id, '10.2.0.1'), 'invalidParameter', 'requested address is out of range');
    throwsBerth(() => space.releaseAddress('10.3.0.0/24', '10.3.0.1'), 'notFound', 'cannot find address pool for poolID:10.3.0.0/24');
    throwsBerth(() => space.requestAddress('nope'), 'notFound', 'cannot find address pool for poolID:nope');
    for (const own of ['10.1.0.0', '10.1.0.1', '10.1.0.7', '10.1.0.255']) space.releaseAddress(id, own);
    for (const own of ['10.1.0.0', '10.1.0.1', '10.1.0.7', '10.1.0.255']) assert.equal(space.isInUse(id, own), true, own);
    assert.equal(space.requestAddress(id), '10.1.0.2');
  });

  it('reserve rebuilds state: idempotent, skipped by dynamic allocation, checked against the subnet', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
    for (const a of ['172.18.0.3', '172.18.0.2', '172.18.0.3', '172.18.0.1']) space.reserve(id, a);
    assert.equal(space.requestAddress(id), '172.18.0.4');
    throwsBerth(() => space.reserve(id, '172.19.0.2'), 'invalidParameter', 'no configured subnet contains IP address 172.19.0.2');
    assert.deepEqual(space.usage(id), { ipsInUse: 6, dynamicIpsAvailable: 65530 });
  });

  it('releasing a pool frees its subnet and addresses', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.1.0.0/24' });
    space.requestAddress(id);
    space.releasePool(id);
    assert.equal(space.pool(id), undefined);
    const again = space.requestPool({ subnet: '10.1.0.0/24' });
    assert.equal(space.requestAddress(again.id), '10.1.0.2');
  });
});

describe('usage (Status.IPAM.Subnets, Docker ≥1.52)', () => {
  it('a fresh /16', () => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '172.16.0.0/16' });
    assert.deepEqual(space.usage(id), { ipsInUse: 3, dynamicIpsAvailable: 65533 });
  });

  it("moby's TestIPAMStatus dual-stack numbers", () => {
    const space = new AddressSpace();
    const v4 = space.requestPool({
      subnet: '192.168.0.0/24',
      ipRange: '192.168.0.64/31',
      gateway: '192.168.0.1',
      auxAddresses: { reserved: '192.168.0.65', reserved_1: '192.168.0.128' },
    }).id;
    const v6 = space.requestPool({
      subnet: '2001:db8:abcd::/64',
      ipRange: '2001:db8:abcd::/120',
      gateway: '2001:db8:abcd::1',
      auxAddresses: { reserved1: '2001:db8:abcd::2a', reserved2: '2001:db8:abcd::8000' },
    }).id;
    assert.deepEqual(space.usage(v4), { ipsInUse: 5, dynamicIpsAvailable: 1 });
    assert.deepEqual(space.usage(v6), { ipsInUse: 4, dynamicIpsAvailable: 253 });
    const a4 = space.requestAddress(v4);
    const a6 = space.requestAddress(v6);
    assert.deepEqual([a4, a6], ['192.168.0.64', '2001:db8:abcd::2']);
    assert.deepEqual(space.usage(v4), { ipsInUse: 6, dynamicIpsAvailable: 0 });
    assert.deepEqual(space.usage(v6), { ipsInUse: 5, dynamicIpsAvailable: 252 });
    space.requestAddress(v4, '192.168.0.129');
    space.requestAddress(v6, '2001:db8:abcd::9000');
    assert.deepEqual(space.usage(v4), { ipsInUse: 7, dynamicIpsAvailable: 0 });
    assert.deepEqual(space.usage(v6), { ipsInUse: 6, dynamicIpsAvailable: 252 });
    for (const [id, a] of [[v4, a4], [v4, '192.168.0.129'], [v6, a6], [v6, '2001:db8:abcd::9000']] as const) space.releaseAddress(id, a);
    assert.deepEqual(space.usage(v4), { ipsInUse: 5, dynamicIpsAvailable: 1 });
    assert.deepEqual(space.usage(v6), { ipsInUse: 4, dynamicIpsAvailable: 253 });
  });

  it('exact and saturating for huge IPv6 subnets', () => {
    const space = new AddressSpace();
    const a = space.requestPool({ subnet: 'fd00::/64' }).id;
    const b = space.requestPool({ subnet: 'fd01::/56' }).id;
    assert.deepEqual(space.usageExact(a), { ipsInUse: 2n, dynamicIpsAvailable: 2n ** 64n - 2n });
    assert.deepEqual(space.usageExact(b), { ipsInUse: 2n, dynamicIpsAvailable: 2n ** 64n - 1n });
  });
});

describe('scale', () => {
  it('60k addresses in a /16: allocate, release in the middle, reallocate, exhaust', (t) => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.0.0.0/16' });
    const toText = (offset: number) => `10.0.${offset >> 8}.${offset & 255}`;

    let start = performance.now();
    for (let i = 0; i < 60000; i++) assert.equal(space.requestAddress(id), toText(i + 2));
    t.diagnostic(`60000 sequential allocations: ${(performance.now() - start).toFixed(1)} ms`);

    const released: number[] = [];
    for (let off = 20000; off < 40000; off += 7) released.push(off);
    for (const off of released) space.releaseAddress(id, toText(off));
    start = performance.now();
    for (const off of released) assert.equal(space.requestAddress(id), toText(off));
    t.diagnostic(`${released.length} reallocations into holes: ${(performance.now() - start).toFixed(1)} ms`);

    for (let off = 2; off < 60002; off += 2) space.releaseAddress(id, toText(off));
    start = performance.now();
    for (let off = 2; off < 60002; off += 2) assert.equal(space.requestAddress(id), toText(off));
    t.diagnostic(`30000 reallocations, every other address free: ${(performance.now() - start).toFixed(1)} ms`);

    assert.deepEqual(space.usage(id), { ipsInUse: 60003, dynamicIpsAvailable: 5533 });
    for (let i = 0; i < 5533; i++) space.requestAddress(id);
    throwsBerth(() => space.requestAddress(id), 'unavailable', 'no available addresses on this pool');
  });

  it('rebuild: reserve 60k addresses in scrambled order', (t) => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.0.0.0/16', gateway: '10.0.0.1' });
    const start = performance.now();
    for (let i = 0; i < 60000; i++) {
      const off = 2 + ((i * 40507) % 60000);
      space.reserve(id, `10.0.${off >> 8}.${off & 255}`);
    }
    t.diagnostic(`60000 scrambled reserves: ${(performance.now() - start).toFixed(1)} ms`);
    assert.equal(space.requestAddress(id), '10.0.234.98');
  });

  it('a /8 with 1M addresses allocated stays quick per allocation', (t) => {
    const space = new AddressSpace();
    const { id } = space.requestPool({ subnet: '10.0.0.0/8' });
    for (let i = 0; i < 1_000_000; i++) space.requestAddress(id);
    const start = performance.now();
    for (let i = 0; i < 1000; i++) space.requestAddress(id);
    t.diagnostic(`1000 allocations after 1M: ${(performance.now() - start).toFixed(1)} ms`);
    assert.equal(space.usage(id).ipsInUse, 1_001_003);
  });
});
