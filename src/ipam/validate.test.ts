import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../lib/errors.js';
import { ipamConfigFromFlags, validateIpamConfig, type IpamConfig, type IpamFlags } from './validate.js';

function throwsInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (e) => {
    assert.ok(isBerthError(e, 'invalidParameter'), `not invalidParameter: ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

const WRAP = 'invalid network config:\n';

describe('validateIpamConfig (daemon, moby daemon/network.go)', () => {
  const valid: Array<[string, IpamConfig[]]> = [
    ['nothing', []],
    ['an empty entry', [{}]],
    ['empty strings mean absent', [{ Subnet: '', IPRange: '', Gateway: '', AuxiliaryAddresses: { a: '' } }]],
    ['null aux', [{ Subnet: '10.1.0.0/16', AuxiliaryAddresses: null }]],
    [
      'full dual-stack config',
      [
        { Subnet: '10.1.0.0/16', IPRange: '10.1.128.0/17', Gateway: '10.1.0.1', AuxiliaryAddresses: { a: '10.1.0.2', b: '10.1.200.3' } },
        { Subnet: 'fd00::/64', IPRange: 'fd00::/80', Gateway: 'fd00::1' },
      ],
    ],
    ['/32 and /0', [{ Subnet: '10.0.0.1/32', Gateway: '10.0.0.1' }, { Subnet: '0.0.0.0/0' }]],
    ['ip-range equal to the subnet', [{ Subnet: '10.1.0.0/16', IPRange: '10.1.0.0/16' }]],
  ];
  for (const [name, configs] of valid) {
    it(`accepts ${name}`, () => assert.doesNotThrow(() => validateIpamConfig(configs)));
  }

  const invalid: Array<[string, IpamConfig[], string]> = [
    ['host bits in the subnet', [{ Subnet: '10.1.2.3/16' }], 'invalid subnet 10.1.2.3/16: it should be 10.1.0.0/16'],
    ['host bits in an IPv6 subnet', [{ Subnet: 'FD00::1/64' }], 'invalid subnet fd00::1/64: it should be fd00::/64'],
    ['gateway outside', [{ Subnet: '10.1.0.0/16', Gateway: '10.2.0.1' }], "invalid gateway 10.2.0.1: parent subnet 10.1.0.0/16 doesn't contain this address"],
    ['gateway of the other family', [{ Subnet: '10.1.0.0/16', Gateway: 'fd00::1' }], 'invalid gateway fd00::1: parent subnet is an IPv4 block'],
    ['IPv4 gateway in an IPv6 subnet', [{ Subnet: 'fd00::/64', Gateway: '10.0.0.1' }], 'invalid gateway 10.0.0.1: parent subnet is an IPv6 block'],
    ['gateway without subnet', [{ Gateway: '10.0.0.1' }], "invalid gateway 10.0.0.1: parent subnet invalid Prefix doesn't contain this address"],
    ['aux outside', [{ Subnet: '10.1.0.0/16', AuxiliaryAddresses: { host1: '10.2.0.5' } }], "invalid auxiliary address host1: parent subnet 10.1.0.0/16 doesn't contain this address"],
    ['aux of the other family', [{ Subnet: '10.1.0.0/16', AuxiliaryAddresses: { h: 'fd00::5' } }], 'invalid auxiliary address h: parent subnet is an IPv4 block'],
    ['ip-range bigger than the subnet', [{ Subnet: '10.1.0.0/16', IPRange: '10.0.0.0/8' }], 'invalid ip-range 10.0.0.0/8: CIDR block is bigger than its parent subnet 10.1.0.0/16'],
    ['ip-range with host bits', [{ Subnet: '10.1.0.0/16', IPRange: '10.1.2.3/24' }], 'invalid ip-range 10.1.2.3/24: it should be 10.1.2.0/24'],
    ['ip-range outside', [{ Subnet: '10.1.0.0/16', IPRange: '10.2.0.0/24' }], "invalid ip-range 10.2.0.0/24: parent subnet 10.1.0.0/16 doesn't contain ip-range"],
    ['ip-range of the other family', [{ Subnet: '10.1.0.0/16', IPRange: 'fd00::/64' }], 'invalid ip-range fd00::/64: parent subnet is an IPv4 block'],
    ['ip-range without subnet', [{ IPRange: '10.0.0.0/24' }], "invalid ip-range 10.0.0.0/24: parent subnet invalid Prefix doesn't contain ip-range"],
    [
      'every problem is listed',
      [{ Subnet: '10.1.2.3/16', Gateway: '10.2.0.1' }],
      "* invalid subnet 10.1.2.3/16: it should be 10.1.0.0/16\n* invalid gateway 10.2.0.1: parent subnet 10.1.2.3/16 doesn't contain this address",
    ],
    [
      'ip-range: bigger and host bits together',
      [{ Subnet: '10.1.0.0/16', IPRange: '10.9.9.9/8' }],
      '* invalid ip-range 10.9.9.9/8: CIDR block is bigger than its parent subnet 10.1.0.0/16\n* invalid ip-range 10.9.9.9/8: it should be 10.0.0.0/8',
    ],
    [
      'across entries',
      [{ Subnet: '10.1.0.0/16', Gateway: '10.1.0.1' }, { Subnet: 'fd00::/64', AuxiliaryAddresses: { a: 'fd01::1' } }, { Subnet: '10.3.0.1/24' }],
      "* invalid auxiliary address a: parent subnet fd00::/64 doesn't contain this address\n* invalid subnet 10.3.0.1/24: it should be 10.3.0.0/24",
    ],
  ];
  for (const [name, configs, message] of invalid) {
    it(`rejects ${name}`, () => throwsInvalid(() => validateIpamConfig(configs), WRAP + message));
  }

  it('skips IPv6 entries when IPv6 is off, as Docker does', () => {
    assert.doesNotThrow(() => validateIpamConfig([{ Subnet: 'fd00::1/64', Gateway: 'fd01::1' }], { enableIPv6: false }));
    throwsInvalid(() => validateIpamConfig([{ Subnet: '10.0.0.1/8' }], { enableIPv6: false }), `${WRAP}invalid subnet 10.0.0.1/8: it should be 10.0.0.0/8`);
  });

  const undecodable: Array<[string, IpamConfig[], string]> = [
    ['a subnet without prefix length', [{ Subnet: '10.1.0.0' }], `invalid JSON: netip.ParsePrefix("10.1.0.0"): no '/'`],
    ['a bad subnet address', [{ Subnet: '10.1.0.300/16' }], 'invalid JSON: netip.ParsePrefix("10.1.0.300/16"): ParseAddr("10.1.0.300"): IPv4 field has value >255'],
    ['a bad ip-range', [{ Subnet: '10.1.0.0/16', IPRange: '10.1.0.0/33' }], 'invalid JSON: netip.ParsePrefix("10.1.0.0/33"): prefix length out of range'],
    ['a gateway with a prefix', [{ Subnet: '10.1.0.0/16', Gateway: '10.1.0.1/16' }], 'invalid JSON: ParseAddr("10.1.0.1/16"): unexpected character (at "/16")'],
    ['a bad aux address', [{ Subnet: '10.1.0.0/16', AuxiliaryAddresses: { a: 'router' } }], 'invalid JSON: ParseAddr("router"): unable to parse IP'],
    ['the first bad field wins', [{ Subnet: '10.1.2.3/16' }, { Subnet: 'x', Gateway: 'y' }], `invalid JSON: netip.ParsePrefix("x"): no '/'`],
  ];
  for (const [name, configs, message] of undecodable) {
    it(`rejects ${name} as Go's JSON decoding does`, () => throwsInvalid(() => validateIpamConfig(configs), message));
  }
});

describe('ipamConfigFromFlags (docker CLI network create)', () => {
  const good: Array<[string, IpamFlags, IpamConfig[]]> = [
    ['nothing', { subnets: [] }, []],
    [
      'one subnet with everything',
      { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.128.0/17'], gateways: ['10.1.0.1'], auxAddresses: { a: '10.1.0.2' } },
      [{ Subnet: '10.1.0.0/16', IPRange: '10.1.128.0/17', Gateway: '10.1.0.1', AuxiliaryAddresses: { a: '10.1.0.2' } }],
    ],
    [
      'dual stack: each value goes to its subnet',
      { subnets: ['10.1.0.0/16', 'fd00::/64'], gateways: ['fd00::1', '10.1.0.254'], auxAddresses: [['x', 'FD00::9'], ['y', '10.1.0.9']] },
      [
        { Subnet: '10.1.0.0/16', Gateway: '10.1.0.254', AuxiliaryAddresses: { y: '10.1.0.9' } },
        { Subnet: 'fd00::/64', Gateway: 'fd00::1', AuxiliaryAddresses: { x: 'fd00::9' } },
      ],
    ],
    ['host bits are passed on (the daemon refuses them)', { subnets: ['10.1.2.3/16'] }, [{ Subnet: '10.1.2.3/16' }]],
    ['the ip-range flag masks its value', { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.2.3/24'] }, [{ Subnet: '10.1.0.0/16', IPRange: '10.1.2.0/24' }]],
    ['an empty aux value is skipped', { subnets: ['10.1.0.0/16'], auxAddresses: { a: '' } }, [{ Subnet: '10.1.0.0/16' }]],
    ['an IPv4-mapped gateway is unmapped', { subnets: ['10.1.0.0/16'], gateways: ['::ffff:10.1.0.1'] }, [{ Subnet: '10.1.0.0/16', Gateway: '10.1.0.1' }]],
  ];
  for (const [name, flags, expected] of good) {
    it(name, () => assert.deepEqual(ipamConfigFromFlags(flags), expected));
  }

  const bad: Array<[string, IpamFlags, string]> = [
    ['gateway without subnet', { subnets: [], gateways: ['10.0.0.1'] }, 'every ip-range or gateway must have a corresponding subnet'],
    ['more ranges than subnets', { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.1.0/24', '10.1.2.0/24'] }, 'every ip-range or gateway must have a corresponding subnet'],
    ['overlapping subnets', { subnets: ['10.0.0.0/8', '10.1.0.0/16'] }, 'multiple overlapping subnet configuration is not supported'],
    ['overlapping subnets, reversed', { subnets: ['10.1.0.0/16', '10.0.0.0/8'] }, 'multiple overlapping subnet configuration is not supported'],
    ['the same subnet twice', { subnets: ['10.1.0.0/16', '10.1.0.0/16'] }, 'multiple overlapping subnet configuration is not supported'],
    ['a bad first subnet', { subnets: ['foo'] }, `netip.ParsePrefix("foo"): no '/'`],
    ['a bad first subnet net.ParseCIDR accepts', { subnets: ['10.0.0.0/08'] }, 'netip.ParsePrefix("10.0.0.0/08"): bad bits after slash: "08"'],
    ['a bad later subnet', { subnets: ['10.0.0.0/8', 'foo'] }, 'invalid subnet: invalid CIDR address: foo'],
    ['range in no subnet', { subnets: ['10.1.0.0/16'], ipRanges: ['10.2.0.0/24'] }, 'no matching subnet for range 10.2.0.0/24'],
    [
      'two ranges in one subnet',
      { subnets: ['10.1.0.0/16', '10.2.0.0/16'], ipRanges: ['10.1.0.0/24', '10.1.1.0/24'] },
      'cannot configure multiple ranges (10.1.1.0/24, 10.1.0.0/24) on the same subnet (10.1.0.0/16)',
    ],
    ['gateway in no subnet', { subnets: ['10.1.0.0/16'], gateways: ['10.9.0.1'] }, 'no matching subnet for gateway 10.9.0.1'],
    [
      'two gateways in one subnet',
      { subnets: ['10.1.0.0/16', 'fd00::/64'], gateways: ['10.1.0.1', '10.1.0.2'] },
      'cannot configure multiple gateways (10.1.0.2, 10.1.0.1) for the same subnet (10.1.0.0/16)',
    ],
    ['aux in no subnet', { subnets: ['10.1.0.0/16'], auxAddresses: { a: '10.9.0.1' } }, 'no matching subnet for aux-address 10.9.0.1'],
    ['aux not an address', { subnets: ['10.1.0.0/16'], auxAddresses: { a: 'x' } }, 'ParseAddr("x"): unable to parse IP'],
    ['--ip-range not a CIDR', { subnets: ['10.1.0.0/16'], ipRanges: ['10.1.0.0'] }, 'invalid argument "10.1.0.0" for "--ip-range" flag: invalid string being converted to CIDR: 10.1.0.0'],
    ['--gateway with a prefix', { subnets: ['10.1.0.0/16'], gateways: ['10.1.0.1/16'] }, 'invalid argument "10.1.0.1/16" for "--gateway" flag: invalid string being converted to IP address: 10.1.0.1/16'],
  ];
  for (const [name, flags, message] of bad) {
    it(`rejects ${name}`, () => throwsInvalid(() => ipamConfigFromFlags(flags), message));
  }
});
