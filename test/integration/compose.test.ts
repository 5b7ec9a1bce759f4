/**
 * `berth compose` against a real daemon in a test host: the compose networking tutorial's
 * front/back topology, service names and aliases resolved by the embedded DNS, isolation between
 * networks, `ps`, a second `up` that changes nothing, `down`, and an external network.
 *
 * Written before the CLI could route `berth compose` here; run it once `dist/src/cli/main.js`
 * exists (npm run build) as root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestHost } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';

const STACK = `
services:
  web:
    image: busybox:latest
    command: httpd -f -p 80 -h /www
    volumes: ["./site:/www:ro"]
    networks: [front]
  app:
    image: busybox:latest
    command: sleep 3600
    depends_on: [web, db]
    links: ["db:database"]
    networks:
      front:
        ipv4_address: 10.201.1.50
        aliases: [frontend]
      back:
  db:
    image: busybox:latest
    command: sh -c "mkdir -p /www && echo db-says-hi > /www/index.html && exec httpd -f -p 80 -h /www"
    networks: [back]
networks:
  front:
    ipam:
      config: [{subnet: 10.201.1.0/24, gateway: 10.201.1.1}]
  back: {}
`;

describe('berth compose', { skip: !process.getuid || process.getuid() !== 0 }, () => {
  let host: TestHost;
  let dir: string;
  const compose = (...args: string[]) => host.berth(['compose', '-f', join(dir, 'compose.yaml'), '-p', 'it', ...args]);
  const exec = (container: string, cmd: string) => host.berth(['exec', container, 'sh', '-c', cmd]);
  // The body of GET / on port 80. With nc, not wget: the static busybox's wget segfaults (exit 139)
  // in these images, even for a numeric address, while nc, nslookup and ping resolve and connect.
  const httpGet = (container: string, hostname: string) =>
    exec(container, `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${hostname} 80 | tail -n 1`);

  before(async () => {
    host = await TestHost.start();
    dir = mkdtempSync(join(tmpdir(), 'berth-compose-it-'));
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), 'hello-from-web\n');
    writeFileSync(join(dir, 'compose.yaml'), STACK);
  });
  after(async () => {
    await host?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('up -d creates the networks and starts the three services', async () => {
    const r = await compose('up', '-d');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, / ✔ Network it_back\s+Created\n/);
    assert.match(r.stderr, / ✔ Network it_front\s+Created\n/);
    for (const c of ['it-db-1', 'it-web-1', 'it-app-1']) assert.match(r.stderr, new RegExp(` ✔ Container ${c}\\s+Started\\n`));
    const nets = await host.berth(['network', 'ls', '--format', '{{.Name}}']);
    assert.match(nets.stdout, /^it_back$/m);
    assert.match(nets.stdout, /^it_front$/m);
  });

  test('app reaches web and db by service name, link alias and container name', async () => {
    const fetch = (host: string) => httpGet('it-app-1', host);
    await waitFor(async () => (await fetch('web')).stdout === 'hello-from-web\n', 15_000, 'web reachable from app');
    assert.equal((await fetch('db')).stdout, 'db-says-hi\n');
    assert.equal((await fetch('database')).stdout, 'db-says-hi\n');
    assert.equal((await fetch('it-db-1')).stdout, 'db-says-hi\n');
    assert.equal((await fetch('it-web-1')).stdout, 'hello-from-web\n');
    const fromDb = await exec('it-db-1', 'nslookup app 127.0.0.11 >/dev/null && echo resolved');
    assert.equal(fromDb.stdout, 'resolved\n', 'db and app share the back network');
  });

  test('web, on front only, cannot resolve db', async () => {
    const r = await exec('it-web-1', 'nslookup db 127.0.0.11');
    assert.notEqual(r.code, 0, r.stdout);
    assert.equal((await httpGet('it-web-1', 'db')).stdout, '');
    const byAlias = await exec('it-web-1', 'nslookup frontend 127.0.0.11 >/dev/null && echo resolved');
    assert.equal(byAlias.stdout, 'resolved\n', 'the network alias of app resolves on front');
  });

  test('ipv4_address is the address app has on front', async () => {
    const r = await exec('it-app-1', 'ip -4 -o addr show');
    assert.match(r.stdout, /inet 10\.201\.1\.50\/24/);
  });

  test('ps lists the three running containers', async () => {
    const r = await compose('ps');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^it-app-1\s+busybox:latest\s+".*"\s+app\s+.* ago\s+Up /);
    assert.match(lines[2]!, /^it-db-1\s+busybox:latest\s+".*"\s+db\s+.* ago\s+Up /);
    assert.match(lines[3]!, /^it-web-1\s+busybox:latest\s+".*"\s+web\s+.* ago\s+Up /);
    const ids = await compose('ps', '-q');
    assert.equal(ids.stdout.trim().split('\n').length, 3);
  });

  test('a second up changes nothing', async () => {
    const before = (await compose('ps', '-q')).stdout;
    const r = await compose('up', '-d');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[\+\] Running 3\/3\n/);
    assert.doesNotMatch(r.stderr, /Created|Recreated|Started/);
    assert.equal((await compose('ps', '-q')).stdout, before);
  });

  test('down removes the containers and the networks', async () => {
    const r = await compose('down');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, / ✔ Network it_front\s+Removed\n/);
    assert.equal((await host.berth(['ps', '-aq'])).stdout, '');
    const nets = await host.berth(['network', 'ls', '--format', '{{.Name}}']);
    assert.doesNotMatch(nets.stdout, /^it_/m);
    assert.equal((await compose('ps', '-a')).stdout.trimEnd().split('\n').length, 1);
  });

  test('an external default network is used, never created or removed', async () => {
    const file = join(dir, 'external.yaml');
    writeFileSync(file, 'services:\n  one:\n    image: busybox:latest\n    command: sleep 3600\n  two:\n    image: busybox:latest\n    command: sleep 3600\nnetworks:\n  default:\n    external:\n      name: pre-made\n');
    const ext = (...args: string[]) => host.berth(['compose', '-f', file, '-p', 'ext', ...args]);
    const missing = await ext('up', '-d');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /network pre-made declared as external, but could not be found/);
    assert.equal((await host.berth(['network', 'create', 'pre-made'])).code, 0);
    const r = await ext('up', '-d');
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => (await exec('ext-one-1', 'ping -c 1 -W 1 two')).code === 0, 15_000, 'one pings two on pre-made');
    assert.equal((await ext('down')).code, 0);
    assert.match((await host.berth(['network', 'ls', '--format', '{{.Name}}'])).stdout, /^pre-made$/m);
  });
});
