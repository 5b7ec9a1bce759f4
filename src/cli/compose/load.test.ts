import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProject, normalizeProjectName, type LoadOptions } from './load.js';
import type { Project } from './model.js';
import { TESTDATA } from './testing.fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'berth-compose-load-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function load(dir: string, opts: Partial<LoadOptions> = {}): { project: Project; warnings: string[] } {
  const warnings: string[] = [];
  const project = loadProject({ cwd: dir, env: {}, warn: (m) => warnings.push(m), ...opts });
  return { project, warnings };
}

let n = 0;
/** Write files (path -> text) into a fresh directory named `name` and return it. */
function project(files: Record<string, string>, name = `proj${n++}`): string {
  const dir = join(tmp, `${n++}`, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const fails = (dir: string, message: string | RegExp, opts: Partial<LoadOptions> = {}) =>
  assert.throws(() => load(dir, opts), typeof message === 'string' ? { message } : message);

describe('the seed examples', () => {
  test('links: the link adds a dependency, every service joins the implicit default network', () => {
    const { project: p, warnings } = load(join(TESTDATA, 'links'));
    assert.equal(p.name, 'links');
    assert.deepEqual(p.networks, { default: { name: 'links_default' } });
    assert.deepEqual(p.services.web!.links, ['db:database']);
    assert.deepEqual(p.services.web!.depends_on, { db: { condition: 'service_started', restart: true, required: true } });
    assert.deepEqual(p.services.web!.networks, { default: null });
    assert.deepEqual(p.services.web!.build, { context: join(TESTDATA, 'links'), dockerfile: 'Dockerfile' });
    assert.match(warnings[0]!, /the attribute `version` is obsolete, it will be ignored/);
  });

  test('default network configured with a driver; ports in long syntax', () => {
    const { project: p } = load(join(TESTDATA, 'default-network'));
    assert.deepEqual(p.networks.default, { name: 'default-network_default', driver: 'custom-driver-1' });
    assert.deepEqual(p.services.web!.ports, [{ mode: 'ingress', target: 8000, published: '8000', protocol: 'tcp' }]);
  });

  test('front/back networks with IPAM and static addresses (the corrected example)', () => {
    const { project: p } = load(join(TESTDATA, 'front-back'), { projectName: 'app' });
    assert.deepEqual(Object.keys(p.services), ['app', 'db', 'proxy']);
    assert.deepEqual(p.services.app!.networks, {
      back: null,
      front: { ipv4_address: '172.16.238.10', ipv6_address: '2001:3984:3989::10' },
    });
    assert.deepEqual(p.services.proxy!.networks, { front: null });
    assert.deepEqual(p.services.db!.networks, { back: null });
    assert.deepEqual(p.networks.front, {
      name: 'app_front',
      driver: 'bridge',
      driver_opts: { 'com.docker.network.enable_ipv6': 'true' },
      ipam: {
        driver: 'default',
        config: [
          { subnet: '172.16.238.0/24', gateway: '172.16.238.1' },
          { subnet: '2001:3984:3989::/64', gateway: '2001:3984:3989::1' },
        ],
      },
    });
    assert.deepEqual(p.networks.back, { name: 'app_back', driver: 'custom-driver-1' });
    assert.equal(p.networks.default, undefined, 'no service uses the default network');
  });

  test('the example as printed is not YAML, and is refused', () => {
    fails(join(TESTDATA, 'seed-as-printed'), /docker-compose\.yml: yaml: line 18: A block sequence may not be used as an implicit map key/);
  });

  test('external default network, legacy `external: {name}` syntax', () => {
    const { project: p, warnings } = load(join(TESTDATA, 'external-default'));
    assert.deepEqual(p.networks.default, { name: 'i-already-created-this', external: true });
    assert.ok(warnings.includes('networks.default: external.name is deprecated. Please set name and external: true'));
  });

  test('external networks, current syntax: the key is the name unless name: is set', () => {
    const { project: p } = load(join(TESTDATA, 'external'));
    assert.deepEqual(p.networks, { other: { name: 'my-other-net', external: true }, shared: { name: 'shared', external: true } });
  });
});

describe('project name', () => {
  const file = { 'compose.yaml': 'services:\n  web:\n    image: busybox\n' };

  test('the directory name, normalised like compose-go', () => {
    assert.equal(load(project(file, 'My_App.v2')).project.name, 'my_appv2');
    assert.equal(normalizeProjectName('-_Foo Bar'), 'foobar');
  });

  test('-p wins over COMPOSE_PROJECT_NAME, which wins over name:, which wins over the directory', () => {
    const dir = project({ 'compose.yaml': 'name: fromfile\nservices:\n  web:\n    image: busybox\n' });
    assert.equal(load(dir).project.name, 'fromfile');
    assert.equal(load(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).project.name, 'fromenv');
    assert.equal(load(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' }, projectName: 'flag' }).project.name, 'flag');
  });

  test('COMPOSE_PROJECT_NAME from the .env file', () => {
    assert.equal(load(project({ ...file, '.env': 'COMPOSE_PROJECT_NAME=dotenv\n' })).project.name, 'dotenv');
  });

  test('an invalid -p is refused with compose-go wording', () => {
    fails(project(file), 'invalid project name "My App": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number', {
      projectName: 'My App',
    });
  });

  test('network names: <project>_<key>, or name: as given', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    networks: [a, b]\nnetworks:\n  a:\n  b:\n    name: custom\n' });
    const { project: p } = load(dir, { projectName: 'x' });
    assert.deepEqual(p.networks, { a: { name: 'x_a' }, b: { name: 'custom' } });
  });
});

describe('finding the file', () => {
  test('compose.yaml is preferred, parents are searched, the override file is merged', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: busybox\n    environment: [A=1]\n    ports: ["80"]\n',
      'docker-compose.yml': 'services:\n  other:\n    image: busybox\n',
      'compose.override.yml': 'services:\n  web:\n    environment:\n      B: "2"\n    ports: ["81"]\n    command: echo hi\n',
      'sub/dir/.keep': '',
    });
    const { project: p, warnings } = load(join(dir, 'sub', 'dir'));
    assert.deepEqual(Object.keys(p.services), ['web']);
    assert.deepEqual(p.services.web!.environment, { A: '1', B: '2' });
    assert.deepEqual(p.services.web!.ports!.map((x) => x.target), [80, 81]);
    assert.deepEqual(p.services.web!.command, ['echo', 'hi']);
    assert.equal(p.working_dir, dir);
    assert.match(warnings[0]!, /Found multiple config files with supported names/);
  });

  test('no file anywhere', () => {
    fails(project({ 'x.txt': '' }), 'no configuration file provided: not found');
  });
});

describe('consistency checks, with compose-go messages', () => {
  const svc = (body: string) => project({ 'compose.yaml': `services:\n${body}` });

  test('undefined network', () => {
    fails(svc('  web:\n    image: busybox\n    networks: [front]\n'), 'service "web" refers to undefined network front: invalid compose project');
  });

  test('undefined dependency, and links to an undefined service', () => {
    fails(svc('  web:\n    image: busybox\n    depends_on: [db]\n'), 'service "web" depends on undefined service "db": invalid compose project');
    fails(svc('  web:\n    image: busybox\n    links: ["db:database"]\n'), 'service "web" depends on undefined service "db": invalid compose project');
  });

  test('network_mode and networks are exclusive; network_mode service: must exist', () => {
    fails(svc('  web:\n    image: busybox\n    network_mode: host\n    networks: [x]\n'), 'service web declares mutually exclusive `network_mode` and `networks`: invalid compose project');
    fails(svc('  web:\n    image: busybox\n    network_mode: "service:db"\n'), /service "web" depends on undefined service "db"/);
  });

  test('dependency cycles', () => {
    fails(svc('  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n'), 'dependency cycle detected: a -> b -> a');
  });

  test('neither image nor build', () => {
    fails(svc('  web:\n    command: echo\n'), 'service "web" has neither an image nor a build context specified: invalid compose project');
  });

  test('unknown keys are refused, valid but unsupported ones only warned about', () => {
    fails(svc('  web:\n    image: busybox\n    imgae: x\n'), "services.web additional properties 'imgae' not allowed");
    const { warnings } = load(svc('  web:\n    image: busybox\n    healthcheck:\n      test: ["CMD", "true"]\n    x-custom: 1\n'));
    assert.deepEqual(warnings, ['services.web: `healthcheck` is not supported by berth compose and is ignored']);
  });

  test('external networks take no other settings', () => {
    fails(project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\nnetworks:\n  default:\n    external: true\n    driver: bridge\n' }), 'networks.default: conflicting parameters "external" and "driver" specified');
  });

  test('wrong types', () => {
    fails(svc('  web:\n    image: busybox\n    ports: "80"\n'), 'services.web.ports must be a array');
    fails(svc('  web: [1]\n'), 'services.web must be a mapping');
  });
});

describe('service fields', () => {
  test('network_mode leaves the service off the default network; no default network when nobody uses it', () => {
    const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    network_mode: host\n  b:\n    image: busybox\n    network_mode: "service:a"\n' });
    const { project: p } = load(dir);
    assert.deepEqual(p.networks, {});
    assert.equal(p.services.a!.networks, undefined);
    assert.deepEqual(p.services.b!.depends_on, { a: { condition: 'service_started', restart: true, required: true } });
  });

  test('networks as a map: aliases, priority, gw_priority, mac and interface name', () => {
    const dir = project({
      'compose.yaml': `services:
  web:
    image: busybox
    networks:
      front:
        aliases: [www, site]
        priority: 10
        gw_priority: 5
        interface_name: eth7
      back: {}
networks: {front: {}, back: {}}
`,
    });
    const { project: p } = load(dir);
    assert.deepEqual(p.services.web!.networks, { back: {}, front: { aliases: ['www', 'site'], priority: 10, gw_priority: 5, interface_name: 'eth7' } });
  });

  test('command and entrypoint: strings are shell-split, lists kept', () => {
    const dir = project({
      'compose.yaml': `services:
  web:
    image: busybox
    command: sh -c "echo 'hello world'; sleep 1" a\\ b ''
    entrypoint: ["/bin/sh", "-c"]
`,
    });
    const { project: p } = load(dir);
    assert.deepEqual(p.services.web!.command, ['sh', '-c', "echo 'hello world'; sleep 1", 'a b', '']);
    assert.deepEqual(p.services.web!.entrypoint, ['/bin/sh', '-c']);
  });

  test('environment: env_file under environment, bare keys from the environment, interpolation', () => {
    const dir = project({
      'compose.yaml': `services:
  web:
    image: \${IMAGE:-busybox}:\${TAG-latest}
    env_file: [web.env]
    environment:
      - FROM_LIST=\${HOME_DIR:?HOME_DIR must be set}
      - BARE
      - UNSET
      - DOLLAR=$$x
    labels:
      tier: front
      answer: 42
`,
      'web.env': '# comment\nexport FILE_ONLY=1\nFROM_LIST=overridden\nQUOTED="a b\\n"\n',
    });
    const { project: p } = load(dir, { env: { HOME_DIR: '/root', BARE: 'b' } });
    assert.equal(p.services.web!.image, 'busybox:latest');
    assert.deepEqual(p.services.web!.environment, { BARE: 'b', DOLLAR: '$x', FILE_ONLY: '1', FROM_LIST: '/root', QUOTED: 'a b\n', UNSET: null });
    assert.deepEqual(p.services.web!.labels, { answer: '42', tier: 'front' });
    fails(dir, /error while interpolating services\.web\.environment\[0\]: required variable HOME_DIR is missing a value: HOME_DIR must be set/);
  });

  test('unset variables warn and become empty', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    hostname: h$NOPE\n' });
    const { project: p, warnings } = load(dir);
    assert.equal(p.services.web!.hostname, 'h');
    assert.deepEqual(warnings, ['The "NOPE" variable is not set. Defaulting to a blank string.']);
  });

  test('bind mounts resolve against the project directory; named volumes are refused', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    volumes: ["./site:/www:ro", {type: bind, source: /tmp, target: /t}]\n' });
    const { project: p } = load(dir);
    assert.deepEqual(p.services.web!.volumes, [
      { type: 'bind', source: join(dir, 'site'), target: '/www', read_only: true, bind: { create_host_path: true } },
      { type: 'bind', source: '/tmp', target: '/t' },
    ]);
    fails(project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    volumes: ["data:/data"]\n' }), /named volume "data" is not supported/);
  });

  test('depends_on: list and map forms', () => {
    const dir = project({
      'compose.yaml': `services:
  a: {image: busybox, depends_on: [b]}
  b: {image: busybox, depends_on: {c: {condition: service_completed_successfully}}}
  c: {image: busybox}
`,
    });
    const { project: p } = load(dir);
    assert.deepEqual(p.services.a!.depends_on, { b: { condition: 'service_started', restart: false, required: true } });
    assert.deepEqual(p.services.b!.depends_on, { c: { condition: 'service_completed_successfully', restart: false, required: true } });
  });

  test('profiles: services with inactive profiles are left out', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web: {image: busybox}\n  debug: {image: busybox, profiles: [debug]}\n' });
    assert.deepEqual(Object.keys(load(dir).project.services), ['web']);
    assert.deepEqual(Object.keys(load(dir, { profiles: ['debug'] }).project.services), ['debug', 'web']);
    assert.deepEqual(Object.keys(load(dir, { env: { COMPOSE_PROFILES: 'debug' } }).project.services), ['debug', 'web']);
  });

  test('extra_hosts, dns and restart', () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    extra_hosts: ["a:1.2.3.4", "b=::1"]\n    dns: 10.0.0.2\n    restart: on-failure:3\n' });
    const { project: p } = load(dir);
    assert.deepEqual(p.services.web!.extra_hosts, ['a:1.2.3.4', 'b:::1']);
    assert.deepEqual(p.services.web!.dns, ['10.0.0.2']);
    assert.equal(p.services.web!.restart, 'on-failure:3');
  });
});
