/**
 * exec, start, attach and logs against a fake daemon: request bodies and sequences as docker
 * 28.2.2 sends them, hijacked conversations (stdin forwarded and half-closed, multiplexed output
 * split to stdout/stderr), and exit codes.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { frame } from '../../stdcopy.js';
import { FakeDaemon } from '../../testing.fixture.js';

const CID = 'c'.repeat(64);
const EID = 'e'.repeat(64);

let d: FakeDaemon;
beforeEach(async () => {
  d = await FakeDaemon.start();
  d.on('GET', /^\/containers\/(c1|c{64})\/json$/, (_req, res) =>
    d.json(res, 200, { Id: CID, Config: { Tty: false, OpenStdin: true }, HostConfig: { AutoRemove: false }, State: { Running: true } }),
  );
  d.on('GET', '/containers/ghost/json', (_req, res) => d.json(res, 404, { message: 'No such container: ghost' }));
});
afterEach(() => d.close());

describe('exec', () => {
  beforeEach(() => {
    d.on('POST', '/containers/c1/exec', (_req, res) => d.json(res, 201, { Id: EID }));
    d.on('GET', `/exec/${EID}/json`, (_req, res) => d.json(res, 200, { ExitCode: 7, Running: false }));
  });

  it('inspect, create, hijacked start, inspect for the exit code', async () => {
    const seen: string[] = [];
    d.onUpgrade(`/exec/${EID}/start`, (_req, socket) => {
      socket.write(frame(1, 'out\n'));
      socket.on('data', (b) => {
        seen.push(String(b));
        socket.write(frame(2, `got ${b}`));
      });
      socket.on('end', () => socket.end(frame(1, 'done\n')));
    });
    const r = await d.run(['exec', '-i', '-e', 'X=1', '-w', '/tmp', '-u', 'root', 'c1', 'sh', '-c', 'cat'], { stdin: 'hi\n' });
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'out\ndone\n');
    assert.equal(r.stderr, 'got hi\n');
    assert.deepEqual(seen, ['hi\n']);
    assert.deepEqual(d.calls(), ['GET /containers/c1/json', 'POST /containers/c1/exec', `POST /exec/${EID}/start`, `GET /exec/${EID}/json`]);
    // docker 28.2.2's body for the same command line, byte for byte.
    assert.equal(
      d.requests.find((q) => q.path === '/containers/c1/exec')!.body,
      '{"User":"root","Privileged":false,"Tty":false,"AttachStdin":true,"AttachStderr":true,"AttachStdout":true,"Detach":false,"DetachKeys":"","Env":["X=1"],"WorkingDir":"/tmp","Cmd":["sh","-c","cat"]}\n',
    );
    assert.deepEqual(d.requests.find((q) => q.path.endsWith('/start'))!.json, { Detach: false, Tty: false });
  });

  it('exit code 0 and no stdin without -i', async () => {
    d.on('GET', `/exec/${EID}/json`, (_req, res) => d.json(res, 200, { ExitCode: 0 }));
    d.onUpgrade(`/exec/${EID}/start`, (_req, socket) => socket.on('end', () => socket.end(frame(1, 'ok\n'))));
    const r = await d.run(['exec', 'c1', 'true'], { stdin: 'ignored' });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ok\n', '']);
    assert.equal((d.requests.find((q) => q.path === '/containers/c1/exec')!.json as { AttachStdin: boolean }).AttachStdin, false);
  });

  it('-d starts without attaching', async () => {
    d.on('POST', `/exec/${EID}/start`, (_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const r = await d.run(['exec', '-d', 'c1', 'sleep', '9']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(d.requests.find((q) => q.path.endsWith('/start'))!.json, { Detach: true, Tty: false });
  });

  it('a missing container fails before anything is created', async () => {
    const r = await d.run(['exec', 'ghost', 'ls']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error response from daemon: No such container: ghost\n']);
    assert.deepEqual(d.calls(), ['GET /containers/ghost/json']);
  });

  it('flags after the container belong to the command', async () => {
    d.onUpgrade(`/exec/${EID}/start`, (_req, socket) => socket.on('end', () => socket.end()));
    await d.run(['exec', 'c1', 'ls', '-la', '--color']);
    assert.deepEqual((d.requests.find((q) => q.path === '/containers/c1/exec')!.json as { Cmd: string[] }).Cmd, ['ls', '-la', '--color']);
  });
});

describe('start', () => {
  it('echoes each name given, errors for the others, then fails', async () => {
    d.on('POST', '/containers/a/start', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    d.on('POST', '/containers/b/start', (_req, res) => d.json(res, 404, { message: 'No such container: b' }));
    const r = await d.run(['start', 'a', 'b']);
    assert.equal(r.stdout, 'a\n');
    assert.equal(r.stderr, 'Error response from daemon: No such container: b\nfailed to start containers: b\n');
    assert.equal(r.code, 1);
  });

  it('-a: attach, wait, start; the container status is the exit code', async () => {
    d.onUpgrade(`/containers/${CID}/attach`, (_req, socket) => setTimeout(() => socket.end(frame(1, 'hello\n')), 30));
    d.on('POST', `/containers/${CID}/wait`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.end('{"StatusCode":2}\n'), 40);
    });
    d.on('POST', `/containers/${CID}/start`, (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const r = await d.run(['start', '-a', 'c1']);
    assert.deepEqual([r.code, r.stdout], [2, 'hello\n']);
    assert.deepEqual(d.calls(), [
      'GET /containers/c1/json',
      `POST /containers/${CID}/attach?stderr=1&stdout=1&stream=1`,
      `POST /containers/${CID}/wait?condition=next-exit`,
      `POST /containers/${CID}/start`,
    ]);
  });
});

describe('attach', () => {
  it('forwards stdin to a running container and exits with its status', async () => {
    const got: string[] = [];
    d.on('POST', '/containers/c1/wait', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.end('{"StatusCode":0}\n'), 60);
    });
    d.onUpgrade('/containers/c1/attach', (_req, socket) => {
      socket.on('data', (b) => got.push(String(b)));
      socket.on('end', () => socket.end(frame(1, 'bye\n')));
    });
    const stdin = new PassThrough();
    setTimeout(() => stdin.end('ping\n'), 10);
    const r = await d.run(['attach', 'c1'], { stdin });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'bye\n', '']);
    assert.deepEqual(got, ['ping\n']);
    assert.equal(d.requests.find((q) => q.path.endsWith('/attach'))!.query.toString(), 'stderr=1&stdin=1&stdout=1&stream=1');
  });

  it('refuses a stopped container', async () => {
    d.on('GET', '/containers/down/json', (_req, res) => d.json(res, 200, { Id: 'down', Config: { Tty: false }, State: { Running: false } }));
    d.on('POST', '/containers/down/wait', (_req, res) => d.json(res, 200, { StatusCode: 0 }));
    const r = await d.run(['attach', 'down']);
    assert.deepEqual([r.code, r.stderr], [1, 'You cannot attach to a stopped container, start it first\n']);
  });
});

describe('logs', () => {
  it('demultiplexes a non-TTY container and passes docker\'s query', async () => {
    d.on('GET', `/containers/${CID}/logs`, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      const both = Buffer.concat([frame(1, 'line 1\n'), frame(2, 'oops\n'), frame(1, 'line 2\n')]);
      res.write(both.subarray(0, 5));
      res.end(both.subarray(5));
    });
    const r = await d.run(['logs', '-t', '--tail', '5', 'c1']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'line 1\nline 2\n', 'oops\n']);
    assert.deepEqual(d.calls(), ['GET /containers/c1/json', `GET /containers/${CID}/logs?stderr=1&stdout=1&tail=5&timestamps=1`]);
  });

  it('passes a TTY container\'s stream through', async () => {
    d.on('GET', '/containers/t/json', (_req, res) => d.json(res, 200, { Id: 't', Config: { Tty: true } }));
    d.on('GET', '/containers/t/logs', (_req, res) => {
      res.writeHead(200);
      res.end('raw\r\n');
    });
    const r = await d.run(['logs', '-f', '--since', '1700000000', 't']);
    assert.equal(r.stdout, 'raw\r\n');
    assert.equal(d.requests.at(-1)!.query.toString(), 'follow=1&since=1700000000&stderr=1&stdout=1&tail=all');
  });
});

describe('stop, kill, rm, restart, wait, rename', () => {
  const ok = (status = 204) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(status);
    res.end();
  };

  it('stop echoes names in order and reports errors after, exit 1', async () => {
    d.on('POST', '/containers/a/stop', ok());
    d.on('POST', '/containers/c/stop', ok());
    d.on('POST', '/containers/b/stop', (_req, res) => d.json(res, 404, { message: 'No such container: b' }));
    const r = await d.run(['stop', '-t', '3', 'a', 'b', 'c']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, 'a\nc\n', 'Error response from daemon: No such container: b\n']);
    assert.equal(d.requests.find((q) => q.path === '/containers/a/stop')!.query.toString(), 't=3');
  });

  it('rm -f: a missing container is reported but not an error', async () => {
    d.on('DELETE', '/containers/a', ok());
    d.on('DELETE', '/containers/gone', (_req, res) => d.json(res, 404, { message: 'No such container: gone' }));
    const r = await d.run(['rm', '-f', 'a', 'gone']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'a\n', 'Error response from daemon: No such container: gone\n']);
    assert.equal(d.requests.find((q) => q.path === '/containers/a')!.query.toString(), 'force=1');
    const r2 = await d.run(['rm', 'gone']);
    assert.deepEqual([r2.code, r2.stderr], [1, 'Error response from daemon: No such container: gone\n']);
  });

  it('kill -s, restart, wait, rename', async () => {
    d.on('POST', '/containers/a/kill', ok());
    d.on('POST', '/containers/a/restart', ok());
    d.on('POST', '/containers/a/wait', (_req, res) => d.json(res, 200, { StatusCode: 137 }));
    d.on('POST', '/containers/a/rename', ok());
    assert.equal((await d.run(['kill', '-s', 'HUP', 'a'])).stdout, 'a\n');
    assert.equal((await d.run(['restart', 'a'])).stdout, 'a\n');
    assert.equal((await d.run(['wait', 'a'])).stdout, '137\n');
    assert.equal((await d.run(['rename', 'a', 'b'])).code, 0);
    assert.deepEqual(d.calls(), ['POST /containers/a/kill?signal=HUP', 'POST /containers/a/restart', 'POST /containers/a/wait', 'POST /containers/a/rename?name=b']);
  });

  it('rename failures read like docker', async () => {
    d.on('POST', '/containers/a/rename', (_req, res) => d.json(res, 409, { message: 'Conflict. The name "/b" is already in use' }));
    const r = await d.run(['rename', 'a', 'b']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error response from daemon: Conflict. The name "/b" is already in use\nError: failed to rename container named a\n']);
  });
});
