/**
 * The real docker CLI (28.x, a client only) against the HTTP layer: version negotiation through
 * /_ping and /version, and `docker exec -i` through a hijacked, multiplexed connection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../lib/log.js';
import { MULTIPLEXED_STREAM } from './context.js';
import { Router } from './router.js';
import { createApiServer, type ApiServer } from './server.js';
import { VERSION } from './testing.fixture.js';

setLogLevel('error');
const DOCKER = '/usr/local/bin/docker';
const skip = existsSync(DOCKER) ? false : `${DOCKER} not installed`;

let dir: string;
let sock: string;
let api: ApiServer;

function dockerRouter(): Router {
  const versionDetails = {
    ApiVersion: VERSION.api,
    Arch: 'amd64',
    BuildTime: '2026-01-01T00:00:00.000000000+00:00',
    Experimental: 'false',
    GitCommit: 'abc1234',
    GoVersion: `node${process.versions.node}`,
    KernelVersion: '6.0.0',
    MinAPIVersion: VERSION.minApi,
    Os: 'linux',
  };
  return new Router()
    .add('GET', '/version', async () => ({
      status: 200,
      json: {
        Platform: { Name: 'berth' },
        Components: [{ Name: 'Engine', Version: VERSION.server, Details: versionDetails }],
        Version: VERSION.server,
        ApiVersion: VERSION.api,
        MinAPIVersion: VERSION.minApi,
        GitCommit: 'abc1234',
        GoVersion: versionDetails.GoVersion,
        Os: 'linux',
        Arch: 'amd64',
        KernelVersion: '6.0.0',
        BuildTime: versionDetails.BuildTime,
      },
    }))
    .add('GET', '/containers/{id}/json', async (ctx) => ({
      status: 200,
      json: { Id: ctx.params.id, Name: '/c1', State: { Status: 'running', Running: true }, Config: { Tty: false } },
    }))
    .add('POST', '/containers/{id}/exec', async (ctx) => {
      const body = await ctx.json<{ Cmd?: string[] }>();
      assert.deepEqual(body.Cmd, ['cat']);
      return { status: 201, json: { Id: 'exec1' } };
    })
    .add('POST', '/exec/{id}/start', async (ctx) => {
      await ctx.json();
      return {
        contentType: MULTIPLEXED_STREAM,
        hijack: async (conn) => {
          for await (const chunk of conn.input) conn.writeFrame(1, chunk as Buffer);
          conn.writeFrame(2, Buffer.from('done\n'));
        },
      };
    })
    .add('GET', '/exec/{id}/json', async (ctx) => ({
      status: 200,
      json: { ID: ctx.params.id, Running: false, ExitCode: 3, ContainerID: 'c1', Pid: 0 },
    }));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-api-docker-'));
  sock = join(dir, 'docker.sock');
  api = createApiServer(dockerRouter(), { socketPath: sock, version: VERSION });
  await api.listen();
});

after(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function docker(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, 'config') };
    const child = spawn(DOCKER, ['-H', `unix://${sock}`, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => clearTimeout(timer));
    child.stdin.end(input ?? '');
  });
}

test('docker version negotiates through /_ping and reads /version', { skip }, async () => {
  const r = await docker(['version', '--format', '{{.Server.APIVersion}}']);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), VERSION.api);
});

test('docker exec -i streams stdin and demultiplexes stdout/stderr over a hijacked connection', { skip }, async () => {
  const r = await docker(['exec', '-i', 'c1', 'cat'], 'line one\nline two\n');
  assert.equal(r.stdout, 'line one\nline two\n');
  assert.equal(r.stderr, 'done\n');
  assert.equal(r.code, 3, 'exit code from /exec/{id}/json');
});

test('docker shows daemon errors as "Error response from daemon"', { skip }, async () => {
  const r = await docker(['network', 'rm', 'nope']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error response from daemon: page not found/);
});
