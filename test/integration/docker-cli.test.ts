/**
 * Issue #5: the unmodified docker CLI (28.x) drives berth's daemon. Everything here goes through
 * `/usr/local/bin/docker -H unix://<test host socket>`; the assertions are what docker prints.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runCommand, TestHost, type RunOptions, type RunResult } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';

const root = process.getuid?.() === 0;
const DOCKER = '/usr/local/bin/docker';
const skip = !root ? 'needs root' : !existsSync(DOCKER) ? `${DOCKER} not installed` : false;

/**
 * A unix-socket proxy in front of the daemon that records every request line the client sends,
 * so a test can check the order of the calls `docker run` makes.
 */
class RecordingProxy {
  readonly requests: string[] = [];
  #server: Server | undefined;
  constructor(
    readonly path: string,
    readonly target: string,
  ) {}

  async start(): Promise<void> {
    // Half-open both ways: the docker CLI closes its write side of a hijacked attach at once.
    this.#server = createServer({ allowHalfOpen: true }, (client) => {
      const upstream = createConnection({ path: this.target, allowHalfOpen: true });
      client.on('data', (b: Buffer) => {
        for (const m of b.toString('latin1').matchAll(/^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.1\r$/gm)) this.requests.push(`${m[1]} ${m[2]}`);
      });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.path, resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

describe('the docker CLI against berth', { skip }, () => {
  let host: TestHost;
  /** docker with extra environment (host.docker sets only DOCKER_CONFIG). */
  const dockerEnv = (env: Record<string, string>, args: string[], opts: RunOptions = {}): Promise<RunResult> =>
    runCommand([DOCKER, '-H', `unix://${host.socket}`, ...args], {
      ...opts,
      env: { ...process.env, DOCKER_CONFIG: join(host.dir, 'docker-config'), ...env },
    });
  const ok = (r: RunResult) => assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);

  before(async () => {
    host = await TestHost.start();
  });
  after(async () => {
    await host?.stop();
  });

  test('docker version: both sections; the client negotiates down to its own API version', async () => {
    const r = await host.docker(['version']);
    ok(r);
    assert.match(r.stdout, /^Client:\n Version:\s+28\./);
    assert.match(r.stdout, /\n API version:\s+1\.50\n/);
    assert.match(r.stdout, /\nServer: berth\n Engine:\n  Version:\s+\S+\n  API version:\s+1\.51 \(minimum version 1\.24\)\n/);
    assert.match(r.stdout, /\n  OS\/Arch:\s+linux\/\w+\n/);
    const f = await host.docker(['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}']);
    assert.equal(f.stdout, '1.50 1.51 1.24 linux\n');
  });

  test('DOCKER_API_VERSION pins an older version; out-of-range versions get moby\'s refusal', async () => {
    const v = await dockerEnv({ DOCKER_API_VERSION: '1.44' }, ['version', '--format', '{{.Client.APIVersion}}']);
    assert.equal(v.stdout, '1.44\n');
    const ps = await dockerEnv({ DOCKER_API_VERSION: '1.44' }, ['ps']);
    ok(ps);
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
    const old = await dockerEnv({ DOCKER_API_VERSION: '1.23' }, ['ps']);
    assert.equal(old.code, 1);
    assert.equal(old.stderr, 'Error response from daemon: client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n');
    const future = await dockerEnv({ DOCKER_API_VERSION: '1.52' }, ['ps']);
    assert.equal(future.code, 1);
    assert.equal(future.stderr, 'Error response from daemon: client version 1.52 is too new. Maximum supported API version is 1.51\n');
  });

  test('docker info', async () => {
    const r = await host.docker(['info']);
    ok(r);
    assert.match(r.stdout, /\nServer:\n Containers: \d+\n  Running: \d+\n  Paused: \d+\n  Stopped: \d+\n Images: 1\n/);
    assert.match(r.stdout, /\n Plugins:\n  Volume: ?\n  Network: bridge host null\n/);
    assert.doesNotMatch(r.stderr, /ERROR|error/);
    const f = await host.docker(['info', '--format', '{{.OSType}} {{.Images}} {{.Swarm.LocalNodeState}}']);
    assert.equal(f.stdout, 'linux 1 inactive\n');
  });

  test('run attached: stdout, stderr and the exit code; create, attach and start in that order', async () => {
    const proxy = new RecordingProxy(join(host.dir, 'proxy.sock'), host.socket);
    await proxy.start();
    try {
      const r = await runCommand([DOCKER, '-H', `unix://${proxy.path}`, 'run', '--name', 'attached', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7'], {
        env: { ...process.env, DOCKER_CONFIG: join(host.dir, 'docker-config') },
      });
      assert.deepEqual([r.code, r.stdout, r.stderr], [7, 'out\n', 'err\n']);
      const calls = proxy.requests.map((l) => l.replace(/^(\S+) \/v1\.\d+/, '$1 ').replace(/[0-9a-f]{64}/, '<id>'));
      const at = (re: RegExp) => calls.findIndex((c) => re.test(c));
      const create = at(/^POST \/containers\/create\?name=attached$/);
      const attach = at(/^POST \/containers\/<id>\/attach\?stderr=1&stdout=1&stream=1$/);
      const wait = at(/^POST \/containers\/<id>\/wait\?condition=next-exit$/);
      const start = at(/^POST \/containers\/<id>\/start$/);
      assert.ok(create >= 0 && attach > create && start > attach && wait > create, calls.join('\n'));
      // With --rm the CLI waits for the removal instead.
      proxy.requests.length = 0;
      const rm = await runCommand([DOCKER, '-H', `unix://${proxy.path}`, 'run', '--rm', 'busybox', 'true'], {
        env: { ...process.env, DOCKER_CONFIG: join(host.dir, 'docker-config') },
      });
      ok(rm);
      assert.ok(proxy.requests.some((l) => /^POST \/v1\.\d+\/containers\/[0-9a-f]{64}\/wait\?condition=removed$/.test(l)), proxy.requests.join('\n'));
    } finally {
      await proxy.stop();
    }
    const state = await host.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'attached']);
    assert.equal(state.stdout, 'exited 7\n');
    ok(await host.docker(['rm', 'attached']));
  });

  test('run --rm waits for the removal: no container is left', async () => {
    const r = await host.docker(['run', '--rm', '--name', 'gone', 'busybox', 'echo', 'hi']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'hi\n', '']);
    assert.equal((await host.docker(['ps', '-aq', '--filter', 'name=gone'])).stdout, '');
  });

  test('run -d prints the full ID; the container runs', async () => {
    const r = await host.docker(['run', '-d', '--name', 'daemonized', 'busybox', 'sleep', '1000']);
    ok(r);
    const id = r.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await host.docker(['ps', '--filter', `id=${id}`, '--format', '{{.ID}} {{.Names}} {{.Status}}']);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} daemonized Up `));
    ok(await host.docker(['rm', '-f', 'daemonized']));
  });

  test('run -i forwards piped stdin and ends with it', async () => {
    const r = await host.docker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'line one\nline two\n' });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'line one\nline two\ndone\n', '']);
  });

  test('run -it gets a TTY (under script(1)); the exit code comes through', async () => {
    const env = { ...process.env, DOCKER_CONFIG: join(host.dir, 'docker-config') };
    const cmd = `${DOCKER} -H unix://${host.socket} run -it --rm busybox sh -c 'tty; echo hi'`;
    const r = await runCommand(['script', '-qec', cmd, '/dev/null'], { env });
    ok(r);
    // script(1) passes its stdin's EOF on as a byte the container's TTY may echo ("^@"): match loosely.
    assert.match(r.stdout, /\/dev\/pts\/\d+\r\nhi\r\n/);
    const code = await runCommand(['script', '-qec', `${DOCKER} -H unix://${host.socket} run -it --rm busybox sh -c 'exit 3'`, '/dev/null'], { env });
    assert.equal(code.code, 3);
  });

  test('exec: output, exit code, and -i with stdin', async () => {
    ok(await host.docker(['run', '-d', '--name', 'execbox', 'busybox', 'sleep', '1000']));
    const r = await host.docker(['exec', 'execbox', 'sh', '-c', 'echo $((6*7)); echo warn >&2; exit 4']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [4, '42\n', 'warn\n']);
    const i = await host.docker(['exec', '-i', 'execbox', 'sh', '-c', 'tr a-z A-Z'], { input: 'shout\n' });
    assert.deepEqual([i.code, i.stdout], [0, 'SHOUT\n']);
    const missing = await host.docker(['exec', 'execbox', 'nosuchcmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable file not found in \$PATH/);
    const stopped = await host.docker(['create', '--name', 'notrunning', 'busybox', 'true']);
    ok(stopped);
    const e = await host.docker(['exec', 'notrunning', 'true']);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /^Error response from daemon: container [0-9a-f]{64} is not running\n$/);
    ok(await host.docker(['rm', '-f', 'execbox', 'notrunning']));
  });

  test('logs, and logs -f following until the container exits', async () => {
    ok(await host.docker(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo one; echo two >&2; sleep 1.5; echo three']));
    await waitFor(async () => (await host.docker(['logs', 'talker'])).stdout === 'one\n', 10_000, 'first log line');
    const early = await host.docker(['logs', 'talker']);
    assert.deepEqual([early.stdout, early.stderr], ['one\n', 'two\n']);
    assert.equal((await host.docker(['inspect', '-f', '{{.State.Running}}', 'talker'])).stdout, 'true\n');
    const follow = await host.docker(['logs', '-f', 'talker']);
    assert.deepEqual([follow.code, follow.stdout, follow.stderr], [0, 'one\nthree\n', 'two\n']);
    // The log stream closes as the process exits; the state follows a moment later (in Docker too).
    await waitFor(async () => (await host.docker(['inspect', '-f', '{{.State.Status}}', 'talker'])).stdout === 'exited\n', 5_000, 'exited');
    const tail = await host.docker(['logs', '--tail', '1', 'talker']);
    assert.equal(tail.stdout + tail.stderr, 'three\n');
    ok(await host.docker(['rm', 'talker']));
  });

  describe('listing and inspecting', () => {
    let webId = '';
    before(async () => {
      ok(await host.docker(['network', 'create', '--label', 'team=blue', '--subnet', '10.91.0.0/24', 'blue']));
      const web = await host.docker(['run', '-d', '--name', 'web', '--network', 'blue', '--ip', '10.91.0.20', '--label', 'role=web', 'busybox', 'sleep', '1000']);
      ok(web);
      webId = web.stdout.trim();
      ok(await host.docker(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '1000']));
      ok(await host.docker(['run', '--name', 'done', '--label', 'role=batch', 'busybox', 'true']));
    });
    after(async () => {
      await host.docker(['rm', '-f', 'web', 'plain', 'done']);
      await host.docker(['network', 'rm', 'blue']);
    });

    test('ps filters: name, status, network, label; -l, -q, --format, --no-trunc', async () => {
      const byName = await host.docker(['ps', '--filter', 'name=web']);
      assert.match(byName.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n[0-9a-f]{12}\s+busybox\s+"sleep 1000"\s+.*\s+Up .*\s+web\n$/);
      assert.equal((await host.docker(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout, 'done\n');
      assert.equal((await host.docker(['ps', '--filter', 'network=blue', '-q'])).stdout, `${webId.slice(0, 12)}\n`);
      assert.equal((await host.docker(['ps', '-a', '--filter', 'label=role=web', '--format', '{{.Names}}'])).stdout, 'web\n');
      assert.equal((await host.docker(['ps', '-a', '--filter', 'label=role', '--format', '{{.Names}}'])).stdout, 'done\nweb\n');
      assert.equal((await host.docker(['ps', '-l', '--format', '{{.Names}} {{.Status}}'])).stdout.split(' ')[0], 'done');
      assert.equal((await host.docker(['ps', '--format', '{{.Names}}'])).stdout, 'plain\nweb\n');
      assert.equal((await host.docker(['ps', '-q', '--no-trunc', '--filter', 'name=^web$'])).stdout, `${webId}\n`);
      const noTrunc = await host.docker(['ps', '--no-trunc', '--filter', 'name=web', '--format', '{{.ID}} {{.Command}}']);
      assert.equal(noTrunc.stdout, `${webId} "sleep 1000"\n`);
      const bad = await host.docker(['ps', '--filter', 'colour=red']);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, "Error response from daemon: invalid filter 'colour'\n");
    });

    test('network ls filters', async () => {
      const all = await host.docker(['network', 'ls']);
      assert.match(all.stdout, /^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\n/);
      assert.match(all.stdout, /\n[0-9a-f]{12}\s+blue\s+bridge\s+local\n/);
      assert.equal((await host.docker(['network', 'ls', '--filter', 'name=blue', '--format', '{{.Name}}'])).stdout, 'blue\n');
      assert.equal((await host.docker(['network', 'ls', '--filter', 'label=team=blue', '--format', '{{.Name}} {{.Driver}}'])).stdout, 'blue bridge\n');
      assert.equal((await host.docker(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}'])).stdout, 'blue\n');
      assert.equal((await host.docker(['network', 'ls', '--filter', 'driver=null', '--format', '{{.Name}}'])).stdout, 'none\n');
      const builtin = await host.docker(['network', 'ls', '--filter', 'type=builtin', '--format', '{{.Name}}']);
      assert.equal(builtin.stdout, 'bridge\nhost\nnone\n');
      const ids = await host.docker(['network', 'ls', '-q', '--no-trunc', '--filter', 'name=blue']);
      assert.match(ids.stdout, /^[0-9a-f]{64}\n$/);
    });

    test('inspect and network inspect with --format', async () => {
      const [obj] = JSON.parse((await host.docker(['inspect', 'web'])).stdout) as Array<Record<string, any>>;
      assert.equal(obj!.Id, webId);
      assert.equal(obj!.Name, '/web');
      assert.equal(obj!.State.Status, 'running');
      assert.equal(obj!.HostConfig.NetworkMode, 'blue');
      assert.equal(obj!.NetworkSettings.Networks.blue.IPAddress, '10.91.0.20');
      assert.deepEqual(obj!.NetworkSettings.Networks.blue.IPAMConfig, { IPv4Address: '10.91.0.20' });
      const ip = await host.docker(['inspect', '--format', '{{.NetworkSettings.Networks.blue.IPAddress}}', 'web']);
      assert.equal(ip.stdout, '10.91.0.20\n');
      const gw = await host.docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.Gateway}}/{{.IPPrefixLen}}{{end}}', 'web']);
      assert.equal(gw.stdout, '10.91.0.1/24\n');
      const net = await host.docker(['network', 'inspect', '--format', '{{.Name}} {{.Driver}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{.Labels.team}}', 'blue']);
      assert.equal(net.stdout, 'blue bridge 10.91.0.0/24 10.91.0.1 blue\n');
      const members = await host.docker(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'blue']);
      assert.equal(members.stdout, 'web 10.91.0.20/24\n');
      const missing = await host.docker(['inspect', 'nosuch']);
      assert.equal(missing.code, 1);
      assert.deepEqual([missing.stdout, missing.stderr], ['[]\n', 'Error: No such object: nosuch\n']);
      const missingNet = await host.docker(['network', 'inspect', 'nosuch']);
      assert.equal(missingNet.code, 1);
      assert.equal(missingNet.stderr, 'Error response from daemon: network nosuch not found\n');
    });

    test('top: the container\'s processes from the host\'s ps', async () => {
      const r = await host.docker(['top', 'web']);
      ok(r);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      assert.match(header!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
      assert.equal(rows.length, 1);
      const pid = (await host.docker(['inspect', '-f', '{{.State.Pid}}', 'web'])).stdout.trim();
      assert.match(rows[0]!, new RegExp(`^root\\s+${pid}\\s+\\d+\\s+.*sleep 1000$`));
      const custom = await host.docker(['top', 'web', '-o', 'pid,comm']);
      assert.equal(custom.stdout.replace(/ +/g, ' '), `PID COMMAND\n${pid} sleep\n`);
      const stopped = await host.docker(['top', 'done']);
      assert.equal(stopped.code, 1);
      assert.match(stopped.stderr, /^Error response from daemon: container [0-9a-f]{64} is not running\n$/);
    });
  });

  test('stop, start, restart, kill, wait, rm -f', async () => {
    // A shell that ends on SIGTERM (PID 1 ignores signals it has no handler for).
    const script = 'trap "exit 143" TERM; echo up; while true; do sleep 0.2; done';
    ok(await host.docker(['run', '-d', '--name', 'cycle', 'busybox', 'sh', '-c', script]));
    const status = async () => (await host.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'cycle'])).stdout;

    assert.equal((await host.docker(['stop', 'cycle'])).stdout, 'cycle\n');
    assert.equal(await status(), 'exited 143\n');
    assert.equal((await host.docker(['wait', 'cycle'])).stdout, '143\n');
    assert.equal((await host.docker(['start', 'cycle'])).stdout, 'cycle\n');
    assert.equal(await status(), 'running 0\n');
    assert.equal((await host.docker(['restart', '-t', '1', 'cycle'])).stdout, 'cycle\n');
    assert.equal(await status(), 'running 0\n');

    const waiting = host.docker(['wait', 'cycle']);
    assert.equal((await host.docker(['kill', 'cycle'])).stdout, 'cycle\n');
    assert.deepEqual(await waiting, { code: 0, stdout: '137\n', stderr: '' });
    assert.equal(await status(), 'exited 137\n');

    ok(await host.docker(['start', 'cycle']));
    const term = host.docker(['wait', 'cycle']);
    ok(await host.docker(['kill', '--signal', 'TERM', 'cycle']));
    assert.equal((await term).stdout, '143\n');

    ok(await host.docker(['start', 'cycle']));
    const rmRunning = await host.docker(['rm', 'cycle']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /cannot remove container "\/?cycle": container is running: stop the container before removing or force remove/);
    assert.equal((await host.docker(['rm', '-f', 'cycle'])).stdout, 'cycle\n');
    assert.equal((await host.docker(['ps', '-aq', '--filter', 'name=cycle'])).stdout, '');

    const unknown = await host.docker(['stop', 'nosuch']);
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'Error response from daemon: No such container: nosuch\n']);
    const killStopped = await host.docker(['create', '--name', 'idle', 'busybox', 'true']);
    ok(killStopped);
    const k = await host.docker(['kill', 'idle']);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /^Error response from daemon: cannot kill container: idle: container [0-9a-f]{64} is not running\n$/);
    const killUnknown = await host.docker(['kill', 'nosuch']);
    assert.deepEqual([killUnknown.code, killUnknown.stderr], [1, 'Error response from daemon: cannot kill container: nosuch: No such container: nosuch\n']);
    ok(await host.docker(['rm', 'idle']));
  });

  test('network connect, disconnect, rm and prune', async () => {
    const created = await host.docker(['network', 'create', '--subnet', '10.92.0.0/24', 'green']);
    ok(created);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
    ok(await host.docker(['network', 'create', 'unused']));
    ok(await host.docker(['run', '-d', '--name', 'g1', 'busybox', 'sleep', '1000']));

    const connect = await host.docker(['network', 'connect', '--alias', 'gee', '--ip', '10.92.0.9', 'green', 'g1']);
    assert.deepEqual([connect.code, connect.stdout, connect.stderr], [0, '', '']);
    assert.equal((await host.docker(['inspect', '-f', '{{.NetworkSettings.Networks.green.IPAddress}}', 'g1'])).stdout, '10.92.0.9\n');
    const addrs = await host.docker(['exec', 'g1', 'ip', '-o', '-4', 'addr', 'show', 'eth1']);
    assert.match(addrs.stdout, /inet 10\.92\.0\.9\/24 /);
    const twice = await host.docker(['network', 'connect', 'green', 'g1']);
    assert.deepEqual([twice.code, twice.stderr], [1, 'Error response from daemon: endpoint with name g1 already exists in network green\n']);

    ok(await host.docker(['network', 'disconnect', 'green', 'g1']));
    const gone = await host.docker(['exec', 'g1', 'ip', 'link', 'show', 'eth1']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /can't find device 'eth1'/);
    const gid = (await host.docker(['inspect', '-f', '{{.Id}}', 'g1'])).stdout.trim();
    const again = await host.docker(['network', 'disconnect', 'green', 'g1']);
    assert.deepEqual([again.code, again.stderr], [1, `Error response from daemon: container ${gid} is not connected to network green\n`]);

    const prune = await host.docker(['network', 'prune', '-f', '--filter', 'until=1h']);
    assert.equal(prune.stdout, '');
    const pruned = (await host.docker(['network', 'prune', '-f'])).stdout.split('\n');
    assert.equal(pruned[0], 'Deleted Networks:');
    assert.deepEqual(pruned.slice(1).filter(Boolean).sort(), ['green', 'unused']);
    assert.equal((await host.docker(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}}'])).stdout, '');
    const predefined = await host.docker(['network', 'rm', 'bridge']);
    // docker 28's network rm adds its own "exit status 1" line after the daemon's error.
    assert.deepEqual([predefined.code, predefined.stderr], [1, 'Error response from daemon: bridge is a pre-defined network and cannot be removed\nexit status 1\n']);
    ok(await host.docker(['rm', '-f', 'g1']));
  });

  test('container prune removes the stopped containers', async () => {
    ok(await host.docker(['run', '--name', 'stale1', 'busybox', 'true']));
    ok(await host.docker(['create', '--name', 'stale2', '--label', 'keep=yes', 'busybox', 'true']));
    ok(await host.docker(['run', '-d', '--name', 'alive', 'busybox', 'sleep', '1000']));
    const stale1 = (await host.docker(['inspect', '-f', '{{.Id}}', 'stale1'])).stdout.trim();
    const kept = await host.docker(['container', 'prune', '-f', '--filter', 'label!=keep']);
    assert.equal(kept.stdout, `Deleted Containers:\n${stale1}\n\nTotal reclaimed space: 0B\n`);
    const rest = await host.docker(['container', 'prune', '-f']);
    assert.match(rest.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
    assert.equal((await host.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'alive\n');
    assert.equal((await host.docker(['container', 'prune', '-f'])).stdout, 'Total reclaimed space: 0B\n');
    ok(await host.docker(['rm', '-f', 'alive']));
  });

  describe('docker run failures and their exit codes', () => {
    test('125: an image berth does not have: "Unable to find image", then the refused pull', async () => {
      const r = await host.docker(['run', '--rm', 'nosuchimage']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /^Unable to find image 'nosuchimage:latest' locally\ndocker: Error response from daemon: pull access denied for nosuchimage\b.*\n\nRun 'docker run --help' for more information\n$/);
    });

    test('125: an unknown network fails the start, not the create (no pull attempt)', async () => {
      const r = await host.docker(['run', '--rm', '--network', 'nosuch', 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.equal(r.stderr, "docker: Error response from daemon: failed to set up container networking: network nosuch not found\n\nRun 'docker run --help' for more information\n");
      assert.equal((await host.docker(['ps', '-aq'])).stdout, '', '--rm removes the container whose start failed');
      // Without --rm the container stays behind, created, as Docker leaves it; it starts once the network exists.
      const kept = await host.docker(['run', '--name', 'later', '--network', 'nosuch', 'busybox', 'echo', 'late']);
      assert.equal(kept.code, 125);
      assert.equal((await host.docker(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout, 'later Created\n');
      ok(await host.docker(['network', 'create', 'nosuch']));
      const start = await host.docker(['start', '-a', 'later']);
      assert.deepEqual([start.code, start.stdout], [0, 'late\n']);
      ok(await host.docker(['rm', 'later']));
      ok(await host.docker(['network', 'rm', 'nosuch']));
    });

    test('126: the command cannot be executed', async () => {
      const r = await host.docker(['run', '--rm', 'busybox', '/etc']);
      assert.equal(r.code, 126);
      assert.match(r.stderr, /^docker: Error response from daemon: .*exec: "\/etc": permission denied.*\n\nRun 'docker run --help' for more information\n$/);
    });

    test('127: the command does not exist', async () => {
      const r = await host.docker(['run', '--rm', 'busybox', 'nosuchcmd']);
      assert.equal(r.code, 127);
      assert.match(r.stderr, /^docker: Error response from daemon: .*exec: "nosuchcmd": executable file not found in \$PATH.*\n\nRun 'docker run --help' for more information\n$/);
      assert.equal((await host.docker(['ps', '-aq'])).stdout, '');
    });

    test('the command\'s own exit code otherwise; a name conflict is 125', async () => {
      assert.equal((await host.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 42'])).code, 42);
      const dup = await host.docker(['run', '-d', '--name', 'twin', 'busybox', 'sleep', '100']);
      ok(dup);
      const r = await host.docker(['run', '--name', 'twin', 'busybox', 'true']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /^docker: Error response from daemon: Conflict\. The container name "\/twin" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\n/);
      ok(await host.docker(['rm', '-f', 'twin']));
    });
  });
});
