/**
 * Issue #2: the daemon, the CLI and runc containers, driven as a user would, in a test host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHost } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';

const root = process.getuid?.() === 0;

describe('foundation: daemon, CLI, containers', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  before(async () => {
    host = await TestHost.start();
  });
  after(async () => {
    await host?.stop();
  });

  test('run --rm prints the output and exits 0, leaving no container', async () => {
    const r = await host.berth(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
    const ps = await host.berth(['ps', '-aq']);
    assert.equal(ps.stdout, '');
  });

  test('run passes on the exit code, stdout and stderr', async () => {
    const r = await host.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('-e, --hostname and -w reach the process', async () => {
    const r = await host.berth(['run', '--rm', '-e', 'GREETING=hello', '--hostname', 'box', '-w', '/tmp', 'busybox', 'sh', '-c', 'echo $GREETING $(hostname) $(pwd)']);
    assert.equal(r.stdout, 'hello box /tmp\n');
  });

  test('stdin is forwarded with -i', async () => {
    const r = await host.berth(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'piped\n' });
    assert.equal(r.stdout, 'piped\n');
    assert.equal(r.code, 0);
  });

  test('detached container: ps, logs, exec, stop, start, rm', async () => {
    const run = await host.berth(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'echo started; while true; do sleep 1; done']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);

    const ps = await host.berth(['ps']);
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES\n/);
    assert.match(ps.stdout, new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo started…"\\s+.*Up .*ticker\\n`));

    await waitFor(async () => (await host.berth(['logs', 'ticker'])).stdout === 'started\n');
    const exec = await host.berth(['exec', 'ticker', 'sh', '-c', 'echo $((6*7))']);
    assert.equal(exec.stdout, '42\n');
    const execFail = await host.berth(['exec', 'ticker', 'sh', '-c', 'exit 3']);
    assert.equal(execFail.code, 3);

    assert.equal((await host.berth(['stop', '-t', '1', 'ticker'])).stdout, 'ticker\n');
    const stopped = await host.berth(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
    assert.match(stopped.stdout, /^ticker Exited \(137\) .*ago\n$/);

    assert.equal((await host.berth(['start', 'ticker'])).stdout, 'ticker\n');
    assert.match((await host.berth(['inspect', '--format', '{{.State.Status}} {{.RestartCount}}', 'ticker'])).stdout, /^running 0\n$/);

    const rmRunning = await host.berth(['rm', 'ticker']);
    assert.equal(rmRunning.code, 1);
    assert.match(rmRunning.stderr, /cannot remove container "\/ticker": container is running: stop the container before removing or force remove/);
    assert.equal((await host.berth(['rm', '-f', 'ticker'])).stdout, 'ticker\n');
    assert.equal((await host.berth(['ps', '-aq'])).stdout, '');
  });

  test('inspect shows Docker-shaped JSON', async () => {
    await host.berth(['create', '--name', 'shape', 'busybox', 'true']);
    const r = await host.berth(['inspect', 'shape']);
    const [obj] = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(obj).slice(0, 5), ['Id', 'Created', 'Path', 'Args', 'State']);
    assert.equal(obj.Name, '/shape');
    assert.equal(obj.Path, 'true');
    assert.equal(obj.State.Status, 'created');
    assert.equal(obj.HostConfig.NetworkMode, 'bridge');
    assert.ok(obj.NetworkSettings.Networks.bridge);
    await host.berth(['rm', 'shape']);
  });

  test('bad input gets Docker\'s wording and leaves nothing behind', async () => {
    const noImage = await host.berth(['run', '--rm', 'alpine', 'true']);
    assert.equal(noImage.code, 125);
    assert.match(noImage.stderr, /Unable to find image 'alpine:latest' locally/);

    await host.berth(['create', '--name', 'taken', 'busybox', 'true']);
    const dup = await host.berth(['create', '--name', 'taken', 'busybox', 'true']);
    assert.equal(dup.code, 1); // docker create exits 1 on daemon errors; run exits 125
    const dupRun = await host.berth(['run', '--name', 'taken', 'busybox', 'true']);
    assert.equal(dupRun.code, 125);
    assert.match(dup.stderr, /Conflict\. The container name "\/taken" is already in use by container "[0-9a-f]{64}"/);
    await host.berth(['rm', 'taken']);

    const unknown = await host.berth(['stop', 'nosuch']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No such container: nosuch/);

    const badFlag = await host.berth(['run', '--bogus', 'busybox']);
    assert.equal(badFlag.code, 125);
    assert.match(badFlag.stderr, /unknown flag: --bogus/);

    const badName = await host.berth(['create', '--name', 'bad/name', 'busybox']);
    assert.notEqual(badName.code, 0);
    assert.match(badName.stderr, /Invalid container name \(bad\/name\)/);

    const missingCmd = await host.berth(['run', '--rm', 'busybox', 'nosuchcommand']);
    assert.equal(missingCmd.code, 127);

    assert.equal((await host.berth(['ps', '-aq'])).stdout, '');
    const netns = await host.sh(['ip', 'netns', 'list'], { inHost: false });
    assert.doesNotMatch(netns.stdout, new RegExp(`${host.prefix}-`));
  });

  test('the real docker CLI lists berth containers', async () => {
    await host.berth(['create', '--name', 'seen-by-docker', 'busybox', 'true']);
    const r = await host.docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /seen-by-docker/);
    await host.berth(['rm', 'seen-by-docker']);
  });

  test('a running container survives a daemon restart, keeping its logs and exit code', async () => {
    // The container goes on only when told to (after the restart), however slow the machine is.
    await host.berth(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'echo before; until [ -e /tmp/go ]; do sleep 0.1; done; echo after; exit 5']);
    await waitFor(async () => (await host.berth(['logs', 'survivor'])).stdout.includes('before'));
    await host.stopDaemon();
    await host.startDaemon();
    const status = await host.berth(['inspect', '--format', '{{.State.Running}}', 'survivor']);
    assert.equal(status.stdout, 'true\n');
    assert.equal((await host.berth(['exec', 'survivor', 'touch', '/tmp/go'])).code, 0);
    const wait = await host.berth(['wait', 'survivor']);
    assert.equal(wait.stdout, '5\n');
    assert.equal((await host.berth(['logs', 'survivor'])).stdout, 'before\nafter\n');
    await host.berth(['rm', 'survivor']);
  });
});
