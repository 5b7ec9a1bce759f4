/**
 * Seed 002 ("Lesson 5 - Networking in Docker"), replayed command by command with the berth CLI
 * and with the real docker CLI against the same daemon: two containers on the default bridge
 * that cannot ping each other by name, the same two on alpine-network that can, and a backend
 * that reaches its MySQL container through an environment variable holding the container's name.
 *
 * busybox plays alpine, mysql:5.7 (`httpd -p 3306` serving the mounted init.sql) and
 * k8scourse-back (a shell HTTP server on 3000, `nc -ll -e`, whose /health connects to
 * $MYSQL_HOST:3306, "localhost" when unset, as the course's Node backend does). `ping redhat.com` goes to the test host's
 * DNS stub, which answers 192.0.2.10, an address of the test host itself.
 * `docker exec -it one /bin/sh` runs under a pseudo-terminal with the lines typed at the prompt.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, CLIS, type Cli } from '../helpers/cli.js';
import { assertNothingLeft, curl, interactive, mustRun, ncGetScript, root, startSeedHost, type SeedHost } from '../helpers/seed.js';
import { waitFor } from '../helpers/wait.js';

const REDHAT = '192.0.2.10';
const INIT_SQL = 'CREATE TABLE notes (id INT PRIMARY KEY, text VARCHAR(255));\n';
/** The backend: one shell per connection (nc -ll -e), routing GET /health to a database round trip. */
const BACKEND = `#!/bin/sh
read -r method path proto
while read -r line; do [ -z "$(echo "$line" | tr -d '\\r')" ] && break; done
host=\${MYSQL_HOST:-localhost}
case "$path" in
  /health)
    if printf 'GET /init.sql HTTP/1.0\\r\\n\\r\\n' | nc -w 3 "$host" 3306 2>/dev/null | grep -q 'CREATE TABLE'; then
      status='200 OK'; body="{\\"status\\":\\"ok\\",\\"database\\":\\"$host\\"}"
    else
      status='500 Internal Server Error'; body="{\\"error\\":\\"Cannot connect to the database server at $host\\"}"
    fi ;;
  *) status='404 Not Found'; body='{"error":"Not Found"}' ;;
esac
printf 'HTTP/1.1 %s\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\nConnection: close\\r\\n\\r\\n%s\\n' "$status" "$((\${#body} + 1))" "$body"
`;

for (const name of CLIS) {
  describe(`seed 002: containers that share a network (${name} CLI)`, { skip: !root && 'needs root' }, () => {
    let seed: SeedHost;
    let run: Cli;
    let ok: (args: string[]) => Promise<string>;
    let dir: string;
    let backImage: string[];
    let dbArgs: string[];

    const exec = (c: string, ...argv: string[]) => run(['exec', c, ...argv]);
    const ipOf = async (c: string, net: string) =>
      (await ok(['container', 'inspect', '--format', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, c])).trim();

    before(async () => {
      seed = await startSeedHost({ 'redhat.com': [REDHAT] }, [REDHAT]);
      run = cli(seed.host, name);
      ok = mustRun(run);
      dir = mkdtempSync(join(tmpdir(), 'berth-seed002-'));
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'db', 'init.sql'), INIT_SQL);
      mkdirSync(join(dir, 'back'));
      writeFileSync(join(dir, 'back', 'server.sh'), BACKEND);
      chmodSync(join(dir, 'back', 'server.sh'), 0o755);
      // "cd db; ... -v $(pwd)/init.sql:/docker-entrypoint-initdb.d/init.sql ... mysql:5.7"
      dbArgs = [
        '-v', `${join(dir, 'db')}/init.sql:/docker-entrypoint-initdb.d/init.sql`,
        '--network', 'k8scourse',
        'busybox', 'httpd', '-f', '-p', '3306', '-h', '/docker-entrypoint-initdb.d',
      ];
      backImage = ['-v', `${join(dir, 'back')}:/app:ro`, 'busybox', 'sh', '-c', 'echo "Server running on port 3000"; exec nc -ll -p 3000 -e /app/server.sh'];
    });
    after(async () => {
      if (seed) {
        await assertNothingLeft(run);
        await seed.stop();
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('docker run -it -d --rm --name one alpine /bin/sh (and two): both up on the default bridge', async () => {
      for (const c of ['one', 'two']) assert.match(await ok(['run', '-it', '-d', '--rm', '--name', c, 'busybox', '/bin/sh']), /^[0-9a-f]{64}\n$/);
      assert.equal(await ok(['ps', '--format', '{{.Names}} {{.Command}} {{.Status}}']).then((s) => s.replace(/Up .*/g, 'Up')), 'two "/bin/sh" Up\none "/bin/sh" Up\n');
      assert.equal((await ok(['inspect', '--format', '{{.Config.Tty}} {{.Config.OpenStdin}} {{.HostConfig.AutoRemove}}', 'one'])).trim(), 'true true true');
    });

    test('docker exec -it one /bin/sh: ls, docker ps (not found), ping redhat.com answers, ping two is a bad address', async () => {
      const session = await interactive(seed.host, name, ['exec', '-it', 'one', '/bin/sh'], ['ls', 'docker ps', 'ping -c 1 redhat.com', 'ping -c 1 two', 'exit']);
      assert.match(session.transcript, /\/ # ls\n(.*\n)?.*\bbin\b.*\betc\b.*\bproc\b.*\n/);
      assert.match(session.transcript, /\/ # docker ps\n\/bin\/sh: docker: not found\n/);
      assert.match(session.transcript, new RegExp(`/ # ping -c 1 redhat.com\\nPING redhat.com \\(${REDHAT.replace(/\./g, '\\.')}\\): 56 data bytes\\n64 bytes from ${REDHAT.replace(/\./g, '\\.')}: seq=0 ttl=64 time=`));
      assert.match(session.transcript, /1 packets transmitted, 1 packets received, 0% packet loss/);
      assert.match(session.transcript, /\/ # ping -c 1 two\nping: bad address 'two'\n\/ # exit\n/);
      assert.equal(session.code, 1, 'exit returns the last command\'s status (the failed ping)');
    });

    test('the same without a terminal: names do not resolve on the default bridge, addresses do', async () => {
      const byName = await exec('one', 'ping', '-c', '1', 'two');
      assert.deepEqual([byName.code, byName.stdout, byName.stderr], [1, '', "ping: bad address 'two'\n"]);
      const twoIp = await ipOf('two', 'bridge');
      const byIp = await exec('one', 'ping', '-c', '1', '-W', '2', twoIp);
      assert.equal(byIp.code, 0, byIp.stderr);
      assert.match(byIp.stdout, /1 packets transmitted, 1 packets received/);
      // Default-bridge containers use the host's resolver (the stub), not the embedded one.
      assert.match((await exec('one', 'cat', '/etc/resolv.conf')).stdout, /^nameserver 192\.0\.2\.53$/m);
      assert.ok(seed.stub.queries().includes('redhat.com A'), seed.stub.queries().join(', '));
    });

    test('exit; docker stop one; docker stop two: --rm removes them', async () => {
      assert.equal(await ok(['stop', 'one']), 'one\n');
      assert.equal(await ok(['stop', 'two']), 'two\n');
      await waitFor(async () => (await ok(['ps', '-aq'])) === '', 10_000, 'one and two removed');
    });

    test('docker network create alpine-network; one and two on it; network inspect lists both', async () => {
      const id = (await ok(['network', 'create', 'alpine-network'])).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      for (const c of ['one', 'two']) await ok(['run', '-it', '-d', '--rm', '--name', c, '--network', 'alpine-network', 'busybox', '/bin/sh']);
      const [net] = JSON.parse(await ok(['network', 'inspect', 'alpine-network']));
      assert.equal(net.Id, id);
      const members = Object.values(net.Containers as Record<string, { Name: string; IPv4Address: string }>)
        .map((c) => `${c.Name} ${c.IPv4Address}`)
        .sort();
      assert.deepEqual(members, [`one ${await ipOf('one', 'alpine-network')}/16`, `two ${await ipOf('two', 'alpine-network')}/16`]);
    });

    test('docker exec -it one /bin/sh; ping two: it answers, by the name the embedded DNS gives it', async () => {
      const twoIp = await ipOf('two', 'alpine-network');
      const session = await interactive(seed.host, name, ['exec', '-it', 'one', '/bin/sh'], ['ping -c 1 two', 'exit']);
      assert.match(session.transcript, new RegExp(`/ # ping -c 1 two\\nPING two \\(${twoIp.replace(/\./g, '\\.')}\\): 56 data bytes\\n64 bytes from ${twoIp.replace(/\./g, '\\.')}: seq=0`));
      assert.match(session.transcript, /1 packets transmitted, 1 packets received, 0% packet loss/);
      assert.equal(session.code, 0);
      const lookup = await exec('one', 'nslookup', 'two', '127.0.0.11');
      assert.match(lookup.stdout, new RegExp(`^Name:\\s+two\\nAddress: ${twoIp.replace(/\./g, '\\.')}$`, 'm'));
      assert.match((await exec('one', 'cat', '/etc/resolv.conf')).stdout, /^nameserver 127\.0\.0\.11$/m);
      // Names that are not containers still go upstream.
      assert.equal((await exec('one', 'ping', '-c', '1', '-W', '2', 'redhat.com')).code, 0);
      assert.equal(await ok(['stop', 'one', 'two']), 'one\ntwo\n');
      assert.equal(await ok(['network', 'rm', 'alpine-network']), 'alpine-network\n');
    });

    test('docker network create k8scourse; the database (-p 3306:3306, init.sql mounted) and the backend (-p 3000:3000)', async () => {
      assert.match(await ok(['network', 'create', 'k8scourse']), /^[0-9a-f]{64}\n$/);
      await ok(['run', '-p', '3306:3306', '-d', '--name', 'k8scourse-db', '-e', 'MYSQL_USER=user', '-e', 'MYSQL_PASSWORD=mysql', '-e', 'MYSQL_ROOT_PASSWORD=root', '--rm', ...dbArgs]);
      await ok(['run', '-p', '3000:3000', '-d', '--name', 'back', '--rm', '--network', 'k8scourse', ...backImage]);
      // The database's port is published too, and the mounted file is there.
      await waitFor(async () => (await curl(seed.host, 'http://localhost:3306/init.sql')).body === INIT_SQL, 10_000, 'the database answers on localhost:3306');
      assert.equal((await exec('k8scourse-db', 'cat', '/docker-entrypoint-initdb.d/init.sql')).stdout, INIT_SQL);
    });

    test('curl localhost:3000/health: the backend cannot reach a database on its own localhost', async () => {
      await waitFor(async () => (await curl(seed.host, 'http://localhost:3000/health')).status !== 0, 10_000, 'the backend answers');
      assert.deepEqual(await curl(seed.host, 'localhost:3000/health'), {
        status: 500,
        body: '{"error":"Cannot connect to the database server at localhost"}\n',
      });
    });

    test('docker stop back; docker run ... -e MYSQL_HOST=k8scourse-db: /health is ok', async () => {
      assert.equal(await ok(['stop', 'back']), 'back\n');
      await waitFor(async () => (await run(['inspect', 'back'])).code !== 0, 10_000, 'back removed by --rm');
      await ok(['run', '-p', '3000:3000', '--name', 'back', '--rm', '--network', 'k8scourse', '-e', 'MYSQL_HOST=k8scourse-db', '-d', ...backImage]);
      await waitFor(async () => (await curl(seed.host, 'http://localhost:3000/health')).status === 200, 10_000, '/health is ok');
      assert.deepEqual(await curl(seed.host, 'localhost:3000/health'), { status: 200, body: '{"status":"ok","database":"k8scourse-db"}\n' });
      // The same fetch from inside the network, by the backend's name.
      const inside = await exec('k8scourse-db', 'sh', '-c', ncGetScript('back', 3000, '/health'));
      assert.match(inside.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"status":"ok","database":"k8scourse-db"\}\n$/);
    });

    test('docker ps shows both; docker logs back says the server is running', async () => {
      const ps = await ok(['ps']);
      assert.match(ps, /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES\n/);
      assert.match(ps, /^[0-9a-f]{12} +busybox +"sh -c 'echo \\"Server…" .* Up .* 0\.0\.0\.0:3000->3000\/tcp +back$/m);
      assert.match(ps, /^[0-9a-f]{12} +busybox +"httpd -f -p 3306 -h…" .* Up .* 0\.0\.0\.0:3306->3306\/tcp +k8scourse-db$/m);
      assert.equal(ps.split('\n').length, 4);
      assert.equal(await ok(['logs', 'back']), 'Server running on port 3000\n');
    });

    test('clean up: stop both (--rm), network rm k8scourse', async () => {
      assert.equal(await ok(['stop', 'back', 'k8scourse-db']), 'back\nk8scourse-db\n');
      await waitFor(async () => (await ok(['ps', '-aq'])) === '', 10_000, 'both removed by --rm');
      assert.equal(await ok(['network', 'rm', 'k8scourse']), 'k8scourse\n');
      await assertNothingLeft(run);
    });
  });
}
