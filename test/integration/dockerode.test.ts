/**
 * Issue #5: dockerode (the Node Docker client) drives berth. The client runs in the test process,
 * outside the test host's network namespace: the Engine API is a unix socket, so that is enough.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import Docker from 'dockerode';
import { TestHost } from '../helpers/testhost.js';
import { waitFor } from '../helpers/wait.js';

const root = process.getuid?.() === 0;

interface DockerodeError extends Error {
  statusCode?: number;
  json?: { message?: string } | null;
}

/** The error a promise rejects with (dockerode's carries the status code and the JSON body). */
async function failure(p: Promise<unknown>): Promise<DockerodeError> {
  try {
    await p;
  } catch (err) {
    return err as DockerodeError;
  }
  throw new Error('expected the call to fail');
}

/** Demultiplex a Docker stream until it ends; stdout and stderr as strings. */
function collect(docker: Docker, stream: Readable | Duplex): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (b: Buffer) => (stdout += b.toString()));
  err.on('data', (b: Buffer) => (stderr += b.toString()));
  docker.modem.demuxStream(stream, out, err);
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve({ stdout, stderr }));
    stream.on('close', () => resolve({ stdout, stderr }));
    stream.on('error', reject);
  });
}

/** Run a command in a container through exec create/start/inspect. */
async function execIn(docker: Docker, c: Docker.Container, cmd: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = await collect(docker, stream);
  const info = await exec.inspect();
  return { ...out, exitCode: info.ExitCode };
}

describe('dockerode against berth', { skip: !root && 'needs root' }, () => {
  let host: TestHost;
  let docker: Docker;

  before(async () => {
    host = await TestHost.start();
    docker = new Docker({ socketPath: host.socket });
  });
  after(async () => {
    await host?.stop();
  });

  test('ping, version and info', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const v = await docker.version();
    assert.equal(v.ApiVersion, '1.51');
    assert.equal(v.MinAPIVersion, '1.24');
    assert.equal(v.Os, 'linux');
    assert.equal(v.Components?.[0]?.Name, 'Engine');
    const info = await docker.info();
    assert.equal(info.OSType, 'linux');
    assert.equal(info.Images, 1);
  });

  describe('networks and containers', () => {
    let net: Docker.Network;
    let webId = '';

    before(async () => {
      net = await docker.createNetwork({
        Name: 'red',
        Driver: 'bridge',
        Labels: { team: 'red' },
        IPAM: { Driver: 'default', Config: [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1', IPRange: '10.77.0.128/25' }] },
      });
    });
    after(async () => {
      for (const c of await docker.listContainers({ all: true })) await docker.getContainer(c.Id).remove({ force: true });
      await net?.remove().catch(() => undefined);
    });

    test('createNetwork with IPAM config; inspect and listNetworks with filters', async () => {
      assert.match(net.id, /^[0-9a-f]{64}$/);
      const info = await net.inspect();
      assert.equal(info.Name, 'red');
      assert.equal(info.Driver, 'bridge');
      assert.equal(info.Scope, 'local');
      assert.deepEqual(info.IPAM?.Config, [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1', IPRange: '10.77.0.128/25' }]);
      assert.deepEqual(info.Labels, { team: 'red' });
      assert.deepEqual(info.Containers, {});
      const byName = await docker.listNetworks({ filters: { name: ['red'] } });
      assert.deepEqual(byName.map((n) => n.Id), [net.id]);
      const byLabel = await docker.listNetworks({ filters: JSON.stringify({ label: ['team=red'] }) });
      assert.deepEqual(byLabel.map((n) => n.Name), ['red']);
      const builtin = await docker.listNetworks({ filters: { type: ['builtin'] } });
      assert.deepEqual(builtin.map((n) => n.Name).sort(), ['bridge', 'host', 'none']);
      const dup = await failure(docker.createNetwork({ Name: 'red' }));
      assert.equal(dup.statusCode, 409);
      assert.deepEqual(dup.json, { message: 'network with name red already exists' });
    });

    test('createContainer on the network with an alias and a fixed address; attach, start, wait', async () => {
      const c = await docker.createContainer({
        name: 'web',
        Image: 'busybox',
        Cmd: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 5'],
        Labels: { role: 'web' },
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: { NetworkMode: 'red' },
        NetworkingConfig: { EndpointsConfig: { red: { Aliases: ['www'], IPAMConfig: { IPv4Address: '10.77.0.50' } } } },
      });
      assert.match(c.id, /^[0-9a-f]{64}$/);
      webId = c.id;
      const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
      const output = collect(docker, stream);
      const exited = c.wait({ condition: 'next-exit' });
      await c.start();
      stream.write('hello\n');
      assert.deepEqual(await exited, { StatusCode: 5, Error: null });
      assert.deepEqual(await output, { stdout: 'got hello\n', stderr: 'oops\n' });

      const info = await c.inspect();
      assert.equal(info.Name, '/web');
      assert.equal(info.State.Status, 'exited');
      assert.equal(info.State.ExitCode, 5);
      assert.equal(info.HostConfig.NetworkMode, 'red');
      const ep = info.NetworkSettings.Networks.red!;
      assert.equal(ep.NetworkID, net.id);
      assert.deepEqual(ep.IPAMConfig, { IPv4Address: '10.77.0.50' });
      assert.deepEqual(ep.Aliases, ['www']);
    });

    test('a running container: its address, alias and listContainers filters', async () => {
      const web = docker.getContainer('web');
      await web.start();
      const ep = (await web.inspect()).NetworkSettings.Networks.red!;
      assert.equal(ep.IPAddress, '10.77.0.50');
      assert.equal(ep.IPPrefixLen, 24);
      assert.equal(ep.Gateway, '10.77.0.1');
      assert.match(ep.EndpointID, /^[0-9a-f]{64}$/);
      const dnsNames = (ep as { DNSNames?: string[] }).DNSNames;
      assert.ok(dnsNames?.includes('www'), JSON.stringify(dnsNames));

      const client = await docker.createContainer({ name: 'client', Image: 'busybox', Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: 'red' } });
      await client.start();
      // The alias answers from the other container (the embedded DNS and the bridge).
      const ping = await execIn(docker, client, ['ping', '-c', '1', '-W', '2', 'www']);
      assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr);
      assert.match(ping.stdout, /^PING www \(10\.77\.0\.50\)/);

      const running = await docker.listContainers();
      assert.deepEqual(running.map((c) => c.Names).sort(), [['/client'], ['/web']]);
      const byLabel = await docker.listContainers({ all: true, filters: { label: ['role=web'] } });
      assert.deepEqual(byLabel.map((c) => c.Id), [webId]);
      const onRed = await docker.listContainers({ filters: JSON.stringify({ network: ['red'] }) });
      assert.equal(onRed.length, 2);
      const summary = onRed.find((c) => c.Names[0] === '/web')!;
      assert.equal(summary.Image, 'busybox');
      assert.equal(summary.State, 'running');
      assert.match(summary.Status, /^Up /);
      assert.equal(summary.HostConfig.NetworkMode, 'red');
      assert.equal(summary.NetworkSettings.Networks.red?.IPAddress, '10.77.0.50');
      const byName = await docker.listContainers({ filters: { name: ['^/client$'] } });
      assert.deepEqual(byName.map((c) => c.Names[0]), ['/client']);
      await client.remove({ force: true });
    });

    test('exec create, start (with and without stdin) and inspect', async () => {
      const web = docker.getContainer('web');
      const r = await execIn(docker, web, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.deepEqual(r, { stdout: 'out\n', stderr: 'err\n', exitCode: 3 });

      const exec = await web.exec({ Cmd: ['sh', '-c', 'tr a-z A-Z'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
      const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
      const out = collect(docker, stream);
      stream.end('quiet\n');
      assert.deepEqual(await out, { stdout: 'QUIET\n', stderr: '' });
      const info = await exec.inspect();
      assert.equal(info.Running, false);
      assert.equal(info.ExitCode, 0);
      assert.equal(info.ContainerID, webId);
      assert.deepEqual(info.ProcessConfig, { tty: false, entrypoint: 'sh', arguments: ['-c', 'tr a-z A-Z'], privileged: false });

      const missing = await failure(docker.getExec('nosuch').inspect());
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(missing.json, { message: 'No such exec instance: nosuch' });
    });

    test('network.connect and disconnect on a running container', async () => {
      const web = docker.getContainer('web');
      const bridge = docker.getNetwork('bridge');
      await bridge.connect({ Container: 'web', EndpointConfig: {} });
      const both = (await web.inspect()).NetworkSettings.Networks;
      assert.deepEqual(Object.keys(both).sort(), ['bridge', 'red']);
      assert.match(both.bridge!.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
      const links = await execIn(docker, web, ['sh', '-c', 'ls /sys/class/net | sort | tr "\\n" " "']);
      assert.equal(links.stdout, 'eth0 eth1 lo ');
      const members = await bridge.inspect();
      assert.deepEqual(Object.keys(members.Containers ?? {}), [webId]);

      await bridge.disconnect({ Container: webId });
      assert.deepEqual(Object.keys((await web.inspect()).NetworkSettings.Networks), ['red']);
      assert.equal((await execIn(docker, web, ['ls', '/sys/class/net/eth1'])).exitCode, 1);
      const again = await failure(bridge.disconnect({ Container: 'web' }));
      assert.equal(again.statusCode, 500);
      assert.deepEqual(again.json, { message: `container ${webId} is not connected to network bridge` });
      const unknown = await failure(docker.getNetwork('nosuch').connect({ Container: 'web' }));
      assert.equal(unknown.statusCode, 404);
      assert.deepEqual(unknown.json, { message: 'network nosuch not found' });
    });

    test('logs: a multiplexed buffer, and a followed stream that ends when the container exits', async () => {
      const c = await docker.createContainer({ name: 'talker', Image: 'busybox', Cmd: ['sh', '-c', 'echo one; echo two >&2; sleep 1; echo three'] });
      await c.start();
      await waitFor(async () => (await c.logs({ stdout: true })).length > 0, 10_000, 'first log line');
      const followed = (await c.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
      assert.deepEqual(await collect(docker, followed), { stdout: 'one\nthree\n', stderr: 'two\n' });
      await waitFor(async () => (await c.inspect()).State.Status === 'exited', 5_000, 'exited');
      const buf = await c.logs({ stdout: true, stderr: true });
      // stream 1, length 4: "one\n" — Docker's 8-byte frame header.
      assert.deepEqual([...buf.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 4]);
      assert.equal(buf.subarray(8, 12).toString(), 'one\n');
      await c.remove();
    });

    test('errors come back with Docker\'s status codes and messages', async () => {
      const noContainer = await failure(docker.getContainer('nosuch').inspect());
      assert.equal(noContainer.statusCode, 404);
      assert.deepEqual(noContainer.json, { message: 'No such container: nosuch' });
      const noNetwork = await failure(docker.getNetwork('nosuch').inspect());
      assert.equal(noNetwork.statusCode, 404);
      assert.deepEqual(noNetwork.json, { message: 'network nosuch not found' });
      const noImage = await failure(docker.createContainer({ Image: 'nosuchimage' }));
      assert.equal(noImage.statusCode, 404);
      assert.deepEqual(noImage.json, { message: 'No such image: nosuchimage:latest' });

      // An unknown network does not fail the create (a 404 there means "no such image" to clients): the start fails.
      const lost = await docker.createContainer({ Image: 'busybox', HostConfig: { NetworkMode: 'nosuch' } });
      const noNet = await failure(lost.start());
      assert.equal(noNet.statusCode, 404);
      assert.deepEqual(noNet.json, { message: 'failed to set up container networking: network nosuch not found' });
      assert.equal((await lost.inspect()).State.Status, 'created');
      await lost.remove();

      const taken = await failure(docker.createContainer({ name: 'web', Image: 'busybox' }));
      assert.equal(taken.statusCode, 409);
      assert.match(taken.json?.message ?? '', /^Conflict\. The container name "\/web" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.$/);
      const running = await failure(docker.getContainer('web').remove());
      assert.equal(running.statusCode, 409);
      assert.match(running.json?.message ?? '', /^cannot remove container "\/web": container is running: stop the container before removing or force remove$/);
      const webEndpoint = (await docker.getContainer('web').inspect()).NetworkSettings.Networks.red!.EndpointID;
      const inUse = await failure(net.remove());
      assert.equal(inUse.statusCode, 403);
      assert.deepEqual(inUse.json, { message: `error while removing network: network red has active endpoints (name:"web" id:"${webEndpoint.slice(0, 12)}")` });
      const predefined = await failure(docker.getNetwork('bridge').remove());
      assert.equal(predefined.statusCode, 403);
      assert.deepEqual(predefined.json, { message: 'bridge is a pre-defined network and cannot be removed' });
    });

    test('stop, restart, kill and remove', async () => {
      const web = docker.getContainer('web');
      await web.stop({ t: 1 });
      assert.equal((await web.inspect()).State.Running, false);
      const notModified = await failure(web.stop());
      assert.equal(notModified.statusCode, 304);
      await web.restart({ t: 1 });
      assert.equal((await web.inspect()).State.Running, true);
      await web.kill();
      assert.deepEqual(await web.wait(), { StatusCode: 137, Error: null });
      await web.remove();
      const gone = await failure(web.inspect());
      assert.equal(gone.statusCode, 404);
      await net.remove();
      assert.deepEqual(await docker.listNetworks({ filters: { name: ['red'] } }), []);
    });
  });
});
