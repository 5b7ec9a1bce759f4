/**
 * docker's human-readable strings. Expected values come from the Go sources' own tests, cited per
 * table: github.com/docker/go-units (duration_test.go, size_test.go), docker/cli
 * cli/command/formatter (container_test.go TestDisplayablePorts and field tests, displayutils_test.go),
 * and moby daemon/container/state.go + health.go (State.String, State.State).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bytesSize, containerSize, containerState, containerStatus, ellipsis, formatCommand, formatLabels, formatNames, formatPorts,
  goTimeString, goUnixTimeString, humanDuration, humanSize, humanSizeWithPrecision, runningFor, stringifyCommand, truncateId,
  type PortSummary,
} from './display.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

describe('humanDuration (go-units duration_test.go TestHumanDuration)', () => {
  const cases: Array<[number, string]> = [
    [450, 'Less than a second'], [-5 * S, 'Less than a second'], [1 * S, '1 second'], [45 * S, '45 seconds'], [59 * S, '59 seconds'],
    [60 * S, 'About a minute'], [3 * MIN, '3 minutes'], [35 * MIN + 40 * S, '35 minutes'], [59 * MIN, '59 minutes'],
    [1 * H, 'About an hour'], [1 * H + 29 * MIN, 'About an hour'], [1 * H + 31 * MIN, '2 hours'], [3 * H + 29 * MIN, '3 hours'],
    [3 * H + 31 * MIN, '4 hours'], [24 * H, '24 hours'], [DAY + 12 * H, '36 hours'], [2 * DAY, '2 days'], [7 * DAY, '7 days'],
    [13 * DAY + 5 * H, '13 days'], [2 * WEEK, '2 weeks'], [2 * WEEK + 4 * DAY, '2 weeks'], [3 * WEEK, '3 weeks'],
    [4 * WEEK + 3 * DAY, '4 weeks'], [MONTH, '4 weeks'], [MONTH + 2 * WEEK, '6 weeks'], [2 * MONTH, '2 months'],
    [3 * MONTH + WEEK, '3 months'], [5 * MONTH + 2 * WEEK, '5 months'], [13 * MONTH, '13 months'], [23 * MONTH, '23 months'],
    [24 * MONTH, '24 months'], [24 * MONTH + 2 * WEEK, '2 years'], [3 * YEAR + 2 * MONTH, '3 years'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms`, () => assert.equal(humanDuration(ms), want));

  it('runningFor appends "ago" (ContainerContext.RunningFor)', () => {
    assert.equal(runningFor('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:30Z')), '5 minutes ago');
    assert.equal(runningFor(new Date(0), 1500), '1 second ago');
  });
});

describe('sizes (go-units size_test.go, formatter container_test.go)', () => {
  const human4: Array<[number, string]> = [
    [1000, '1kB'], [1024, '1.024kB'], [1000000, '1MB'], [1048576, '1.049MB'], [2e6, '2MB'], [3.42e9, '3.42GB'],
    [5.372e12, '5.372TB'], [2.22e15, '2.22PB'],
  ];
  for (const [n, want] of human4) it(`HumanSize(${n})`, () => assert.equal(humanSizeWithPrecision(n, 4), want));

  const binary: Array<[number, string]> = [
    [1024, '1KiB'], [1024 * 1024, '1MiB'], [2 * 1024 ** 2, '2MiB'], [3.42 * 1024 ** 3, '3.42GiB'], [5.372 * 1024 ** 4, '5.372TiB'],
    [2.22 * 1024 ** 5, '2.22PiB'],
  ];
  for (const [n, want] of binary) it(`BytesSize(${n})`, () => assert.equal(bytesSize(n), want));

  it('docker lists use three significant digits (HumanSizeWithPrecision(size, 3))', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(10), '10B');
    assert.equal(humanSize(4260000), '4.26MB');
    assert.equal(humanSize(1073741824), '1.07GB');
    assert.equal(humanSize(12345), '12.3kB');
    assert.equal(humanSize(999.5), '1e+03B'); // %.3g rounds up to 1000 after the unit was chosen
    assert.equal(containerSize(10, 20), '10B (virtual 20B)');
    assert.equal(containerSize(123, 12345), '123B (virtual 12.3kB)');
    assert.equal(containerSize(10, 0), '10B');
  });
});

describe('formatPorts (docker/cli container_test.go TestDisplayablePorts)', () => {
  const cases: Array<[PortSummary[], string]> = [
    [[{ PrivatePort: 9988, Type: 'tcp' }], '9988/tcp'],
    [[{ PrivatePort: 9988, Type: 'udp' }], '9988/udp'],
    [[{ IP: '0.0.0.0', PrivatePort: 9988, Type: 'tcp' }], '0.0.0.0:0->9988/tcp'],
    [[{ IP: '::', PrivatePort: 9988, Type: 'tcp' }], '[::]:0->9988/tcp'],
    [[{ PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' }], '9988/tcp'],
    [[{ IP: '4.3.2.1', PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' }], '4.3.2.1:8899->9988/tcp'],
    [[{ IP: '::1', PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' }], '[::1]:8899->9988/tcp'],
    [[{ IP: '4.3.2.1', PrivatePort: 9988, PublicPort: 9988, Type: 'tcp' }], '4.3.2.1:9988->9988/tcp'],
    [[{ IP: '::1', PrivatePort: 9988, PublicPort: 9988, Type: 'tcp' }], '[::1]:9988->9988/tcp'],
    [[{ PrivatePort: 9988, Type: 'udp' }, { PrivatePort: 9988, Type: 'udp' }], '9988/udp, 9988/udp'],
    [[{ IP: '1.2.3.4', PublicPort: 9998, PrivatePort: 9998, Type: 'udp' }, { IP: '1.2.3.4', PublicPort: 9999, PrivatePort: 9999, Type: 'udp' }], '1.2.3.4:9998-9999->9998-9999/udp'],
    [[{ IP: '::1', PublicPort: 9998, PrivatePort: 9998, Type: 'udp' }, { IP: '::1', PublicPort: 9999, PrivatePort: 9999, Type: 'udp' }], '[::1]:9998-9999->9998-9999/udp'],
    [[{ IP: '1.2.3.4', PublicPort: 8887, PrivatePort: 9998, Type: 'udp' }, { IP: '1.2.3.4', PublicPort: 8888, PrivatePort: 9999, Type: 'udp' }], '1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp'],
    [[{ IP: '::1', PublicPort: 8887, PrivatePort: 9998, Type: 'udp' }, { IP: '::1', PublicPort: 8888, PrivatePort: 9999, Type: 'udp' }], '[::1]:8887->9998/udp, [::1]:8888->9999/udp'],
    [[{ PrivatePort: 9998, Type: 'udp' }, { PrivatePort: 9999, Type: 'udp' }], '9998-9999/udp'],
    [[{ IP: '1.2.3.4', PrivatePort: 6677, PublicPort: 7766, Type: 'tcp' }, { PrivatePort: 9988, PublicPort: 8899, Type: 'udp' }], '9988/udp, 1.2.3.4:7766->6677/tcp'],
    [
      [
        { IP: '1.2.3.4', PrivatePort: 9988, PublicPort: 8899, Type: 'udp' }, { IP: '1.2.3.4', PrivatePort: 9988, PublicPort: 8899, Type: 'tcp' },
        { IP: '4.3.2.1', PrivatePort: 2233, PublicPort: 3322, Type: 'tcp' }, { IP: '::1', PrivatePort: 2233, PublicPort: 3322, Type: 'tcp' },
      ],
      '4.3.2.1:3322->2233/tcp, [::1]:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp',
    ],
    [
      [{ PrivatePort: 9988, PublicPort: 8899, Type: 'udp' }, { IP: '1.2.3.4', PrivatePort: 6677, PublicPort: 7766, Type: 'tcp' }, { IP: '4.3.2.1', PrivatePort: 2233, PublicPort: 3322, Type: 'tcp' }],
      '9988/udp, 4.3.2.1:3322->2233/tcp, 1.2.3.4:7766->6677/tcp',
    ],
    [
      [
        { PrivatePort: 80, Type: 'tcp' }, { PrivatePort: 1024, Type: 'tcp' }, { PrivatePort: 80, Type: 'udp' }, { PrivatePort: 1024, Type: 'udp' },
        { IP: '1.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'tcp' }, { IP: '1.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'udp' },
        { IP: '1.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'tcp' }, { IP: '1.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'udp' },
        { IP: '2.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'tcp' }, { IP: '2.1.1.1', PublicPort: 80, PrivatePort: 1024, Type: 'udp' },
        { IP: '2.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'tcp' }, { IP: '2.1.1.1', PublicPort: 1024, PrivatePort: 80, Type: 'udp' },
        { PrivatePort: 12345, Type: 'sctp' },
      ],
      '80/tcp, 80/udp, 1024/tcp, 1024/udp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, 2.1.1.1:1024->80/tcp, 2.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, 1.1.1.1:80->1024/udp, 2.1.1.1:80->1024/tcp, 2.1.1.1:80->1024/udp',
    ],
    // host IPs are ordered numerically, not lexicographically
    [[{ IP: '10.0.0.2', PublicPort: 8080, PrivatePort: 80, Type: 'tcp' }, { IP: '9.0.0.1', PublicPort: 8081, PrivatePort: 80, Type: 'tcp' }], '9.0.0.1:8081->80/tcp, 10.0.0.2:8080->80/tcp'],
    // What `docker run -p 8080:80 -p 9000-9001:9000-9001` shows on a dual-stack host.
    [
      [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' }, { IP: '::', PrivatePort: 9000, PublicPort: 9000, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 9001, PublicPort: 9001, Type: 'tcp' }, { IP: '::', PrivatePort: 9001, PublicPort: 9001, Type: 'tcp' },
      ],
      '0.0.0.0:9000-9001->9000-9001/tcp, [::]:9000-9001->9000-9001/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
    ],
    // A gap closes a range, which is listed before the ranges still open (in the order they opened).
    [[{ PrivatePort: 1, Type: 'tcp' }, { PrivatePort: 3, Type: 'tcp' }, { PrivatePort: 2, Type: 'udp' }], '1/tcp, 3/tcp, 2/udp'],
    [[], ''],
  ];
  for (const [ports, want] of cases) it(want || '(none)', () => assert.equal(formatPorts(ports), want));
});

describe('IDs and text columns (docker/cli displayutils_test.go, container_test.go)', () => {
  const ids: Array<[string, string]> = [
    ['', ''], ['1234', '1234'], ['90435eec5c4e124e741ef731e118be2fc799a68aba0466ec17717f24ce2ae6a2', '90435eec5c4e'],
    ['sha256:90435eec5c4e124e741ef731e118be2fc799a68aba0466ec17717f24ce2ae6a2', '90435eec5c4e'],
  ];
  for (const [id, want] of ids) it(`truncateId(${id})`, () => assert.equal(truncateId(id), want));

  const ellipses: Array<[string, number, string]> = [
    ['t🐳ststring', 0, ''], ['t🐳ststring', 1, 't'], ['t🐳ststring', 2, 't…'], ['t🐳ststring', 6, 't🐳st…'], ['t🐳ststring', 20, 't🐳ststring'],
    ['你好世界teststring', 0, ''], ['你好世界teststring', 1, '你'], ['你好世界teststring', 3, '你…'], ['你好世界teststring', 6, '你好…'],
    ['你好世界teststring', 20, '你好世界teststring'], ['abcdef', 6, 'abcdef'], ['abcdefg', 6, 'abcde…'],
  ];
  for (const [s, n, want] of ellipses) it(`ellipsis(${s}, ${n})`, () => assert.equal(ellipsis(s, n), want));

  it('formats the COMMAND column as docker ps does', () => {
    assert.equal(formatCommand("sh -c 'ls -la'"), `"sh -c 'ls -la'"`);
    assert.equal(formatCommand("sh -c 'echo hello; sleep 3600'"), `"sh -c 'echo hello; …"`);
    assert.equal(formatCommand("sh -c 'echo hello; sleep 3600'", false), `"sh -c 'echo hello; sleep 3600'"`);
    assert.equal(formatCommand('printf "a\tb"'), '"printf \\"a\\tb\\""');
    // moby daemon/list.go: arguments containing spaces are single-quoted.
    assert.equal(stringifyCommand('sh', ['-c', 'echo hello']), "sh -c 'echo hello'");
    assert.equal(stringifyCommand('/bin/sh'), '/bin/sh');
  });

  it('formats NAMES and LABELS as ContainerContext does', () => {
    assert.equal(formatNames(['/foobar_baz']), 'foobar_baz');
    assert.equal(formatNames(['/other/link', '/web', '/web2']), 'web');
    assert.equal(formatNames(['/web', '/other/link'], false), 'web,other/link');
    assert.equal(formatLabels({ label2: 'value2', label1: 'value1' }), 'label1=value1,label2=value2');
    assert.equal(formatLabels(null), '');
  });
});

describe('container status (moby daemon/container/state.go State.String and State.State)', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  const cases: Array<[Parameters<typeof containerStatus>[0], string, string]> = [
    [{ Running: true, StartedAt: ago(5 * S) }, 'Up 5 seconds', 'running'],
    [{ Running: true, StartedAt: ago(90 * S) }, 'Up About a minute', 'running'],
    [{ Running: true, Paused: true, StartedAt: ago(3 * MIN) }, 'Up 3 minutes (Paused)', 'paused'],
    [{ Running: true, Restarting: true, ExitCode: 1, FinishedAt: ago(2 * S) }, 'Restarting (1) 2 seconds ago', 'restarting'],
    [{ Running: true, StartedAt: ago(2 * H), Health: { Status: 'healthy' } }, 'Up 2 hours (healthy)', 'running'],
    [{ Running: true, StartedAt: ago(10 * S), Health: { Status: 'starting' } }, 'Up 10 seconds (health: starting)', 'running'],
    [{ Running: true, StartedAt: ago(10 * S), Health: { Status: '' } }, 'Up 10 seconds (unhealthy)', 'running'],
    [{ Status: 'removing', StartedAt: ago(MIN), FinishedAt: ago(S) }, 'Removal In Progress', 'removing'],
    [{ Dead: true, StartedAt: ago(MIN) }, 'Dead', 'dead'],
    [{ StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' }, 'Created', 'created'],
    [{ ExitCode: 0, StartedAt: ago(MIN), FinishedAt: ago(3 * S) }, 'Exited (0) 3 seconds ago', 'exited'],
    [{ ExitCode: 137, StartedAt: ago(9 * DAY), FinishedAt: ago(8 * DAY) }, 'Exited (137) 8 days ago', 'exited'],
    [{ StartedAt: ago(MIN), FinishedAt: '0001-01-01T00:00:00Z' }, '', 'exited'],
  ];
  for (const [state, status, stateName] of cases) {
    it(status || '(started, never finished)', () => {
      assert.equal(containerStatus(state, now), status);
      assert.equal(containerState(state), stateName);
    });
  }
});

describe('Go time strings (time.Time.String)', () => {
  it('formats Unix times in a zone, as CreatedAt columns do', () => {
    assert.equal(goUnixTimeString(1700000000, 'UTC'), '2023-11-14 22:13:20 +0000 UTC');
    assert.equal(goUnixTimeString(1700000000, 'America/New_York'), '2023-11-14 17:13:20 -0500 EST');
  });
  it('keeps the offset and nanoseconds of RFC 3339 timestamps, as a decoded time.Time does', () => {
    assert.equal(goTimeString('2024-01-02T15:04:05.123456789Z', 'UTC'), '2024-01-02 15:04:05.123456789 +0000 UTC');
    assert.equal(goTimeString('2024-01-02T15:04:05.500Z', 'UTC'), '2024-01-02 15:04:05.5 +0000 UTC');
    assert.equal(goTimeString('2024-01-02T15:04:05+01:00', 'UTC'), '2024-01-02 15:04:05 +0100 +0100');
    assert.equal(goTimeString('2024-01-02T15:04:05-05:00', 'America/New_York'), '2024-01-02 15:04:05 -0500 EST');
  });
});
