/**
 * `berth create` and `berth run` against a fake daemon: the exact create body (compared byte for
 * byte with what docker 28.2.2 sent for the same flags), docker's request sequence, the hijacked
 * attach conversation, exit codes, and the missing-image path.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { frame } from '../../stdcopy.js';
import { FakeDaemon } from '../../testing.fixture.js';

const ID = 'f'.repeat(64);

// docker -H ... create <MAX_FLAGS> busybox -c 'echo hi', as docker 28.2.2 sent it (\n-terminated).
const MAX_FLAGS = [
  '--name', 'x', '-i', '-t', '--rm', '-v', '/tmp:/data:ro', '-v', '/anon', '--dns', '1.1.1.1', '--dns-search', 'ex.com',
  '--dns-option', 'ndots:2', '--add-host', 'h:1.2.3.4', '-l', 'a=b', '-l', 'c', '--cap-add', 'NET_ADMIN', '--cap-drop', 'ALL',
  '--privileged', '--read-only', '-P', '--expose', '7000-7001/udp', '--ip', '10.0.0.5', '--ip6', 'fd00::5', '--network-alias', 'al1',
  '--link', 'other:o', '--mac-address', '02:42:ac:11:00:02', '--init', '--stop-timeout', '5', '--entrypoint', '/bin/sh', '-w', '/w',
  '-u', '1000:1000', '-h', 'myhost', '--domainname', 'dom', '--stop-signal', 'SIGINT', '--network', 'net1',
  '-p', '127.0.0.1:8080:80/udp', '-p', '9000-9001:9000-9001', '-p', '5353', '-e', 'FOO', '-e', 'BAR=baz', 'busybox', '-c', 'echo hi',
];
const DOCKER_MAX_BODY = "{\"Hostname\":\"myhost\",\"Domainname\":\"dom\",\"User\":\"1000:1000\",\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true,\"ExposedPorts\":{\"5353/tcp\":{},\"7000/udp\":{},\"7001/udp\":{},\"80/udp\":{},\"9000/tcp\":{},\"9001/tcp\":{}},\"Tty\":true,\"OpenStdin\":true,\"StdinOnce\":true,\"Env\":[\"FOO\",\"BAR=baz\"],\"Cmd\":[\"-c\",\"echo hi\"],\"Image\":\"busybox\",\"Volumes\":{\"/anon\":{}},\"WorkingDir\":\"/w\",\"Entrypoint\":[\"/bin/sh\"],\"OnBuild\":null,\"Labels\":{\"a\":\"b\",\"c\":\"\"},\"StopSignal\":\"SIGINT\",\"StopTimeout\":5,\"HostConfig\":{\"Binds\":[\"/tmp:/data:ro\"],\"ContainerIDFile\":\"\",\"LogConfig\":{\"Type\":\"\",\"Config\":{}},\"NetworkMode\":\"net1\",\"PortBindings\":{\"5353/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}],\"80/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"8080\"}],\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"9000\"}],\"9001/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"9001\"}]},\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"AutoRemove\":true,\"VolumeDriver\":\"\",\"VolumesFrom\":null,\"ConsoleSize\":[0,0],\"CapAdd\":[\"CAP_NET_ADMIN\"],\"CapDrop\":[\"ALL\"],\"CgroupnsMode\":\"\",\"Dns\":[\"1.1.1.1\"],\"DnsOptions\":[\"ndots:2\"],\"DnsSearch\":[\"ex.com\"],\"ExtraHosts\":[\"h:1.2.3.4\"],\"GroupAdd\":null,\"IpcMode\":\"\",\"Cgroup\":\"\",\"Links\":[\"other:o\"],\"OomScoreAdj\":0,\"PidMode\":\"\",\"Privileged\":true,\"PublishAllPorts\":true,\"ReadonlyRootfs\":true,\"SecurityOpt\":null,\"UTSMode\":\"\",\"UsernsMode\":\"\",\"ShmSize\":0,\"Isolation\":\"\",\"CpuShares\":0,\"Memory\":0,\"NanoCpus\":0,\"CgroupParent\":\"\",\"BlkioWeight\":0,\"BlkioWeightDevice\":[],\"BlkioDeviceReadBps\":[],\"BlkioDeviceWriteBps\":[],\"BlkioDeviceReadIOps\":[],\"BlkioDeviceWriteIOps\":[],\"CpuPeriod\":0,\"CpuQuota\":0,\"CpuRealtimePeriod\":0,\"CpuRealtimeRuntime\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\",\"Devices\":[],\"DeviceCgroupRules\":null,\"DeviceRequests\":null,\"MemoryReservation\":0,\"MemorySwap\":0,\"MemorySwappiness\":-1,\"OomKillDisable\":false,\"PidsLimit\":0,\"Ulimits\":[],\"CpuCount\":0,\"CpuPercent\":0,\"IOMaximumIOps\":0,\"IOMaximumBandwidth\":0,\"MaskedPaths\":null,\"ReadonlyPaths\":null,\"Init\":true},\"NetworkingConfig\":{\"EndpointsConfig\":{\"net1\":{\"IPAMConfig\":{\"IPv4Address\":\"10.0.0.5\",\"IPv6Address\":\"fd00::5\"},\"Links\":[\"other:o\"],\"Aliases\":[\"al1\"],\"MacAddress\":\"02:42:ac:11:00:02\",\"DriverOpts\":null,\"GwPriority\":0,\"NetworkID\":\"\",\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"DNSNames\":null}}}}";
// docker -H ... create busybox
const DOCKER_MIN_BODY = "{\"Hostname\":\"\",\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,\"AttachStdout\":true,\"AttachStderr\":true,\"Tty\":false,\"OpenStdin\":false,\"StdinOnce\":false,\"Env\":null,\"Cmd\":null,\"Image\":\"busybox\",\"Volumes\":{},\"WorkingDir\":\"\",\"Entrypoint\":null,\"OnBuild\":null,\"Labels\":{},\"HostConfig\":{\"Binds\":null,\"ContainerIDFile\":\"\",\"LogConfig\":{\"Type\":\"\",\"Config\":{}},\"NetworkMode\":\"default\",\"PortBindings\":{},\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0},\"AutoRemove\":false,\"VolumeDriver\":\"\",\"VolumesFrom\":null,\"ConsoleSize\":[0,0],\"CapAdd\":null,\"CapDrop\":null,\"CgroupnsMode\":\"\",\"Dns\":[],\"DnsOptions\":[],\"DnsSearch\":[],\"ExtraHosts\":null,\"GroupAdd\":null,\"IpcMode\":\"\",\"Cgroup\":\"\",\"Links\":null,\"OomScoreAdj\":0,\"PidMode\":\"\",\"Privileged\":false,\"PublishAllPorts\":false,\"ReadonlyRootfs\":false,\"SecurityOpt\":null,\"UTSMode\":\"\",\"UsernsMode\":\"\",\"ShmSize\":0,\"Isolation\":\"\",\"CpuShares\":0,\"Memory\":0,\"NanoCpus\":0,\"CgroupParent\":\"\",\"BlkioWeight\":0,\"BlkioWeightDevice\":[],\"BlkioDeviceReadBps\":[],\"BlkioDeviceWriteBps\":[],\"BlkioDeviceReadIOps\":[],\"BlkioDeviceWriteIOps\":[],\"CpuPeriod\":0,\"CpuQuota\":0,\"CpuRealtimePeriod\":0,\"CpuRealtimeRuntime\":0,\"CpusetCpus\":\"\",\"CpusetMems\":\"\",\"Devices\":[],\"DeviceCgroupRules\":null,\"DeviceRequests\":null,\"MemoryReservation\":0,\"MemorySwap\":0,\"MemorySwappiness\":-1,\"OomKillDisable\":false,\"PidsLimit\":0,\"Ulimits\":[],\"CpuCount\":0,\"CpuPercent\":0,\"IOMaximumIOps\":0,\"IOMaximumBandwidth\":0,\"MaskedPaths\":null,\"ReadonlyPaths\":null},\"NetworkingConfig\":{\"EndpointsConfig\":{\"default\":{\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null,\"MacAddress\":\"\",\"DriverOpts\":null,\"GwPriority\":0,\"NetworkID\":\"\",\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"DNSNames\":null}}}}";

let d: FakeDaemon;
before(async () => {
  d = await FakeDaemon.start();
});
after(() => d.close());

/** A daemon whose container exits with `status` after start, and whose attach echoes stdin. */
function happyDaemon(status = 0) {
  const waiters: Array<(code: number) => void> = [];
  d.on('POST', '/containers/create', (_req, res) => d.json(res, 201, { Id: ID, Warnings: [] }));
  d.on('POST', `/containers/${ID}/wait`, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    waiters.push((code) => res.end(JSON.stringify({ StatusCode: code, Error: null }) + '\n'));
  });
  d.on('POST', `/containers/${ID}/start`, (_req, res) => {
    res.writeHead(204);
    res.end();
    setTimeout(() => waiters.splice(0).forEach((w) => w(status)), 50);
  });
  d.on('POST', `/containers/${ID}/resize`, (_req, res) => {
    res.writeHead(200);
    res.end();
  });
  d.on('POST', `/containers/${ID}/kill`, (_req, res) => {
    res.writeHead(204);
    res.end();
  });
}

describe('create', () => {
  beforeEach(async () => {
    await d.close();
    d = await FakeDaemon.start();
    happyDaemon();
  });

  it('sends the body docker sends, byte for byte', async () => {
    const r = await d.run(['create', ...MAX_FLAGS], { env: { PATH: '/bin' } });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${ID}\n`);
    const req = d.requests.find((q) => q.path === '/containers/create')!;
    assert.equal(req.query.get('name'), 'x');
    assert.equal(req.body, DOCKER_MAX_BODY + '\n');
    assert.equal(req.version, '1.51');
  });

  it('sends the minimal body docker sends', async () => {
    await d.run(['create', 'busybox']);
    const req = d.requests.find((q) => q.path === '/containers/create')!;
    assert.equal(req.body, DOCKER_MIN_BODY + '\n');
    assert.equal(req.query.has('name'), false);
  });

  it('fills a bare -e NAME from the environment, as docker does', async () => {
    await d.run(['create', '-e', 'FOO', '-e', 'NOPE', 'busybox'], { env: { FOO: 'bar' } });
    const body = d.requests.find((q) => q.path === '/containers/create')!.json as { Env: string[] };
    assert.deepEqual(body.Env, ['FOO=bar', 'NOPE']);
  });

  it('prints daemon warnings on stderr', async () => {
    await d.close();
    d = await FakeDaemon.start();
    d.on('POST', '/containers/create', (_req, res) => d.json(res, 201, { Id: ID, Warnings: ['careful'] }));
    const r = await d.run(['create', 'busybox']);
    assert.equal(r.stderr, 'WARNING: careful\n');
  });
});

describe('run', () => {
  beforeEach(async () => {
    await d.close();
    d = await FakeDaemon.start();
  });

  it('-d: create, wait (next-exit), start, then the full ID', async () => {
    happyDaemon();
    const r = await d.run(['run', '-d', '--name', 'web', '-p', '80:5000', '--network', 'app', 'busybox', 'httpd', '-f']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${ID}\n`);
    assert.deepEqual(d.calls(), [
      'POST /containers/create?name=web',
      `POST /containers/${ID}/wait?condition=next-exit`,
      `POST /containers/${ID}/start`,
    ]);
    const body = d.requests[1 + d.requests.findIndex((q) => q.path === '/_ping')]!.json as Record<string, unknown>;
    assert.deepEqual([body.AttachStdin, body.AttachStdout, body.AttachStderr, body.Cmd], [false, false, false, ['httpd', '-f']]);
    assert.equal((body.HostConfig as { NetworkMode: string }).NetworkMode, 'app');
  });

  it('attached: attach before start, stdin forwarded then half-closed, output demuxed, exit code from wait', async () => {
    happyDaemon(3);
    const seen: string[] = [];
    d.onUpgrade(`/containers/${ID}/attach`, (_req, socket) => {
      socket.write(frame(1, 'out\n'));
      socket.write(frame(2, 'err\n'));
      socket.on('data', (b) => {
        seen.push(b.toString());
        socket.write(frame(1, `echo:${b}`));
      });
      socket.on('end', () => {
        seen.push('<EOF>');
        socket.end(frame(2, 'bye\n'));
      });
    });
    const r = await d.run(['run', '-i', '--rm', 'busybox', 'cat'], { stdin: 'hello\n' });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\necho:hello\n');
    assert.equal(r.stderr, 'err\nbye\n');
    assert.deepEqual(seen, ['hello\n', '<EOF>']);
    assert.deepEqual(d.calls(), [
      'POST /containers/create',
      `POST /containers/${ID}/attach?stderr=1&stdin=1&stdout=1&stream=1`,
      `POST /containers/${ID}/wait?condition=removed`,
      `POST /containers/${ID}/start`,
    ]);
    const attach = d.requests.find((q) => q.path.endsWith('/attach'))!;
    assert.equal(attach.headers.upgrade, 'tcp');
    assert.equal(attach.headers.connection, 'Upgrade');
  });

  it('without -i the write side is closed at once and stdin is not read', async () => {
    happyDaemon(0);
    let eof = false;
    d.onUpgrade(`/containers/${ID}/attach`, (_req, socket) => {
      socket.on('end', () => {
        eof = true;
        socket.end(frame(1, 'hi\n'));
      });
    });
    const stdin = new PassThrough();
    stdin.write('never read\n');
    const r = await d.run(['run', 'busybox', 'echo', 'hi'], { stdin });
    assert.equal(r.stdout, 'hi\n');
    assert.equal(r.code, 0);
    assert.equal(eof, true);
    assert.equal(d.requests.find((q) => q.path.endsWith('/attach'))!.query.has('stdin'), false);
  });

  it('-t: raw output, console size in the body and a resize after start', async () => {
    happyDaemon(0);
    d.onUpgrade(`/containers/${ID}/attach`, (_req, socket) => {
      socket.end('raw \x1b[1mtty\x1b[0m output\r\n');
    });
    const r = await d.run(['run', '-t', 'busybox', 'sh'], { tty: { rows: 40, columns: 120 } });
    assert.equal(r.stdout, 'raw \x1b[1mtty\x1b[0m output\r\n');
    const body = d.requests.find((q) => q.path === '/containers/create')!.json as { HostConfig: { ConsoleSize: number[] }; Tty: boolean };
    assert.deepEqual(body.HostConfig.ConsoleSize, [40, 120]);
    assert.equal(body.Tty, true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(d.calls().includes(`POST /containers/${ID}/resize?h=40&w=120`), d.calls().join('\n'));
  });

  it('forwards signals to the container (--sig-proxy)', async () => {
    happyDaemon(130);
    const signals = new EventEmitter();
    d.onUpgrade(`/containers/${ID}/attach`, (_req, socket) => {
      setTimeout(() => signals.emit('SIGINT'), 10);
      setTimeout(() => socket.end(), 40);
    });
    const r = await d.run(['run', 'busybox', 'sleep', '100'], { signals });
    assert.equal(r.code, 130);
    assert.ok(d.calls().includes(`POST /containers/${ID}/kill?signal=SIGINT`), d.calls().join('\n'));
    assert.equal(signals.listenerCount('SIGINT'), 0);
  });

  it('a missing image: "Unable to find image", a pull the daemon refuses, exit 125', async () => {
    d.on('POST', '/containers/create', (_req, res) => d.json(res, 404, { message: 'No such image: busybox:latest' }));
    d.on('POST', '/images/create', (_req, res) =>
      d.json(res, 404, { message: 'pull access denied for busybox: berth has no registry access' }),
    );
    const r = await d.run(['run', 'busybox']);
    assert.equal(r.code, 125);
    assert.equal(
      r.stderr,
      "Unable to find image 'busybox:latest' locally\n" +
        'berth: Error response from daemon: pull access denied for busybox: berth has no registry access\n\n' +
        "Run 'berth run --help' for more information\n",
    );
    const pull = d.requests.find((q) => q.path === '/images/create')!;
    assert.equal(pull.query.toString(), 'fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest');
  });

  it('a missing image with a pull that works: the progress, then the retried create', async () => {
    let creates = 0;
    happyDaemon();
    d.on('POST', '/containers/create', (_req, res) =>
      ++creates === 1 ? d.json(res, 404, { message: 'No such image: me/app:v1' }) : d.json(res, 201, { Id: ID }),
    );
    d.on('POST', '/images/create', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"Pulling from me/app","id":"v1"}\r\n{"status":"Status: Downloaded newer image for me/app:v1"}\r\n');
    });
    const r = await d.run(['run', '-d', 'me/app:v1']);
    assert.equal(r.stderr, "Unable to find image 'me/app:v1' locally\nv1: Pulling from me/app\nStatus: Downloaded newer image for me/app:v1\n");
    assert.equal(r.stdout, `${ID}\n`);
    assert.equal(creates, 2);
  });

  it('--pull never: the daemon error as it is, exit 125', async () => {
    d.on('POST', '/containers/create', (_req, res) => d.json(res, 404, { message: 'No such image: busybox:latest' }));
    const r = await d.run(['run', '--pull', 'never', 'busybox']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, "berth: Error response from daemon: No such image: busybox:latest\n\nRun 'berth run --help' for more information\n");
    assert.equal(d.calls().includes('POST /images/create'), false);
  });

  for (const [message, code] of [
    ['failed to create task: exec: "nope": executable file not found in $PATH', 127],
    ['exec: "/etc": permission denied', 126],
    ['network app not found', 125],
  ] as const) {
    it(`a start failure (${message}) exits ${code}`, async () => {
      happyDaemon();
      d.on('POST', `/containers/${ID}/start`, (_req, res) => d.json(res, 400, { message }));
      const r = await d.run(['run', '-d', 'busybox', 'nope']);
      assert.equal(r.code, code);
      assert.equal(r.stdout, `${ID}\n`);
      assert.equal(r.stderr, `berth: Error response from daemon: ${message}\n\nRun 'berth run --help' for more information\n`);
    });
  }
});

describe('run: client-side errors (never reach create)', () => {
  beforeEach(async () => {
    await d.close();
    d = await FakeDaemon.start();
    happyDaemon();
  });

  const cases: Array<[string[], number, string]> = [
    [['-p', 'abc'], 125, "berth: invalid containerPort: abc\n\nRun 'berth run --help' for more information\n"],
    [['--rm', '--restart', 'always'], 125, "berth: conflicting options: cannot specify both --restart and --rm\n\nRun 'berth run --help' for more information\n"],
    [['--network-alias', 'x'], 125, "berth: network-scoped aliases are only supported for user-defined networks\n\nRun 'berth run --help' for more information\n"],
    [['--pull', 'foo'], 125, `berth: invalid pull option: 'foo': must be one of "always", "missing" or "never"\n\nRun 'berth run --help' for more information\n`],
    [['--mac-address', 'zz'], 125, "berth: zz is not a valid mac address\n\nRun 'berth run --help' for more information\n"],
    [['-v', ':/b'], 125, "berth: invalid spec: :/b: empty section between colons\n\nRun 'berth run --help' for more information\n"],
    [['--env-file', '/nonexistent'], 125, "berth: open /nonexistent: no such file or directory\n\nRun 'berth run --help' for more information\n"],
    [['--network', 'a', '--network', 'host'], 125, "berth: conflicting options: cannot attach both user-defined and non-user-defined network-modes\n\nRun 'berth run --help' for more information\n"],
    [['-d', '-a', 'stdout'], 1, 'conflicting options: cannot specify both --attach and --detach\n'],
    [['-it'], 1, 'the input device is not a TTY\n'],
    [['--add-host', 'foo'], 125, 'invalid argument "foo" for "--add-host" flag: bad format for add-host: "foo"\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun \'berth run --help\' for more information\n'],
    [['-m', 'lots'], 125, 'invalid argument "lots" for "-m, --memory" flag: invalid size: \'lots\'\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun \'berth run --help\' for more information\n'],
  ];
  for (const [flags, code, stderr] of cases) {
    it(flags.join(' '), async () => {
      const r = await d.run(['run', ...flags, 'busybox']);
      assert.equal(r.stderr, stderr);
      assert.equal(r.code, code);
      assert.equal(d.calls().includes('POST /containers/create'), false);
    });
  }

  it('no image at all', async () => {
    const r = await d.run(['run']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "berth: 'berth run' requires at least 1 argument\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'berth run --help' for more information\n");
  });
});
