/**
 * Issue #4: published ports on the kernel path (nft DNAT, no proxy process), driven with the
 * docker CLI against a daemon in a test host. Real HTTP and UDP traffic through every path:
 * the test host's loopback, its own address, other containers (hairpin), and an "outside"
 * namespace behind a veth, whose real address the server sees.
 *
 *   test host (daemon, bridges)  outx 10.77.0.1/24 <-veth-> eth0 10.77.0.2/24  outside
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { runCommand, TestHost, type RunResult } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';
import { startOutside, type Outside } from '../helpers/outside.js';

const root = process.getuid?.() === 0;
const OUTSIDE_PREFIX = '10.77.0';
const HOST_ADDR = `${OUTSIDE_PREFIX}.1`;
const OUTSIDE_ADDR = `${OUTSIDE_PREFIX}.2`;

/** busybox httpd serving "hello" at / and the client's address at /cgi-bin/ip. */
const WEB = [
  'busybox',
  'sh',
  '-c',
  "mkdir -p /www/cgi-bin && echo hello > /www/index.html && printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/ip && chmod +x /www/cgi-bin/ip && exec httpd -f -p 80 -h /www",
];

/** The host's node, bind-mounted read-only into a busybox container. */
const NODE_MOUNTS = ['-v', `${process.execPath}:/usr/bin/node:ro`, '-v', '/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro', '-v', '/lib64:/lib64:ro'];
/** A UDP echo on port 7 answering "<message> from <client address>". */
const UDP_ECHO = "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m+' from '+r.address,r.port,r.address));s.bind(7)";
/** One UDP request (argv: address port), prints the answer; exit 1 after 2 s without one. */
const UDP_ASK =
  "const [a,p]=process.argv.slice(1);const s=require('dgram').createSocket('udp4');s.on('message',(m)=>{console.log(String(m));process.exit(0)});s.send('ping',Number(p),a);setTimeout(()=>process.exit(1),2000)";

describe('ports: -p/-P on the kernel path', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let out: Outside | undefined;
  const holders: ChildProcess[] = [];

  const docker = async (args: string[]): Promise<RunResult> => host.docker(args, { timeoutMs: 30_000 });
  const ok = async (args: string[]): Promise<string> => {
    const r = await docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const wget = (url: string, where: 'host' | 'outside' = 'host') => {
    const argv = ['timeout', '5', 'busybox', 'wget', '-qO-', url];
    return where === 'host' ? host.sh(argv) : out!.run(argv);
  };
  const fetched = async (url: string, where: 'host' | 'outside' = 'host') => (await wget(url, where)).stdout.trim();
  /** The client address the web server saw (httpd listens on [::], so IPv4 peers come as [::ffff:a.b.c.d]). */
  const seenAs = async (base: string, where: 'host' | 'outside' = 'host') => (await fetched(`${base}/cgi-bin/ip`, where)).replace(/^\[::ffff:(.*)\]$/, '$1');
  /** Poll until the server answers (httpd needs a moment after `run -d`). */
  const serving = (url: string) => waitFor(async () => (await wget(url)).code === 0, 10_000, `${url} answers`);
  const udpAsk = (addr: string, port: number, where: 'host' | 'outside' = 'host') => {
    const argv = [process.execPath, '-e', UDP_ASK, addr, String(port)];
    return where === 'host' ? host.sh(argv) : out!.run(argv);
  };
  /** A listener held by a process of the test host (not berth), until the test ends. */
  const holdInHost = async (port: number, proto: 'tcp' | 'udp' = 'tcp') => {
    const code =
      proto === 'tcp'
        ? `require('net').createServer().listen(${port},'0.0.0.0',()=>console.log('up'))`
        : `require('dgram').createSocket('udp4').bind(${port},'0.0.0.0',()=>console.log('up'))`;
    const child = spawn('nsenter', [`--net=/run/netns/${host.netns}`, '--', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(child);
    await once(child.stdout!, 'data');
    return child;
  };
  /** The published-port elements in berth's table, as "map: key -> value" lines. */
  const nftElements = async (): Promise<string[]> => {
    const r = await host.sh(['nft', '-j', 'list', 'table', 'ip', host.prefix]);
    const items = (JSON.parse(r.stdout) as { nftables: Array<Record<string, { name: string; elem?: unknown[] }>> }).nftables;
    const out: string[] = [];
    for (const item of items) {
      const s = item.map ?? item.set;
      if (!s || !/^(dnat-|published-ports)/.test(s.name)) continue;
      for (const e of s.elem ?? []) out.push(`${s.name}: ${JSON.stringify(e)}`);
    }
    return out.sort();
  };
  const berthNetns = async () => (await runCommand(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`${host.prefix}-`));
  /** Whether a process of the test host can take the port now (berth does not hold it). */
  const canBind = async (port: number, proto: 'tcp' | 'udp' = 'tcp') => {
    const code =
      proto === 'tcp'
        ? `const s=require('net').createServer();s.on('error',()=>process.exit(1));s.listen(${port},'0.0.0.0',()=>process.exit(0))`
        : `const s=require('dgram').createSocket('udp4');s.on('error',()=>process.exit(1));s.bind(${port},'0.0.0.0',()=>process.exit(0))`;
    return (await host.sh([process.execPath, '-e', code])).code === 0;
  };

  before(async () => {
    host = await TestHost.start();
    out = await startOutside(host, { prefix: OUTSIDE_PREFIX, ifname: 'outx' });
    await ok(['network', 'create', 'other']);
    await ok(['run', '-d', '--name', 'web', '-p', '8080:80', ...WEB]);
    await serving('http://127.0.0.1:8080/');
  });

  after(async () => {
    for (const h of holders) h.kill();
    await out?.stop();
    if (process.env.BERTH_TEST_DAEMON_LOG) console.log(host?.daemonLog);
    await host?.stop();
  });

  test("docker port, ps and inspect show the binding as Docker does (IPv4 once)", async () => {
    assert.equal(await ok(['port', 'web']), '80/tcp -> 0.0.0.0:8080\n');
    assert.equal(await ok(['port', 'web', '80']), '0.0.0.0:8080\n');
    assert.equal(await ok(['ps', '--filter', 'name=web', '--format', '{{.Ports}}']), '0.0.0.0:8080->80/tcp\n');
    const ports = JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'web']));
    assert.deepEqual(ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  });

  test('reachable from the host loopback (masqueraded) and the host address', async () => {
    assert.equal(await fetched('http://127.0.0.1:8080/'), 'hello');
    assert.equal(await seenAs('http://127.0.0.1:8080'), '172.17.0.1'); // masqueraded to the gateway
    assert.equal(await fetched(`http://${HOST_ADDR}:8080/`), 'hello');
    assert.equal(await fetched('http://172.17.0.1:8080/'), 'hello'); // any local address, the bridge's too
  });

  test('reachable from outside the host, and the server sees the real client address', async () => {
    assert.equal(await fetched(`http://${HOST_ADDR}:8080/`, 'outside'), 'hello');
    assert.equal(await seenAs(`http://${HOST_ADDR}:8080`, 'outside'), OUTSIDE_ADDR);
  });

  for (const brNetfilter of [1, 0]) {
    test(`hairpin (br_netfilter ${brNetfilter ? 'on' : 'off'}): from the container itself, its network and another network`, async () => {
      // with br_netfilter, DNATed frames between ports of one bridge are bridged, otherwise routed
      const sysctl = (v: number) => host.sh(['sysctl', '-qw', `net.bridge.bridge-nf-call-iptables=${v}`]);
      assert.equal((await sysctl(brNetfilter)).code, 0);
      try {
        const get = (base: string) => `timeout 5 wget -qO- ${base}/ && timeout 5 wget -qO- ${base}/cgi-bin/ip`;
        for (const base of [`http://${HOST_ADDR}:8080`, 'http://172.17.0.1:8080']) {
          assert.equal(await ok(['exec', 'web', 'sh', '-c', get(base)]), 'hello\n[::ffff:172.17.0.1]\n');
          assert.equal(await ok(['run', '--rm', 'busybox', 'sh', '-c', get(base)]), 'hello\n[::ffff:172.17.0.1]\n');
          assert.equal(await ok(['run', '--rm', '--network', 'other', 'busybox', 'sh', '-c', get(base)]), 'hello\n[::ffff:172.17.0.1]\n');
        }
      } finally {
        await sysctl(1);
      }
    });
  }

  test('a binding on one address is reachable there only', async () => {
    await ok(['run', '-d', '--name', 'local', '-p', '127.0.0.1:8081:80', ...WEB]);
    await serving('http://127.0.0.1:8081/');
    assert.equal(await ok(['port', 'local']), '80/tcp -> 127.0.0.1:8081\n');
    assert.notEqual((await wget(`http://${HOST_ADDR}:8081/`)).code, 0);
    assert.notEqual((await wget(`http://${HOST_ADDR}:8081/`, 'outside')).code, 0);
    await ok(['rm', '-f', 'local']);
  });

  test("route_localnet on the bridge does not open the host's loopback to containers", async () => {
    // a loopback-only UDP service of the test host, printing what it receives
    const code = "require('dgram').createSocket('udp4').on('message',(m)=>console.log(String(m))).bind(9998,'127.0.0.1',()=>console.log('up'))";
    const service = spawn('nsenter', [`--net=/run/netns/${host.netns}`, '--', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(service);
    let received = '';
    service.stdout!.on('data', (b: Buffer) => (received += b.toString()));
    await waitFor(async () => received.includes('up'), 5_000, 'loopback service');
    // a container that routes 127/8 to its gateway (it may: it has NET_ADMIN in its own namespace)
    const routes = 'ip route del local 127.0.0.0/8 dev lo table local; ip route del local 127.0.0.1 dev lo table local; ip route add 127.0.0.0/8 via 172.17.0.1 dev eth0; exec sleep 1000';
    await ok(['run', '-d', '--name', 'prober', '--cap-add', 'NET_ADMIN', ...NODE_MOUNTS, 'busybox', 'sh', '-c', routes]);
    const send = "const s=require('dgram').createSocket('udp4');s.send('leak',9998,'127.0.0.1',()=>s.close())";
    await ok(['exec', 'prober', 'node', '-e', send]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(received, 'up\n', 'the loopback service received nothing');
    await ok(['rm', '-f', 'prober']);
  });

  test('UDP: from the loopback, the host address and outside (real client address)', async () => {
    await ok(['run', '-d', '--name', 'udp', '-p', '5300:7/udp', ...NODE_MOUNTS, 'busybox', 'node', '-e', UDP_ECHO]);
    await waitFor(async () => (await udpAsk('127.0.0.1', 5300)).code === 0, 10_000, 'udp echo answers');
    assert.equal((await udpAsk('127.0.0.1', 5300)).stdout.trim(), 'ping from 172.17.0.1');
    assert.equal((await udpAsk(HOST_ADDR, 5300)).stdout.trim(), `ping from ${HOST_ADDR}`);
    assert.equal((await udpAsk(HOST_ADDR, 5300, 'outside')).stdout.trim(), `ping from ${OUTSIDE_ADDR}`);
    assert.equal(await ok(['port', 'udp']), '7/udp -> 0.0.0.0:5300\n');
    assert.equal(await canBind(5300, 'udp'), false);
    await ok(['rm', '-f', 'udp']);
    assert.equal(await canBind(5300, 'udp'), true);
  });

  test("a host port some other program holds: Docker's error, exit 125, nothing left but the created container", async () => {
    const holder = await holdInHost(9090);
    const [elementsBefore, netnsBefore] = [await nftElements(), await berthNetns()];
    const r = await docker(['run', '-d', '--name', 'clash', '-p', '9090:80', ...WEB]);
    assert.equal(r.code, 125);
    assert.match(
      r.stderr,
      /Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint clash \([0-9a-f]{64}\): failed to bind host port 0\.0\.0\.0:9090\/tcp: address already in use/,
    );
    const state = JSON.parse(await ok(['inspect', '--format', '{{json .State}}', 'clash']));
    assert.equal(state.Status, 'created');
    assert.equal(state.Running, false);
    assert.equal(state.ExitCode, 128);
    assert.match(state.Error, /failed to bind host port 0\.0\.0\.0:9090\/tcp: address already in use/);
    assert.deepEqual(await nftElements(), elementsBefore);
    assert.deepEqual(await berthNetns(), netnsBefore);
    holder.kill();
    await once(holder, 'exit');
    assert.equal(await canBind(9090), true); // berth holds no socket for it either
    await ok(['start', 'clash']); // and once the port is free, the same container starts
    await serving('http://127.0.0.1:9090/');
    await ok(['rm', '-f', 'clash']);
  });

  test('a host port berth already published: "port is already allocated"', async () => {
    const r = await docker(['run', '-d', '--name', 'second', '-p', '8080:80', ...WEB]);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint second \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
    const specific = await docker(['run', '-d', '--name', 'third', '-p', '127.0.0.1:8080:80', ...WEB]);
    assert.match(specific.stderr, /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
    await ok(['rm', 'second', 'third']);
    assert.equal(await fetched('http://127.0.0.1:8080/'), 'hello'); // the first one is untouched
  });

  test('-P and -p 80 pick ports from the kernel ephemeral range, round-robin', async () => {
    const [begin, end] = (await host.sh(['cat', '/proc/sys/net/ipv4/ip_local_port_range'])).stdout.trim().split(/\s+/).map(Number) as [number, number];
    await ok(['run', '-d', '--name', 'auto', '-P', '--expose', '80', '--expose', '443', ...WEB]);
    const lines = (await ok(['port', 'auto'])).trim().split('\n').sort();
    assert.equal(lines.length, 2);
    const [p443, p80] = lines.map((l) => Number(/^\d+\/tcp -> 0\.0\.0\.0:(\d+)$/.exec(l)![1]));
    assert.ok(p80! >= begin && p80! <= end && p443! >= begin && p443! <= end, `${p80} ${p443} in ${begin}-${end}`);
    assert.equal(p443, p80! + 1); // container ports in order, the next port each
    assert.equal(await ok(['ps', '--filter', 'name=auto', '--format', '{{.Ports}}']), `0.0.0.0:${p80}->80/tcp, 0.0.0.0:${p443}->443/tcp\n`);
    await serving(`http://127.0.0.1:${p80}/`);

    const one = await ok(['run', '-d', '--name', 'one', '-p', '80', ...WEB]);
    assert.ok(one);
    assert.equal(await ok(['port', 'one']), `80/tcp -> 0.0.0.0:${p443! + 1}\n`);
    await ok(['rm', '-f', 'one']);
    // released ports are not handed out again at once: the allocator moves on
    await ok(['restart', '-t', '0', 'auto']);
    const again = (await ok(['port', 'auto', '80'])).trim();
    assert.equal(again, `0.0.0.0:${p443! + 2}`);
    await ok(['rm', '-f', 'auto']);
  });

  test('host port ranges: the first free port of the range; pairwise ranges', async () => {
    await holdInHost(8000);
    await ok(['run', '-d', '--name', 'ranged', '-p', '8000-8010:80', ...WEB]);
    assert.equal(await ok(['port', 'ranged']), '80/tcp -> 0.0.0.0:8001\n');
    await serving('http://127.0.0.1:8001/');
    await ok(['run', '-d', '--name', 'pairs', '-p', '8100-8101:80-81', ...WEB]);
    assert.equal(await ok(['port', 'pairs']), '80/tcp -> 0.0.0.0:8100\n81/tcp -> 0.0.0.0:8101\n');
    await ok(['rm', '-f', 'ranged', 'pairs']);
  });

  test("the network's default binding address (host_binding_ipv4)", async () => {
    await ok(['network', 'create', '-o', 'com.docker.network.bridge.host_binding_ipv4=127.0.0.1', 'lonet']);
    await ok(['run', '-d', '--name', 'lo', '--network', 'lonet', '-p', '8200:80', ...WEB]);
    assert.equal(await ok(['port', 'lo']), '80/tcp -> 127.0.0.1:8200\n');
    await serving('http://127.0.0.1:8200/');
    assert.notEqual((await wget(`http://${HOST_ADDR}:8200/`)).code, 0);
    await ok(['rm', '-f', 'lo']);
    await ok(['network', 'rm', 'lonet']);
  });

  test('a container only on an internal network publishes nothing and runs', async () => {
    await ok(['network', 'create', '--internal', 'closed']);
    const before = await nftElements();
    await ok(['run', '-d', '--name', 'inside', '--network', 'closed', '-p', '8300:80', ...WEB]);
    assert.equal(await ok(['port', 'inside']), '');
    assert.deepEqual(await nftElements(), before);
    assert.equal(await canBind(8300), true);
    await ok(['rm', '-f', 'inside']);
    await ok(['network', 'rm', 'closed']);
  });

  test('stop removes the elements and frees the port; start publishes again; rm removes', async () => {
    await ok(['run', '-d', '--name', 'cycle', '-p', '8400:80', ...WEB]);
    await serving('http://127.0.0.1:8400/');
    const withIt = await nftElements();
    assert.ok(withIt.some((e) => e.includes('8400')));
    await ok(['stop', '-t', '0', 'cycle']);
    assert.ok(!(await nftElements()).some((e) => e.includes('8400')));
    assert.notEqual((await wget('http://127.0.0.1:8400/')).code, 0);
    assert.equal(await canBind(8400), true);
    assert.equal(await ok(['port', 'cycle']), '');
    await ok(['start', 'cycle']);
    await serving('http://127.0.0.1:8400/');
    assert.equal(await canBind(8400), false);
    await ok(['rm', '-f', 'cycle']);
    assert.ok(!(await nftElements()).some((e) => e.includes('8400')));
    assert.equal(await canBind(8400), true);
  });

  test('disconnecting the gateway network moves the ports to the next gateway endpoint', async () => {
    await ok(['run', '-d', '--name', 'multi', '--network', 'other', '-p', '8500:80', ...WEB]);
    await serving('http://127.0.0.1:8500/');
    await ok(['network', 'connect', 'bridge', 'multi']);
    await ok(['network', 'disconnect', 'other', 'multi']);
    await serving('http://127.0.0.1:8500/');
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'multi'])).trim();
    assert.ok((await nftElements()).includes(`dnat-on-any-to-addr: [{"concat":["tcp",8500]},"${ip}"]`));
    await ok(['rm', '-f', 'multi']);
  });

  test('daemon restart: the kernel keeps forwarding, the port stays reserved', async () => {
    await host.stopDaemon();
    assert.equal(await fetched('http://127.0.0.1:8080/'), 'hello'); // no daemon, no proxy: the kernel forwards
    await host.startDaemon();
    assert.equal(await fetched('http://127.0.0.1:8080/'), 'hello');
    assert.equal(await seenAs(`http://${HOST_ADDR}:8080`, 'outside'), OUTSIDE_ADDR);
    assert.equal(await canBind(8080), false);
    const r = await docker(['run', '-d', '--name', 'late', '-p', '8080:80', ...WEB]);
    assert.match(r.stderr, /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
    await ok(['rm', 'late']);
    await ok(['rm', '-f', 'web']);
    assert.equal(await canBind(8080), true);
    assert.deepEqual(await nftElements(), []);
  });
});
