/**
 * Pure tests of the bridge driver's planning: option parsing with Docker's wording, the ip lines
 * of a network and a join, and the nft JSON of a network's firewall. No root needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBerthError } from '../../lib/errors.js';
import { InstanceNames } from '../../lib/names.js';
import type { NetworkState } from '../driver.js';
import { networkObjects, planHostInit, planNetworkFirewall, planNetworkFirewallRemoval, publishedPortElement } from './firewall.js';
import { parseBridgeOptions, validateBridgeSpec } from './options.js';
import { bridgeMac, planBridgeLinks, planJoin, planNetwork } from './plan.js';

const names = new InstanceNames({ prefix: 'berth', dataRoot: '/x', runRoot: '/x', socket: '/x.sock' });
const TABLE = { family: 'ip' as const, name: 'berth' };

function net(extra: Partial<NetworkState> = {}, options: Record<string, string> = {}): NetworkState {
  return {
    id: '0123456789abcdef'.repeat(4),
    name: 'app',
    driver: 'bridge',
    internal: false,
    subnets: [{ subnet: '172.18.0.0/16', gateway: '172.18.0.1' }],
    options,
    dns: true,
    ...extra,
  };
}

function rejects(fn: () => unknown, message: string, kind = 'invalidParameter') {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isBerthError(err), String(err));
    assert.equal(err.kind, kind);
    assert.equal(err.message, message);
    return true;
  });
}

describe('bridge options', () => {
  it('defaults', () => {
    assert.deepEqual(parseBridgeOptions({}, false), {
      mtu: 0,
      masquerade: true,
      icc: true,
      gatewayMode: 'nat',
      inhibitIPv4: false,
      defaultBridge: false,
      trustedHostInterfaces: [],
    });
  });

  it('parses known keys, ignores unknown ones', () => {
    const o = parseBridgeOptions(
      {
        'com.docker.network.bridge.name': 'br-app',
        'com.docker.network.driver.mtu': '1400',
        'com.docker.network.bridge.enable_icc': 'F',
        'com.docker.network.bridge.enable_ip_masquerade': '0',
        'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1',
        'com.docker.network.bridge.trusted_host_interfaces': 'eth0:eth1',
        'com.example.whatever': 'x',
      },
      false,
    );
    assert.equal(o.bridgeName, 'br-app');
    assert.equal(o.mtu, 1400);
    assert.equal(o.icc, false);
    assert.equal(o.masquerade, false);
    assert.equal(o.hostBindingIPv4, '127.0.0.1');
    assert.deepEqual(o.trustedHostInterfaces, ['eth0', 'eth1']);
  });

  it("uses Docker's wording for bad values", () => {
    const icc = 'com.docker.network.bridge.enable_icc';
    rejects(() => parseBridgeOptions({ [icc]: 'yes' }, false), `failed to parse ${icc} value: yes (strconv.ParseBool: parsing "yes": invalid syntax)`);
    const mtu = 'com.docker.network.driver.mtu';
    rejects(() => parseBridgeOptions({ [mtu]: 'abc' }, false), `failed to parse ${mtu} value: abc (strconv.Atoi: parsing "abc": invalid syntax)`);
    rejects(() => parseBridgeOptions({ [mtu]: '-1' }, false), 'invalid MTU number: -1');
    rejects(() => parseBridgeOptions({ [mtu]: '70000' }, false), 'invalid MTU number: 70000 (want 68-65535)');
    const gwm = 'com.docker.network.bridge.gateway_mode_ipv4';
    rejects(() => parseBridgeOptions({ [gwm]: 'magic' }, false), `failed to parse ${gwm} value: magic (unknown gateway mode magic)`);
    rejects(() => parseBridgeOptions({ [gwm]: 'isolated' }, false), "gateway mode 'isolated' can only be used for an internal network");
    const hb = 'com.docker.network.bridge.host_binding_ipv4';
    rejects(() => parseBridgeOptions({ [hb]: '1.2.3' }, false), `failed to parse ${hb} value: 1.2.3 (nil ip)`);
    rejects(() => parseBridgeOptions({ 'com.docker.network.bridge.name': 'a b' }, false), 'invalid bridge name "a b": want 1-15 of [A-Za-z0-9_.-]');
  });

  it('one IPv4 subnet per bridge network', () => {
    const spec = { name: 'x', internal: false, options: {}, subnets: [{ subnet: '10.1.0.0/16' }, { subnet: '10.2.0.0/16' }] };
    rejects(() => validateBridgeSpec(spec), "bridge driver doesn't support multiple subnets", 'forbidden');
  });
});

describe('bridge plan: links', () => {
  it('names the bridge from the option, the stored device, or the network ID', () => {
    assert.equal(planNetwork(net(), names).bridge, 'berth-012345678');
    assert.equal(planNetwork(net({ ifname: 'berth-old' }), names).bridge, 'berth-old');
    assert.equal(planNetwork(net({}, { 'com.docker.network.bridge.name': 'berth0' }), names).bridge, 'berth0');
  });

  it('create: bridge with a stable MAC, MTU, gateway address, up', () => {
    const p = planNetwork(net({}, { 'com.docker.network.driver.mtu': '1400' }), names);
    const mac = bridgeMac(p.id);
    assert.match(mac, /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
    assert.deepEqual(planBridgeLinks(p, 'create', mac).lines, [
      `link add berth-012345678 address ${mac} mtu 1400 up type bridge`,
      'addr add 172.18.0.1/16 broadcast + dev berth-012345678',
    ]);
  });

  it('restore tolerates what exists; isolated/inhibited bridges get no address', () => {
    const p = planNetwork(net(), names);
    assert.deepEqual(planBridgeLinks(p, 'restore', '02:00:00:00:00:01').lines, [
      'link add berth-012345678 address 02:00:00:00:00:01 mtu 1500 type bridge',
      'link set berth-012345678 mtu 1500 up',
      'addr add 172.18.0.1/16 broadcast + dev berth-012345678',
    ]);
    const iso = planNetwork(net({ internal: true }, { 'com.docker.network.bridge.gateway_mode_ipv4': 'isolated' }), names);
    assert.equal(iso.gatewayCidr, undefined);
    const inhibit = planNetwork(net({}, { 'com.docker.network.bridge.inhibit_ipv4': 'true' }), names);
    assert.equal(inhibit.gatewayCidr, undefined);
  });

  it('join: two batches, the container end created in the sandbox', () => {
    const p = planNetwork(net(), names);
    const ep = {
      id: 'e',
      networkId: p.id,
      containerId: 'c',
      ifname: 'eth0',
      hostIfname: 'berthvabcdef012',
      mac: '02:42:ac:12:00:02',
      ipv4: '172.18.0.2/16',
      defaultGateway: '172.18.0.1',
    };
    const { host, container, announce } = planJoin(p, ep, { id: 's', netns: 'berth-s' }, names, 'testhost');
    assert.equal(host.netns, 'testhost');
    assert.deepEqual(host.lines, [
      'link add berthvabcdef012 mtu 1500 master berth-012345678 up type veth peer name eth0 netns berth-s address 02:42:ac:12:00:02 mtu 1500',
      `link set berthvabcdef012 alias berth:${p.id} type bridge_slave hairpin on`,
      'neigh replace 172.18.0.2 lladdr 02:42:ac:12:00:02 dev berth-012345678 nud stale',
    ]);
    assert.equal(container.netns, 'berth-s');
    assert.deepEqual(container.lines, ['addr add 172.18.0.2/16 broadcast + dev eth0', 'link set eth0 up', 'route replace default via 172.18.0.1 dev eth0']);
    // the same MAC again: arp_notify's gratuitous ARP, now that the bridge port forwards
    assert.equal(announce.netns, 'berth-s');
    assert.deepEqual(announce.lines, ['link set eth0 address 02:42:ac:12:00:02']);
  });
});

describe('bridge plan: firewall', () => {
  const fw = planNetwork(net(), names).firewall;
  const rulesOf = (n = fw) =>
    Object.fromEntries(networkObjects(TABLE, n).chains.map((c) => [c.name, c.rules.map((r) => r.comment ?? JSON.stringify(r.expr))]));

  it('a default network: ct, ICC accept, published ports, unpublished drop; outgoing; masquerade', () => {
    const ct = JSON.stringify([{ match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } }, { accept: null }]);
    assert.deepEqual(rulesOf(), {
      'filter-forward-in__berth-012345678': [ct, 'ICC', 'PUBLISHED PORT', 'UNPUBLISHED PORT DROP'],
      'filter-forward-out__berth-012345678': [ct, 'OUTGOING'],
      'nat-postrouting-in__berth-012345678': ['MASQUERADE LOOPBACK', 'HAIRPIN'],
      'nat-postrouting-out__berth-012345678': ['MASQUERADE'],
    });
  });

  it('the exact JSON of a network create', () => {
    const cmds = planNetworkFirewall(TABLE, fw).commands();
    type Rule = { chain?: string; comment?: string; expr?: unknown[] };
    const find = (chain: string, comment: string) =>
      cmds.map((c) => c.add?.rule as Rule | undefined).find((r) => r?.chain === chain && r.comment === comment);
    assert.deepEqual(find('filter-forward-in__berth-012345678', 'ICC'), {
      family: 'ip',
      table: 'berth',
      chain: 'filter-forward-in__berth-012345678',
      expr: [{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'berth-012345678' } }, { accept: null }],
      comment: 'ICC',
    });
    assert.deepEqual(find('filter-forward-in__berth-012345678', 'PUBLISHED PORT')!.expr, [
      {
        match: {
          op: '==',
          left: { concat: [{ payload: { protocol: 'ip', field: 'daddr' } }, { meta: { key: 'l4proto' } }, { payload: { protocol: 'th', field: 'dport' } }] },
          right: '@published-ports',
        },
      },
      { accept: null },
    ]);
    assert.deepEqual(find('nat-postrouting-out__berth-012345678', 'MASQUERADE')!.expr, [
      { match: { op: '!=', left: { meta: { key: 'oifname' } }, right: 'berth-012345678' } },
      { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '172.18.0.0', len: 16 } } } },
      { masquerade: null },
    ]);
    // the four jumps, as map elements
    const elems = cmds.filter((c) => c.add?.element).slice(-4).map((c) => c.add!.element);
    assert.deepEqual(elems[0], {
      family: 'ip',
      table: 'berth',
      name: 'filter-forward-in-jumps',
      elem: [['berth-012345678', { jump: { target: 'filter-forward-in__berth-012345678' } }]],
    });
  });

  it('ICC off, internal, nat-unprotected, routed, masquerade off, host_ipv4', () => {
    const plan = (extra: Partial<NetworkState>, o: Record<string, string>) => rulesOf(planNetwork(net(extra, o), names).firewall);
    const noicc = plan({}, { 'com.docker.network.bridge.enable_icc': 'false' })['filter-forward-in__berth-012345678']!;
    assert.equal(noicc[1], 'ICC');
    const noiccRule = networkObjects(TABLE, planNetwork(net({}, { 'com.docker.network.bridge.enable_icc': 'false' }), names).firewall).chains[0]!.rules[1]!;
    assert.deepEqual(noiccRule.expr[1], { drop: null });
    const internal = plan({ internal: true }, {});
    assert.deepEqual(internal['filter-forward-in__berth-012345678']!.slice(1), ['INTERNAL NETWORK INGRESS', 'ICC']);
    assert.deepEqual(internal['filter-forward-out__berth-012345678']!.slice(1), ['INTERNAL NETWORK EGRESS']);
    assert.deepEqual(internal['nat-postrouting-out__berth-012345678'], []);
    assert.deepEqual(plan({}, { 'com.docker.network.bridge.gateway_mode_ipv4': 'nat-unprotected' })['filter-forward-in__berth-012345678']!.slice(1), ['ICC', 'UNPROTECTED']);
    const routed = plan({}, { 'com.docker.network.bridge.gateway_mode_ipv4': 'routed' });
    assert.deepEqual(routed['filter-forward-in__berth-012345678']!.slice(1), ['ICMP', 'ICC', 'PUBLISHED PORT', 'UNPUBLISHED PORT DROP']);
    assert.deepEqual(routed['nat-postrouting-out__berth-012345678'], []);
    assert.deepEqual(plan({}, { 'com.docker.network.bridge.enable_ip_masquerade': 'false' })['nat-postrouting-out__berth-012345678'], []);
    const snat = networkObjects(TABLE, planNetwork(net({}, { 'com.docker.network.host_ipv4': '192.0.2.7' }), names).firewall).chains[3]!;
    assert.deepEqual(snat.rules[0]!.expr.at(-1), { snat: { addr: '192.0.2.7' } });
  });

  it('create replaces stale pieces; reverse() removes exactly the network; removal is idempotent', () => {
    const cs = planNetworkFirewall(TABLE, fw);
    const ops = cs.changes.map((c) => c.op);
    assert.deepEqual([...new Set(ops)], ['ensure', 'purge', 'create']);
    const rev = cs.reverse();
    assert.deepEqual(
      rev.changes.filter((c) => c.op !== 'ensure').map((c) => `${c.op} ${c.obj.kind} ${'name' in c.obj ? c.obj.name : c.obj.set}`),
      [
        'delete element nat-postrouting-out-jumps',
        'delete element nat-postrouting-in-jumps',
        'delete element filter-forward-out-jumps',
        'delete element filter-forward-in-jumps',
        'delete element route-localnet-bridges',
        'delete chain nat-postrouting-out__berth-012345678',
        'delete chain nat-postrouting-in__berth-012345678',
        'delete chain filter-forward-out__berth-012345678',
        'delete chain filter-forward-in__berth-012345678',
      ],
    );
    // removal: every piece is made present (chains before the elements that jump to them), then deleted
    const removal = planNetworkFirewallRemoval(TABLE, fw).commands().filter((c) => !c.add?.table && !c.add?.map && !c.add?.set && !c.flush);
    const kinds = removal
      .filter((c) => !(c.add?.chain && !(c.add.chain as { name: string }).name.includes('__')) && !c.add?.rule) // the network's own chains only
      .map((c) => `${Object.keys(c)[0]} ${Object.keys(Object.values(c)[0]!)[0]}`);
    assert.deepEqual(kinds, [...Array(4).fill('add chain'), ...Array(5).fill('add element'), ...Array(5).fill('delete element'), ...Array(4).fill('delete chain')]);
  });

  it('host init: table, four verdict maps, the published-ports set, two base chains with their dispatch', () => {
    const cmds = planHostInit(TABLE).commands();
    assert.deepEqual(cmds[0], { add: { table: { family: 'ip', name: 'berth' } } });
    assert.equal(cmds.filter((c) => c.add?.map && (c.add.map as { map: string }).map === 'verdict').length, 4);
    assert.deepEqual(cmds.find((c) => c.add?.set)!.add!.set, { family: 'ip', table: 'berth', name: 'published-ports', type: ['ipv4_addr', 'inet_proto', 'inet_service'] });
    assert.deepEqual(cmds.find((c) => c.add?.chain)!.add!.chain, { family: 'ip', table: 'berth', name: 'filter-FORWARD', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' });
    // base chains are flushed before their rules are added: ensuring twice never duplicates
    // (filter-FORWARD, nat-POSTROUTING, and published ports' nat-PREROUTING, nat-OUTPUT, their DNAT chain, filter-INPUT)
    assert.equal(cmds.filter((c) => c.flush?.chain).length, 6);
  });

  it('a published port is one set element', () => {
    assert.deepEqual(publishedPortElement(TABLE, '172.18.0.2', 'tcp', 80), {
      kind: 'element',
      table: TABLE,
      set: 'published-ports',
      key: { concat: ['172.18.0.2', 'tcp', 80] },
    });
  });
});
