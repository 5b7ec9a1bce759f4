/**
 * Seed 001 ("Networking Between Containers"), replayed command by command with the berth CLI and
 * with the real docker CLI against the same daemon: localhost inside a container, the default
 * bridge by IP only, custom networks with names, IDs and aliases (`--network-alias`,
 * `network connect --alias`), connect/disconnect, and the HTTP server/client example.
 *
 * busybox plays every image: PostGIS is `nc -ll -p 5432`, launchcodedevops/simple-http is
 * `httpd -f -p 8080 -h /var/www` and simple-client is busybox's own sh (curl -> wget/ping).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, CLIS, type Cli } from '../helpers/cli.js';
import { assertNothingLeft, mustRun, root, sedContainers, startSeedHost, type SeedHost } from '../helpers/seed.js';
import { waitFor } from '../helpers/wait.js';

/** An HTTP server on 8080 answering its own hostname (the short container ID) at /. */
const WHOAMI = ['busybox', 'sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'];

for (const name of CLIS) {
  describe(`seed 001: networking between containers (${name} CLI)`, { skip: !root && 'needs root' }, () => {
    let seed: SeedHost;
    let run: Cli;
    let ok: (args: string[]) => Promise<string>;
    let messageDir: string;

    const exec = (c: string, ...argv: string[]) => run(['exec', c, ...argv]);
    const field = async (c: string, net: string, f: string) =>
      (await ok(['container', 'inspect', '--format', `{{(index .NetworkSettings.Networks "${net}").${f}}}`, c])).trim();
    const ipOf = (c: string, net: string) => field(c, net, 'IPAddress');
    const idOf = async (c: string) => (await ok(['inspect', '--format', '{{.Id}}', c])).trim();
    const networksOf = async (c: string) => (await ok(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', c])).trim();
    /** The lines `network inspect NET | sed -n '/Containers/,/Options/p'` must print, built from container inspect. */
    const expectedSection = async (net: string, containers: string[], optionsLine: string) => {
      const entries = await Promise.all(
        containers.map(async (c) => ({ c, id: await idOf(c), ep: await field(c, net, 'EndpointID'), mac: await field(c, net, 'MacAddress'), ip: await ipOf(c, net) })),
      );
      entries.sort((a, b) => (a.id < b.id ? -1 : 1));
      const blocks = entries.map(
        (e) =>
          `            "${e.id}": {\n` +
          `                "Name": "${e.c}",\n` +
          `                "EndpointID": "${e.ep}",\n` +
          `                "MacAddress": "${e.mac}",\n` +
          `                "IPv4Address": "${e.ip}/16",\n` +
          `                "IPv6Address": ""\n` +
          '            }',
      );
      return `        "Containers": {\n${blocks.join(',\n')}\n        },\n${optionsLine}\n`;
    };
    const wgetIn = (c: string, url: string) => exec(c, 'timeout', '5', 'wget', '-qO-', url);
    const resolvesTo = async (from: string, target: string, ip: string) => {
      const r = await exec(from, 'nslookup', target, '127.0.0.11');
      assert.equal(r.code, 0, `${from}: nslookup ${target}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Name:\\s+${target}\\nAddress: ${ip.replace(/\./g, '\\.')}$`, 'm'));
    };
    const badAddress = async (from: string, target: string) => {
      const r = await exec(from, 'ping', '-c', '1', '-W', '2', target);
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr, `ping: bad address '${target}'\n`);
    };

    before(async () => {
      seed = await startSeedHost();
      run = cli(seed.host, name);
      ok = mustRun(run);
    });
    after(async () => {
      if (seed) {
        await assertNothingLeft(run);
        await seed.stop();
      }
      if (messageDir) rmSync(messageDir, { recursive: true, force: true });
    });

    test('localhost: a published port answers on the host\'s localhost; in a container localhost is the container itself', async () => {
      await ok(['run', '-d', '--name', 'postgis', '-p', '5432:5432', 'busybox', 'nc', '-ll', '-p', '5432', '-e', 'echo', 'PostgreSQL ready']);
      const fromHost = () => seed.host.sh(['busybox', 'nc', '-w', '3', 'localhost', '5432']);
      await waitFor(async () => (await fromHost()).stdout === 'PostgreSQL ready\n', 10_000, 'localhost:5432 answers on the host');
      const inside = await run(['run', '--rm', 'busybox', 'nc', '-w', '3', 'localhost', '5432']);
      assert.equal(inside.code, 1);
      assert.equal(inside.stderr, "nc: can't connect to remote host (127.0.0.1): Connection refused\n");
      // ... while the container that owns the port reaches it on its own localhost.
      assert.equal((await exec('postgis', 'nc', '-w', '3', 'localhost', '5432')).stdout, 'PostgreSQL ready\n');
    });

    test('default network: network ls, inspect bridge (the sed view of Containers), reach by IP even without -p, no names', async () => {
      await ok(['run', '-d', '--name', 'web', ...WHOAMI]);
      assert.deepEqual((await ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).split('\n'), ['bridge bridge', 'host host', 'none null', '']);
      const inspect = await ok(['network', 'inspect', 'bridge']);
      const [bridge] = JSON.parse(inspect);
      assert.equal(bridge.IPAM.Config[0].Subnet, '172.17.0.0/16');
      assert.equal(await sedContainers(inspect), await expectedSection('bridge', ['postgis', 'web'], '        "Options": {'));

      const webIp = await ipOf('web', 'bridge');
      assert.match(webIp, /^172\.17\.0\.\d+$/);
      const webId = (await idOf('web')).slice(0, 12);
      await waitFor(async () => (await run(['run', '--rm', 'busybox', 'timeout', '5', 'wget', '-qO-', `http://${webIp}:8080/`])).stdout === `${webId}\n`, 10_000, 'web by IP');
      assert.equal((await exec('postgis', 'nc', '-w', '3', webIp, '8080')).code, 0);
      await badAddress('postgis', 'web');
      assert.equal(await ok(['rm', '-f', 'postgis', 'web']), 'postgis\nweb\n');
    });

    test('custom network: docker network create my-network; network ls shows it with the three defaults', async () => {
      const id = (await ok(['network', 'create', 'my-network'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const ls = await ok(['network', 'ls']);
      assert.match(ls, /^NETWORK ID     NAME         DRIVER    SCOPE\n/);
      assert.match(ls, new RegExp(`^${id.slice(0, 12)}   my-network   bridge    local$`, 'm'));
      assert.deepEqual((await ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n'), ['bridge', 'host', 'my-network', 'none', '']);
    });

    test('two containers and a network: service-one and service-two reach each other by name and by container ID', async () => {
      await ok(['run', '-d', '--name', 'service-one', '--network', 'my-network', ...WHOAMI]);
      await ok(['run', '-d', '--name', 'service-two', '--network', 'my-network', ...WHOAMI]);
      const one = { id: (await idOf('service-one')).slice(0, 12), ip: await ipOf('service-one', 'my-network') };
      const two = { id: (await idOf('service-two')).slice(0, 12), ip: await ipOf('service-two', 'my-network') };
      await waitFor(async () => (await wgetIn('service-one', 'http://service-two:8080/')).stdout === `${two.id}\n`, 10_000, 'service-two by name');
      await waitFor(async () => (await wgetIn('service-two', 'http://service-one:8080/')).stdout === `${one.id}\n`, 10_000, 'service-one by name');
      assert.equal((await wgetIn('service-one', `http://${two.id}:8080/`)).stdout, `${two.id}\n`);
      // curl -v's "Connected to service-two (172.x.x.x)": the name resolves to the container's address.
      const ping = await exec('service-one', 'ping', '-c', '1', '-W', '2', 'service-two');
      assert.equal(ping.code, 0, ping.stderr);
      assert.match(ping.stdout, new RegExp(`^PING service-two \\(${two.ip.replace(/\./g, '\\.')}\\)`));
      await resolvesTo('service-two', 'service-one', one.ip);
      assert.match((await exec('service-one', 'cat', '/etc/resolv.conf')).stdout, /^nameserver 127\.0\.0\.11$/m);
    });

    test('network connect: a default-bridge container joins my-network (keeping the bridge) and is reached by name; disconnect undoes it', async () => {
      await ok(['run', '-d', '--name', 'legacy', ...WHOAMI]);
      await badAddress('service-one', 'legacy');
      assert.equal(await ok(['network', 'connect', 'my-network', 'legacy']), '');
      assert.equal(await networksOf('legacy'), 'bridge my-network');
      const ip = await ipOf('legacy', 'my-network');
      await resolvesTo('service-one', 'legacy', ip);
      assert.equal((await wgetIn('service-one', 'http://legacy:8080/')).stdout, `${(await idOf('legacy')).slice(0, 12)}\n`);

      assert.equal(await ok(['network', 'disconnect', 'my-network', 'legacy']), '');
      assert.equal(await networksOf('legacy'), 'bridge');
      await badAddress('service-one', 'legacy');
      assert.equal((await exec('service-one', 'ping', '-c', '1', '-W', '1', ip)).code, 1, 'the old address is gone');
      assert.equal(await ok(['rm', '-f', 'legacy']), 'legacy\n');
    });

    test('network connect --alias: the container answers to the alias and its name on that network', async () => {
      await ok(['run', '-d', '--name', 'cache-box', ...WHOAMI]);
      assert.equal(await ok(['network', 'connect', '--alias', 'cache', 'my-network', 'cache-box']), '');
      assert.equal(await field('cache-box', 'my-network', 'Aliases'), '[cache]');
      const ip = await ipOf('cache-box', 'my-network');
      await resolvesTo('service-one', 'cache', ip);
      await resolvesTo('service-one', 'cache-box', ip);
      assert.equal((await wgetIn('service-two', 'http://cache:8080/')).stdout, `${(await idOf('cache-box')).slice(0, 12)}\n`);
      // The alias lives on my-network only: the default bridge has no names at all.
      await ok(['run', '-d', '--name', 'bystander', 'busybox', 'sleep', '600']);
      await badAddress('bystander', 'cache');
      assert.equal(await ok(['network', 'disconnect', 'my-network', 'cache-box']), '');
      await badAddress('service-one', 'cache');
      assert.equal(await ok(['rm', '-f', 'cache-box', 'bystander']), 'cache-box\nbystander\n');
    });

    test('docker run --network my-network --network-alias: each flag one alias (a comma does not split them)', async () => {
      await ok(['run', '-d', '--name', 'api-box', '--network', 'my-network', '--network-alias', 'api', '--network-alias', 'backend', ...WHOAMI]);
      const ip = await ipOf('api-box', 'my-network');
      assert.equal(await field('api-box', 'my-network', 'Aliases'), '[api backend]');
      await resolvesTo('service-one', 'api', ip);
      await resolvesTo('service-one', 'backend', ip);
      assert.equal((await wgetIn('service-one', 'http://backend:8080/')).stdout, `${(await idOf('api-box')).slice(0, 12)}\n`);

      // `--network-alias <alias>[,<other alias>]` as the tutorial writes it is ONE alias "a,b" for Docker's CLI.
      await ok(['run', '-d', '--name', 'comma-box', '--network', 'my-network', '--network-alias', 'front,edge', ...WHOAMI]);
      assert.equal(await field('comma-box', 'my-network', 'Aliases'), '[front,edge]');
      await badAddress('service-one', 'front');
      assert.equal(await ok(['rm', '-f', 'api-box', 'comma-box', 'service-one', 'service-two']), 'api-box\ncomma-box\nservice-one\nservice-two\n');
      assert.equal(await ok(['network', 'rm', 'my-network']), 'my-network\n');
    });

    test('custom network example: server and client on networking-test, client fetches server:8080/message', async () => {
      assert.match(await ok(['network', 'create', 'networking-test']), /^[0-9a-f]{64}\n$/);
      messageDir = mkdtempSync(join(tmpdir(), 'networking-test-'));
      writeFileSync(join(messageDir, 'message'), 'using container aliases works!\n');
      await ok(['run', '-d', '--rm', '--name', 'server', '--network', 'networking-test', '-v', `${messageDir}/:/var/www/:ro`, 'busybox', 'httpd', '-f', '-p', '8080', '-h', '/var/www']);
      await ok(['run', '-itd', '--name', 'client', '--network', 'networking-test', 'busybox']);
      assert.equal((await ok(['inspect', '--format', '{{.State.Running}} {{.Config.Tty}} {{.Config.OpenStdin}}', 'client'])).trim(), 'true true true');

      const inspect = await ok(['network', 'inspect', 'networking-test']);
      assert.equal(await sedContainers(inspect), await expectedSection('networking-test', ['server', 'client'], '        "Options": {},'));

      const serverIp = await ipOf('server', 'networking-test');
      await waitFor(async () => (await exec('client', 'timeout', '5', 'wget', '-qO-', 'http://server:8080/message')).code === 0, 10_000, 'server answers');
      assert.equal((await exec('client', 'timeout', '5', 'wget', '-qO-', 'server:8080/message')).stdout, 'using container aliases works!\n');
      // curl -v's "Connected to server (172.x.x.x) port 8080": the whole exchange, resolved by name.
      const raw = await exec('client', 'sh', '-c', "printf 'GET /message HTTP/1.1\\r\\nHost: server:8080\\r\\nConnection: close\\r\\n\\r\\n' | nc -w 3 server 8080");
      assert.match(raw.stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(raw.stdout, /\r\n\r\nusing container aliases works!\n$/);
      await resolvesTo('client', 'server', serverIp);
    });

    test('clean up: docker stop server client (server removes itself), docker network remove, rm -rf the directory', async () => {
      assert.equal(await ok(['stop', 'server', 'client']), 'server\nclient\n');
      await waitFor(async () => (await ok(['ps', '-a', '--format', '{{.Names}}'])) === 'client\n', 10_000, 'server removed by --rm');
      assert.match(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /^client Exited \(\d+\) .*ago\n$/);

      const noName = await run(['network', 'remove']);
      assert.equal(noName.code, 1);
      assert.equal(
        noName.stderr,
        `${name}: '${name} network rm' requires at least 1 argument\n\nUsage:  ${name} network rm NETWORK [NETWORK...]\n\nSee '${name} network rm --help' for more information\n`,
      );
      // A stopped container holds no endpoint, so the network goes (Docker's rule) ...
      assert.equal(await ok(['network', 'remove', 'networking-test']), 'networking-test\n');
      // ... and the tutorial's client, without --rm, is left for the reader to remove.
      assert.equal(await ok(['rm', 'client']), 'client\n');
      rmSync(messageDir, { recursive: true, force: true });
      await assertNothingLeft(run);
    });
  });
}
