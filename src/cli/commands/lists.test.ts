/**
 * List and inspect output against a fake daemon. Every expected string is what docker 28.2.2
 * printed for the same API responses (the same data, served by a fake daemon to the docker CLI),
 * except CreatedAt values, which depend on the local time zone and are computed here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { goUnixTimeString } from '../format/display.js';
import { FakeDaemon } from '../testing.fixture.js';

const now = Math.floor(Date.now() / 1000);
const CONTAINERS = [
  {
    Id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2', Names: ['/web', '/other/web-alias'], Image: 'busybox',
    ImageID: 'sha256:' + 'ab'.repeat(32), Command: 'httpd -f -p 8080 -h /var/www/with/a/long/path', Created: now - 3 * 86400,
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' }, { IP: '::', PrivatePort: 80, PublicPort: 32768, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 5000, PublicPort: 5000, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 5001, PublicPort: 5001, Type: 'tcp' },
    ],
    Labels: { 'com.example.b': '2', a: '1' }, State: 'running', Status: 'Up 3 days', SizeRw: 12, SizeRootFs: 4261000,
    NetworkSettings: { Networks: { bridge: { NetworkID: 'x' } } }, Mounts: [{ Type: 'bind', Source: '/tmp/very/long/source/path', Destination: '/d', Driver: '' }],
  },
  {
    Id: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100', Names: ['/db'], Image: 'docker.io/library/busybox:latest',
    ImageID: 'sha256:' + 'cd'.repeat(32), Command: 'sh', Created: now - 7200, Ports: [], Labels: {}, State: 'exited',
    Status: 'Exited (0) 2 hours ago', NetworkSettings: { Networks: {} }, Mounts: [],
  },
  {
    Id: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', Names: ['/img-by-id'], Image: 'sha256:' + 'cd'.repeat(32),
    ImageID: 'sha256:' + 'cd'.repeat(32), Command: 'sleep 1000', Created: now - 60 * 60 * 24 * 40, Ports: null, Labels: null,
    State: 'created', Status: 'Created', NetworkSettings: null, Mounts: null,
  },
];
const NETWORKS = [
  { Name: 'bridge', Id: '1670debb4a0d'.padEnd(64, '1'), Created: '2026-11-20T10:00:00.123456789Z', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false, Internal: false, Labels: {} },
  { Name: 'net10', Id: '9cfb79738802'.padEnd(64, '2'), Created: '2026-11-21T10:00:00Z', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: true, Internal: true, Labels: { z: '1' } },
  { Name: 'net9', Id: '74edd3fad0d5'.padEnd(64, '3'), Created: '2026-11-21T10:00:00Z', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false, Internal: false, Labels: null },
  { Name: 'host', Id: '75e8b87360a8'.padEnd(64, '4'), Created: '0001-01-01T00:00:00Z', Scope: 'local', Driver: 'host', EnableIPv4: true, EnableIPv6: false, Internal: false, Labels: {} },
  { Name: 'none', Id: 'f0ece9ce4283'.padEnd(64, '5'), Created: '0001-01-01T00:00:00Z', Scope: 'local', Driver: 'null', EnableIPv4: true, EnableIPv6: false, Internal: false, Labels: {} },
];
const IMAGES = [
  { Id: 'sha256:' + 'ab'.repeat(32), ParentId: '', RepoTags: ['busybox:latest', 'busybox:1.36', 'me/app:v1'], RepoDigests: ['busybox@sha256:' + '12'.repeat(32)], Created: now - 86400 * 10, Size: 4261000, SharedSize: -1, Labels: null, Containers: -1 },
  { Id: 'sha256:' + 'cd'.repeat(32), ParentId: '', RepoTags: [], RepoDigests: [], Created: now - 3600, Size: 1234567890, SharedSize: -1, Labels: null, Containers: 2 },
];
// A container inspect body as a daemon might write it: key order, a label "1" that JavaScript
// objects would move first, a number beyond 2^53, 1.50 and 1e3 spellings, and HTML characters.
const INSPECT_RAW = `{"Id":"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2","Created":"2026-11-20T10:00:00.123456789Z","Path":"httpd","Args":["-f","-p","8080"],"State":{"Status":"running","Running":true,"Pid":1234,"ExitCode":0,"StartedAt":"2026-11-20T10:00:01Z"},"Name":"/web","HostConfig":{"AutoRemove":false,"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":""}]},"Dns":[],"Big":9007199254740993,"F":1.50,"E":1e3,"Html":"<a&b>"},"Config":{"Tty":false,"OpenStdin":false,"Labels":{"b":"bee","1":"one"},"Env":["A=1"]},"NetworkSettings":{"Ports":{"443/tcp":null,"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"},{"HostIp":"::","HostPort":"32768"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":"5353"}]},"IPAddress":"172.17.0.2","Networks":{"bridge":{"IPAddress":"172.17.0.2","Aliases":null,"DNSNames":null},"app":{"IPAddress":"172.18.0.3","Aliases":["web","w"],"DNSNames":["web","a1b2c3d4e5f6"]}}}}`;

let d: FakeDaemon;
before(async () => {
  d = await FakeDaemon.start();
  d.on('GET', '/containers/json', (_req, res) => d.json(res, 200, CONTAINERS));
  d.on('GET', '/networks', (_req, res) => d.json(res, 200, NETWORKS));
  d.on('GET', '/images/json', (_req, res) => d.json(res, 200, IMAGES));
  d.on('GET', '/containers/web/json', (_req, res) => d.json(res, 200, INSPECT_RAW));
  d.on('GET', '/containers/db/json', (_req, res) => d.json(res, 200, '{"Id":"db","Name":"/db"}'));
  d.on('GET', /^\/(containers|images|networks)\/missing(\/json)?$/, (req, res) => {
    const kind = req.path.split('/')[1];
    d.json(res, 404, { message: kind === 'networks' ? 'network missing not found' : `No such ${kind === 'images' ? 'image' : 'container'}: missing` });
  });
});
after(() => d.close());

async function out(args: string[]): Promise<string> {
  const r = await d.run(args);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  return r.stdout;
}

describe('ps', () => {
  it('the default table', async () => {
    assert.equal(
      await out(['ps', '-a']),
      "CONTAINER ID   IMAGE            COMMAND                  CREATED       STATUS                   PORTS                                                                                  NAMES\na1b2c3d4e5f6   busybox          \"httpd -f -p 8080 -h\u2026\"   3 days ago    Up 3 days                443/tcp, 0.0.0.0:5000-5001->5000-5001/tcp, 0.0.0.0:32768->80/tcp, [::]:32768->80/tcp   web\nffeeddccbbaa   busybox:latest   \"sh\"                     2 hours ago   Exited (0) 2 hours ago                                                                                          db\n0123456789ab   cdcdcdcdcdcd     \"sleep 1000\"             5 weeks ago   Created                                                                                                         img-by-id\n",
    );
    assert.equal(d.requests.at(-1)!.query.toString(), 'all=1');
  });

  it('--no-trunc', async () => {
    assert.equal(
      await out(['ps', '-a', '--no-trunc']),
      "CONTAINER ID                                                       IMAGE                                                                     COMMAND                                           CREATED       STATUS                   PORTS                                                                                  NAMES\na1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2   busybox                                                                   \"httpd -f -p 8080 -h /var/www/with/a/long/path\"   3 days ago    Up 3 days                443/tcp, 0.0.0.0:5000-5001->5000-5001/tcp, 0.0.0.0:32768->80/tcp, [::]:32768->80/tcp   web,other/web-alias\nffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100   docker.io/library/busybox:latest                                          \"sh\"                                              2 hours ago   Exited (0) 2 hours ago                                                                                          db\n0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef   sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd   \"sleep 1000\"                                      5 weeks ago   Created                                                                                                         img-by-id\n",
    );
  });

  it('-q, -s and a custom table with a label column', async () => {
    assert.equal(await out(['ps', '-aq']), 'a1b2c3d4e5f6\nffeeddccbbaa\n0123456789ab\n');
    assert.equal(
      await out(['ps', '-a', '-s']),
      "CONTAINER ID   IMAGE            COMMAND                  CREATED       STATUS                   PORTS                                                                                  NAMES       SIZE\na1b2c3d4e5f6   busybox          \"httpd -f -p 8080 -h\u2026\"   3 days ago    Up 3 days                443/tcp, 0.0.0.0:5000-5001->5000-5001/tcp, 0.0.0.0:32768->80/tcp, [::]:32768->80/tcp   web         12B (virtual 4.26MB)\nffeeddccbbaa   busybox:latest   \"sh\"                     2 hours ago   Exited (0) 2 hours ago                                                                                          db          0B\n0123456789ab   cdcdcdcdcdcd     \"sleep 1000\"             5 weeks ago   Created                                                                                                         img-by-id   0B\n",
    );
    assert.equal(d.requests.at(-1)!.query.toString(), 'all=1&size=1');
    assert.equal(
      await out(['ps', '-a', '--format', 'table {{.Names}}\\t{{.Label "com.example.b"}}\\t{{.Ports}}']),
      'NAMES       b         PORTS\nweb         2         443/tcp, 0.0.0.0:5000-5001->5000-5001/tcp, 0.0.0.0:32768->80/tcp, [::]:32768->80/tcp\ndb                    \nimg-by-id             \n',
    );
  });

  it('--format json', async () => {
    const created = CONTAINERS.map((c) => goUnixTimeString(c.Created));
    assert.equal(
      await out(['ps', '-a', '--format', 'json']),
      `{"Command":"\\"httpd -f -p 8080 -h\u2026\\"","CreatedAt":"${created[0]}","ID":"a1b2c3d4e5f6","Image":"busybox","Labels":"a=1,com.example.b=2","LocalVolumes":"0","Mounts":"/tmp/very/long\u2026","Names":"web","Networks":"bridge","Platform":null,"Ports":"443/tcp, 0.0.0.0:5000-5001-\\u003e5000-5001/tcp, 0.0.0.0:32768-\\u003e80/tcp, [::]:32768-\\u003e80/tcp","RunningFor":"3 days ago","Size":"12B (virtual 4.26MB)","State":"running","Status":"Up 3 days"}\n` +
        `{"Command":"\\"sh\\"","CreatedAt":"${created[1]}","ID":"ffeeddccbbaa","Image":"busybox:latest","Labels":"","LocalVolumes":"0","Mounts":"","Names":"db","Networks":"","Platform":null,"Ports":"","RunningFor":"2 hours ago","Size":"0B","State":"exited","Status":"Exited (0) 2 hours ago"}\n` +
        `{"Command":"\\"sleep 1000\\"","CreatedAt":"${created[2]}","ID":"0123456789ab","Image":"cdcdcdcdcdcd","Labels":"","LocalVolumes":"0","Mounts":"","Names":"img-by-id","Networks":"","Platform":null,"Ports":"","RunningFor":"5 weeks ago","Size":"0B","State":"created","Status":"Created"}\n`,
    );
    // docker asks for sizes only when the template reads .Size, which "json" does not.
    assert.equal(d.requests.at(-1)!.query.toString(), 'all=1');
  });

  it('passes filters and limits as docker does', async () => {
    await out(['ps', '--filter', 'name=web', '-f', 'Status = running ', '--filter', 'label=a=1', '-n', '3']);
    assert.equal(d.requests.at(-1)!.query.get('filters'), '{"label":{"a=1":true},"name":{"web":true},"status":{"running":true}}');
    assert.equal(d.requests.at(-1)!.query.get('limit'), '3');
    await out(['ps', '-l']);
    assert.equal(d.requests.at(-1)!.query.toString(), 'limit=1');
  });

  it('checks a --format before listing', async () => {
    const r = await d.run(['ps', '--format', 'table {{.Foo}}']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'failed to execute template: template: :1:8: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n');
    const q = await d.run(['ps', '-q', '--format', '{{.Names}}']);
    assert.equal(q.stderr, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
  });
});

describe('network ls', () => {
  it('the default table, natural name order', async () => {
    assert.equal(
      await out(['network', 'ls']),
      'NETWORK ID     NAME      DRIVER    SCOPE\n1670debb4a0d   bridge    bridge    local\n75e8b87360a8   host      host      local\n74edd3fad0d5   net9      bridge    local\n9cfb79738802   net10     bridge    local\nf0ece9ce4283   none      null      local\n',
    );
  });
  it('--no-trunc, -q and a format', async () => {
    assert.equal(
      await out(['network', 'ls', '--no-trunc']),
      'NETWORK ID                                                         NAME      DRIVER    SCOPE\n1670debb4a0d1111111111111111111111111111111111111111111111111111   bridge    bridge    local\n75e8b87360a84444444444444444444444444444444444444444444444444444   host      host      local\n74edd3fad0d53333333333333333333333333333333333333333333333333333   net9      bridge    local\n9cfb797388022222222222222222222222222222222222222222222222222222   net10     bridge    local\nf0ece9ce42835555555555555555555555555555555555555555555555555555   none      null      local\n',
    );
    assert.equal(await out(['network', 'list', '-q']), '1670debb4a0d\n75e8b87360a8\n74edd3fad0d5\n9cfb79738802\nf0ece9ce4283\n');
    assert.equal(await out(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.IPv6}}']), 'bridge bridge false\nhost host false\nnet9 bridge false\nnet10 bridge true\nnone null false\n');
    await out(['network', 'ls', '-f', 'driver=bridge']);
    assert.equal(d.requests.at(-1)!.query.get('filters'), '{"driver":{"bridge":true}}');
  });
});

describe('images', () => {
  it('the default table: a row per tag, dangling images as <none>', async () => {
    assert.equal(
      await out(['images']),
      'REPOSITORY   TAG       IMAGE ID       CREATED             SIZE\nbusybox      latest    abababababab   10 days ago         4.26MB\nbusybox      1.36      abababababab   10 days ago         4.26MB\nme/app       v1        abababababab   10 days ago         4.26MB\n<none>       <none>    cdcdcdcdcdcd   About an hour ago   1.23GB\n',
    );
  });
  it('--digests, -q, and a reference argument as a filter', async () => {
    assert.equal(
      await out(['image', 'ls', '--digests']),
      'REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED             SIZE\nbusybox      latest    sha256:1212121212121212121212121212121212121212121212121212121212121212   abababababab   10 days ago         4.26MB\nbusybox      1.36      sha256:1212121212121212121212121212121212121212121212121212121212121212   abababababab   10 days ago         4.26MB\nme/app       v1        <none>                                                                    abababababab   10 days ago         4.26MB\n<none>       <none>    <none>                                                                    cdcdcdcdcdcd   About an hour ago   1.23GB\n',
    );
    assert.equal(await out(['images', '-q']), 'abababababab\nabababababab\nabababababab\ncdcdcdcdcdcd\n');
    await out(['images', 'busybox']);
    assert.equal(d.requests.at(-1)!.query.get('filters'), '{"reference":{"busybox":true}}');
  });
});

describe('inspect', () => {
  it('re-indents the raw JSON with 4 spaces, keeping key order and number spelling', async () => {
    assert.equal(
      await out(['inspect', 'web']),
      '[\n    {\n        "Id": "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2",\n        "Created": "2026-11-20T10:00:00.123456789Z",\n        "Path": "httpd",\n        "Args": [\n            "-f",\n            "-p",\n            "8080"\n        ],\n        "State": {\n            "Status": "running",\n            "Running": true,\n            "Pid": 1234,\n            "ExitCode": 0,\n            "StartedAt": "2026-11-20T10:00:01Z"\n        },\n        "Name": "/web",\n        "HostConfig": {\n            "AutoRemove": false,\n            "PortBindings": {\n                "80/tcp": [\n                    {\n                        "HostIp": "",\n                        "HostPort": ""\n                    }\n                ]\n            },\n            "Dns": [],\n            "Big": 9007199254740993,\n            "F": 1.50,\n            "E": 1e3,\n            "Html": "<a&b>"\n        },\n        "Config": {\n            "Tty": false,\n            "OpenStdin": false,\n            "Labels": {\n                "b": "bee",\n                "1": "one"\n            },\n            "Env": [\n                "A=1"\n            ]\n        },\n        "NetworkSettings": {\n            "Ports": {\n                "443/tcp": null,\n                "80/tcp": [\n                    {\n                        "HostIp": "0.0.0.0",\n                        "HostPort": "32768"\n                    },\n                    {\n                        "HostIp": "::",\n                        "HostPort": "32768"\n                    }\n                ],\n                "53/udp": [\n                    {\n                        "HostIp": "127.0.0.1",\n                        "HostPort": "5353"\n                    }\n                ]\n            },\n            "IPAddress": "172.17.0.2",\n            "Networks": {\n                "bridge": {\n                    "IPAddress": "172.17.0.2",\n                    "Aliases": null,\n                    "DNSNames": null\n                },\n                "app": {\n                    "IPAddress": "172.18.0.3",\n                    "Aliases": [\n                        "web",\n                        "w"\n                    ],\n                    "DNSNames": [\n                        "web",\n                        "a1b2c3d4e5f6"\n                    ]\n                }\n            }\n        }\n    }\n]\n',
    );
  });

  it('--format json compacts; several objects make one array', async () => {
    assert.equal(await out(['container', 'inspect', '--format', 'json', 'db', 'db']), '[{"Id":"db","Name":"/db"},{"Id":"db","Name":"/db"}]\n');
    assert.equal(await out(['inspect', 'db', 'db']), '[\n    {\n        "Id": "db",\n        "Name": "/db"\n    },\n    {\n        "Id": "db",\n        "Name": "/db"\n    }\n]\n');
  });

  it('templates', async () => {
    assert.equal(
      await out(['inspect', '-f', '{{.Name}} {{.NetworkSettings.IPAddress}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', 'web']),
      '/web 172.17.0.2 app=172.18.0.3 bridge=172.17.0.2 \n',
    );
    assert.equal(await out(['inspect', '--format', '{{ json .NetworkSettings.IPAddress }}', 'web']), '"172.17.0.2"\n');
  });

  it('template errors: 1 when executing, 64 when parsing', async () => {
    let r = await d.run(['inspect', '-f', '{{.Nope}}', 'web']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '\n', 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n']);
    r = await d.run(['inspect', '-f', '{{.Nope', 'web']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [64, '', 'template parsing error: template: :1: unclosed action\n']);
  });

  it('objects that are not found: docker\'s "No such object", after the output', async () => {
    let r = await d.run(['inspect', 'missing']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '[]\n', 'Error: No such object: missing\n']);
    assert.deepEqual(d.calls().slice(-3), ['GET /containers/missing/json', 'GET /images/missing/json', 'GET /networks/missing']);
    r = await d.run(['inspect', '-f', '{{.Name}}', 'missing', 'db']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '/db\n', 'Error: No such object: missing\n']);
    r = await d.run(['inspect', '--type', 'container', 'missing']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '[]\n', 'Error response from daemon: No such container: missing\n']);
    r = await d.run(['network', 'inspect', 'missing', 'missing']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '[]\n', 'Error response from daemon: network missing not found\nError response from daemon: network missing not found\n']);
    r = await d.run(['inspect', '--type', 'foo', 'x']);
    assert.equal(r.stderr, 'unknown type: "foo": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n');
  });
});

describe('port', () => {
  it('lists mappings in natural order, IPv6 hosts in brackets', async () => {
    assert.equal(await out(['port', 'web']), '53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:32768\n80/tcp -> [::]:32768\n');
    assert.equal(await out(['port', 'web', '80']), '0.0.0.0:32768\n[::]:32768\n');
    assert.equal(await out(['container', 'port', 'web', '53/udp']), '127.0.0.1:5353\n');
  });
  it('errors', async () => {
    let r = await d.run(['port', 'web', '443']);
    assert.deepEqual([r.code, r.stderr], [1, "Error: No public port '443' published for web\n"]);
    r = await d.run(['port', 'web', 'abc']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error: invalid port (abc): strconv.ParseUint: parsing "abc": invalid syntax\n']);
  });
});
