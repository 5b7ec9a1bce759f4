/**
 * @module drivers/testing
 * Helpers for kernel tests: a namespace that plays the host, sandboxes, and probes (ping, TCP)
 * that run inside namespaces the test created. Nothing here touches the machine's own network.
 */
import { randomBytes } from 'node:crypto';
import { run } from '../dataplane/exec.js';
import { IpBatch } from '../dataplane/ip.js';
import { netnsAdd, netnsDelete } from '../dataplane/netns.js';
import { InstanceNames } from '../lib/names.js';
import type { SandboxRef } from './driver.js';

export function testNames(): InstanceNames {
  return new InstanceNames({ prefix: 'btest', dataRoot: '/nonexistent/berth-test', runRoot: '/nonexistent/berth-test', socket: '/nonexistent/berth-test.sock' });
}

/** A fresh name `berth-tdp<hex>` (the tests' namespace prefix). */
export function testNetnsName(): string {
  return `berth-tdp${randomBytes(3).toString('hex')}`;
}

/** A namespace playing the host, loopback up. */
export async function makeTestHost(): Promise<string> {
  const ns = testNetnsName();
  await netnsAdd(ns);
  await new IpBatch(ns).linkSet('lo', { up: true }).commit();
  return ns;
}

export function sandboxRef(): SandboxRef {
  const netns = testNetnsName();
  return { id: netns.slice('berth-'.length), netns };
}

export async function removeNetns(...names: string[]): Promise<void> {
  await Promise.all(names.map((n) => netnsDelete(n)));
}

/** Whether one ICMP echo from inside `ns` to `addr` is answered within 1 s. */
export async function canPing(ns: string, addr: string): Promise<boolean> {
  const res = await run(['/bin/busybox', 'ping', '-c1', '-W1', addr], { netns: ns, allowFail: true, timeoutMs: 5000 });
  return res.code === 0;
}

/**
 * An "outside" namespace linked to the test host by a veth (host side `hostIf` with .1, outside
 * .2 on `cidr24`), with no route back to container subnets: only masqueraded traffic is answered.
 */
export async function makeOutside(host: string, hostIf: string, net24 = '198.51.100'): Promise<{ netns: string; address: string }> {
  const netns = testNetnsName();
  await netnsAdd(netns);
  await new IpBatch(host)
    .linkAdd({ kind: 'veth', name: hostIf, up: true, peer: { name: 'eth0', netns } })
    .addrAdd(hostIf, `${net24}.1/24`)
    .commit();
  await new IpBatch(netns).linkSet('lo', { up: true }).addrAdd('eth0', `${net24}.2/24`).linkSet('eth0', { up: true }).commit();
  return { netns, address: `${net24}.2` };
}
