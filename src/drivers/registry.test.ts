/** The driver registry and the trivial drivers (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBerthError } from '../lib/errors.js';
import { UndoStack } from '../lib/undo.js';
import { IpBatch } from '../dataplane/ip.js';
import { createDrivers, createSandboxKernel, getDriver, hostReservedPrefixes } from './registry.js';
import { makeTestHost, removeNetns, testNames } from './testing.js';

describe('driver registry', () => {
  const drivers = createDrivers(testNames(), { hostNetns: 'unused' });

  it('has bridge, null, host and macvlan', () => {
    assert.deepEqual([...drivers.keys()].sort(), ['bridge', 'host', 'macvlan', 'null']);
  });

  it("unknown types get Docker's 404", () => {
    assert.throws(() => getDriver(drivers, 'overlay2'), (err: unknown) => isBerthError(err, 'notFound') && err.message === 'plugin "overlay2" not found');
  });

  it('null does nothing; host refuses a join', async () => {
    const net = { id: 'n', name: 'none', driver: 'null', internal: false, subnets: [], options: {}, dns: false };
    const ep = { id: 'e', networkId: 'n', containerId: 'c', ifname: 'eth0', hostIfname: 'x', mac: '02:00:00:00:00:01' };
    const sb = { id: 's', netns: 'berth-s' };
    assert.deepEqual(await drivers.get('null')!.createNetwork(net, new UndoStack()), {});
    await drivers.get('null')!.join(ep, net, sb, new UndoStack());
    await assert.rejects(drivers.get('host')!.join(ep, { ...net, driver: 'host' }, sb, new UndoStack()), /cannot be disconnected from host network or connected to host network/);
  });
});

describe('host reserved prefixes (kernel)', () => {
  it('lists host routes and nameservers, not the default route', async () => {
    const host = await makeTestHost();
    try {
      await new IpBatch(host)
        .linkAdd({ kind: 'bridge', name: 'br0', up: true })
        .addrAdd('br0', '10.77.0.1/16')
        .routeAdd({ dst: '192.0.2.9', dev: 'br0' })
        .routeAdd({ dst: 'default', via: '10.77.0.254' })
        .commit();
      assert.deepEqual((await hostReservedPrefixes(['10.9.9.9', '::1'], { hostNetns: host })).sort(), ['10.77.0.0/16', '10.9.9.9/32', '192.0.2.9/32']);
      assert.equal(typeof createSandboxKernel(testNames()).setDnsRedirect, 'function');
    } finally {
      await removeNetns(host);
    }
  });
});
