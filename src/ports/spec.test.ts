/** Publishing requests from Docker's API fields (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupRequests, parseHostPort, parsePortKey, portRequests, resolveRequests, type ResolvedRequest } from './spec.js';

const req = (containerPort: number, hostIp = '', start = 0, end = start, proto: 'tcp' | 'udp' = 'tcp') => ({ containerPort, proto, hostIp, hostPortStart: start, hostPortEnd: end });

describe('port keys and host ports', () => {
  it('parses "80/tcp", "80", "53/udp", "132/SCTP"', () => {
    assert.deepEqual(parsePortKey('80/tcp'), { port: 80, proto: 'tcp' });
    assert.deepEqual(parsePortKey('80'), { port: 80, proto: 'tcp' });
    assert.deepEqual(parsePortKey('53/udp'), { port: 53, proto: 'udp' });
    assert.deepEqual(parsePortKey('132/SCTP'), { port: 132, proto: 'sctp' });
  });

  it('refuses what Docker refuses', () => {
    assert.throws(() => parsePortKey('abc/tcp'), /invalid port specification: "abc\/tcp"/);
    assert.throws(() => parsePortKey('0/tcp'), /invalid port specification/);
    assert.throws(() => parsePortKey('70000/tcp'), /invalid port specification/);
    assert.throws(() => parsePortKey('80/icmp'), /invalid proto: icmp/);
  });

  it('host ports: empty is ephemeral, a number, a range', () => {
    assert.deepEqual(parseHostPort(''), { start: 0, end: 0 });
    assert.deepEqual(parseHostPort('8080'), { start: 8080, end: 8080 });
    assert.deepEqual(parseHostPort('8000-8010'), { start: 8000, end: 8010 });
    assert.throws(() => parseHostPort('8010-8000'), /invalid port specification: "8010-8000"/);
    assert.throws(() => parseHostPort('x'), /invalid port specification/);
  });
});

describe('portRequests (HostConfig.PortBindings, PublishAllPorts)', () => {
  it('one request per binding; exposed-only ports publish nothing without -P', () => {
    const reqs = portRequests({
      portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '8000-8010' }], '53/udp': [{ HostPort: '' }], '22/tcp': null },
      publishAll: false,
      exposedPorts: { '80/tcp': {}, '443/tcp': {} },
    });
    assert.deepEqual(reqs, [req(80, '', 8080), req(80, '127.0.0.1', 8000, 8010), req(53, '', 0, 0, 'udp')]);
  });

  it('-P adds every exposed port without a binding, on an ephemeral port', () => {
    const reqs = portRequests({ portBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '81/tcp': [] }, publishAll: true, exposedPorts: { '80/tcp': {}, '443/tcp': {} } });
    assert.deepEqual(reqs, [req(80, '', 8080), req(81), req(443)]);
  });
});

describe('resolveRequests', () => {
  it('fills the default address, keeps given ones, drops IPv6, sorts exact ports first', () => {
    const out = resolveRequests([req(443), req(80, '', 8080), req(80, '::', 8080), req(80, '::ffff:127.0.0.1', 9090), req(81, '', 8000, 8010)], { nat: true });
    assert.deepEqual(
      out.map((r) => `${r.containerPort} ${r.hostIp}:${r.hostPortStart}-${r.hostPortEnd}`),
      ['80 0.0.0.0:8080-8080', '80 127.0.0.1:9090-9090', '81 0.0.0.0:8000-8010', '443 0.0.0.0:0-0'],
    );
  });

  it("uses the network's host_binding_ipv4 as the default", () => {
    assert.equal(resolveRequests([req(80, '', 8080)], { nat: true, defaultHostIp: '127.0.0.1' })[0]!.hostIp, '127.0.0.1');
  });

  it('routed networks: no host port, no host address', () => {
    assert.deepEqual(resolveRequests([req(80, '127.0.0.1', 8080)], { nat: false }), [{ ...req(80, '0.0.0.0', 0), nat: false }]);
  });

  it('refuses a host address that is not one', () => {
    assert.throws(() => resolveRequests([req(80, 'nonsense', 8080)], { nat: true }), /invalid host IP address: nonsense/);
  });

  it('groups bindings that differ only in host address (one host port for all)', () => {
    const sorted = resolveRequests([req(80, '127.0.0.1'), req(80, '10.0.0.1'), req(81, '127.0.0.1'), req(80, '127.0.0.1', 8080)], { nat: true });
    const groups = groupRequests(sorted).map((g: ResolvedRequest[]) => g.map((r) => `${r.containerPort}@${r.hostIp}:${r.hostPortStart}`));
    assert.deepEqual(groups, [['80@127.0.0.1:8080'], ['80@10.0.0.1:0', '80@127.0.0.1:0'], ['81@127.0.0.1:0']]);
  });
});
