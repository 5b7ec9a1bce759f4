/**
 * Issue #3: the bridge networking rules, driven with the berth CLI against a daemon in a test
 * host, each proven by traffic or by what the kernel holds: isolation between networks, the
 * default bridge, --internal, ICC and masquerade options, bridge name and MTU, IPAM options
 * (--subnet/--gateway/--ip-range/--aux-address, --ip), Docker's default pools, labels and
 * filters, prune. After every test the instance is back to its baseline (kernel and store).
 *
 *   test host (daemon, bridges)  outn 10.78.0.1/24 <-veth-> eth0 10.78.0.2/24  outside (httpd :8000)
 *   the test host also owns 192.0.2.1/32 on lo: "an address of the host outside the network"
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHost } from '../helpers/testhost.js';
import { bridgeOf, links, snapshot, type Snapshot } from '../helpers/kernel-state.js';
import { startOutside, type Outside } from '../helpers/outside.js';

const root = process.getuid?.() === 0;
const OUTSIDE_PREFIX = '10.78.0';
const HOST_ADDR = `${OUTSIDE_PREFIX}.1`;
const OUTSIDE_ADDR = `${OUTSIDE_PREFIX}.2`;
const HOST_LOCAL = '192.0.2.1';
const WHOAMI = `http://${OUTSIDE_ADDR}:8000/cgi-bin/ip`;
const SLEEP = ['busybox', 'sleep', '1000'];

describe('networking rules (bridge driver)', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let baseline: Snapshot;
  let out: Outside | undefined;

  const ok = async (args: string[]): Promise<string> => {
    const r = await host.berth(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Remove containers and networks a test made, whatever happened in it. */
  const cleanup = async (containers: string[], networks: string[]) => {
    if (containers.length) await host.berth(['rm', '-f', ...containers]);
    for (const n of networks) await host.berth(['network', 'rm', n]);
  };
  const ipOf = async (container: string, network: string) =>
    (await ok(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container])).trim();
  const subnetOf = async (network: string) => (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', network])).trim();
  const netId = async (network: string) => (await ok(['network', 'inspect', '--format', '{{.Id}}', network])).trim();
  /** One ping from inside a container: true when answered within a second. */
  const pings = async (container: string, addr: string) => (await host.berth(['exec', container, 'ping', '-c1', '-W1', addr])).code === 0;
  /** The address the outside server saw for a request made from `container` (undefined: no answer). */
  const seenFrom = async (container: string): Promise<string | undefined> => {
    const r = await host.berth(['exec', container, 'timeout', '5', 'wget', '-qO-', WHOAMI]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  };
  const inOutside = (argv: string[]) => out!.run(argv);

  before(async () => {
    host = await TestHost.start();
    assert.equal((await host.sh(['ip', 'addr', 'add', `${HOST_LOCAL}/32`, 'dev', 'lo'])).code, 0);
    // the outside server answers WHOAMI with the client address it sees
    out = await startOutside(host, { prefix: OUTSIDE_PREFIX, ifname: 'outn', whoamiPort: 8000 });
    baseline = await snapshot(host);
    assert.deepEqual(baseline.networks, ['bridge', 'host', 'none']);
    assert.deepEqual(baseline.containers, []);
  });

  afterEach(async () => {
    assert.deepEqual(await snapshot(host), baseline, 'the instance is back to its baseline');
  });

  after(async () => {
    await out?.stop();
    if (process.env.BERTH_TEST_DAEMON_LOG) console.log(host?.daemonLog);
    await host?.stop();
  });

  test('user networks are isolated; a container on two networks has eth0 and eth1 and reaches both', async () => {
    try {
      await ok(['network', 'create', 'red']);
      await ok(['network', 'create', 'blue']);
      await ok(['run', '-d', '--name', 'r1', '--network', 'red', ...SLEEP]);
      await ok(['run', '-d', '--name', 'b1', '--network', 'blue', ...SLEEP]);
      await ok(['run', '-d', '--name', 'both', '--network', 'red', ...SLEEP]);
      await ok(['network', 'connect', 'blue', 'both']);
      const [r1, b1, bothRed, bothBlue] = [await ipOf('r1', 'red'), await ipOf('b1', 'blue'), await ipOf('both', 'red'), await ipOf('both', 'blue')];
      assert.equal(await pings('r1', bothRed), true, 'same network');
      assert.equal(await pings('b1', r1), false, 'blue -> red');
      assert.equal(await pings('r1', b1), false, 'red -> blue');
      assert.equal(await pings('both', r1), true);
      assert.equal(await pings('both', b1), true);
      const addrs = await ok(['exec', 'both', 'ip', '-4', '-o', 'addr', 'show']);
      const ifaces = [...addrs.matchAll(/^\d+: (\S+)\s+inet (\S+)\//gm)].map((m) => `${m[1]} ${m[2]}`);
      assert.deepEqual(ifaces, ['lo 127.0.0.1', `eth0 ${bothRed}`, `eth1 ${bothBlue}`]);
      // blue's container cannot reach red's even through the shared one's other address
      assert.equal(await pings('b1', bothRed), false);
    } finally {
      await cleanup(['r1', 'b1', 'both'], ['red', 'blue']);
    }
  });

  test('default bridge network: reachable by IP, no name resolution', async () => {
    try {
      await ok(['run', '-d', '--name', 'd1', ...SLEEP]);
      await ok(['run', '-d', '--name', 'd2', ...SLEEP]);
      const d1 = await ipOf('d1', 'bridge');
      assert.match(d1, /^172\.17\.0\.\d+$/);
      assert.equal(await pings('d2', d1), true);
      const byName = await host.berth(['exec', 'd2', 'ping', '-c1', '-W1', 'd1']);
      assert.equal(byName.code, 1);
      assert.match(byName.stderr, /ping: bad address 'd1'/);
      // no embedded resolver on the default bridge
      assert.doesNotMatch(await ok(['exec', 'd2', 'cat', '/etc/resolv.conf']), /127\.0\.0\.11/);
    } finally {
      await cleanup(['d1', 'd2'], []);
    }
  });

  test('--internal: Internal true, no default route, no egress even with a route; the inside still talks', async () => {
    try {
      await ok(['network', 'create', '--internal', 'sealed']);
      await ok(['network', 'create', 'open']);
      assert.equal(await ok(['network', 'inspect', '--format', '{{.Internal}}', 'sealed']), 'true\n');
      assert.equal(await ok(['network', 'inspect', '--format', '{{.Internal}}', 'open']), 'false\n');
      await ok(['run', '-d', '--name', 's1', '--network', 'sealed', ...SLEEP]);
      await ok(['run', '-d', '--name', 's2', '--network', 'sealed', '--cap-add', 'NET_ADMIN', ...SLEEP]);
      await ok(['run', '-d', '--name', 'o1', '--network', 'open', ...SLEEP]);
      assert.equal(await pings('s2', await ipOf('s1', 'sealed')), true, 'containers of an internal network reach each other');
      assert.doesNotMatch(await ok(['exec', 's1', 'ip', 'route']), /default/);
      const unreachable = await host.berth(['exec', 's1', 'ping', '-c1', '-W1', HOST_LOCAL]);
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, /Network is unreachable/);
      assert.equal(await seenFrom('s1'), undefined);
      // the firewall holds too: a container that adds a default route itself gets nowhere outside
      const gateway = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'sealed'])).trim();
      await ok(['exec', 's2', 'ip', 'route', 'add', 'default', 'via', gateway]);
      assert.equal(await seenFrom('s2'), undefined);
      // a non-internal network reaches the host's own address and, masqueraded, the outside
      assert.equal(await pings('o1', HOST_LOCAL), true);
      assert.equal(await seenFrom('o1'), HOST_ADDR);
    } finally {
      await cleanup(['s1', 's2', 'o1'], ['sealed', 'open']);
    }
  });

  test('enable_icc=false: containers of the network cannot reach each other, but reach the gateway and the outside', async () => {
    try {
      // first a chatty network on the same addresses: the kernel tracks t2 -> t1 as an established flow
      await ok(['network', 'create', 'talk']);
      await ok(['run', '-d', '--name', 't1', '--network', 'talk', ...SLEEP]);
      await ok(['run', '-d', '--name', 't2', '--network', 'talk', ...SLEEP]);
      const [t1, t2, talkSubnet] = [await ipOf('t1', 'talk'), await ipOf('t2', 'talk'), await subnetOf('talk')];
      assert.equal(await pings('t2', t1), true);
      await cleanup(['t1', 't2'], ['talk']);
      // the drop needs bridged frames to pass the IP hooks: berth turns br_netfilter on, as Docker does
      assert.equal((await host.sh(['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=0'])).code, 0);
      await ok(['network', 'create', '-o', 'com.docker.network.bridge.enable_icc=false', 'quiet']);
      assert.equal((await host.sh(['sysctl', '-n', 'net.bridge.bridge-nf-call-iptables'])).stdout, '1\n');
      assert.equal(await subnetOf('quiet'), talkSubnet);
      assert.equal(await ok(['network', 'inspect', '--format', '{{json .Options}}', 'quiet']), '{"com.docker.network.bridge.enable_icc":"false"}\n');
      await ok(['run', '-d', '--name', 'q1', '--network', 'quiet', ...SLEEP]);
      await ok(['run', '-d', '--name', 'q2', '--network', 'quiet', ...SLEEP]);
      const gateway = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'quiet'])).trim();
      // same addresses, and the old flow's conntrack entry went with its endpoint (as Docker clears them)
      assert.deepEqual([await ipOf('q1', 'quiet'), await ipOf('q2', 'quiet')], [t1, t2]);
      assert.equal(await pings('q2', await ipOf('q1', 'quiet')), false);
      assert.equal(await pings('q1', await ipOf('q2', 'quiet')), false);
      assert.equal(await pings('q2', gateway), true);
      assert.equal(await seenFrom('q2'), HOST_ADDR);
    } finally {
      await host.sh(['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
      await cleanup(['t1', 't2', 'q1', 'q2'], ['talk', 'quiet']);
    }
  });

  test('enable_ip_masquerade=false: no masquerade rule for the subnet; the outside sees the container address', async () => {
    const routes: string[] = [];
    try {
      await ok(['network', 'create', 'masq']);
      await ok(['network', 'create', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'plain']);
      const [masqSubnet, plainSubnet] = [await subnetOf('masq'), await subnetOf('plain')];
      const [masqBridge, plainBridge] = [bridgeOf(host, await netId('masq')), bridgeOf(host, await netId('plain'))];
      const chain = async (bridge: string) => (await host.sh(['nft', 'list', 'chain', 'ip', host.prefix, `nat-postrouting-out__${bridge}`])).stdout;
      assert.match(await chain(masqBridge), new RegExp(`oifname != "${masqBridge}" ip saddr ${masqSubnet.replace(/\./g, '\\.')} masquerade`));
      assert.doesNotMatch(await chain(plainBridge), /masquerade|snat/);
      // nothing in berth's table rewrites the source of this subnet's traffic leaving its bridge
      // (only the hairpin rule for published ports, which matches DNATed connections back into it)
      const table = (await host.sh(['nft', 'list', 'table', 'ip', host.prefix])).stdout.split('\n');
      const natOfPlain = table.filter((l) => l.includes(`saddr ${plainSubnet}`) && /masquerade|snat/.test(l));
      assert.deepEqual(natOfPlain.filter((l) => !l.includes('ct status dnat')), []);

      await ok(['run', '-d', '--name', 'm1', '--network', 'masq', ...SLEEP]);
      await ok(['run', '-d', '--name', 'p1', '--network', 'plain', ...SLEEP]);
      assert.equal(await seenFrom('m1'), HOST_ADDR);
      // unmasqueraded, the outside needs a route back to answer
      assert.equal(await seenFrom('p1'), undefined);
      assert.equal((await inOutside(['ip', 'route', 'add', plainSubnet, 'via', HOST_ADDR])).code, 0);
      routes.push(plainSubnet);
      assert.equal(await seenFrom('p1'), await ipOf('p1', 'plain'));
    } finally {
      for (const r of routes) await inOutside(['ip', 'route', 'del', r]);
      await cleanup(['m1', 'p1'], ['masq', 'plain']);
    }
  });

  test('bridge.name makes that device; driver.mtu sets the MTU of the bridge, both veth ends and eth0', async () => {
    try {
      await ok(['network', 'create', '-o', 'com.docker.network.bridge.name=mybr0', '-o', 'com.docker.network.driver.mtu=1400', 'small']);
      assert.ok((await links(host)).includes('mybr0 mtu 1400'));
      await ok(['run', '-d', '--name', 'sm', '--network', 'small', ...SLEEP]);
      assert.match(await ok(['exec', 'sm', 'ip', '-o', 'link', 'show', 'eth0']), /eth0@if\d+: .* mtu 1400 /);
      const ports = (await host.sh(['ip', '-o', 'link', 'show', 'master', 'mybr0'])).stdout.trim().split('\n');
      assert.equal(ports.length, 1);
      assert.match(ports[0]!, /: mtu 1400 | mtu 1400 /);
      assert.match(ports[0]!, / master mybr0 /);
      // a big ping gets through within the MTU, and the path MTU is what was asked
      const gateway = (await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'small'])).trim();
      assert.equal((await host.berth(['exec', 'sm', 'ping', '-c1', '-W1', '-s', '1372', gateway])).code, 0);
      // another network cannot take the same bridge name (Docker's check)
      const clash = await host.berth(['network', 'create', '-o', 'com.docker.network.bridge.name=mybr0', 'clash']);
      assert.equal(clash.code, 1);
      assert.match(clash.stderr, /^Error response from daemon: cannot create network [0-9a-f]{64} \(mybr0\): conflicts with network [0-9a-f]{64} \(mybr0\): networks have same bridge name\n$/);
      // the default MTU elsewhere
      await ok(['run', '-d', '--name', 'big', ...SLEEP]);
      assert.match(await ok(['exec', 'big', 'ip', '-o', 'link', 'show', 'eth0']), / mtu 1500 /);
    } finally {
      await cleanup(['sm', 'big'], ['small', 'clash']);
    }
  });

  test('--subnet/--gateway/--ip-range/--aux-address: lowest free address of the range, aux skipped, gateway on the bridge', async () => {
    const containers = ['a1', 'a2', 'a3', 'a4'];
    try {
      const id = (
        await ok([
          'network', 'create', '--subnet', '10.10.0.0/16', '--gateway', '10.10.0.254', '--ip-range', '10.10.5.0/24',
          '--aux-address', 'router=10.10.5.0', '--aux-address', 'printer=10.10.5.2', 'lab',
        ])
      ).trim();
      const ipam = JSON.parse(await ok(['network', 'inspect', '--format', '{{json .IPAM.Config}}', 'lab']));
      assert.deepEqual(ipam, [{ Subnet: '10.10.0.0/16', IPRange: '10.10.5.0/24', Gateway: '10.10.0.254', AuxiliaryAddresses: { router: '10.10.5.0', printer: '10.10.5.2' } }]);
      const onBridge = await host.sh(['ip', '-4', '-o', 'addr', 'show', 'dev', bridgeOf(host, id)]);
      assert.match(onBridge.stdout, /inet 10\.10\.0\.254\/16 /);
      await ok(['run', '-d', '--name', 'a1', '--network', 'lab', ...SLEEP]);
      await ok(['run', '-d', '--name', 'a2', '--network', 'lab', ...SLEEP]);
      await ok(['run', '-d', '--name', 'a3', '--network', 'lab', ...SLEEP]);
      assert.deepEqual([await ipOf('a1', 'lab'), await ipOf('a2', 'lab'), await ipOf('a3', 'lab')], ['10.10.5.1', '10.10.5.3', '10.10.5.4']);
      const route = await ok(['exec', 'a1', 'ip', 'route']);
      assert.match(route, /^default via 10\.10\.0\.254 dev eth0/m);
      assert.equal(await pings('a1', '10.10.0.254'), true);
      assert.equal(await pings('a1', '10.10.5.4'), true);
      // a released address is handed out again at once (lowest free, Docker's default allocator)
      await ok(['rm', '-f', 'a2']);
      await ok(['run', '-d', '--name', 'a4', '--network', 'lab', ...SLEEP]);
      assert.equal(await ipOf('a4', 'lab'), '10.10.5.3');
    } finally {
      await cleanup(containers, ['lab']);
    }
  });

  test('--ip on run and on network connect gives exactly that address, inside the subnet but outside the range', async () => {
    try {
      await ok(['network', 'create', '--subnet', '10.20.0.0/24', '--ip-range', '10.20.0.128/25', 'fixed']);
      await ok(['network', 'create', 'other']);
      await ok(['run', '-d', '--name', 'f1', '--network', 'fixed', '--ip', '10.20.0.9', ...SLEEP]);
      assert.equal(await ipOf('f1', 'fixed'), '10.20.0.9');
      assert.match(await ok(['exec', 'f1', 'ip', '-4', '-o', 'addr', 'show', 'eth0']), /inet 10\.20\.0\.9\/24 /);
      await ok(['run', '-d', '--name', 'f2', '--network', 'other', ...SLEEP]);
      await ok(['network', 'connect', '--ip', '10.20.0.10', 'fixed', 'f2']);
      assert.equal(await ipOf('f2', 'fixed'), '10.20.0.10');
      assert.match(await ok(['exec', 'f2', 'ip', '-4', '-o', 'addr', 'show', 'eth1']), /inet 10\.20\.0\.10\/24 /);
      assert.equal(await pings('f2', '10.20.0.9'), true);
      const cfg = await ok(['inspect', '--format', '{{json (index .NetworkSettings.Networks "fixed").IPAMConfig}}', 'f2']);
      assert.deepEqual(JSON.parse(cfg), { IPv4Address: '10.20.0.10' });
      // dynamic addresses come from the range, whose first address went to the gateway (as in Docker:
      // without --gateway, the gateway is requested from the pool like any address)
      assert.equal(await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'fixed']), '10.20.0.128\n');
      await ok(['run', '-d', '--name', 'f3', '--network', 'fixed', ...SLEEP]);
      assert.equal(await ipOf('f3', 'fixed'), '10.20.0.129');
    } finally {
      await cleanup(['f1', 'f2', 'f3'], ['fixed', 'other']);
    }
  });

  test("automatic subnets follow Docker's default pools and skip ranges the host routes", async () => {
    let routed = false;
    try {
      await ok(['network', 'create', 'p1']);
      await ok(['network', 'create', 'p2']);
      assert.deepEqual([await subnetOf('p1'), await subnetOf('p2')], ['172.18.0.0/16', '172.19.0.0/16']);
      assert.equal(await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'p1']), '172.18.0.1\n');
      await ok(['network', 'rm', 'p1']);
      await ok(['network', 'create', 'p3']);
      assert.equal(await subnetOf('p3'), '172.18.0.0/16', 'the lowest free pool again');
      await ok(['network', 'rm', 'p3', 'p2']);
      // the test host routes 172.18.0.0/16 (say a VPN): the next automatic subnet avoids it
      assert.equal((await host.sh(['ip', 'route', 'add', '172.18.0.0/16', 'via', OUTSIDE_ADDR])).code, 0);
      routed = true;
      await ok(['network', 'create', 'p4']);
      assert.equal(await subnetOf('p4'), '172.19.0.0/16');
      // an explicit subnet is the user's choice: only other networks are checked
      await ok(['network', 'create', '--subnet', '172.18.0.0/16', 'p5']);
      assert.equal(await subnetOf('p5'), '172.18.0.0/16');
    } finally {
      if (routed) await host.sh(['ip', 'route', 'del', '172.18.0.0/16']);
      await cleanup([], ['p1', 'p2', 'p3', 'p4', 'p5']);
    }
  });

  test('labels and network ls filters: label, driver, name, type, -q, --format', async () => {
    try {
      await ok(['network', 'create', '--label', 'env=prod', '--label', 'tier', 'n1']);
      await ok(['network', 'create', '--label', 'env=dev', 'n2']);
      await ok(['network', 'create', 'n3']);
      const names = async (...filters: string[]) => ok(['network', 'ls', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Name}}']);
      assert.equal(await ok(['network', 'inspect', '--format', '{{json .Labels}}', 'n1']), '{"env":"prod","tier":""}\n');
      assert.equal(await names('label=env=prod'), 'n1\n');
      assert.equal(await names('label=env'), 'n1\nn2\n');
      assert.equal(await names('label=tier'), 'n1\n');
      assert.equal(await names('label=env=prod', 'label=tier'), 'n1\n');
      assert.equal(await names('label=env=test'), '');
      assert.equal(await names('driver=bridge'), 'bridge\nn1\nn2\nn3\n');
      assert.equal(await names('driver=null'), 'none\n');
      assert.equal(await names('name=n1'), 'n1\n');
      assert.equal(await names('name=n'), 'n1\nn2\nn3\nnone\n');
      assert.equal(await names('type=custom'), 'n1\nn2\nn3\n');
      assert.equal(await names('type=builtin'), 'bridge\nhost\nnone\n');
      assert.equal(await names('type=custom', 'label=env'), 'n1\nn2\n');
      const ids = [await netId('n1'), await netId('n2'), await netId('n3')].map((id) => id.slice(0, 12));
      assert.equal(await ok(['network', 'ls', '-q', '--filter', 'type=custom']), `${ids.join('\n')}\n`);
      assert.equal(await ok(['network', 'ls', '--filter', `id=${ids[1]}`, '--format', '{{.Name}}']), 'n2\n');
      assert.equal(
        await ok(['network', 'ls', '--filter', 'name=n1', '--format', '{{.ID}}|{{.Name}}|{{.Driver}}|{{.Scope}}|{{.IPv6}}|{{.Internal}}|{{.Labels}}|{{.Label "env"}}']),
        `${ids[0]}|n1|bridge|local|false|false|env=prod,tier=|prod\n`,
      );
      assert.equal(
        await ok(['network', 'ls', '--filter', 'label=env']),
        `NETWORK ID     NAME      DRIVER    SCOPE\n${ids[0]}   n1        bridge    local\n${ids[1]}   n2        bridge    local\n`,
      );
      const badType = await host.berth(['network', 'ls', '--filter', 'type=other']);
      assert.equal(badType.stderr, "Error response from daemon: invalid filter: 'type'='other'\n");
      const badKey = await host.berth(['network', 'ls', '--filter', 'nosuch=x']);
      assert.equal(badKey.stderr, "Error response from daemon: invalid filter 'nosuch'\n");
    } finally {
      await cleanup([], ['n1', 'n2', 'n3']);
    }
  });

  test('network prune removes unused networks, keeps used and predefined ones', async () => {
    try {
      await ok(['network', 'create', 'used']);
      await ok(['network', 'create', 'idle1']);
      await ok(['network', 'create', '--label', 'keep=yes', 'idle2']);
      await ok(['run', '-d', '--name', 'user', '--network', 'used', ...SLEEP]);
      // a filter narrows it
      assert.equal(await ok(['network', 'prune', '-f', '--filter', 'label!=keep']), 'Deleted Networks:\nidle1\n\n');
      await ok(['network', 'create', 'idle3']);
      // docker prints the report, then a newline; the order of the names is the daemon's
      const report = await ok(['network', 'prune', '-f']);
      assert.match(report, /^Deleted Networks:\n(\S+\n){2}\n$/);
      assert.deepEqual(report.split('\n').slice(1, 3).sort(), ['idle2', 'idle3']);
      assert.equal(await ok(['network', 'ls', '--format', '{{.Name}}']), 'bridge\nhost\nnone\nused\n');
      assert.equal(await ok(['network', 'prune', '-f']), '');
      // the pruned networks' bridges are gone, the used one's stays
      const bridgeNames = (await links(host)).filter((l) => l.startsWith(`${host.prefix}-`));
      assert.deepEqual(bridgeNames.map((l) => l.split(' ')[0]), [bridgeOf(host, await netId('used'))]);
    } finally {
      await cleanup(['user'], ['used', 'idle1', 'idle2', 'idle3']);
    }
  });
});
