/** The host port allocator: Docker's conflict rules and round-robin picks (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortRangeSysctl, parseReservedPorts, PortAllocator } from './allocator.js';

const ANY = '0.0.0.0';

describe('PortAllocator', () => {
  it('ephemeral picks start at the range begin and go round-robin, skipping reserved ports', () => {
    const a = new PortAllocator({ begin: 32768, end: 32773, reserved: new Set([32770]) });
    const picks = [1, 2, 3].map(() => a.request([ANY], 'tcp'));
    assert.deepEqual(picks, [32768, 32769, 32771]);
    a.release(ANY, 'tcp', 32768);
    // a released port is not handed out again at once: the search goes on after the last pick
    assert.deepEqual([a.request([ANY], 'tcp'), a.request([ANY], 'tcp'), a.request([ANY], 'tcp')], [32772, 32773, 32768]);
    assert.throws(() => a.request([ANY], 'tcp'), /^BerthError: all ports are allocated$/);
    assert.equal(a.request([ANY], 'udp'), 32768); // protocols are independent
  });

  it('an explicit port: free once per address and protocol', () => {
    const a = new PortAllocator({ begin: 40000, end: 40010 });
    assert.equal(a.request([ANY], 'tcp', 8080, 8080), 8080);
    assert.throws(() => a.request([ANY], 'tcp', 8080, 8080), /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
    assert.equal(a.request([ANY], 'udp', 8080, 8080), 8080);
    a.release(ANY, 'tcp', 8080);
    assert.equal(a.request([ANY], 'tcp', 8080, 8080), 8080);
  });

  it('0.0.0.0 conflicts with every address, an address only with itself and 0.0.0.0', () => {
    const a = new PortAllocator();
    a.request(['127.0.0.1'], 'tcp', 9000, 9000);
    assert.equal(a.request(['127.0.0.2'], 'tcp', 9000, 9000), 9000);
    assert.throws(() => a.request([ANY], 'tcp', 9000, 9000), /Bind for 127\.0\.0\.1:9000 failed: port is already allocated/);
    a.request([ANY], 'tcp', 9001, 9001);
    assert.throws(() => a.request(['127.0.0.1'], 'tcp', 9001, 9001), /Bind for 0\.0\.0\.0:9001 failed: port is already allocated/);
  });

  it('a host range: first free port, then round-robin within that range', () => {
    const a = new PortAllocator();
    a.request([ANY], 'tcp', 8000, 8000);
    assert.equal(a.request([ANY], 'tcp', 8000, 8002), 8001);
    assert.equal(a.request([ANY], 'tcp', 8000, 8002), 8002);
    assert.throws(() => a.request([ANY], 'tcp', 8000, 8002), /all ports are allocated/);
    assert.throws(() => a.request([ANY], 'tcp', 8002, 8000), /invalid port range: 8002-8000/);
  });

  it('several addresses get one port free on all of them', () => {
    const a = new PortAllocator({ begin: 50000, end: 50005 });
    a.request(['10.0.0.1'], 'tcp', 50000, 50000);
    assert.equal(a.request(['127.0.0.1', '10.0.0.1'], 'tcp'), 50001);
    assert.ok(a.isAllocated('127.0.0.1', 'tcp', 50001) && a.isAllocated('10.0.0.1', 'tcp', 50001));
    assert.ok(!a.isAllocated(ANY, 'tcp', 50001));
  });

  it('claim marks ports held since before a restart', () => {
    const a = new PortAllocator();
    a.claim(ANY, 'tcp', 8080);
    assert.throws(() => a.request([ANY], 'tcp', 8080, 8080), /port is already allocated/);
  });
});

describe('kernel port settings', () => {
  it('ip_local_port_range', () => {
    assert.deepEqual(parsePortRangeSysctl('32768\t60999\n'), { begin: 32768, end: 60999 });
    assert.equal(parsePortRangeSysctl('garbage'), undefined);
    assert.equal(parsePortRangeSysctl('60999 32768'), undefined);
  });

  it('ip_local_reserved_ports, kept to the range', () => {
    assert.deepEqual([...parseReservedPorts('8080,32769-32771,60000\n', 32768, 32770)], [32769, 32770]);
    assert.deepEqual([...parseReservedPorts('\n', 1, 10)], []);
  });
});
