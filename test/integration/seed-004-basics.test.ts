/**
 * Seed tutorial 004 ("Container networking basics") replayed command by command against berth,
 * once with the berth CLI and once with the real docker CLI, both talking to the same kind of
 * daemon in a fresh test host. Real traffic throughout: HTTP through published ports from the
 * test host's loopback and from an "outside" namespace, pings and DNS by container name.
 *
 * Images: no registry here. `nginx` is the local busybox rootfs imported with EXPOSE 80 443 and a
 * CMD running busybox httpd on port 80 (like nginx, it exposes 443 without serving it); alpine and
 * ubuntu are busybox. `docker run -ti` in the foreground becomes `-i` with the typed commands on
 * stdin (no terminal here); the tutorial's `docker attach con3` shell becomes `exec con3`.
 *
 *   test host (daemon, bridges)  out4 10.78.0.1/24 <-veth-> eth0 10.78.0.2/24  outside (httpd :9000)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, runCommand, TestHost } from '../helpers/testhost.js';
import { CLIS, cli, type Cli } from '../helpers/cli.js';
import { startDnsStub, STUB_UPSTREAM, type DnsStub } from '../helpers/dns-stub.js';
import { waitFor } from '../helpers/wait.js';
import { startOutside, type Outside } from '../helpers/outside.js';

const root = process.getuid?.() === 0;
const OUTSIDE_PREFIX = '10.78.0';
const HOST_ADDR = `${OUTSIDE_PREFIX}.1`;
const OUTSIDE_ADDR = `${OUTSIDE_PREFIX}.2`;
const PAGE = 'hello-nginx';
/** The nginx stand-in: busybox httpd serving PAGE on port 80; EXPOSE 80 443 as the real image does. */
const NGINX_CHANGES = ['--change', 'EXPOSE 80 443', '--change', `CMD ["sh","-c","mkdir -p /www && echo ${PAGE} > /www/index.html && exec httpd -f -p 80 -h /www"]`];
/** One HTTP/1.0 GET of / with busybox nc (the static busybox's wget is not used: it crashes in containers). */
const httpGet = (address: string, port: number | string) => `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${address} ${port}`;

for (const name of CLIS) {
  describe(`seed 004: container networking basics (${name} CLI)`, { skip: !root && 'needs root' }, () => {
    let host: TestHost;
    let run: Cli;
    let out: Outside | undefined;
    let stub: DnsStub | undefined;

    const ok = async (args: string[], input?: string): Promise<string> => {
      const r = await run(args, { timeoutMs: 30_000, ...(input !== undefined ? { input } : {}) });
      assert.equal(r.code, 0, `${name} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    /** GET / from the test host itself (its loopback or any of its addresses). */
    const fetchFromHost = async (address: string, port: number | string) => (await host.sh(['sh', '-c', httpGet(address, port).replace('| nc', '| busybox nc')])).stdout;
    const fetchFromOutside = async (address: string, port: number | string) =>
      (await out!.run(['sh', '-c', httpGet(address, port).replace('| nc', '| busybox nc')])).stdout;
    const answersPage = (response: string) => /^HTTP\/1\.[01] 200 OK\r\n/.test(response) && response.endsWith(`\r\n\r\n${PAGE}\n`);
    const serving = (port: number | string) => waitFor(async () => answersPage(await fetchFromHost('127.0.0.1', port)), 10_000, `port ${port} answers`);
    const ipOn = async (container: string, network: string) =>
      (await ok(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container])).trim();
    const inspect = async (container: string, format: string) => (await ok(['inspect', '--format', format, container])).trim();

    before(async () => {
      // the tutorial's machine has a working upstream resolver: a stub that knows no names (NXDOMAIN)
      host = await TestHost.start({ dns: [STUB_UPSTREAM] });
      stub = await startDnsStub(host, {});
      run = cli(host, name);
      const rootfs = execFileSync(join(REPO, 'scripts/busybox-rootfs.sh'), [], { maxBuffer: 1 << 28 });
      const r = await run(['image', 'import', ...NGINX_CHANGES, '-', 'nginx:latest'], { input: rootfs, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      // an outside machine behind the test host, running a web server that reports the client address
      out = await startOutside(host, { prefix: OUTSIDE_PREFIX, ifname: 'out4', whoamiPort: 9000 });
    });

    after(async () => {
      await stub?.stop();
      await out?.stop();
      await host?.stop();
    });

    test('docker run -d -P nginx: ps shows the ports Docker picked, and the page answers on them from the host', async () => {
      const id = (await ok(['run', '-d', '-P', 'nginx'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const ps = await ok(['ps']);
      assert.match(ps, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
      const row = ps.split('\n').find((l) => l.startsWith(id.slice(0, 12)));
      assert.ok(row, ps);
      const m = /\s0\.0\.0\.0:(\d+)->80\/tcp, 0\.0\.0\.0:(\d+)->443\/tcp\s+\S+$/.exec(row!);
      assert.ok(m, row);
      const [p80, p443] = [Number(m![1]), Number(m![2])];
      assert.ok(p80 >= 1024 && p443 >= 1024 && p80 !== p443, row);
      await serving(p80); // "open http://0.0.0.0:32772"
      assert.ok(answersPage(await fetchFromHost('0.0.0.0', p80)));
      assert.ok(answersPage(await fetchFromHost(HOST_ADDR, p80)));
    });

    test('manual allocation: -p 80:80 and -p 8000:80 run two web servers on host ports 80 and 8000', async () => {
      const first = (await ok(['run', '-d', '-p', '80:80', 'nginx'])).trim();
      const second = (await ok(['run', '-d', '-p', '8000:80', 'nginx'])).trim();
      assert.equal(await inspect(first, '{{range $p, $b := .NetworkSettings.Ports}}{{$p}} {{json $b}};{{end}}'), '443/tcp null;80/tcp [{"HostIp":"0.0.0.0","HostPort":"80"}];');
      // 443 is exposed by the image but not published: listed without a host side
      assert.equal((await ok(['ps', '--filter', `id=${second}`, '--format', '{{.Ports}}'])).trim(), '443/tcp, 0.0.0.0:8000->80/tcp');
      await serving(80);
      await serving(8000);
      // from another machine, through the host's address: port-on-host:port-on-container
      assert.ok(answersPage(await fetchFromOutside(HOST_ADDR, 80)));
      assert.ok(answersPage(await fetchFromOutside(HOST_ADDR, 8000)));
    });

    test("inspect --format '{{ json .NetworkSettings.IPAddress }}' $(docker ps -lq): the latest container's private address", async () => {
      const latest = (await ok(['ps', '-lq'])).trim();
      assert.match(latest, /^[0-9a-f]{12}$/);
      assert.equal(await inspect(latest, '{{.Config.Image}} {{json .HostConfig.PortBindings}}'), 'nginx {"80/tcp":[{"HostIp":"","HostPort":"8000"}]}');
      const out = await ok(['inspect', '--format', '{{ json .NetworkSettings.IPAddress }}', latest]);
      const m = /^"(172\.17\.0\.\d+)"\n$/.exec(out);
      assert.ok(m, out);
      assert.equal(m![1], await ipOn(latest, 'bridge'));
      // the private address answers from the host directly, on the container's own port
      assert.ok(answersPage(await fetchFromHost(m![1], 80)));
    });

    test('bridge mode: eth0 is one end of a veth pair on the default bridge, 172.17.0.0/16, default route via the bridge', async () => {
      const latest = (await ok(['ps', '-lq'])).trim();
      const ip = await ipOn(latest, 'bridge');
      const bridge = (await ok(['network', 'inspect', '--format', '{{index .Options "com.docker.network.bridge.name"}}', 'bridge'])).trim();
      assert.match((await host.sh(['ip', '-o', '-4', 'addr', 'show', 'dev', bridge])).stdout, /inet 172\.17\.0\.1\/16 brd 172\.17\.255\.255 /);
      assert.equal((await ok(['network', 'inspect', '--format', '{{json .IPAM.Config}}', 'bridge'])).trim(), '[{"Subnet":"172.17.0.0/16","Gateway":"172.17.0.1"}]');

      const links = await ok(['exec', latest, 'ip', '-o', 'link']);
      assert.deepEqual(ifnames(links), ['lo', 'eth0']); // a private lo plus eth0
      assert.match(await ok(['exec', latest, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/16 brd 172\\.17\\.255\\.255 scope global eth0`));
      assert.match(await ok(['exec', latest, 'ip', 'route']), /^default via 172\.17\.0\.1 dev eth0/m);
      // the other end of eth0: a veth in the host, enslaved to the bridge
      const peerIndex = (await ok(['exec', latest, 'cat', '/sys/class/net/eth0/iflink'])).trim();
      const peer = (await host.sh(['ip', '-o', '-d', 'link', 'show'])).stdout.split('\n').find((l) => l.startsWith(`${peerIndex}: `));
      assert.ok(peer, `host interface ${peerIndex}`);
      assert.match(peer!, new RegExp(` master ${bridge} `));
      assert.match(peer!, / veth /);
    });

    test('bridge mode: outbound traffic is masqueraded, inbound goes through DNAT (rules in berth\'s nft table)', async () => {
      const latest = (await ok(['ps', '-lq'])).trim();
      const ip = await ipOn(latest, 'bridge');
      const rules = (await host.sh(['nft', 'list', 'table', 'ip', host.prefix])).stdout;
      assert.match(rules, /ip saddr 172\.17\.0\.0\/16 masquerade/);
      assert.match(rules, new RegExp(`tcp \\. 8000 : ${ip.replace(/\./g, '\\.')}`)); // DNAT host port 8000 -> container
      assert.match(rules, /dnat to /);
      // outbound: the outside server sees the host's address, not the container's
      const seen = await ok(['exec', latest, 'sh', '-c', `printf 'GET /cgi-bin/ip HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${OUTSIDE_ADDR} 9000 | tail -n 1`]);
      assert.equal(seen.replace(/^\[::ffff:(.*)\]/, '$1'), `${HOST_ADDR}\n`); // httpd listens on [::]
      // inbound from outside: DNAT to the container (tested above through ports 80 and 8000)
      assert.ok(answersPage(await fetchFromOutside(HOST_ADDR, 8000)));
    });

    test('the null driver: --net none gets only lo, and cannot send anything', async () => {
      const r = await run(['run', '--rm', '--net', 'none', 'busybox', 'ip', 'a']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(ifnames(r.stdout), ['lo']);
      assert.match(r.stdout, /inet 127\.0\.0\.1\/8 scope host lo/);
      const ping = await run(['run', '--rm', '--net', 'none', 'busybox', 'ping', '-c1', '-W1', '172.17.0.1']);
      assert.equal(ping.code, 1);
      assert.match(ping.stderr, /Network is unreachable/);
    });

    test("the host driver: --net host sees the host's interfaces and binds ports on the host itself", async () => {
      const inside = await run(['run', '--rm', '--net', 'host', 'busybox', 'ip', '-o', 'link']);
      assert.equal(inside.code, 0, inside.stderr);
      const outsideView = await host.sh(['ip', '-o', 'link']);
      assert.deepEqual(ifnames(inside.stdout), ifnames(outsideView.stdout));
      assert.ok(ifnames(inside.stdout).includes('out4'));
      await ok(['run', '-d', '--name', 'hostweb', '--net', 'host', 'busybox', 'sh', '-c', 'mkdir -p /www && echo on-the-host > /www/index.html && exec httpd -f -p 8081 -h /www']);
      await waitFor(async () => (await fetchFromHost('127.0.0.1', 8081)).endsWith('\r\n\r\non-the-host\n'), 10_000, 'host-mode httpd');
      assert.ok((await fetchFromOutside(HOST_ADDR, 8081)).endsWith('\r\n\r\non-the-host\n')); // no NAT, no bridge, no veth
      assert.equal((await ok(['ps', '--filter', 'name=hostweb', '--format', '{{.Ports}}|{{.Networks}}'])).trim(), '|host');
      await ok(['rm', '-f', 'hostweb']);
    });

    test('docker network create workshop-tage; network ls shows it', async () => {
      const id = (await ok(['network', 'create', 'workshop-tage'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const ls = await ok(['network', 'ls']);
      assert.match(ls, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
      assert.match(ls, new RegExp(`^${id.slice(0, 12)}\\s+workshop-tage\\s+bridge\\s+local\\s*$`, 'm'));
      assert.deepEqual(names(ls), ['bridge', 'host', 'none', 'workshop-tage']);
    });

    test('con1 in the background, con2 in the foreground: con2 resolves and pings con1 by name', async () => {
      await ok(['run', '-dti', '--name', 'con1', '--net', 'workshop-tage', 'busybox', 'sh']);
      const con1 = await ipOn('con1', 'workshop-tage');
      assert.match(con1, /^172\.18\.0\.\d+$/);
      const out = await ok(['run', '-i', '--name', 'con2', '--net', 'workshop-tage', 'busybox', 'sh'], 'ping -c4 con1\n');
      assert.match(out, new RegExp(`^PING con1 \\(${con1.replace(/\./g, '\\.')}\\): 56 data bytes\n`));
      assert.match(out, /4 packets transmitted, 4 packets received, 0% packet loss/);
      // how it works: the embedded DNS server, not /etc/hosts
      assert.match(await ok(['exec', 'con1', 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11$/m);
      assert.doesNotMatch(await ok(['exec', 'con1', 'cat', '/etc/hosts']), /con2/);
      // the other way round: con1 reaches a container that joins later by its name
      await ok(['run', '-d', '--name', 'con2b', '--net', 'workshop-tage', 'busybox', 'sleep', '600']);
      assert.match(await ok(['exec', 'con1', 'ping', '-c1', 'con2b']), /1 packets received/);
      await ok(['rm', '-f', 'con2b']);
    });

    test("ch-open: con3 cannot resolve con1 until 'network connect workshop-tage con3'; then it pings it over eth1", async () => {
      await ok(['network', 'create', 'ch-open']);
      await ok(['run', '-dti', '--name', 'con3', '--net', 'ch-open', 'busybox', 'sh']);
      const before = await run(['exec', 'con3', 'ping', '-c4', 'con1']);
      assert.equal(before.code, 1);
      assert.equal(before.stderr, "ping: bad address 'con1'\n");
      // the embedded DNS does not know con1 on ch-open and asks the upstream, which does not either
      // (absolute names: the test host's resolv.conf has a search domain busybox nslookup would add)
      const lookup = await run(['exec', 'con3', 'nslookup', 'con1.']);
      assert.equal(lookup.code, 1);
      assert.match(lookup.stdout, /\*\* server can't find con1\.: NXDOMAIN/);
      // and not by address either: the networks are isolated
      const con1 = await ipOn('con1', 'workshop-tage');
      assert.equal((await run(['exec', 'con3', 'ping', '-c1', '-W1', con1])).code, 1);

      assert.equal(await ok(['network', 'connect', 'workshop-tage', 'con3']), '');
      const after = await ok(['exec', 'con3', 'ping', '-c1', 'con1']);
      assert.match(after, new RegExp(`^PING con1 \\(${con1.replace(/\./g, '\\.')}\\): 56 data bytes\n64 bytes from ${con1.replace(/\./g, '\\.')}: seq=0 ttl=64`));
      assert.match(after, /1 packets transmitted, 1 packets received, 0% packet loss/);
      assert.match(await ok(['exec', 'con3', 'nslookup', 'con1.']), new RegExp(`Name:\\tcon1\nAddress: ${con1.replace(/\./g, '\\.')}\n`));
      assert.deepEqual(ifnames(await ok(['exec', 'con3', 'ip', '-o', 'link'])), ['lo', 'eth0', 'eth1']);
    });

    test('the container driver: run --net container:con3 ip a shows con3\'s interfaces and addresses', async () => {
      const [chOpen, workshop] = [await ipOn('con3', 'ch-open'), await ipOn('con3', 'workshop-tage')];
      const out = await ok(['run', '--rm', '--net', 'container:con3', 'busybox', 'ip', 'a']);
      assert.deepEqual(ifnames(out), ['lo', 'eth0', 'eth1']);
      assert.match(out, new RegExp(`inet ${chOpen.replace(/\./g, '\\.')}/16 .*scope global eth0`));
      assert.match(out, new RegExp(`inet ${workshop.replace(/\./g, '\\.')}/16 .*scope global eth1`));
      assert.match(out, new RegExp(`link/ether ${await inspect('con3', '{{(index .NetworkSettings.Networks "ch-open").MacAddress}}')} `));
      // containers sharing a stack talk over lo: a server bound to 127.0.0.1 only
      await ok(['run', '-d', '--name', 'lo-server', 'busybox', 'sh', '-c', 'mkdir -p /www && echo via-lo > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www']);
      const get = `for i in $(seq 50); do ${httpGet('127.0.0.1', 8080)} | tail -n 1 | grep . && break; sleep 0.1; done`;
      assert.equal(await ok(['run', '--rm', '--net', 'container:lo-server', 'busybox', 'sh', '-c', get]), 'via-lo\n');
      await ok(['rm', '-f', 'lo-server']);
    });

    test('do it yourself: nginx and an "ubuntu" client on one network; the client fetches http://web:80', async () => {
      await ok(['network', 'create', 'workshop']);
      await ok(['run', '-dtiP', '--name', 'web', '--net', 'workshop', 'nginx']);
      const port = (await ok(['port', 'web', '80'])).trim().replace(/^0\.0\.0\.0:/, '');
      await serving(port);
      const out = await ok(['run', '-i', '--name', 'ubuntu', '--net', 'workshop', 'busybox', 'sh'], `${httpGet('web', 80)}\n`);
      assert.match(out, /^HTTP\/1\.[01] 200 OK\r\n/);
      assert.ok(out.endsWith(`\r\n\r\n${PAGE}\n`), out);
    });

    test('clean up: nothing left but the three predefined networks', async () => {
      const ids = (await ok(['ps', '-aq'])).trim().split('\n').filter(Boolean);
      assert.ok(ids.length > 0);
      await ok(['rm', '-f', ...ids]);
      await ok(['network', 'rm', 'workshop-tage', 'ch-open', 'workshop']);
      assert.equal(await ok(['ps', '-aq']), '');
      assert.deepEqual(names(await ok(['network', 'ls'])), ['bridge', 'host', 'none']);
      const rules = (await host.sh(['nft', 'list', 'table', 'ip', host.prefix])).stdout;
      assert.doesNotMatch(rules, /tcp \. (80|8000) :/);
      const netns = (await runCommand(['ip', 'netns', 'list'])).stdout;
      assert.doesNotMatch(netns, new RegExp(`^${host.prefix}-`, 'm'));
    });
  });
}

/** Interface names from `ip a` / `ip -o link` output, in order, without the @peer suffix. */
function ifnames(ipOutput: string): string[] {
  return [...ipOutput.matchAll(/^\d+: ([^:@\s]+)(?:@\S+)?:/gm)].map((m) => m[1]!);
}

/** The NAME column of `docker network ls`, sorted. */
function names(ls: string): string[] {
  return ls
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[1]!)
    .sort();
}
