/**
 * The publisher's all-or-nothing rules, with fake sockets and a fake nft (pure): what is held,
 * released and applied when things go right, when a port is taken, and when nft refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Changeset } from '../dataplane/nft.js';
import { systemError } from '../lib/errors.js';
import { portLayout } from '../drivers/bridge/firewall.js';
import { bindError, type HeldPort } from './reserve.js';
import { PortPublisher } from './publisher.js';
import type { Proto, ResolvedRequest } from './spec.js';

class FakeKernel {
  /** "ip:port/proto" held by berth. */
  held = new Set<string>();
  /** Held by some other program. */
  taken = new Set<string>();
  applied: string[][] = [];
  /** Fail the next apply calls with these messages. */
  failures: string[] = [];

  deps() {
    return {
      layout: portLayout({ family: 'ip', name: 'berth' }),
      apply: async (cs: Changeset) => {
        const next = this.failures.shift();
        if (next) throw systemError(next);
        this.applied.push(cs.changes.map((c) => `${c.op} ${c.obj.kind}${c.obj.kind === 'element' ? ` ${c.obj.set}` : ''}`));
      },
      hold: async (ip: string, proto: Proto, port: number): Promise<HeldPort> => {
        const key = `${ip}:${port}/${proto}`;
        if (this.taken.has(key) || this.held.has(key)) throw bindError(ip, port, proto, Object.assign(new Error('x'), { code: 'EADDRINUSE' }));
        this.held.add(key);
        return { close: async () => void this.held.delete(key) };
      },
      ephemeral: async () => ({ begin: 32768, end: 32770 }),
    };
  }
}

const req = (containerPort: number, start = 0, end = start, hostIp = '0.0.0.0', proto: Proto = 'tcp'): ResolvedRequest => ({
  containerPort,
  proto,
  hostIp,
  hostPortStart: start,
  hostPortEnd: end,
  nat: true,
});

describe('PortPublisher', () => {
  it('publish holds each port and adds all elements in one transaction; unpublish undoes both', async () => {
    const k = new FakeKernel();
    const p = new PortPublisher(k.deps());
    const bindings = await p.publish('c1', '172.17.0.2', [req(443), req(80, 8080)]);
    assert.deepEqual(bindings, [
      { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 },
      { proto: 'tcp', containerPort: 443, hostIp: '0.0.0.0', hostPort: 32768 },
    ]);
    assert.deepEqual([...k.held], ['0.0.0.0:8080/tcp', '0.0.0.0:32768/tcp']);
    assert.equal(k.applied.length, 1);
    assert.equal(k.applied[0]!.length, 6);
    await p.unpublish('c1');
    assert.deepEqual([...k.held], []);
    assert.ok(k.applied[1]!.every((c) => c.startsWith('delete element')));
    assert.equal(p.published('c1'), undefined);
    // the ports are free again for berth too
    await p.publish('c2', '172.17.0.3', [req(80, 8080)]);
  });

  it("a port another program holds: Docker's error, nothing held, nothing applied, nothing allocated", async () => {
    const k = new FakeKernel();
    k.taken.add('0.0.0.0:9090/tcp');
    const p = new PortPublisher(k.deps());
    await assert.rejects(p.publish('c1', '172.17.0.2', [req(80, 8080), req(81, 9090)]), /failed to bind host port 0\.0\.0\.0:9090\/tcp: address already in use/);
    assert.deepEqual([...k.held], []);
    assert.deepEqual(k.applied, []);
    k.taken.clear();
    await p.publish('c1', '172.17.0.2', [req(80, 8080), req(81, 9090)]); // 8080 was released
  });

  it('a port berth already gave out: "port is already allocated"', async () => {
    const k = new FakeKernel();
    const p = new PortPublisher(k.deps());
    await p.publish('c1', '172.17.0.2', [req(80, 8080)]);
    await assert.rejects(p.publish('c2', '172.17.0.3', [req(80, 8080)]), /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
  });

  it('ranges and ephemeral picks move on past ports other programs hold', async () => {
    const k = new FakeKernel();
    k.taken.add('0.0.0.0:8000/tcp').add('0.0.0.0:32768/tcp');
    const p = new PortPublisher(k.deps());
    const b = await p.publish('c1', '172.17.0.2', [req(80, 8000, 8010), req(81)]);
    assert.deepEqual(b.map((x) => x.hostPort), [8001, 32769]);
  });

  it('nft refusing the transaction releases the ports and closes the sockets', async () => {
    const k = new FakeKernel();
    k.failures.push('nft transaction of 3 commands failed: Could not process rule: No such file or directory');
    const p = new PortPublisher(k.deps());
    await assert.rejects(p.publish('c1', '172.17.0.2', [req(80, 8080)]), /No such file or directory/);
    assert.deepEqual([...k.held], []);
    await p.publish('c1', '172.17.0.2', [req(80, 8080)]);
  });

  it('stale elements with the same keys are deleted one by one, then the transaction is retried', async () => {
    const k = new FakeKernel();
    k.failures.push('nft transaction of 3 commands failed: Could not process rule: File exists');
    const p = new PortPublisher(k.deps());
    await p.publish('c1', '172.17.0.2', [req(80, 8080)]);
    assert.deepEqual(k.applied, [['delete element dnat-on-any-to-addr'], ['delete element dnat-on-any-to-port'], ['delete element published-ports'], ['create element dnat-on-any-to-addr', 'create element dnat-on-any-to-port', 'create element published-ports']]);
  });

  it('unpublish of elements already gone deletes the rest one by one', async () => {
    const k = new FakeKernel();
    const p = new PortPublisher(k.deps());
    await p.publish('c1', '172.17.0.2', [req(80, 8080)]);
    k.failures.push('Could not process rule: No such file or directory', 'Could not process rule: No such file or directory');
    await p.unpublish('c1');
    assert.equal(k.applied.length, 1 + 2); // publish, then the two deletes that still found their element
  });

  it('unpublish from the record alone (the container ended while the daemon was down)', async () => {
    const k = new FakeKernel();
    const p = new PortPublisher(k.deps());
    await p.unpublish('gone', { containerAddr: '172.17.0.9', bindings: [{ proto: 'udp', containerPort: 53, hostIp: '0.0.0.0', hostPort: 5353 }] });
    assert.deepEqual(k.applied, [['delete element dnat-on-any-to-addr', 'delete element dnat-on-any-to-port', 'delete element published-ports']]);
    await p.unpublish('never'); // nothing known: nothing to do
  });

  it('restore re-marks and re-holds the ports; a port it cannot hold again is only a warning', async () => {
    const k = new FakeKernel();
    k.taken.add('0.0.0.0:9090/tcp');
    const p = new PortPublisher(k.deps());
    const pub = {
      containerAddr: '172.17.0.2',
      bindings: [
        { proto: 'tcp' as const, containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 },
        { proto: 'tcp' as const, containerPort: 81, hostIp: '0.0.0.0', hostPort: 9090 },
      ],
    };
    await p.restore('c1', pub);
    assert.deepEqual([...k.held], ['0.0.0.0:8080/tcp']);
    assert.ok(k.applied[0]!.every((c) => c.startsWith('ensure element')));
    await assert.rejects(p.publish('c2', '172.17.0.3', [req(80, 9090)]), /Bind for 0\.0\.0\.0:9090 failed: port is already allocated/);
    assert.deepEqual(p.published('c1'), pub);
  });

  it('routed bindings hold no port', async () => {
    const k = new FakeKernel();
    const p = new PortPublisher(k.deps());
    const b = await p.publish('c1', '172.17.0.2', [{ ...req(80, 0, 0, '0.0.0.0'), nat: false }]);
    assert.deepEqual(b, [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 0 }]);
    assert.deepEqual([...k.held], []);
    assert.deepEqual(k.applied, [['create element published-ports']]);
  });
});
