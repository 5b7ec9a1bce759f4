/**
 * -p/--publish and --expose: every expectation below is what docker 28.2.2 sent in its create
 * request (ExposedPorts keys, PortBindings) or printed, for the same spec.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePorts } from './ports.js';

type Ok = [string, string[], Record<string, Array<{ HostIp: string; HostPort: string }>>];
type Bad = [string, string];

const PUBLISH: Array<Ok | Bad> = [
  ["80", ["80/tcp"], {"80/tcp": [{"HostIp": "", "HostPort": ""}]}],
  ["80:5000", ["5000/tcp"], {"5000/tcp": [{"HostIp": "", "HostPort": "80"}]}],
  ["8080:80/udp", ["80/udp"], {"80/udp": [{"HostIp": "", "HostPort": "8080"}]}],
  ["127.0.0.1:8080:80", ["80/tcp"], {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}],
  ["127.0.0.1::80", ["80/tcp"], {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}],
  ["[::1]:8080:80", ["80/tcp"], {"80/tcp": [{"HostIp": "::1", "HostPort": "8080"}]}],
  ["::1:8080:80", ["80/tcp"], {"80/tcp": [{"HostIp": "::1", "HostPort": "8080"}]}],
  ["0.0.0.0:1000-1001:2000-2001", ["2000/tcp", "2001/tcp"], {"2000/tcp": [{"HostIp": "0.0.0.0", "HostPort": "1000"}], "2001/tcp": [{"HostIp": "0.0.0.0", "HostPort": "1001"}]}],
  ["8000-8010:80", ["80/tcp"], {"80/tcp": [{"HostIp": "", "HostPort": "8000-8010"}]}],
  ["7000-7001", ["7000/tcp", "7001/tcp"], {"7000/tcp": [{"HostIp": "", "HostPort": ""}], "7001/tcp": [{"HostIp": "", "HostPort": ""}]}],
  ["80/SCTP", ["80/sctp"], {"80/sctp": [{"HostIp": "", "HostPort": ""}]}],
  ["target=80,published=8080", ["80/tcp"], {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}],
  ["target=53,protocol=udp", ["53/udp"], {"53/udp": [{"HostIp": "", "HostPort": ""}]}],
  ["abc", "invalid containerPort: abc"],
  ["80:abc", "invalid containerPort: abc"],
  ["1.2.3:80:80", "invalid IP address: 1.2.3"],
  ["80:80/xyz", "invalid proto: xyz"],
  ["70000", "invalid containerPort: 70000"],
  ["1000-1001:2000", ["2000/tcp"], {"2000/tcp": [{"HostIp": "", "HostPort": "1000-1001"}]}],
  ["80-70:80", "invalid hostPort: 80-70"],
  [":80", ["80/tcp"], {"80/tcp": [{"HostIp": "", "HostPort": ""}]}],
  ["80:", "no port specified: 80:<empty>"],
  ["[::1:80:80", "invalid IP address [::1: address [::1:: missing ']' in address"],
  ["published=8080", "no port specified: 8080:/tcp<empty>"],
  ["target=80,x", "invalid publish opts format (should be name=value but got 'x')"],
  ["9000-9001:9000-9001", ["9000/tcp", "9001/tcp"], {"9000/tcp": [{"HostIp": "", "HostPort": "9000"}], "9001/tcp": [{"HostIp": "", "HostPort": "9001"}]}],
  ["8080-8081:80/tcp", ["80/tcp"], {"80/tcp": [{"HostIp": "", "HostPort": "8080-8081"}]}],
];

const EXPOSE: Array<[string, string[] | string]> = [
  ["abc", "invalid range format for --expose: abc, error: strconv.ParseUint: parsing \"abc\": invalid syntax"],
  ["7000-7001/udp", ["7000/udp", "7001/udp"]],
  ["80:80", "invalid port format for --expose: 80:80"],
  ["1-abc", "invalid range format for --expose: 1-abc, error: strconv.ParseUint: parsing \"abc\": invalid syntax"],
  ["90-80", "invalid range format for --expose: 90-80, error: invalid range specified for port: 90-80"],
  ["80/tcp", ["80/tcp"]],
  ["", "invalid range format for --expose: , error: empty string specified for ports"],
];

describe('-p/--publish', () => {
  for (const row of PUBLISH) {
    it(row[0], () => {
      if (row.length === 2) return assert.throws(() => parsePorts([row[0]], []), { message: row[1] });
      const { exposed, bindings } = parsePorts([row[0]], []);
      assert.deepEqual([...exposed].sort(), row[1]);
      assert.deepEqual(Object.fromEntries(bindings), row[2]);
    });
  }

  it('collects bindings of one port from several specs in order', () => {
    const { bindings } = parsePorts(['8080:80', '127.0.0.1:9090:80'], []);
    assert.deepEqual(bindings.get('80/tcp'), [
      { HostIp: '', HostPort: '8080' },
      { HostIp: '127.0.0.1', HostPort: '9090' },
    ]);
  });
});

describe('--expose', () => {
  for (const [spec, want] of EXPOSE) {
    it(JSON.stringify(spec), () => {
      if (typeof want === 'string') return assert.throws(() => parsePorts([], [spec]), { message: want });
      assert.deepEqual([...parsePorts([], [spec]).exposed].sort(), want);
    });
  }
});
