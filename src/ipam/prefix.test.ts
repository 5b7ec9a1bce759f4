import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../lib/errors.js';
import { goNetParseCidr, goParseAddr, goParsePrefix } from './goparse.js';
import {
  broadcastAddress,
  canonicalAddress,
  canonicalCidr,
  containsAddress,
  containsPrefix,
  firstHost,
  formatCidr,
  hostBits,
  hostRange,
  isIPv4,
  isIPv4Cidr,
  isIPv6,
  isIPv6Cidr,
  lastHost,
  networkAddress,
  overlaps,
  parseAddress,
  parseCidr,
  prefixLength,
} from './prefix.js';

describe('address parsing (Go netip.ParseAddr)', () => {
  const good: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['FD00:0:0::1', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal zero runs
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'], // single zero groups are not elided
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['::10.1.2.3', '::a01:203'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ];
  for (const [input, text] of good) {
    it(`${input} -> ${text}`, () => assert.equal(canonicalAddress(input), text));
  }

  const bad: Array<[string, string]> = [
    ['', 'ParseAddr(""): unable to parse IP'],
    ['foo', 'ParseAddr("foo"): unable to parse IP'],
    ['%eth0', 'ParseAddr("%eth0"): missing IPv6 address'],
    ['10.0.0', 'ParseAddr("10.0.0"): IPv4 address too short'],
    ['10.0.0.1.2', 'ParseAddr("10.0.0.1.2"): IPv4 address too long'],
    ['10.0.0.256', 'ParseAddr("10.0.0.256"): IPv4 field has value >255'],
    ['10.0.0.01', 'ParseAddr("10.0.0.01"): IPv4 field has octet with leading zero'],
    ['10..0.1', 'ParseAddr("10..0.1"): IPv4 field must have at least one digit (at ".0.1")'],
    ['10.0.0.', 'ParseAddr("10.0.0."): IPv4 field must have at least one digit (at ".")'],
    ['10.0.0.1/24', 'ParseAddr("10.0.0.1/24"): unexpected character (at "/24")'],
    ['10.0.0.x', 'ParseAddr("10.0.0.x"): unexpected character (at "x")'],
    ['1:2', 'ParseAddr("1:2"): address string too short'],
    ['1::2::3', 'ParseAddr("1::2::3"): multiple :: in address (at ":3")'],
    ['12345::', 'ParseAddr("12345::"): each group must have 4 or less digits (at "12345::")'],
    ['1:2:3:4:5:6:7:8:9', 'ParseAddr("1:2:3:4:5:6:7:8:9"): trailing garbage after address (at "9")'],
    ['1:2:3:4:5:6:7::8', 'ParseAddr("1:2:3:4:5:6:7::8"): the :: must expand to at least one field of zeros'],
    ['fe80::1%', 'ParseAddr("fe80::1%"): zone must be a non-empty string'],
    ['1:', 'ParseAddr("1:"): colon must be followed by more characters (at ":")'],
    ['1:x', 'ParseAddr("1:x"): each colon-separated field must have at least one digit (at "x")'],
    ['1.2:3', 'ParseAddr("1.2:3"): unexpected character (at ":3")'],
    ['1:2:3:1.2.3.4', 'ParseAddr("1:2:3:1.2.3.4"): embedded IPv4 address must replace the final 2 fields of the address (at "1.2.3.4")'],
    ['::1.2.3.400', 'ParseAddr("::1.2.3.400"): IPv4 field has value >255'],
    ['1g::', 'ParseAddr("1g::"): unexpected character, want colon (at "g::")'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const r = goParseAddr(input);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error, message);
      assert.throws(() => parseAddress(input), (e) => isBerthError(e, 'invalidParameter') && e.message === message);
    });
  }
});

describe('prefix parsing (Go netip.ParsePrefix)', () => {
  const bad: Array<[string, string]> = [
    ['10.0.0.0', `netip.ParsePrefix("10.0.0.0"): no '/'`],
    ['10.0.0.0/33', 'netip.ParsePrefix("10.0.0.0/33"): prefix length out of range'],
    ['10.0.0.0/-1', 'netip.ParsePrefix("10.0.0.0/-1"): bad bits after slash: "-1"'],
    ['10.0.0.0/08', 'netip.ParsePrefix("10.0.0.0/08"): bad bits after slash: "08"'],
    ['10.0.0.0/', 'netip.ParsePrefix("10.0.0.0/"): bad bits after slash: ""'],
    ['10.0.0.0/x', 'netip.ParsePrefix("10.0.0.0/x"): bad bits after slash: "x"'],
    ['10.0.0.0/99999999999999999999', 'netip.ParsePrefix("10.0.0.0/99999999999999999999"): bad bits after slash: "99999999999999999999"'],
    ['fd00::/129', 'netip.ParsePrefix("fd00::/129"): prefix length out of range'],
    ['fe80::%eth0/64', 'netip.ParsePrefix("fe80::%eth0/64"): IPv6 zones cannot be present in a prefix'],
    ['300.0.0.0/8', 'netip.ParsePrefix("300.0.0.0/8"): ParseAddr("300.0.0.0"): IPv4 field has value >255'],
    ['foo/8', 'netip.ParsePrefix("foo/8"): ParseAddr("foo"): unable to parse IP'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${input}`, () => {
      const r = goParsePrefix(input);
      assert.equal(!r.ok && r.error, message);
      assert.throws(() => parseCidr(input), { message });
    });
  }

  it('keeps host bits as written and masks on request', () => {
    assert.deepEqual(parseCidr('10.1.2.3/16'), { family: 4, addr: 0x0a010203n, bits: 16 });
    assert.equal(canonicalCidr('10.1.2.3/16'), '10.1.0.0/16');
    assert.equal(canonicalCidr('FD00:1::5/64'), 'fd00:1::/64');
    assert.equal(canonicalCidr('0.0.0.0/0'), '0.0.0.0/0');
  });

  it('net.ParseCIDR is laxer about the mask and has one message', () => {
    const r = goNetParseCidr('10.1.2.3/08');
    assert.deepEqual(r.ok && r.value, { family: 4, addr: 0x0a000000n, bits: 8 });
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/+8', 'x/8', 'fe80::%eth0/64', '10.0.0.0/']) {
      const e = goNetParseCidr(bad);
      assert.equal(!e.ok && e.error, `invalid CIDR address: ${bad}`, bad);
    }
  });
});

describe('predicates and helpers', () => {
  const families: Array<[string, boolean, boolean, boolean, boolean]> = [
    // input, isIPv4, isIPv6, isIPv4Cidr, isIPv6Cidr
    ['10.0.0.1', true, false, false, false],
    ['fd00::1', false, true, false, false],
    ['10.0.0.0/8', false, false, true, false],
    ['fd00::/64', false, false, false, true],
    ['::ffff:1.2.3.4', false, true, false, false],
    ['nonsense', false, false, false, false],
    ['', false, false, false, false],
  ];
  for (const [input, v4, v6, c4, c6] of families) {
    it(`families of ${JSON.stringify(input)}`, () => {
      assert.deepEqual([isIPv4(input), isIPv6(input), isIPv4Cidr(input), isIPv6Cidr(input)], [v4, v6, c4, c6]);
    });
  }

  const contains: Array<[string, string, boolean]> = [
    ['10.1.0.0/16', '10.1.255.255', true],
    ['10.1.0.0/16', '10.2.0.0', false],
    ['10.1.2.3/16', '10.1.9.9', true], // host bits in the prefix are ignored
    ['0.0.0.0/0', '255.1.2.3', true],
    ['10.0.0.5/32', '10.0.0.5', true],
    ['10.0.0.5/32', '10.0.0.6', false],
    ['fd00::/64', 'fd00::ffff', true],
    ['fd00::/64', 'fd00:0:0:1::', false],
    ['10.0.0.0/8', '::ffff:10.0.0.1', false], // Go: a mapped address is IPv6
    ['fe80::/64', 'fe80::1%eth0', false], // Go: zones never match
    ['::/0', '10.0.0.1', false],
  ];
  for (const [prefix, address, expected] of contains) {
    it(`${prefix} ${expected ? 'contains' : 'does not contain'} ${address}`, () => {
      assert.equal(containsAddress(prefix, address), expected);
    });
  }

  const overlapCases: Array<[string, string, boolean]> = [
    ['172.18.0.0/16', '172.18.5.0/24', true],
    ['172.18.5.0/24', '172.18.0.0/16', true],
    ['172.18.0.0/16', '172.19.0.0/16', false],
    ['172.16.0.0/12', '172.31.255.0/24', true],
    ['10.0.0.0/8', 'fd00::/8', false],
    ['0.0.0.0/0', '1.2.3.4/32', true],
    ['fd00::/48', 'fd00:0:0:ffff::/64', true],
    ['fd00::/48', 'fd00:0:1::/64', false],
  ];
  for (const [a, b, expected] of overlapCases) {
    it(`${a} ${expected ? 'overlaps' : 'does not overlap'} ${b}`, () => assert.equal(overlaps(a, b), expected));
  }

  it('containsPrefix', () => {
    assert.equal(containsPrefix('10.0.0.0/16', '10.0.128.0/17'), true);
    assert.equal(containsPrefix('10.0.0.0/16', '10.0.0.0/15'), false);
    assert.equal(containsPrefix('10.0.0.0/16', '10.1.0.0/24'), false);
  });

  const shapes: Array<[string, number, number, string, string, string, string]> = [
    // cidr, prefixLength, hostBits, network, broadcast/last, firstHost, lastHost
    ['172.18.0.0/16', 16, 16, '172.18.0.0', '172.18.255.255', '172.18.0.1', '172.18.255.254'],
    ['10.1.2.3/24', 24, 8, '10.1.2.0', '10.1.2.255', '10.1.2.1', '10.1.2.254'],
    ['10.0.0.8/30', 30, 2, '10.0.0.8', '10.0.0.11', '10.0.0.9', '10.0.0.10'],
    ['10.0.0.8/31', 31, 1, '10.0.0.8', '10.0.0.9', '10.0.0.8', '10.0.0.9'],
    ['10.0.0.8/32', 32, 0, '10.0.0.8', '10.0.0.8', '10.0.0.8', '10.0.0.8'],
    ['fd00::/64', 64, 64, 'fd00::', 'fd00::ffff:ffff:ffff:ffff', 'fd00::1', 'fd00::ffff:ffff:ffff:ffff'],
    ['fd00::/127', 127, 1, 'fd00::', 'fd00::1', 'fd00::1', 'fd00::1'],
  ];
  for (const [cidr, len, host, net, last, first, lastH] of shapes) {
    it(`shape of ${cidr}`, () => {
      assert.equal(prefixLength(cidr), len);
      assert.equal(hostBits(cidr), host);
      assert.equal(networkAddress(cidr), net);
      assert.equal(broadcastAddress(cidr), last);
      assert.equal(firstHost(cidr), first);
      assert.equal(lastHost(cidr), lastH);
    });
  }

  it('an IPv6 /128 has no host address (Docker reserves the anycast address)', () => {
    assert.throws(() => hostRange('fd00::1/128'), (e) => isBerthError(e, 'invalidParameter'));
  });

  it('formatCidr', () => {
    assert.equal(formatCidr('172.18.0.2', 16), '172.18.0.2/16');
    assert.equal(formatCidr('FD00::0002', 64), 'fd00::2/64');
    assert.throws(() => formatCidr('172.18.0', 16), { message: 'ParseAddr("172.18.0"): IPv4 address too short' });
  });
});
