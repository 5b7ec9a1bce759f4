/** The macvlan driver: options (pure) and two containers on a veth parent in a test host (kernel). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IpBatch, listLinks } from '../dataplane/ip.js';
import { UndoStack, withUndo } from '../lib/undo.js';
import type { NetworkState, SandboxRef } from './driver.js';
import { MacvlanDriver, parseMacvlanOptions } from './macvlan.js';
import { SandboxNet } from './sandbox.js';
import { canPing, makeTestHost, removeNetns, sandboxRef, testNames } from './testing.js';

describe('macvlan options', () => {
  it('parent required, bridge mode by default, Docker wording for bad modes', () => {
    assert.deepEqual(parseMacvlanOptions({ parent: 'eth0' }), { parent: 'eth0', mode: 'bridge' });
    assert.throws(() => parseMacvlanOptions({ parent: 'eth0', macvlan_mode: 'l3' }), /requested macvlan mode 'l3' is not valid, 'bridge' mode is the macvlan driver default/);
    assert.throws(() => parseMacvlanOptions({}), /needs -o parent/);
    assert.throws(() => parseMacvlanOptions({ parent: 'eth0.10' }), /VLAN sub-interface/);
  });
});

describe('macvlan driver (kernel)', () => {
  const names = testNames();
  let host = '';
  const sbs: SandboxRef[] = [sandboxRef(), sandboxRef()];
  const NET: NetworkState = {
    id: 'm'.repeat(64),
    name: 'mv',
    driver: 'macvlan',
    internal: false,
    subnets: [{ subnet: '192.168.77.0/24', gateway: '192.168.77.1' }],
    options: { parent: 'mvparent' },
    dns: true,
  };
  let driver: MacvlanDriver;

  before(async () => {
    host = await makeTestHost();
    // the parent: one end of a veth pair in the test host, up
    await new IpBatch(host).linkAdd({ kind: 'veth', name: 'mvparent', up: true, peer: { name: 'mvpeer' } }).linkSet('mvpeer', { up: true }).commit();
    driver = new MacvlanDriver(names, { hostNetns: host });
    const sandboxes = new SandboxNet(names);
    for (const sb of sbs) await sandboxes.create(sb, new UndoStack());
  });
  after(() => removeNetns(...sbs.map((s) => s.netns), host));

  it('refuses a missing parent', async () => {
    await assert.rejects(driver.createNetwork({ ...NET, options: { parent: 'nosuch' } }, new UndoStack()), /the requested parent interface nosuch was not found/);
  });

  it('two containers on one parent reach each other; leave and rollback leave nothing', async () => {
    await driver.createNetwork(NET, new UndoStack());
    for (const [i, sb] of sbs.entries()) {
      await driver.join({ id: `e${i}`, networkId: NET.id, containerId: `c${i}`, ifname: 'eth0', hostIfname: 'unused', mac: `02:00:00:00:07:0${i}`, ipv4: `192.168.77.${i + 2}/24` }, NET, sb, new UndoStack());
    }
    assert.ok(await canPing(sbs[0]!.netns, '192.168.77.3'));
    const ep1 = { id: 'e1', networkId: NET.id, containerId: 'c1', ifname: 'eth0', hostIfname: 'unused', mac: '02:00:00:00:07:01' };
    await driver.leave(ep1, NET, sbs[1]!);
    await driver.leave(ep1, NET, sbs[1]!);
    assert.deepEqual(await listLinks({ netns: sbs[1]!.netns, dev: 'eth0' }), []);
    process.env.BERTH_TEST_FAIL_AT = 'macvlan.join';
    try {
      await assert.rejects(withUndo((undo) => driver.join({ ...ep1, ipv4: '192.168.77.9/24' }, NET, sbs[1]!, undo)), /injected failure/);
    } finally {
      delete process.env.BERTH_TEST_FAIL_AT;
    }
    assert.deepEqual(await listLinks({ netns: sbs[1]!.netns, dev: 'eth0' }), []);
  });
});
