import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FakeEngine } from './fake-engine.fixture.js';
import { compose, projectDir, TESTDATA } from './testing.fixture.js';


let fake: FakeEngine;
before(async () => {
  fake = await FakeEngine.start();
});
after(() => fake.close());

describe('compose config', () => {
  test('prints the normalised model as YAML', async () => {
    const r = await compose(fake, TESTDATA, ['-f', 'front-back/docker-compose.yml', '-p', 'app', 'config']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `name: app
services:
  app:
    build:
      context: ${join(TESTDATA, 'front-back', 'app')}
      dockerfile: Dockerfile
    networks:
      back: null
      front:
        ipv4_address: 172.16.238.10
        ipv6_address: 2001:3984:3989::10
  db:
    image: postgres
    networks:
      back: null
  proxy:
    build:
      context: ${join(TESTDATA, 'front-back', 'proxy')}
      dockerfile: Dockerfile
    networks:
      front: null
networks:
  back:
    name: app_back
    driver: custom-driver-1
  front:
    name: app_front
    driver: bridge
    driver_opts:
      com.docker.network.enable_ipv6: "true"
    ipam:
      driver: default
      config:
        - subnet: 172.16.238.0/24
          gateway: 172.16.238.1
        - subnet: 2001:3984:3989::/64
          gateway: 2001:3984:3989::1
`,
    );
    assert.match(r.stderr, /the attribute `version` is obsolete/);
    assert.equal(fake.requests.length, 0, 'config never talks to the daemon');
  });

  test('the printed model loads again to the same model', async () => {
    const first = await compose(fake, TESTDATA, ['-f', 'links/docker-compose.yml', 'config', '--format', 'json']);
    const dir = projectDir(first.stdout, 'again');
    const second = await compose(fake, dir, ['-p', 'links', 'config', '--format', 'json']);
    assert.deepEqual(parse(second.stdout), parse(first.stdout));
  });

  test('--services, --networks, -q', async () => {
    const args = ['--project-directory', join(TESTDATA, 'front-back')];
    assert.equal((await compose(fake, '/', [...args, 'config', '--services'])).stdout, 'app\ndb\nproxy\n');
    assert.equal((await compose(fake, '/', [...args, 'config', '--networks'])).stdout, 'back\nfront\n');
    const q = await compose(fake, '/', [...args, 'config', '-q']);
    assert.equal(q.stdout, '');
    assert.equal(q.code, 0);
  });

  test('a consistency error exits 1 with compose-go message', async () => {
    const r = await compose(fake, projectDir('services:\n  web:\n    image: busybox\n    networks: [front]\n'), ['config']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'service "web" refers to undefined network front: invalid compose project\n');
  });
});

describe('command line', () => {
  test('help and unknown commands', async () => {
    const help = await compose(fake, '/', ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:  berth compose \[OPTIONS\] COMMAND/);
    const none = await compose(fake, '/', []);
    assert.equal(none.code, 1);
    const unknown = await compose(fake, '/', ['frobnicate']);
    assert.equal(unknown.stderr, 'unknown docker command: "compose frobnicate"\n');
  });

  test('flag errors use pflag wording', async () => {
    assert.equal((await compose(fake, '/', ['up', '--bogus'])).stderr, 'unknown flag: --bogus\n');
    assert.equal((await compose(fake, '/', ['ps', '-z'])).stderr, "unknown shorthand flag: 'z' in -z\n");
    assert.equal((await compose(fake, '/', ['-p'])).stderr, "flag needs an argument: 'p' in -p\n");
  });

  test('--progress plain prints each event as compose plain mode does', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n');
    const r = await compose(fake, dir, ['--progress', 'plain', 'up', '-d']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      [
        ' Network app_default Creating ',
        ' Network app_default Created ',
        ' Container app-web-1 Creating ',
        ' Container app-web-1 Created ',
        ' Container app-web-1 Starting ',
        ' Container app-web-1 Started ',
        '',
      ].join('\n'),
    );
    const quiet = await compose(fake, dir, ['--progress=quiet', 'down']);
    assert.equal(quiet.stderr, '');
    assert.equal(fake.containers.size, 0);
  });

  test('-f - reads the model from stdin', async () => {
    const r = await compose(fake, '/tmp', ['-f', '-', '-p', 'piped', 'config', '--services'], { input: 'services:\n  a: {image: busybox}\n' });
    assert.equal(r.stdout, 'a\n', r.stderr);
  });

  test('-f with a file outside the working directory: the project directory is the file\'s', async () => {
    const dir = projectDir('services:\n  web:\n    image: busybox\n', 'elsewhere');
    const r = await compose(fake, '/', ['-f', join(dir, 'compose.yaml'), 'config', '--format', 'json']);
    assert.equal(JSON.parse(r.stdout).name, 'elsewhere');
  });
});
