import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeEngine, type FakeContainer } from './fake-engine.fixture.js';
import { compose, projectDir } from './testing.fixture.js';

const STACK = `services:
  web:
    image: busybox
    command: httpd -f -p 80
    ports: ["8080:80"]
    networks: [front]
  app:
    image: busybox
    depends_on: [web]
    links: ["db:database"]
    networks:
      front:
        ipv4_address: 172.16.238.10
        aliases: [api]
      back:
  db:
    image: postgres
    networks: [back]
networks:
  front:
    ipam:
      config: [{subnet: 172.16.238.0/24, gateway: 172.16.238.1}]
  back: {}
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
  fake.hiddenFromList.clear();
  fake.apiVersion = '1.51';
  fake.onStart = (c) => Object.assign(c.State, { Status: 'running', Running: true });
});

const byName = (name: string): FakeContainer => [...fake.containers.values()].find((c) => c.Name === name)!;
const created = (name: string) => fake.requests.find((r) => r.path === '/containers/create' && r.query.name === name)!.body as Record<string, any>;

describe('up -d', () => {
  test('creates the networks, then creates and starts the containers in dependency order', async () => {
    const dir = projectDir(STACK);
    const r = await compose(fake, dir, ['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      [
        '[+] Running 5/5',
        ' ✔ Network app_back     Created',
        ' ✔ Network app_front    Created',
        ' ✔ Container app-db-1   Started',
        ' ✔ Container app-web-1  Started',
        ' ✔ Container app-app-1  Started',
        '',
      ].join('\n'),
    );
    const ids = Object.fromEntries([...fake.containers.values()].map((c) => [c.Name, c.Id]));
    assert.deepEqual(fake.changes(), [
      'POST /networks/create',
      'POST /networks/create',
      'POST /containers/create?name=app-db-1',
      'POST /containers/create?name=app-web-1',
      'POST /containers/create?name=app-app-1',
      `POST /containers/${ids['app-db-1']}/start`,
      `POST /containers/${ids['app-web-1']}/start`,
      `POST /containers/${ids['app-app-1']}/start`,
    ]);
  });

  test('network create bodies carry compose labels and the IPAM config', async () => {
    await compose(fake, projectDir(STACK), ['up', '-d']);
    const creates = fake.requests.filter((r) => r.path === '/networks/create').map((r) => r.body as Record<string, any>);
    assert.deepEqual(creates.map((b) => b.Name), ['app_back', 'app_front']);
    const front = creates[1]!;
    assert.deepEqual(front.IPAM, { Config: [{ Subnet: '172.16.238.0/24', Gateway: '172.16.238.1' }] });
    assert.equal(front.Labels['com.docker.compose.network'], 'front');
    assert.equal(front.Labels['com.docker.compose.project'], 'app');
    assert.ok(front.Labels['com.docker.compose.version']);
    assert.match(front.Labels['com.docker.compose.config-hash'], /^[0-9a-f]{64}$/);
    assert.equal(creates[0]!.IPAM, undefined);
  });

  test('network options: driver, driver_opts, internal, attachable, enable_ipv6, labels, ip_range, aux_addresses', async () => {
    const yaml = `services:
  web:
    image: busybox
networks:
  default:
    driver: bridge
    driver_opts: {com.docker.network.bridge.name: br-web}
    internal: true
    attachable: true
    enable_ipv6: true
    labels: [team=net]
    ipam:
      driver: default
      options: {foo: bar}
      config:
        - subnet: 10.9.0.0/16
          ip_range: 10.9.1.0/24
          gateway: 10.9.0.1
          aux_addresses: {router: 10.9.0.2}
`;
    await compose(fake, projectDir(yaml), ['up', '-d']);
    const body = fake.requests.find((r) => r.path === '/networks/create')!.body as Record<string, any>;
    const { 'com.docker.compose.config-hash': hash, 'com.docker.compose.version': version, ...labels } = body.Labels;
    assert.ok(hash && version);
    assert.deepEqual({ ...body, Labels: labels }, {
      Name: 'app_default',
      Driver: 'bridge',
      Options: { 'com.docker.network.bridge.name': 'br-web' },
      Internal: true,
      Attachable: true,
      EnableIPv6: true,
      IPAM: {
        Driver: 'default',
        Options: { foo: 'bar' },
        Config: [{ Subnet: '10.9.0.0/16', IPRange: '10.9.1.0/24', Gateway: '10.9.0.1', AuxiliaryAddresses: { router: '10.9.0.2' } }],
      },
      Labels: { team: 'net', 'com.docker.compose.network': 'default', 'com.docker.compose.project': 'app' },
    });
  });

  test('container create: all networks at once, aliases, static address, links, ports, labels', async () => {
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    const app = created('app-app-1');
    assert.equal(app.HostConfig.NetworkMode, 'app_back');
    const links = ['app-db-1:database', 'app-db-1:db-1', 'app-db-1:app-db-1'];
    assert.deepEqual(app.NetworkingConfig.EndpointsConfig, {
      app_back: { Aliases: ['app-app-1', 'app'], Links: links },
      app_front: { Aliases: ['app-app-1', 'app', 'api'], Links: links, IPAMConfig: { IPv4Address: '172.16.238.10' } },
    });
    assert.deepEqual(app.HostConfig.Links, links);
    // The link alias is a name of db on the network app and db share.
    assert.deepEqual(created('app-db-1').NetworkingConfig.EndpointsConfig, { app_back: { Aliases: ['app-db-1', 'db', 'database'] } });
    const web = created('app-web-1');
    assert.deepEqual(web.Cmd, ['httpd', '-f', '-p', '80']);
    assert.deepEqual(web.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual(web.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    assert.deepEqual(web.NetworkingConfig.EndpointsConfig, { app_front: { Aliases: ['app-web-1', 'web'] } });
    const labels = app.Labels as Record<string, string>;
    assert.equal(labels['com.docker.compose.project'], 'app');
    assert.equal(labels['com.docker.compose.service'], 'app');
    assert.equal(labels['com.docker.compose.container-number'], '1');
    assert.equal(labels['com.docker.compose.oneoff'], 'False');
    assert.equal(labels['com.docker.compose.project.working_dir'], dir);
    assert.equal(labels['com.docker.compose.project.config_files'], join(dir, 'compose.yaml'));
    assert.equal(labels['com.docker.compose.depends_on'], 'db:service_started:true,web:service_started:false');
    assert.match(labels['com.docker.compose.config-hash']!, /^[0-9a-f]{64}$/);
  });

  test('a second up with the same config leaves everything running', async () => {
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    fake.requests.length = 0;
    const r = await compose(fake, dir, ['up', '-d']);
    assert.equal(r.code, 0);
    assert.deepEqual(fake.changes(), []);
    assert.equal(r.stderr, '[+] Running 3/3\n ✔ Container app-db-1   Running\n ✔ Container app-web-1  Running\n ✔ Container app-app-1  Running\n');
  });

  test('a changed service is recreated, the others are left', async () => {
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    const oldWeb = byName('app-web-1').Id;
    writeFileSync(join(dir, 'compose.yaml'), STACK.replace('httpd -f -p 80', 'httpd -f -p 81'));
    fake.requests.length = 0;
    const r = await compose(fake, dir, ['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    const newWeb = byName('app-web-1').Id;
    assert.deepEqual(fake.changes(), [
      `POST /containers/${oldWeb}/stop`,
      `DELETE /containers/${oldWeb}`,
      'POST /containers/create?name=app-web-1',
      `POST /containers/${newWeb}/start`,
    ]);
    assert.match(r.stderr, / ✔ Container app-web-1  Started\n/);
    assert.match(r.stderr, / ✔ Container app-db-1   Running\n/);
  });

  test('a stopped container with the same config is started again, not recreated', async () => {
    const dir = projectDir(STACK);
    await compose(fake, dir, ['up', '-d']);
    Object.assign(byName('app-db-1').State, { Status: 'exited', Running: false });
    fake.requests.length = 0;
    await compose(fake, dir, ['up', '-d']);
    assert.deepEqual(fake.changes(), [`POST /containers/${byName('app-db-1').Id}/start`]);
  });

  test('--force-recreate recreates everything', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n');
    await compose(fake, dir, ['up', '-d']);
    fake.requests.length = 0;
    await compose(fake, dir, ['up', '-d', '--force-recreate']);
    assert.equal(fake.changes().filter((c) => c.startsWith('POST /containers/create')).length, 1);
  });

  test('a network re-created underneath recreates the containers on it', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n');
    await compose(fake, dir, ['up', '-d']);
    byName('app-web-1').networks.app_default = 'an-old-network-id';
    fake.requests.length = 0;
    await compose(fake, dir, ['up', '-d']);
    assert.ok(fake.changes().includes('POST /containers/create?name=app-web-1'));
  });

  test('SERVICE arguments bring up those services and their dependencies only', async () => {
    const r = await compose(fake, projectDir(STACK), ['up', '-d', 'web']);
    assert.equal(r.code, 0);
    assert.deepEqual([...fake.containers.values()].map((c) => c.Name), ['app-web-1']);
    assert.deepEqual([...fake.networks.values()].map((n) => n.Name).filter((n) => n.startsWith('app_')), ['app_front']);
    const bad = await compose(fake, projectDir(STACK), ['up', '-d', 'nope']);
    assert.equal(bad.stderr, 'no such service: nope\n');
  });

  test('network_mode service:x joins the container of x', async () => {
    await compose(fake, projectDir('services:\n  a:\n    image: busybox\n  b:\n    image: busybox\n    network_mode: "service:a"\n'), ['up', '-d']);
    assert.equal(created('app-b-1').HostConfig.NetworkMode, `container:${byName('app-a-1').Id}`);
    assert.equal(created('app-b-1').NetworkingConfig, undefined);
  });

  test('priority picks the primary network; gw_priority, mac_address and interface_name reach the endpoint', async () => {
    const yaml = `services:
  web:
    image: busybox
    networks:
      a:
      b:
        priority: 10
        gw_priority: 3
        mac_address: 02:42:ac:11:00:99
        interface_name: eth9
networks: {a: {}, b: {}}
`;
    await compose(fake, projectDir(yaml), ['up', '-d']);
    const body = created('app-web-1');
    assert.equal(body.HostConfig.NetworkMode, 'app_b');
    assert.deepEqual(Object.keys(body.NetworkingConfig.EndpointsConfig), ['app_b', 'app_a']);
    assert.deepEqual(body.NetworkingConfig.EndpointsConfig.app_b, {
      Aliases: ['app-web-1', 'web'],
      MacAddress: '02:42:ac:11:00:99',
      DriverOpts: { 'com.docker.network.endpoint.ifname': 'eth9' },
      GwPriority: 3,
    });
  });

  test('container_name replaces <project>-<service>-1 in the name and the first alias', async () => {
    await compose(fake, projectDir('services:\n  web:\n    image: busybox\n    container_name: www\n'), ['up', '-d']);
    assert.deepEqual(created('www').NetworkingConfig.EndpointsConfig, { app_default: { Aliases: ['www', 'web'] } });
  });
});

describe('networks', () => {
  test('409 on network create (someone created it meanwhile) counts as success', async () => {
    fake.addNetwork('app_default', { 'com.docker.compose.project': 'app', 'com.docker.compose.network': 'default' });
    fake.hiddenFromList.add('app_default');
    const r = await compose(fake, projectDir('services:\n  web:\n    image: busybox\n'), ['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, / ✔ Network app_default  Created\n/);
    assert.deepEqual(fake.changes().slice(0, 2), ['POST /networks/create', 'POST /containers/create?name=app-web-1']);
  });

  test('an external network must exist (404 -> compose message), then is used as is', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\nnetworks:\n  default:\n    external:\n      name: i-already-created-this\n');
    const missing = await compose(fake, dir, ['up', '-d']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /network i-already-created-this declared as external, but could not be found\n$/);
    assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/networks/i-already-created-this'));
    assert.deepEqual(fake.changes(), []);
    fake.addNetwork('i-already-created-this');
    fake.addNetwork('i-already-created-this-too');
    const ok = await compose(fake, dir, ['up', '-d']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(created('app-web-1').HostConfig.NetworkMode, 'i-already-created-this');
    assert.ok(!fake.changes().includes('POST /networks/create'));
  });

  test('a same-named network compose did not create is reused with compose warning', async () => {
    fake.addNetwork('app_default');
    const r = await compose(fake, projectDir('services:\n  web:\n    image: busybox\n'), ['up', '-d']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /WARN\[0000\] a network with name app_default exists but was not created by compose\.\nSet `external: true` to use an existing network\n/);
    assert.ok(!fake.changes().includes('POST /networks/create'));
  });

  test('a changed network config: the project containers on it go, the network is re-created', async () => {
    const yaml = (subnet: string) => `services:\n  web:\n    image: busybox\nnetworks:\n  default:\n    ipam:\n      config: [{subnet: ${subnet}}]\n`;
    const dir = projectDir(yaml('10.1.0.0/24'));
    await compose(fake, dir, ['up', '-d']);
    const oldWeb = byName('app-web-1').Id;
    const oldNet = [...fake.networks.values()].find((n) => n.Name === 'app_default')!.Id;
    writeFileSync(join(dir, 'compose.yaml'), yaml('10.2.0.0/24'));
    fake.requests.length = 0;
    const r = await compose(fake, dir, ['up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fake.changes().slice(0, 5), [
      `POST /containers/${oldWeb}/stop`,
      `DELETE /containers/${oldWeb}`,
      `DELETE /networks/${oldNet}`,
      'POST /networks/create',
      'POST /containers/create?name=app-web-1',
    ]);
  });

  test('API < 1.44: one network in the create, the others connected afterwards', async () => {
    fake.apiVersion = '1.43';
    await compose(fake, projectDir(STACK), ['up', '-d']);
    const app = fake.requests.find((r) => r.query.name === 'app-app-1')!;
    assert.match(app.path, /^\/containers\/create$/);
    assert.deepEqual(Object.keys((app.body as any).NetworkingConfig.EndpointsConfig), ['app_back']);
    const connect = fake.requests.find((r) => r.path === '/networks/app_front/connect')!;
    assert.equal((connect.body as any).Container, byName('app-app-1').Id);
    assert.deepEqual((connect.body as any).EndpointConfig.IPAMConfig, { IPv4Address: '172.16.238.10' });
  });
});

describe('dependencies, orphans, errors', () => {
  test('service_completed_successfully waits for exit 0, and fails on another code', async () => {
    const yaml = 'services:\n  init:\n    image: busybox\n  app:\n    image: busybox\n    depends_on:\n      init: {condition: service_completed_successfully}\n';
    let exit = 0;
    fake.onStart = (c) => Object.assign(c.State, c.Name === 'app-init-1' ? { Status: 'exited', Running: false, ExitCode: exit } : { Status: 'running', Running: true });
    const ok = await compose(fake, projectDir(yaml), ['up', '-d']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, / ✔ Container app-init-1  Exited\n ✔ Container app-app-1   Started\n/);
    fake.containers.clear();
    exit = 3;
    const bad = await compose(fake, projectDir(yaml), ['up', '-d']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /service "init" didn't complete successfully: exit 3\n$/);
    assert.equal(byName('app-app-1').State.Status, 'created');
  });

  test('orphans are reported, and removed with --remove-orphans', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n  old:\n    image: busybox\n');
    await compose(fake, dir, ['up', '-d']);
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: busybox\n');
    const warned = await compose(fake, dir, ['up', '-d']);
    assert.match(warned.stderr, /WARN\[0000\] Found orphan containers \(\[app-old-1\]\) for this project\. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up\./);
    const removed = await compose(fake, dir, ['up', '-d', '--remove-orphans']);
    assert.match(removed.stderr, / ✔ Container app-old-1  Removed\n/);
    assert.equal(byName('app-old-1'), undefined);
  });

  test('a service to build is refused before anything is created', async () => {
    const r = await compose(fake, projectDir('services:\n  web:\n    build: .\n'), ['up', '-d']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /service "web" has a build section but no image: berth compose cannot build images/);
    assert.deepEqual(fake.changes(), []);
  });

  test('daemon errors are shown as docker shows them', async () => {
    const r = await compose(fake, projectDir('services:\n  web:\n    image: nosuchimage\n'), ['up', '-d']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, / ✘ Container app-web-1  Error No such image: nosuchimage\nError response from daemon: No such image: nosuchimage\n$/);
  });

  test('no daemon', async () => {
    const r = await compose({ socketPath: '/nonexistent/docker.sock' } as FakeEngine, projectDir('services:\n  web:\n    image: busybox\n'), ['up', '-d']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Cannot connect to the Docker daemon at unix:///nonexistent/docker.sock. Is the docker daemon running?\n');
  });
});

describe('up attached', () => {
  test('prints each container output with its prefix, then the exit codes', async () => {
    fake.onStart = (c) => {
      Object.assign(c.State, { Status: 'running', Running: true });
      c.logs = c.Name === 'app-web-1' ? 'hello\nworld\n' : 'db ready\n';
    };
    const r = await compose(fake, projectDir('services:\n  web:\n    image: busybox\n  db:\n    image: busybox\n'), ['up']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, ['db-1   | db ready', 'db-1 exited with code 0', 'web-1  | hello', 'web-1  | world', 'web-1 exited with code 0']);
  });
});
