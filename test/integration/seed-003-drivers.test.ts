/**
 * Seed tutorial 003 ("Docker Networking": the drivers and user-defined networks) replayed command
 * by command against berth, once with the berth CLI and once with the real docker CLI, each
 * against a daemon in a fresh test host. Real pings, DNS lookups and HTTP fetches.
 *
 * Substitutions: busybox for postgres and the app images; the macvlan parent `enp6s0` is a veth
 * made inside the test host, whose other end plays the LAN router 192.168.0.1. Overlay and ipvlan
 * cannot run here (no swarm; this kernel has no ipvlan links): their errors are asserted, and
 * that they leave nothing behind. The compose half of the tutorial is compose.test.ts.
 *
 *   test host:  mvlan0 (parent) <-veth-> mvrouter 192.168.0.1/24
 *               macvlan children of mvlan0 live in the containers, on 192.168.0.0/24
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand, TestHost } from '../helpers/testhost.js';
import { CLIS, cli, type Cli } from '../helpers/cli.js';
import { startDnsStub, STUB_UPSTREAM, type DnsStub } from '../helpers/dns-stub.js';
import { waitFor } from '../helpers/wait.js';

const root = process.getuid?.() === 0;
const PARENT = 'mvlan0';
const ROUTER = 'mvrouter';
const SWARM_ERROR =
  'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.\n';
/** A web server that says which container it is. */
const web = (text: string) => ['busybox', 'sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];
const httpGet = (address: string, port = 80) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${address} ${port} | tail -n 1`;
/** The same, retried for up to 5 s while the server starts. */
const retryGet = (address: string, port = 80) => `for i in $(seq 50); do ${httpGet(address, port)} | grep . && break; sleep 0.1; done`;
const re = (ip: string) => ip.replace(/\./g, '\\.');

for (const name of CLIS) {
  describe(`seed 003: network drivers and user-defined networks (${name} CLI)`, { skip: !root && 'needs root' }, () => {
    let host: TestHost;
    let run: Cli;
    let stub: DnsStub | undefined;

    const ok = async (args: string[], input?: string): Promise<string> => {
      const r = await run(args, { timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });
      assert.equal(r.code, 0, `${name} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const ipOn = async (container: string, network: string) =>
      (await ok(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container])).trim();
    const networkNames = async () => (await ok(['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n').sort();
    const hostLinks = async () => ifnames((await host.sh(['ip', '-o', 'link'])).stdout).sort();
    const pings = async (from: string, to: string) => (await run(['exec', from, 'ping', '-c1', '-W2', to])).code === 0;

    before(async () => {
      // the tutorial's machine has a working upstream resolver: a stub that knows no names (NXDOMAIN)
      host = await TestHost.start({ dns: [STUB_UPSTREAM] });
      stub = await startDnsStub(host, {});
      run = cli(host, name);
      const steps = [
        ['ip', 'link', 'add', PARENT, 'type', 'veth', 'peer', 'name', ROUTER],
        ['ip', 'addr', 'add', '192.168.0.1/24', 'dev', ROUTER],
        ['ip', 'link', 'set', PARENT, 'up'],
        ['ip', 'link', 'set', ROUTER, 'up'],
      ];
      for (const s of steps) assert.equal((await host.sh(s)).code, 0, s.join(' '));
    });

    after(async () => {
      await stub?.stop();
      await host?.stop();
    });

    test('docker network ls: the three networks made on install, bridge, host and none', async () => {
      const ls = await ok(['network', 'ls']);
      assert.match(ls, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
      const rows = ls.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
      assert.deepEqual(rows.map((r) => r.slice(1)), [
        ['bridge', 'bridge', 'local'],
        ['host', 'host', 'local'],
        ['none', 'null', 'local'],
      ]);
      for (const r of rows) assert.match(r[0]!, /^[0-9a-f]{12}$/);
    });

    test("docker network inspect bridge: its subnet and gateway, which the host's bridge interface carries (ifconfig)", async () => {
      const [bridge] = JSON.parse(await ok(['network', 'inspect', 'bridge']));
      assert.equal(bridge.Name, 'bridge');
      assert.equal(bridge.Driver, 'bridge');
      assert.equal(bridge.Scope, 'local');
      assert.deepEqual(bridge.IPAM.Config, [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }]);
      assert.equal(bridge.Options['com.docker.network.bridge.default_bridge'], 'true');
      assert.deepEqual(bridge.Containers, {});
      const ifconfig = (await host.sh(['busybox', 'ifconfig', bridge.Options['com.docker.network.bridge.name']])).stdout;
      assert.match(ifconfig, /inet addr:172\.17\.0\.1 +Bcast:172\.17\.255\.255 +Mask:255\.255\.0\.0/);
    });

    test('the default bridge: run joins it, inspect lists the container; containers reach each other by IP, by name only with --link', async () => {
      const id = (await ok(['run', '-d', '--name', 'first', 'busybox', 'sleep', '600'])).trim();
      const [bridge] = JSON.parse(await ok(['network', 'inspect', 'bridge']));
      const entry = bridge.Containers[id];
      assert.ok(entry, JSON.stringify(bridge.Containers));
      assert.equal(entry.Name, 'first');
      assert.match(entry.IPv4Address, /^172\.17\.0\.\d+\/16$/);
      const ip = entry.IPv4Address.split('/')[0];
      assert.match(await ok(['run', '--rm', 'busybox', 'ping', '-c1', ip]), /1 packets received/);
      const byName = await run(['run', '--rm', 'busybox', 'ping', '-c1', 'first']);
      assert.equal(byName.code, 1);
      assert.equal(byName.stderr, "ping: bad address 'first'\n");
      assert.match(await ok(['run', '--rm', '--link', 'first', 'busybox', 'ping', '-c1', 'first']), new RegExp(`^PING first \\(${re(ip)}\\)`));
      await ok(['rm', '-f', 'first']);
    });

    test('none: a network stack with only the loopback interface', async () => {
      const out = await ok(['run', '--rm', '--net=none', 'busybox', 'ip', 'a']);
      assert.deepEqual(ifnames(out), ['lo']);
      const [none] = JSON.parse(await ok(['network', 'inspect', 'none']));
      assert.equal(none.Driver, 'null');
      // a service on the container's loopback still works
      const loop = `mkdir -p /www && echo loopback-only > /www/index.html && httpd -p 127.0.0.1:80 -h /www && ${retryGet('127.0.0.1')}`;
      assert.equal(await ok(['run', '--rm', '--net=none', 'busybox', 'sh', '-c', loop]), 'loopback-only\n');
    });

    test('host: the configuration inside the container matches the host outside', async () => {
      const inside = await ok(['run', '--rm', '--net=host', 'busybox', 'ip', '-o', 'link']);
      assert.deepEqual(ifnames(inside).sort(), await hostLinks());
      assert.ok(ifnames(inside).includes(PARENT));
      const addrs = await ok(['run', '--rm', '--net=host', 'busybox', 'ip', 'addr', 'show', 'dev', ROUTER]);
      assert.match(addrs, /inet 192\.168\.0\.1\/24 /);
      // and reaches the host's own addresses directly, no NAT
      assert.match(await ok(['run', '--rm', '--net=host', 'busybox', 'ping', '-c1', '192.168.0.1']), /1 packets received/);
    });

    test('macvlan: the tutorial\'s network (first free address of --ip-range), on the parent\'s segment', async () => {
      const linksBefore = await hostLinks();
      const id = (
        await ok(['network', 'create', '-d', 'macvlan', '--subnet', '192.168.0.0/24', '--gateway', '192.168.0.1', '--ip-range', '192.168.0.253/32', '-o', `parent=${PARENT}`, 'lan'])
      ).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const [lan] = JSON.parse(await ok(['network', 'inspect', 'lan']));
      assert.equal(lan.Driver, 'macvlan');
      assert.deepEqual(lan.IPAM.Config, [{ Subnet: '192.168.0.0/24', IPRange: '192.168.0.253/32', Gateway: '192.168.0.1' }]);
      assert.deepEqual(lan.Options, { parent: PARENT });
      await ok(['run', '-d', '--name', 'onlan', '--net', 'lan', 'busybox', 'sleep', '600']);
      assert.equal(await ipOn('onlan', 'lan'), '192.168.0.253');
      assert.match(await ok(['exec', 'onlan', 'ip', 'route']), /^default via 192\.168\.0\.1 dev eth0/m);
      // the "LAN" (the parent's wire) and the container see each other
      assert.ok(await pings('onlan', '192.168.0.1'));
      assert.equal((await host.sh(['busybox', 'ping', '-c1', '-W2', '192.168.0.253'])).code, 0);
      const mac = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.lan.MacAddress}}', 'onlan'])).trim();
      assert.match((await host.sh(['ip', 'neigh', 'show', '192.168.0.253', 'dev', ROUTER])).stdout, new RegExp(`lladdr ${mac} `));
      await ok(['rm', '-f', 'onlan']);
      await ok(['network', 'rm', 'lan']);
      assert.deepEqual(await hostLinks(), linksBefore); // the macvlan children lived in the containers
    });

    test('macvlan: two containers on one macvlan network ping each other, by address and by name', async () => {
      await ok(['network', 'create', '-d', 'macvlan', '--subnet', '192.168.0.0/24', '--gateway', '192.168.0.1', '-o', `parent=${PARENT}`, 'lan2']);
      await ok(['run', '-d', '--name', 'mv1', '--net', 'lan2', 'busybox', 'sleep', '600']);
      await ok(['run', '-d', '--name', 'mv2', '--net', 'lan2', ...web('from-mv2')]);
      const [ip1, ip2] = [await ipOn('mv1', 'lan2'), await ipOn('mv2', 'lan2')];
      assert.equal(ip1, '192.168.0.2'); // the lowest free address; the gateway .1 is reserved
      assert.equal(ip2, '192.168.0.3');
      assert.ok(await pings('mv1', ip2));
      assert.ok(await pings('mv2', ip1));
      assert.match(await ok(['exec', 'mv1', 'ping', '-c1', 'mv2']), new RegExp(`^PING mv2 \\(${re(ip2)}\\)`));
      await waitFor(async () => (await run(['exec', 'mv1', 'sh', '-c', httpGet('mv2')])).stdout === 'from-mv2\n', 10_000, 'mv2 serves');
      await ok(['rm', '-f', 'mv1', 'mv2']);
      await ok(['network', 'rm', 'lan2']);
    });

    test('ipvlan and overlay: refused with the daemon\'s error, nothing left behind', async () => {
      const [networksBefore, linksBefore] = [await networkNames(), await hostLinks()];
      const ipvlan = await run(['network', 'create', '-d', 'ipvlan', '--subnet', '192.168.0.0/24', '-o', `parent=${PARENT}`, 'ipv']);
      assert.equal(ipvlan.code, 1);
      assert.equal(ipvlan.stdout, '');
      // berth has no ipvlan driver (this kernel has no ipvlan links): Docker's answer for a missing driver
      assert.equal(ipvlan.stderr, 'Error response from daemon: plugin "ipvlan" not found\n');
      // overlay needs swarm, and berth is never a swarm manager: Docker's answer outside a swarm
      const overlay = await run(['network', 'create', '--driver', 'overlay', 'my_multi_host_network']);
      assert.equal(overlay.code, 1);
      assert.equal(overlay.stdout, '');
      assert.equal(overlay.stderr, SWARM_ERROR);
      const attachable = await run(['network', 'create', '-d', 'overlay', '--attachable', '--subnet', '10.10.0.0/24', 'ov2']);
      assert.equal(attachable.stderr, SWARM_ERROR);
      // a container for it is created (Docker checks the network when it starts) and fails to start
      const runOn = await run(['run', '-itd', '--name', 'multi', '--net=my_multi_host_network', 'busybox']);
      assert.equal(runOn.code, 125);
      assert.match(runOn.stderr, /Error response from daemon: failed to set up container networking: network my_multi_host_network not found\n/);
      assert.equal((await ok(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).trim(), 'multi created');
      await ok(['rm', 'multi']);
      assert.deepEqual(await networkNames(), networksBefore);
      assert.deepEqual(await hostLinks(), linksBefore);
      assert.equal(await ok(['ps', '-aq']), '');
    });

    test('docker network create --driver bridge my_isolated_bridge_network; inspect shows Docker\'s JSON', async () => {
      const id = (await ok(['network', 'create', '--driver', 'bridge', 'my_isolated_bridge_network'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const out = await ok(['network', 'inspect', 'my_isolated_bridge_network']);
      assert.match(out, /^\[\n {4}\{\n {8}"Name": "my_isolated_bridge_network",\n {8}"Id": "/); // re-indented with 4 spaces
      const [net] = JSON.parse(out);
      // the field order of Docker 28's API types (anchors §1.12: Containers before Options), which the CLI prints as it gets it
      assert.deepEqual(Object.keys(net), [
        'Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress',
        'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels',
      ]);
      assert.equal(net.Id, id);
      assert.match(net.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$/);
      assert.deepEqual(
        { ...net, Created: undefined },
        {
          Name: 'my_isolated_bridge_network',
          Id: id,
          Created: undefined,
          Scope: 'local',
          Driver: 'bridge',
          EnableIPv4: true,
          EnableIPv6: false,
          IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
          Internal: false,
          Attachable: false,
          Ingress: false,
          ConfigFrom: { Network: '' },
          ConfigOnly: false,
          Options: {},
          Labels: {},
          Containers: {},
        },
      );
      assert.deepEqual(Object.keys(net.IPAM), ['Driver', 'Options', 'Config']);
      const ls = await ok(['network', 'ls']);
      assert.match(ls, new RegExp(`^${id.slice(0, 12)}\\s+my_isolated_bridge_network\\s+bridge\\s+local\\s*$`, 'm'));
      assert.deepEqual(await networkNames(), ['bridge', 'host', 'my_isolated_bridge_network', 'none']);
    });

    test('run --net=my_isolated_bridge_network --name=my_psql_db: the network\'s Containers lists it', async () => {
      const id = (await ok(['run', '-d', '--net=my_isolated_bridge_network', '--name=my_psql_db', ...web('the-database')])).trim();
      const [net] = JSON.parse(await ok(['network', 'inspect', 'my_isolated_bridge_network']));
      assert.deepEqual(Object.keys(net.Containers), [id]);
      const entry = net.Containers[id];
      assert.deepEqual(Object.keys(entry), ['Name', 'EndpointID', 'MacAddress', 'IPv4Address', 'IPv6Address']);
      assert.equal(entry.Name, 'my_psql_db');
      assert.match(entry.EndpointID, /^[0-9a-f]{64}$/);
      assert.match(entry.MacAddress, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      assert.equal(entry.IPv4Address, '172.18.0.2/16');
      assert.equal(entry.IPv6Address, '');
      const ep = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks.my_isolated_bridge_network}}', id]));
      assert.equal(ep.EndpointID, entry.EndpointID);
      assert.equal(ep.MacAddress, entry.MacAddress);
      assert.equal(ep.NetworkID, net.Id);
    });

    test('any container on the network connects to it at once (by name); the network isolates it from the others', async () => {
      assert.equal(await ok(['run', '--rm', '--net=my_isolated_bridge_network', 'busybox', 'sh', '-c', retryGet('my_psql_db')]), 'the-database\n');
      const fromDefault = await run(['run', '--rm', 'busybox', 'sh', '-c', `ping -c1 -W1 172.18.0.2 && ${httpGet('172.18.0.2')}`]);
      assert.notEqual(fromDefault.code, 0);
      assert.match(fromDefault.stdout, /0 packets received/);
      // published ports open a part of it to the outside: here, the test host's loopback
      await ok(['run', '-d', '--name', 'published', '--net=my_isolated_bridge_network', '-p', '8080:80', ...web('published')]);
      await waitFor(async () => (await host.sh(['sh', '-c', httpGet('127.0.0.1', 8080).replace('| nc', '| busybox nc')])).stdout === 'published\n', 10_000, 'port 8080');
      await ok(['rm', '-f', 'published']);
    });

    test('a "hub" container attached to two networks reaches both; the others stay apart', async () => {
      await ok(['network', 'create', 'front']);
      await ok(['network', 'create', 'back']);
      await ok(['run', '-d', '--name', 'proxy', '--net', 'front', ...web('proxy')]);
      await ok(['run', '-d', '--name', 'db', '--net', 'back', ...web('db')]);
      await ok(['run', '-d', '--name', 'app', '--network', 'front', '--network', 'back', 'busybox', 'sleep', '600']);
      assert.deepEqual(ifnames(await ok(['exec', 'app', 'ip', 'a'])), ['lo', 'eth0', 'eth1']);
      await waitFor(async () => (await run(['exec', 'app', 'sh', '-c', httpGet('proxy')])).stdout === 'proxy\n', 10_000, 'app -> proxy');
      await waitFor(async () => (await run(['exec', 'app', 'sh', '-c', httpGet('db')])).stdout === 'db\n', 10_000, 'app -> db');
      assert.ok(await pings('proxy', 'app'));
      assert.ok(await pings('db', 'app'));
      // proxy cannot connect to db: no name, and no path to its address
      const byName = await run(['exec', 'proxy', 'ping', '-c1', 'db']);
      assert.equal(byName.stderr, "ping: bad address 'db'\n");
      assert.equal(await pings('proxy', await ipOn('db', 'back')), false);
      // a hub can also be made by connecting a running container
      await ok(['network', 'connect', 'back', 'proxy']);
      assert.equal((await run(['exec', 'proxy', 'sh', '-c', httpGet('db')])).stdout, 'db\n');
      await ok(['network', 'disconnect', 'back', 'proxy']);
      assert.equal((await run(['exec', 'proxy', 'ping', '-c1', 'db'])).stderr, "ping: bad address 'db'\n");
    });

    test('clean up: nothing left but the three predefined networks', async () => {
      const ids = (await ok(['ps', '-aq'])).trim().split('\n').filter(Boolean);
      if (ids.length) await ok(['rm', '-f', ...ids]);
      await ok(['network', 'rm', 'my_isolated_bridge_network', 'front', 'back']);
      assert.equal(await ok(['ps', '-aq']), '');
      assert.deepEqual(await networkNames(), ['bridge', 'host', 'none']);
      const netns = (await runCommand(['ip', 'netns', 'list'])).stdout;
      assert.doesNotMatch(netns, new RegExp(`^${host.prefix}-`, 'm'));
      assert.deepEqual(await hostLinks(), [host.prefix + '0', 'lo', PARENT, ROUTER].sort());
    });
  });
}

/** Interface names from `ip a` / `ip -o link` output, in order, without the @peer suffix. */
function ifnames(ipOutput: string): string[] {
  return [...ipOutput.matchAll(/^\d+: ([^:@\s]+)(?:@\S+)?:/gm)].map((m) => m[1]!);
}
