/**
 * Seed 000 ("Basic Docker network for developers part 1"), replayed command by command with the
 * berth CLI and with the real docker CLI against the same daemon.
 *
 * The tutorial's images are played by busybox:
 * - tutorial-image (Flask on 5000): `httpd -f -p 5000 -h /app` serving /test ("It works!") and,
 *   at "/", a CGI that fetches the data from the database at host "mongo" port 27017, exactly as
 *   the tutorial's app.py does, answering 500 Internal Server Error when it cannot;
 * - mongo: `httpd -p 27017` answering an empty collection, "[]".
 * The browser is curl on the test host's loopback (`-p 80:5000`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, CLIS, type Cli } from '../helpers/cli.js';
import { assertNothingLeft, curl, mustRun, root, startSeedHost, type SeedHost } from '../helpers/seed.js';
import { waitFor } from '../helpers/wait.js';

const APP_CGI = `#!/bin/sh
# app.py's "/": read everything from the database at host "mongo"
data=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 mongo 27017 2>/dev/null | tail -n 1)
if [ -z "$data" ]; then
  printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nInternal Server Error\\n'
else
  printf 'Content-Type: application/json\\r\\n\\r\\n%s\\n' "$data"
fi
`;
const MONGO_ENV = ['-e', 'MONGO_INITDB_ROOT_USERNAME=admin', '-e', 'MONGO_INITDB_ROOT_PASSWORD=admin'];
const MONGO_IMAGE = ['busybox', 'sh', '-c', 'mkdir -p /data && echo "[]" > /data/index.html && exec httpd -f -p 27017 -h /data'];

function ipInSubnet(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(net!) / size);
}

interface InspectedNetwork {
  Name: string;
  Id: string;
  Driver: string;
  IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
  Containers: Record<string, { Name: string; IPv4Address: string }>;
}

for (const name of CLIS) {
  describe(`seed 000: a web app and its database (${name} CLI)`, { skip: !root && 'needs root' }, () => {
    let seed: SeedHost;
    let run: Cli;
    let ok: (args: string[]) => Promise<string>;
    let appDir: string;
    /** The image's arguments: the app directory mounted read-only, httpd on 5000. */
    let tutorialImage: string[];
    const mongoIp: Record<string, string> = {};

    const inspectNetwork = async (net: string): Promise<InspectedNetwork> => {
      const [obj] = JSON.parse(await ok(['network', 'inspect', net])) as InspectedNetwork[];
      return obj!;
    };
    const containerIp = async (c: string, net: string) =>
      (await ok(['container', 'inspect', '--format', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, c])).trim();
    const execIn = (c: string, script: string) => run(['exec', c, 'sh', '-c', script]);

    before(async () => {
      seed = await startSeedHost();
      run = cli(seed.host, name);
      ok = mustRun(run);
      appDir = mkdtempSync(join(tmpdir(), 'berth-seed000-'));
      mkdirSync(join(appDir, 'cgi-bin'));
      writeFileSync(join(appDir, 'test'), 'It works!\n');
      writeFileSync(join(appDir, 'cgi-bin', 'index.cgi'), APP_CGI);
      chmodSync(join(appDir, 'cgi-bin', 'index.cgi'), 0o755);
      tutorialImage = ['-v', `${appDir}:/app:ro`, 'busybox', 'httpd', '-f', '-p', '5000', '-h', '/app'];
    });
    after(async () => {
      if (seed) {
        await assertNothingLeft(run);
        await seed.stop();
      }
      if (appDir) rmSync(appDir, { recursive: true, force: true });
    });

    test('2. docker run --name tutorial-container -p 80:5000 -d tutorial-image: ps shows it up, localhost/test says "It works!"', async () => {
      const id = (await ok(['run', '--name', 'tutorial-container', '-p', '80:5000', '-d', ...tutorialImage])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const ps = await ok(['ps']);
      assert.match(ps, /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES\n/);
      assert.match(ps, new RegExp(`^${id.slice(0, 12)} +busybox +"httpd -f -p 5000 -h…" .* Up .* 0\\.0\\.0\\.0:80->5000/tcp +tutorial-container$`, 'm'));
      await waitFor(async () => (await curl(seed.host, 'http://localhost/test')).status === 200, 10_000, 'localhost/test answers');
      assert.deepEqual(await curl(seed.host, 'http://localhost/test'), { status: 200, body: 'It works!\n' });
    });

    test('3. docker network ls: the three default networks', async () => {
      const ids: Record<string, string> = {};
      for (const n of ['bridge', 'host', 'none']) ids[n] = (await ok(['network', 'inspect', '--format', '{{.Id}}', n])).trim().slice(0, 12);
      assert.equal(
        await ok(['network', 'ls']),
        'NETWORK ID     NAME      DRIVER    SCOPE\n' +
          `${ids.bridge}   bridge    bridge    local\n` +
          `${ids.host}   host      host      local\n` +
          `${ids.none}   none      null      local\n`,
      );
    });

    test('3. docker network inspect bridge lists tutorial-container; container inspect shows the bridge network', async () => {
      const bridge = await inspectNetwork('bridge');
      assert.equal(bridge.Driver, 'bridge');
      const ip = await containerIp('tutorial-container', 'bridge');
      assert.ok(ipInSubnet(ip, bridge.IPAM.Config[0]!.Subnet), `${ip} in ${bridge.IPAM.Config[0]!.Subnet}`);
      assert.deepEqual(
        Object.values(bridge.Containers).map((c) => [c.Name, c.IPv4Address]),
        [['tutorial-container', `${ip}/16`]],
      );
      const [obj] = JSON.parse(await ok(['container', 'inspect', 'tutorial-container']));
      assert.deepEqual(Object.keys(obj.NetworkSettings.Networks), ['bridge']);
      assert.equal(obj.NetworkSettings.Networks.bridge.NetworkID, bridge.Id);
      assert.equal(obj.NetworkSettings.Networks.bridge.Gateway, bridge.IPAM.Config[0]!.Gateway);
    });

    test('3.1 localhost/ is a 500: the app finds no database', async () => {
      assert.deepEqual(await curl(seed.host, 'http://localhost/'), { status: 500, body: 'Internal Server Error\n' });
    });

    test('3.1 docker run ... --name tutorial-mongo-container mongo: on the bridge too, reachable by IP only, still a 500', async () => {
      const id = (await ok(['run', ...MONGO_ENV, '-d', '--name', 'tutorial-mongo-container', ...MONGO_IMAGE])).trim();
      const bridge = await inspectNetwork('bridge');
      mongoIp.bridge = await containerIp('tutorial-mongo-container', 'bridge');
      assert.equal(bridge.Containers[id]?.Name, 'tutorial-mongo-container');
      assert.equal(bridge.Containers[id]?.IPv4Address, `${mongoIp.bridge}/16`);
      assert.deepEqual(Object.values(bridge.Containers).map((c) => c.Name).sort(), ['tutorial-container', 'tutorial-mongo-container']);
      // The env reached the "database".
      assert.equal((await execIn('tutorial-mongo-container', 'echo $MONGO_INITDB_ROOT_USERNAME:$MONGO_INITDB_ROOT_PASSWORD')).stdout, 'admin:admin\n');

      // The default bridge connects the two, by address only.
      const byIp = await execIn('tutorial-container', `ping -c 1 -W 2 ${mongoIp.bridge}`);
      assert.equal(byIp.code, 0, byIp.stdout + byIp.stderr);
      await waitFor(async () => (await execIn('tutorial-container', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${mongoIp.bridge} 27017`)).stdout.endsWith('\n[]\n'), 10_000, 'mongo answers by IP');
      const byName = await execIn('tutorial-container', 'ping -c 1 -W 2 tutorial-mongo-container');
      assert.equal(byName.code, 1);
      assert.equal(byName.stderr, "ping: bad address 'tutorial-mongo-container'\n");
      assert.doesNotMatch((await execIn('tutorial-container', 'cat /etc/resolv.conf')).stdout, /127\.0\.0\.11/);

      assert.deepEqual(await curl(seed.host, 'http://localhost/'), { status: 500, body: 'Internal Server Error\n' });
    });

    test('3.2 docker stop tutorial-mongo-container tutorial-container; docker network create tutorial-network; network ls', async () => {
      assert.equal(await ok(['stop', 'tutorial-mongo-container', 'tutorial-container']), 'tutorial-mongo-container\ntutorial-container\n');
      const id = (await ok(['network', 'create', 'tutorial-network'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const ls = await ok(['network', 'ls']);
      assert.match(ls, new RegExp(`^${id.slice(0, 12)}   tutorial-network   bridge    local$`, 'm'));
      assert.deepEqual((await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean), ['bridge', 'host', 'none', 'tutorial-network']);
      assert.equal((await curl(seed.host, 'http://localhost/test')).status, 0, 'the app is stopped');
    });

    test('3.2 docker run ... --network tutorial-network: the stopped containers still hold the names, as in Docker', async () => {
      const oldId = (await ok(['inspect', '--format', '{{.Id}}', 'tutorial-mongo-container'])).trim();
      const again = await run(['run', ...MONGO_ENV, '-d', '--name', 'tutorial-mongo-container', '--network', 'tutorial-network', ...MONGO_IMAGE]);
      assert.equal(again.code, 125);
      assert.match(
        again.stderr,
        new RegExp(
          `^${name}: Error response from daemon: Conflict\\. The container name "/tutorial-mongo-container" is already in use by container "${oldId}"\\. You have to remove \\(or rename\\) that container to be able to reuse that name\\.\n`,
        ),
      );
      // What the reader has to do before the tutorial's next commands work.
      assert.equal(await ok(['rm', 'tutorial-mongo-container', 'tutorial-container']), 'tutorial-mongo-container\ntutorial-container\n');
    });

    test('3.2 both containers on tutorial-network: network inspect shows them in its subnet', async () => {
      await ok(['run', ...MONGO_ENV, '-d', '--name', 'tutorial-mongo-container', '--network', 'tutorial-network', ...MONGO_IMAGE]);
      await ok(['run', '--name', 'tutorial-container', '-p', '80:5000', '-d', '--network', 'tutorial-network', ...tutorialImage]);
      const net = await inspectNetwork('tutorial-network');
      const subnet = net.IPAM.Config[0]!.Subnet;
      assert.notEqual(subnet, (await inspectNetwork('bridge')).IPAM.Config[0]!.Subnet);
      const members = Object.values(net.Containers).map((c) => c.Name).sort();
      assert.deepEqual(members, ['tutorial-container', 'tutorial-mongo-container']);
      for (const c of Object.values(net.Containers)) {
        const ip = await containerIp(c.Name, 'tutorial-network');
        assert.equal(c.IPv4Address, `${ip}/16`);
        assert.ok(ipInSubnet(ip, subnet), `${ip} in ${subnet}`);
      }
      mongoIp.tutorial = await containerIp('tutorial-mongo-container', 'tutorial-network');
      await waitFor(async () => (await curl(seed.host, 'http://localhost/test')).status === 200, 10_000, 'localhost/test answers again');
    });

    test('3.2 still a 500: the app asks for "mongo"; the embedded DNS knows only tutorial-mongo-container', async () => {
      const resolv = (await execIn('tutorial-container', 'cat /etc/resolv.conf')).stdout;
      assert.match(resolv, /^nameserver 127\.0\.0\.11$/m);
      assert.doesNotMatch(resolv, /^nameserver (?!127\.0\.0\.11$)/m);
      const found = await execIn('tutorial-container', 'nslookup tutorial-mongo-container 127.0.0.11');
      assert.equal(found.code, 0, found.stdout + found.stderr);
      assert.match(found.stdout, new RegExp(`^Name:\\s+tutorial-mongo-container\\nAddress: ${mongoIp.tutorial!.replace(/\./g, '\\.')}$`, 'm'));
      const ping = await execIn('tutorial-container', 'ping -c 1 -W 2 tutorial-mongo-container');
      assert.equal(ping.code, 0, ping.stdout + ping.stderr);
      assert.match(ping.stdout, new RegExp(`^PING tutorial-mongo-container \\(${mongoIp.tutorial!.replace(/\./g, '\\.')}\\)`));

      const missing = await execIn('tutorial-container', 'nslookup mongo 127.0.0.11');
      assert.equal(missing.code, 1);
      assert.match(missing.stdout, /\*\* server can't find mongo: NXDOMAIN/);
      assert.deepEqual(await curl(seed.host, 'http://localhost/'), { status: 500, body: 'Internal Server Error\n' });
    });

    test('3.2 docker stop tutorial-mongo-container; docker run ... --network tutorial-network --name mongo mongo: the app reads the data', async () => {
      assert.equal(await ok(['stop', 'tutorial-mongo-container']), 'tutorial-mongo-container\n');
      await ok(['run', ...MONGO_ENV, '-d', '--network', 'tutorial-network', '--name', 'mongo', ...MONGO_IMAGE]);
      const ip = await containerIp('mongo', 'tutorial-network');
      // Docker hands the stopped database's address to the new one; the app, which talked to the
      // old holder, must reach the new one (new MAC) at once, not after its ARP entry times out.
      assert.equal(ip, mongoIp.tutorial);
      await waitFor(async () => (await curl(seed.host, 'http://localhost/')).status === 200, 8_000, 'localhost/ answers 200');
      assert.deepEqual(await curl(seed.host, 'http://localhost/'), { status: 200, body: '[]\n' });
      const found = await execIn('tutorial-container', 'nslookup mongo 127.0.0.11');
      assert.match(found.stdout, new RegExp(`^Name:\\s+mongo\\nAddress: ${ip.replace(/\./g, '\\.')}$`, 'm'));
      assert.deepEqual(Object.values((await inspectNetwork('tutorial-network')).Containers).map((c) => c.Name).sort(), ['mongo', 'tutorial-container']);
    });

    test('clean up: rm -f the containers, network rm tutorial-network', async () => {
      assert.equal(await ok(['rm', '-f', 'mongo', 'tutorial-container', 'tutorial-mongo-container']), 'mongo\ntutorial-container\ntutorial-mongo-container\n');
      assert.equal(await ok(['network', 'rm', 'tutorial-network']), 'tutorial-network\n');
      await assertNothingLeft(run);
    });
  });
}
