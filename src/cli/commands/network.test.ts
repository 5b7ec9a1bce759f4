/**
 * `berth network ...` against a fake daemon: request bodies compared with what docker 28.2.2 sent
 * for the same flags, docker's client-side validation messages, per-item errors, the prune prompt.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeDaemon } from '../testing.fixture.js';
import { createIpamConfig } from '../opts/ipam.js';

const NID = 'a'.repeat(64);
let d: FakeDaemon;
beforeEach(async () => {
  d = await FakeDaemon.start();
  d.on('POST', '/networks/create', (_req, res) => d.json(res, 201, { Id: NID, Warning: '' }));
});
afterEach(() => d.close());

const bodyOf = (path: string) => d.requests.find((q) => q.path === path)!.body;

describe('network create', () => {
  it('sends docker\'s body for a plain network and prints the ID', async () => {
    const r = await d.run(['network', 'create', 'plain']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${NID}\n`, '']);
    assert.equal(
      bodyOf('/networks/create'),
      '{"Driver":"bridge","Scope":"","IPAM":{"Driver":"default","Options":{},"Config":[]},"Internal":false,"Attachable":false,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{},"Labels":{},"Name":"plain"}\n',
    );
  });

  it('sends docker\'s body for a full one', async () => {
    await d.run([
      'network', 'create', '-d', 'bridge', '--subnet', '10.5.0.0/16', '--gateway', '10.5.0.1', '--ip-range', '10.5.1.0/24',
      '--aux-address', 'a=10.5.0.9', '--internal', '--attachable', '--label', 'l=1', '-o', 'com.docker.network.bridge.name=br0',
      '--ipv6', '--subnet', 'fd00:1::/64', 'n1',
    ]);
    assert.equal(
      bodyOf('/networks/create'),
      '{"Driver":"bridge","Scope":"","EnableIPv6":true,"IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.5.0.0/16","IPRange":"10.5.1.0/24","Gateway":"10.5.0.1","AuxiliaryAddresses":{"a":"10.5.0.9"}},{"Subnet":"fd00:1::/64"}]},"Internal":true,"Attachable":true,"Ingress":false,"ConfigOnly":false,"ConfigFrom":null,"Options":{"com.docker.network.bridge.name":"br0"},"Labels":{"l":"1"},"Name":"n1"}\n',
    );
  });

  it('sends EnableIPv4/EnableIPv6 only when given', async () => {
    await d.run(['network', 'create', '--ipv4=false', 'x']);
    assert.match(bodyOf('/networks/create'), /"Scope":"","EnableIPv4":false,"IPAM"/);
  });

  const invalid: Array<[string[], string]> = [
    [['--gateway', '10.0.0.1'], 'every ip-range or gateway must have a corresponding subnet'],
    [['--subnet', '10.0.0.0/8', '--subnet', '10.1.0.0/16'], 'multiple overlapping subnet configuration is not supported'],
    [['--subnet', '10.0.0.0/16', '--ip-range', '10.1.0.0/24'], 'no matching subnet for range 10.1.0.0/24'],
    [['--subnet', '10.0.0.0/16', '--gateway', '10.1.0.1'], 'no matching subnet for gateway 10.1.0.1'],
    [['--subnet', '10.0.0.0/16', '--aux-address', 'a=10.9.0.1'], 'no matching subnet for aux-address 10.9.0.1'],
    [['--subnet', '10.0.0.0/16', '--subnet', '10.1.0.0/16', '--gateway', '10.0.0.1', '--gateway', '10.0.0.2'], 'cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/16)'],
    [['--subnet', 'foo', '--subnet', '10.0.0.0/8'], 'invalid subnet: invalid CIDR address: foo'],
  ];
  for (const [flags, message] of invalid) {
    it(`refuses ${flags.join(' ')} before asking the daemon`, async () => {
      const r = await d.run(['network', 'create', ...flags, 'n']);
      assert.deepEqual([r.code, r.stderr], [1, `${message}\n`]);
      assert.deepEqual(d.calls(), []);
    });
  }

  it('matches IPv6 gateways and keeps unvalidated subnets for the daemon (docker 28)', () => {
    assert.deepEqual(createIpamConfig(['fd00::/64'], [], ['fd00::1'], new Map()), [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }]);
    assert.deepEqual(createIpamConfig(['foo'], [], [], new Map()), [{ Subnet: 'foo' }]);
  });

  it('shows the daemon\'s refusal as docker does', async () => {
    d.on('POST', '/networks/create', (_req, res) => d.json(res, 409, { message: 'network with name app already exists' }));
    const r = await d.run(['network', 'create', 'app']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error response from daemon: network with name app already exists\n']);
  });
});

describe('network rm, connect, disconnect, prune', () => {
  it('rm echoes each name; failures continue and end with "exit status 1"', async () => {
    d.on('DELETE', '/networks/a', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    d.on('DELETE', '/networks/b', (_req, res) => d.json(res, 403, { message: 'error while removing network: network b has active endpoints (web)' }));
    d.on('DELETE', '/networks/c', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const r = await d.run(['network', 'rm', 'a', 'b', 'c']);
    assert.deepEqual([r.code, r.stdout], [1, 'a\nc\n']);
    assert.equal(r.stderr, 'Error response from daemon: error while removing network: network b has active endpoints (web)\nexit status 1\n');
    const f = await d.run(['network', 'remove', '-f', 'nope']);
    assert.deepEqual([f.code, f.stdout, f.stderr], [0, '', '']);
  });

  it('connect sends docker\'s endpoint config', async () => {
    d.on('POST', '/networks/n1/connect', (_req, res) => {
      res.writeHead(200);
      res.end();
    });
    await d.run(['network', 'connect', '--alias', 'a1', '--alias', 'a2', '--ip', '10.5.0.7', '--driver-opt', 'k=v', '--link', 'c2:x', 'n1', 'c1']);
    await d.run(['network', 'connect', 'n1', 'c1']);
    const bodies = d.requests.filter((q) => q.path === '/networks/n1/connect').map((q) => q.body);
    assert.deepEqual(bodies, [
      '{"Container":"c1","EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.5.0.7"},"Links":["c2:x"],"Aliases":["a1","a2"],"MacAddress":"","DriverOpts":{"k":"v"},"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}\n',
      '{"Container":"c1","EndpointConfig":{"IPAMConfig":{},"Links":null,"Aliases":[],"MacAddress":"","DriverOpts":{},"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}\n',
    ]);
  });

  it('disconnect -f', async () => {
    d.on('POST', '/networks/n1/disconnect', (_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const r = await d.run(['network', 'disconnect', '-f', 'n1', 'c1']);
    assert.equal(r.code, 0);
    assert.equal(bodyOf('/networks/n1/disconnect'), '{"Container":"c1","Force":true}\n');
  });

  it('prune asks first; "n" cancels quietly, "y" prunes and lists what went', async () => {
    d.on('POST', '/networks/prune', (_req, res) => d.json(res, 200, { NetworksDeleted: ['app', 'front'] }));
    const prompt = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ';
    const no = await d.run(['network', 'prune'], { stdin: 'n\n' });
    assert.deepEqual([no.code, no.stdout], [0, prompt]);
    assert.deepEqual(d.calls(), []);
    const yes = await d.run(['network', 'prune'], { stdin: 'y\n' });
    assert.deepEqual([yes.code, yes.stdout], [0, `${prompt}Deleted Networks:\napp\nfront\n\n`]);
    const forced = await d.run(['network', 'prune', '-f', '--filter', 'label=a']);
    assert.equal(forced.stdout, 'Deleted Networks:\napp\nfront\n\n');
    assert.equal(d.requests.at(-1)!.query.get('filters'), '{"label":{"a":true}}');
  });
});
