/**
 * Issue #3: the bridge networking rules' errors, with Docker's wording and status codes, and
 * rollback: a failure injected halfway through `network create` or `run`
 * (BERTH_TEST_FAIL_AT, src/lib/undo.ts) leaves no bridge, veth, netns, nft chain or element,
 * allocated address, held port or store record behind.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { TestHost } from '../helpers/testhost.js';
import { links, snapshot, type Snapshot } from '../helpers/kernel-state.js';

const root = process.getuid?.() === 0;
const SLEEP = ['busybox', 'sleep', '1000'];
const DAEMON = 'Error response from daemon: ';
/** Docker 28 prefixes errors of a container's network setup at start (not injected failures outside it). */
const SETUP = 'failed to set up container networking: ';

/** A raw Engine API call on the test host's socket: status and parsed body. */
function api(host: TestHost, method: string, path: string, body?: unknown): Promise<{ status: number; json: { message?: string; Id?: string } }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath: host.socket, method, path: `/v1.51${path}`, headers: data ? { 'Content-Type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Whether a process of the test host can take the TCP port (berth holds no socket for it). */
async function canBind(host: TestHost, port: number): Promise<boolean> {
  const code = `const s=require('net').createServer();s.on('error',()=>process.exit(1));s.listen(${port},'0.0.0.0',()=>process.exit(0))`;
  return (await host.sh([process.execPath, '-e', code])).code === 0;
}

function helpers(get: () => TestHost) {
  const ok = async (args: string[]): Promise<string> => {
    const r = await get().berth(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Run a CLI command that must fail; its exit code and stderr. */
  const fails = async (args: string[]) => {
    const r = await get().berth(args, { timeoutMs: 30_000 });
    assert.notEqual(r.code, 0, `berth ${args.join(' ')} should fail: ${r.stdout}`);
    return r;
  };
  const cleanup = async (containers: string[], networks: string[]) => {
    if (containers.length) await get().berth(['rm', '-f', ...containers]);
    for (const n of networks) await get().berth(['network', 'rm', n]);
  };
  const ipOf = async (container: string, network: string) =>
    (await ok(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container])).trim();
  return { ok, fails, cleanup, ipOf };
}

describe('networking errors', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let baseline: Snapshot;
  const { ok, fails, cleanup, ipOf } = helpers(() => host);

  before(async () => {
    host = await TestHost.start();
    baseline = await snapshot(host);
  });
  afterEach(async () => {
    assert.deepEqual(await snapshot(host), baseline, 'the instance is back to its baseline');
  });
  after(async () => {
    if (process.env.BERTH_TEST_DAEMON_LOG) console.log(host?.daemonLog);
    await host?.stop();
  });

  test('a taken --ip: exit 125 and "Address already in use"; the container stays created, nothing else is left', async () => {
    try {
      await ok(['network', 'create', '--subnet', '10.30.0.0/24', 'taken']);
      await ok(['run', '-d', '--name', 'holder', '--network', 'taken', '--ip', '10.30.0.5', ...SLEEP]);
      await ok(['run', '-d', '--name', 'other', ...SLEEP]);
      const before = await snapshot(host);
      const r = await fails(['run', '-d', '--name', 'late', '--network', 'taken', '--ip', '10.30.0.5', ...SLEEP]);
      assert.equal(r.code, 125);
      assert.match(r.stderr, new RegExp(`^berth: ${DAEMON}${SETUP}Address already in use\\n\\nRun 'berth run --help' for more information\\n$`));
      assert.equal(await ok(['inspect', '--format', '{{.State.Status}}', 'late']), 'created\n');
      const lateId = (await ok(['inspect', '--format', '{{.Id}}', 'late'])).trim().slice(0, 12);
      assert.deepEqual(await snapshot(host), { ...before, containers: [...before.containers, lateId].sort() });
      // the holder keeps its address and its traffic
      assert.equal(await ipOf('holder', 'taken'), '10.30.0.5');
      // connect --ip: the same error, and no eth1 appears
      const c = await fails(['network', 'connect', '--ip', '10.30.0.5', 'taken', 'other']);
      assert.equal(c.code, 1);
      assert.equal(c.stderr, `${DAEMON}Address already in use\n`);
      assert.notEqual((await host.berth(['exec', 'other', 'ip', 'link', 'show', 'eth1'])).code, 0);
      assert.equal(await ok(['inspect', '--format', '{{len .NetworkSettings.Networks}}', 'other']), '1\n');
      assert.deepEqual(await snapshot(host), { ...before, containers: [...before.containers, lateId].sort() });
      // an address outside every subnet
      const outside = await fails(['network', 'connect', '--ip', '10.31.0.5', 'taken', 'other']);
      assert.match(outside.stderr, /no configured subnet contains IP address 10\.31\.0\.5\n$/);
      // once the holder is gone, the created container starts with the address it asked for
      await ok(['rm', '-f', 'holder']);
      await ok(['start', 'late']);
      assert.equal(await ipOf('late', 'taken'), '10.30.0.5');
    } finally {
      await cleanup(['holder', 'other', 'late'], ['taken']);
    }
  });

  test('network rm: active endpoints, predefined networks, unknown networks', async () => {
    try {
      await ok(['network', 'create', 'busy']);
      await ok(['run', '-d', '--name', 'c1', '--network', 'busy', ...SLEEP]);
      await ok(['create', '--name', 'c2', '--network', 'busy', ...SLEEP]); // stopped: no endpoint
      const r = await fails(['network', 'rm', 'busy']);
      assert.match(r.stderr, /^Error response from daemon: error while removing network: network busy has active endpoints \(name:"c1" id:"[0-9a-f]{12}"\)\n/);
      const del = await api(host, 'DELETE', '/networks/busy');
      assert.equal(del.status, 403);
      assert.ok(await ok(['network', 'inspect', '--format', '{{.Name}}', 'busy']));
      for (const name of ['bridge', 'host', 'none']) {
        const p = await fails(['network', 'rm', name]);
        assert.match(p.stderr, new RegExp(`^${DAEMON}${name} is a pre-defined network and cannot be removed\\n`));
        assert.equal((await api(host, 'DELETE', `/networks/${name}`)).status, 403);
      }
      const unknown = await fails(['network', 'rm', 'nosuch']);
      assert.match(unknown.stderr, /^Error response from daemon: network nosuch not found\n/);
      assert.equal((await api(host, 'DELETE', '/networks/nosuch')).status, 404);
      // rm -f c1 and c2 empty it; then it goes
      await ok(['rm', '-f', 'c1', 'c2']);
      assert.equal(await ok(['network', 'rm', 'busy']), 'busy\n');
    } finally {
      await cleanup(['c1', 'c2'], ['busy']);
    }
  });

  test('network create: predefined names, duplicates, overlapping pools, gateways and subnets out of shape', async () => {
    try {
      for (const name of ['bridge', 'host', 'none']) {
        const r = await fails(['network', 'create', name]);
        assert.equal(r.stderr, `${DAEMON}operation is not permitted on predefined ${name} network \n`);
        assert.equal((await api(host, 'POST', '/networks/create', { Name: name })).status, 403);
      }
      await ok(['network', 'create', '--subnet', '10.40.0.0/16', 'first']);
      const dup = await fails(['network', 'create', 'first']);
      assert.equal(dup.stderr, `${DAEMON}network with name first already exists\n`);
      assert.deepEqual(await api(host, 'POST', '/networks/create', { Name: 'first' }), { status: 409, json: { message: 'network with name first already exists' } });

      const overlap = 'invalid pool request: Pool overlaps with other one on this address space';
      for (const subnet of ['10.40.3.0/24', '10.0.0.0/8', '172.17.1.0/24']) {
        const r = await fails(['network', 'create', '--subnet', subnet, 'second']);
        assert.equal(r.stderr, `${DAEMON}${overlap}\n`, subnet);
      }
      assert.deepEqual(await api(host, 'POST', '/networks/create', { Name: 'second', IPAM: { Config: [{ Subnet: '10.40.0.0/24' }] } }), {
        status: 403,
        json: { message: overlap },
      });

      // the docker CLI checks gateways, ranges and aux addresses against the subnets itself
      const gw = await fails(['network', 'create', '--subnet', '10.50.0.0/16', '--gateway', '10.51.0.1', 'second']);
      assert.equal(gw.stderr, 'no matching subnet for gateway 10.51.0.1\n');
      const range = await fails(['network', 'create', '--subnet', '10.50.0.0/16', '--ip-range', '10.51.0.0/24', 'second']);
      assert.equal(range.stderr, 'no matching subnet for range 10.51.0.0/24\n');
      const aux = await fails(['network', 'create', '--subnet', '10.50.0.0/16', '--aux-address', 'a=10.51.0.1', 'second']);
      assert.equal(aux.stderr, 'no matching subnet for aux-address 10.51.0.1\n');
      const cidr = await fails(['network', 'create', '--subnet', 'nonsense', '--gateway', '10.50.0.1', 'second']);
      assert.equal(cidr.stderr, 'invalid subnet: invalid CIDR address: nonsense\n');
      // ... and the daemon checks what other clients send
      const apiGw = await api(host, 'POST', '/networks/create', { Name: 'second', IPAM: { Config: [{ Subnet: '10.50.0.0/16', Gateway: '10.51.0.1' }] } });
      assert.deepEqual(apiGw, { status: 400, json: { message: "invalid network config:\ninvalid gateway 10.51.0.1: parent subnet 10.50.0.0/16 doesn't contain this address" } });
      const hostBits = await fails(['network', 'create', '--subnet', '10.50.0.1/16', 'second']);
      assert.equal(hostBits.stderr, `${DAEMON}invalid network config:\ninvalid subnet 10.50.0.1/16: it should be 10.50.0.0/16\n`);
      // nothing of the refused ones exists
      assert.equal(await ok(['network', 'ls', '--filter', 'name=second', '--format', '{{.Name}}']), '');
    } finally {
      await cleanup([], ['first', 'second']);
    }
  });

  test('unknown networks and containers in run, connect, disconnect and inspect', async () => {
    try {
      await ok(['network', 'create', 'known']);
      await ok(['run', '-d', '--name', 'k1', ...SLEEP]);
      const run = await fails(['run', '--rm', '--network', 'nosuch', 'busybox', 'true']);
      assert.equal(run.code, 125);
      assert.match(run.stderr, new RegExp(`${DAEMON}${SETUP}network nosuch not found\\n`));
      const connectNet = await fails(['network', 'connect', 'nosuch', 'k1']);
      assert.equal(connectNet.stderr, `${DAEMON}network nosuch not found\n`);
      const connectCtr = await fails(['network', 'connect', 'known', 'nobody']);
      assert.equal(connectCtr.stderr, `${DAEMON}No such container: nobody\n`);
      const disconnectNet = await fails(['network', 'disconnect', 'nosuch', 'k1']);
      assert.equal(disconnectNet.stderr, `${DAEMON}network nosuch not found\n`);
      const disconnectCtr = await fails(['network', 'disconnect', 'known', 'nobody']);
      assert.equal(disconnectCtr.stderr, `${DAEMON}No such container: nobody\n`);
      const inspect = await host.berth(['network', 'inspect', 'nosuch']);
      assert.equal(inspect.code, 1);
      assert.equal(inspect.stdout, '[]\n');
      assert.equal(inspect.stderr, `${DAEMON}network nosuch not found\n`);
      assert.equal((await api(host, 'GET', '/networks/nosuch')).status, 404);
    } finally {
      await cleanup(['k1'], ['known']);
    }
  });

  test('connect twice, disconnect when not connected, disconnect -f', async () => {
    try {
      await ok(['network', 'create', 'twice']);
      await ok(['run', '-d', '--name', 'w1', ...SLEEP]);
      const id = (await ok(['inspect', '--format', '{{.Id}}', 'w1'])).trim();
      await ok(['network', 'connect', 'twice', 'w1']);
      const again = await fails(['network', 'connect', 'twice', 'w1']);
      assert.equal(again.stderr, `${DAEMON}endpoint with name w1 already exists in network twice\n`);
      assert.equal((await api(host, 'POST', '/networks/twice/connect', { Container: 'w1' })).status, 403);
      assert.match(await ok(['exec', 'w1', 'ip', '-o', 'link', 'show', 'eth1']), /eth1@/);
      assert.notEqual((await host.berth(['exec', 'w1', 'ip', 'link', 'show', 'eth2'])).code, 0);

      await ok(['network', 'disconnect', 'twice', 'w1']);
      assert.notEqual((await host.berth(['exec', 'w1', 'ip', 'link', 'show', 'eth1'])).code, 0);
      const notThere = await fails(['network', 'disconnect', 'twice', 'w1']);
      assert.equal(notThere.stderr, `${DAEMON}container ${id} is not connected to network twice\n`);
      // -f on a network that does not exist (any more): only the container's record is checked
      const forced = await fails(['network', 'disconnect', '-f', 'nosuch', 'w1']);
      assert.equal(forced.stderr, `${DAEMON}container ${id} is not connected to the network nosuch\n`);
      // -f on an attached network disconnects as usual
      await ok(['network', 'connect', 'twice', 'w1']);
      await ok(['network', 'disconnect', '-f', 'twice', 'w1']);
      assert.notEqual((await host.berth(['exec', 'w1', 'ip', 'link', 'show', 'eth1'])).code, 0);
      assert.equal(await ok(['network', 'inspect', '--format', '{{len .Containers}}', 'twice']), '0\n');
      // a stopped container: the record only
      await ok(['stop', '-t', '0', 'w1']);
      const stopped = await fails(['network', 'disconnect', 'twice', 'w1']);
      assert.equal(stopped.stderr, `${DAEMON}container ${id} is not connected to the network twice\n`);
    } finally {
      await cleanup(['w1'], ['twice']);
    }
  });
});

describe('rollback at injected failures', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let baseline: Snapshot;
  const { ok, fails, cleanup, ipOf } = helpers(() => host);

  /** Restart the daemon with BERTH_TEST_FAIL_AT set to `step` (or unset). */
  const restartWith = async (step?: string) => {
    await host.stopDaemon();
    host.opts.env = step ? { BERTH_TEST_FAIL_AT: step } : {};
    await host.startDaemon();
  };

  before(async () => {
    host = await TestHost.start();
    // a failing bridge.createNetwork would stop the daemon creating the default bridge: it is
    // armed only after a first start, when the default bridge is restored instead of created
    await ok(['network', 'create', 'app']);
    baseline = await snapshot(host);
  });
  afterEach(async () => {
    await restartWith(undefined);
    assert.deepEqual(await snapshot(host), baseline, 'the instance is back to its baseline');
  });
  after(async () => {
    if (process.env.BERTH_TEST_DAEMON_LOG) console.log(host?.daemonLog);
    try {
      await ok(['network', 'rm', 'app']);
      assert.equal(await ok(['ps', '-aq']), '');
      assert.equal(await ok(['network', 'ls', '--format', '{{.Name}}']), 'bridge\nhost\nnone\n');
    } finally {
      await host?.stop();
    }
  });

  test('network create failing at bridge.createNetwork leaves no bridge, chain, pool or record', async () => {
    try {
      await restartWith('bridge.createNetwork');
      for (const args of [['auto'], ['--subnet', '10.60.0.0/24', 'fixed'], ['-o', 'com.docker.network.bridge.name=fpbr0', 'named']]) {
        const r = await fails(['network', 'create', ...args]);
        assert.equal(r.stderr, `${DAEMON}injected failure at bridge.createNetwork\n`);
        assert.deepEqual(await snapshot(host), baseline, args.join(' '));
      }
      assert.ok(!(await links(host)).some((l) => l.startsWith('fpbr0 ')));
      // the store holds none of them, the pools are free again
      await restartWith(undefined);
      assert.deepEqual(await snapshot(host), baseline);
      await ok(['network', 'create', 'auto']);
      await ok(['network', 'create', '--subnet', '10.60.0.0/24', 'fixed']);
      assert.equal(await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'auto']), '172.19.0.0/16\n');
    } finally {
      await restartWith(undefined);
      await cleanup([], ['auto', 'fixed', 'named']);
    }
  });

  for (const step of ['bridge.join', 'sandbox.create', 'start:network', 'start:process']) {
    test(`run failing at ${step} leaves no veth, netns, nft element, port or address; the container stays created`, async () => {
      try {
        await restartWith(step);
        const r = await fails(['run', '-d', '--name', 'x', '--network', 'app', '-p', '8080:80', ...SLEEP]);
        assert.equal(r.code, 125);
        // the failures injected inside the network setup carry its prefix, the others do not
        const prefix = step === 'bridge.join' || step === 'sandbox.create' ? SETUP : '';
        assert.match(r.stderr, new RegExp(`^berth: ${DAEMON}${prefix}injected failure at ${step}\\n`));
        const id = (await ok(['inspect', '--format', '{{.Id}}', 'x'])).trim().slice(0, 12);
        assert.equal(await ok(['inspect', '--format', '{{.State.Status}} {{.State.Running}}', 'x']), 'created false\n');
        assert.deepEqual(await snapshot(host), { ...baseline, containers: [id] });
        assert.equal(await canBind(host, 8080), true);
        // --rm: the failed container goes too (docker run --rm waits for that)
        const gone = await fails(['run', '--rm', '--network', 'app', 'busybox', 'true']);
        assert.equal(gone.code, 125);
        assert.deepEqual(await snapshot(host), { ...baseline, containers: [id] });
        // without the failure: the lowest address was never kept, and x itself starts
        await restartWith(undefined);
        await ok(['run', '-d', '--name', 'y', '--network', 'app', ...SLEEP]);
        assert.equal(await ipOf('y', 'app'), '172.18.0.2');
        await ok(['start', 'x']);
        assert.equal(await ipOf('x', 'app'), '172.18.0.3');
        assert.equal(await ok(['port', 'x']), '80/tcp -> 0.0.0.0:8080\n');
      } finally {
        await cleanup(['x', 'y'], []);
      }
    });
  }
});
