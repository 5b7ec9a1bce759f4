import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from './client.js';
import { FakeEngine } from './fake-engine.fixture.js';
import { ps } from './ps.js';
import { compose, projectDir } from './testing.fixture.js';

const STACK = `services:
  web:
    image: busybox
    ports: ["127.0.0.1:8080:80", "443"]
    networks: [front]
  app:
    image: busybox
    depends_on: [web, db]
    networks: [front, back]
  db:
    image: postgres
    networks: [back]
  tool:
    image: busybox
    network_mode: none
networks:
  front: {}
  back: {}
  shared:
    external: true
`;

let fake: FakeEngine;
before(async () => {
  fake = await FakeEngine.start();
});
after(() => fake.close());
afterEach(() => {
  fake.requests.length = 0;
  fake.containers.clear();
  for (const [id, n] of fake.networks) if (!['bridge', 'host', 'none'].includes(n.Name)) fake.networks.delete(id);
});

const idOf = (name: string) => [...fake.containers.values()].find((c) => c.Name === name)!.Id;
const netIdOf = (name: string) => [...fake.networks.values()].find((n) => n.Name === name)!.Id;

describe('down', () => {
  test('stops and removes the containers in reverse dependency order, then the networks', async () => {
    fake.addNetwork('shared');
    const dir = projectDir(STACK);
    assert.equal((await compose(fake, dir, ['up', '-d'])).code, 0);
    const ids = ['app-app-1', 'app-db-1', 'app-tool-1', 'app-web-1'].map(idOf);
    const nets = ['app_back', 'app_front'].map(netIdOf);
    fake.requests.length = 0;
    const r = await compose(fake, dir, ['down']);
    assert.equal(r.code, 0, r.stderr);
    const [app, db, tool, web] = ids;
    assert.deepEqual(fake.changes(), [
      `POST /containers/${app}/stop`,
      `DELETE /containers/${app}`,
      `POST /containers/${web}/stop`,
      `DELETE /containers/${web}`,
      `POST /containers/${tool}/stop`,
      `DELETE /containers/${tool}`,
      `POST /containers/${db}/stop`,
      `DELETE /containers/${db}`,
      `DELETE /networks/${nets[0]}`,
      `DELETE /networks/${nets[1]}`,
    ]);
    assert.equal(
      r.stderr,
      [
        '[+] Running 6/6',
        ' ✔ Container app-app-1   Removed',
        ' ✔ Container app-web-1   Removed',
        ' ✔ Container app-tool-1  Removed',
        ' ✔ Container app-db-1    Removed',
        ' ✔ Network app_back      Removed',
        ' ✔ Network app_front     Removed',
        '',
      ].join('\n'),
    );
    assert.deepEqual([...fake.networks.values()].map((n) => n.Name).sort(), ['bridge', 'host', 'none', 'shared']);
    const list = fake.requests.find((q) => q.path === '/containers/json')!;
    assert.deepEqual(JSON.parse(list.query.filters!), {
      label: { 'com.docker.compose.project=app': true, 'com.docker.compose.config-hash': true, 'com.docker.compose.oneoff=False': true },
    });
    assert.equal(list.query.all, '1');
  });

  test('without a compose file, -p finds the project by its labels', async () => {
    fake.addNetwork('shared');
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    rmSync(join(dir, 'compose.yaml'));
    const r = await compose(fake, dir, ['-p', 'app', 'down']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.containers.size, 0);
    assert.deepEqual([...fake.networks.values()].map((n) => n.Name).sort(), ['bridge', 'host', 'none', 'shared']);
    const noName = await compose(fake, dir, ['down']);
    assert.equal(noName.stderr, 'no configuration file provided: not found\n');
  });

  test('a network still in use by a container outside the project is kept, with a warning', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n');
    await compose(fake, dir, ['up', '-d']);
    const net = [...fake.networks.values()].find((n) => n.Name === 'app_default')!;
    net.Containers = { someone: { Name: 'intruder' } };
    const r = await compose(fake, dir, ['down']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, / ! Network app_default  Resource is still in use\n/);
    assert.ok(fake.networks.has(net.Id));
  });

  test('nothing to remove', async () => {
    const r = await compose(fake, projectDir('services:\n  web:\n    image: busybox\n'), ['down']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'WARN[0000] Warning: No resource found to remove for project "app".\n');
  });

  test('--remove-orphans and -v', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n  old:\n    image: busybox\n');
    await compose(fake, dir, ['up', '-d']);
    const old = idOf('app-old-1');
    const web = idOf('app-web-1');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
    fake.requests.length = 0;
    const r = await compose(fake, dir, ['down', '--remove-orphans', '-v']);
    assert.equal(r.code, 0, r.stderr);
    const deletes = fake.requests.filter((q) => q.method === 'DELETE' && q.path.startsWith('/containers/'));
    assert.deepEqual(deletes.map((q) => [q.path, q.query.v]), [[`/containers/${web}`, '1'], [`/containers/${old}`, undefined]]);
    assert.equal(fake.containers.size, 0);
  });
});

describe('ps', () => {
  test('the table, sorted by name, with docker ps columns', async () => {
    fake.addNetwork('shared');
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    const client = new EngineClient(fake.socketPath);
    const out = await ps(client, 'app', { now: 1_700_000_000_000 + 5 * 60_000 });
    assert.equal(
      out,
      [
        'NAME         IMAGE      COMMAND   SERVICE   CREATED         STATUS         PORTS',
        'app-app-1    busybox    "sh"      app       5 minutes ago   Up 2 seconds   ',
        'app-db-1     postgres   "sh"      db        5 minutes ago   Up 2 seconds   ',
        'app-tool-1   busybox    "sh"      tool      5 minutes ago   Up 2 seconds   ',
        'app-web-1    busybox    "sh"      web       5 minutes ago   Up 2 seconds   127.0.0.1:8080->80/tcp, 0.0.0.0:32768->443/tcp',
        '',
      ].join('\n'),
    );
  });

  test('running only unless -a; -q; --services; --format json; service filter', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n    command: sh -c "while true; do sleep 1; done"\n  db:\n    image: postgres\n');
    await compose(fake, dir, ['up', '-d']);
    Object.assign([...fake.containers.values()].find((c) => c.Name === 'app-db-1')!.State, { Status: 'exited', Running: false, ExitCode: 2 });
    const running = await compose(fake, dir, ['ps', '-q']);
    assert.equal(running.stdout, `${idOf('app-web-1')}\n`);
    const all = await compose(fake, dir, ['ps', '-a', '-q']);
    assert.equal(all.stdout, `${idOf('app-db-1')}\n${idOf('app-web-1')}\n`);
    assert.equal((await compose(fake, dir, ['ps', '-a', '--services'])).stdout, 'db\nweb\n');
    const json = (await compose(fake, dir, ['ps', '-a', '--format', 'json', 'db'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(json.length, 1);
    assert.equal(json[0].Name, 'app-db-1');
    assert.equal(json[0].Service, 'db');
    assert.equal(json[0].Project, 'app');
    assert.equal(json[0].State, 'exited');
    assert.equal(json[0].ExitCode, 2);
    const web = JSON.parse((await compose(fake, dir, ['ps', '--format', 'json'])).stdout);
    assert.equal(web.Command, '"sh -c while true; d…"');
    const bad = await compose(fake, dir, ['ps', 'nope']);
    assert.equal(bad.stderr, 'no such service: nope\n');
  });
});
