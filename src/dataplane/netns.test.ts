/** netns and sysctl against the kernel, only in namespaces the test creates. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { netnsAdd, netnsDelete, netnsExists, netnsList } from './netns.js';
import { sysctlGet, sysctlPath, sysctlSetMany } from './sysctl.js';

describe('netns (kernel)', () => {
  it('add, exists, list by prefix, delete idempotently', async () => {
    const name = `berth-tdp${randomBytes(3).toString('hex')}`;
    await netnsAdd(name);
    try {
      await assert.rejects(netnsAdd(name), /failed to create network namespace/);
      await netnsAdd(name, { existOk: true });
      assert.ok(netnsExists(name));
      assert.ok((await netnsList('berth-tdp')).includes(name));
    } finally {
      await netnsDelete(name);
    }
    await netnsDelete(name);
    assert.equal(netnsExists(name), false);
    assert.throws(() => netnsExists('../etc'), /invalid network namespace name/);
  });
});

describe('sysctl', () => {
  it('maps keys to /proc/sys paths', () => {
    assert.equal(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
    assert.equal(sysctlPath('net/ipv4/conf/eth0.10/forwarding'), '/proc/sys/net/ipv4/conf/eth0.10/forwarding');
    assert.throws(() => sysctlPath('net.ipv4..x'), /invalid sysctl key/);
  });

  it('sets and reads keys inside a namespace (one process for several keys)', async () => {
    const ns = `berth-tdp${randomBytes(3).toString('hex')}`;
    await netnsAdd(ns);
    try {
      await sysctlSetMany({ 'net.ipv4.ip_forward': 1, 'net.ipv4.conf.all.route_localnet': 1 }, { netns: ns });
      assert.equal(await sysctlGet('net.ipv4.ip_forward', { netns: ns }), '1');
      assert.equal(await sysctlGet('net.ipv4.conf.all.route_localnet', { netns: ns }), '1');
    } finally {
      await netnsDelete(ns);
    }
  });
});
