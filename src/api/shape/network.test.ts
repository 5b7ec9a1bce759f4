import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointRecord, NetworkRecord } from '../../engine/model.js';
import { networkJson } from './network.js';

const net: NetworkRecord = {
  id: 'a'.repeat(64),
  name: 'app',
  driver: 'bridge',
  scope: 'local',
  created: '2026-01-01T00:00:00.000000000Z',
  internal: false,
  attachable: false,
  ingress: false,
  enableIPv4: true,
  enableIPv6: false,
  ipamDriver: 'default',
  ipamOptions: {},
  ipamRequested: [],
  ipamConfig: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }],
  options: {},
  labels: {},
  configOnly: false,
  configFrom: '',
  predefined: false,
};

const ep: EndpointRecord = {
  id: 'e'.repeat(64),
  networkId: net.id,
  containerId: 'c'.repeat(64),
  ifname: 'eth0',
  hostIfname: 'veth0',
  mac: '02:42:ac:12:00:02',
  ipv4: '172.18.0.2/16',
  gateway: '172.18.0.1',
  aliases: [],
  dnsNames: ['web'],
};

describe('network JSON', () => {
  it("inspect: Docker 28's field order, Containers before Options and Labels", () => {
    const out = networkJson({ net, endpoints: [{ ep, containerName: 'web' }] });
    assert.deepEqual(Object.keys(out), [
      'Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress',
      'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels',
    ]);
    assert.deepEqual(out.Containers, {
      [ep.containerId]: { Name: 'web', EndpointID: ep.id, MacAddress: ep.mac, IPv4Address: '172.18.0.2/16', IPv6Address: '' },
    });
  });

  it('Containers in container ID order, as Go encodes a map', () => {
    const other = { ...ep, id: 'f'.repeat(64), containerId: 'b'.repeat(64), ipv4: '172.18.0.3/16' };
    const out = networkJson({ net, endpoints: [{ ep, containerName: 'web' }, { ep: other, containerName: 'db' }] });
    assert.deepEqual(Object.keys(out.Containers as object), ['b'.repeat(64), 'c'.repeat(64)]);
  });

  it('list: no Containers', () => {
    assert.deepEqual(Object.keys(networkJson({ net })).slice(-3), ['ConfigOnly', 'Options', 'Labels']);
  });
});
