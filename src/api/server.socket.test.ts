/**
 * The HTTP layer over a real unix socket in a temp dir: socket file handling, keep-alive,
 * chunked streams, disconnects, and Docker's hijacked connections with and without Upgrade.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { link, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../lib/log.js';
import { createApiServer, type ApiServer } from './server.js';
import { decodeFrames } from './stdcopy.js';
import { testRouter, VERSION, type Probe } from './testing.fixture.js';
import { Router } from './router.js';

setLogLevel('error');

let dir: string;
let sock: string;
let api: ApiServer;
let probe: Probe;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-api-'));
  sock = join(dir, 'run', 'berth.sock');
  const t = testRouter();
  probe = t.probe;
  api = createApiServer(t.router, { socketPath: sock, version: VERSION });
  await api.listen();
});

after(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, opts: { method?: string; agent?: Agent; body?: string } = {}): Promise<{ res: IncomingMessage; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, path, method: opts.method ?? 'GET', ...(opts.agent ? { agent: opts.agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks).toString(), reused: req.reusedSocket }));
    });
    req.on('error', reject);
    if (opts.body) {
      req.setHeader('Content-Type', 'application/json');
      req.setHeader('Content-Length', Buffer.byteLength(opts.body));
      req.write(opts.body);
    }
    req.end();
  });
}

/** A bare client socket, to speak the hijack protocol byte by byte. */
class RawClient {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      this.#wake?.();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  static open(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ path, allowHalfOpen: true }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  async #until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.#ended) throw new Error(`connection ended; got ${JSON.stringify(this.#buf.toString('latin1'))}`);
      await new Promise<void>((r) => (this.#wake = r));
    }
  }

  async head(): Promise<{ status: string; headers: Record<string, string> }> {
    await this.#until(() => this.#buf.includes('\r\n\r\n'));
    const end = this.#buf.indexOf('\r\n\r\n');
    const [status, ...lines] = this.#buf.subarray(0, end).toString('latin1').split('\r\n');
    this.#buf = this.#buf.subarray(end + 4);
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    return { status: status!, headers };
  }

  async rest(): Promise<Buffer> {
    await this.#until(() => this.#ended);
    return this.#buf;
  }
}

test('listen creates the directory and a 0660 socket; a stale socket is replaced, a live one refused', async () => {
  const st = await stat(sock);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o660);

  // A socket file nobody listens on: hard-link a live socket's inode, then close the listener.
  const stalePath = join(dir, 'stale.sock');
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(join(dir, 'holder.sock'), r));
  await link(join(dir, 'holder.sock'), stalePath);
  await new Promise<void>((r) => holder.close(() => r()));
  const second = createApiServer(new Router(), { socketPath: stalePath, version: VERSION, mode: 0o600 });
  await second.listen();
  assert.equal((await stat(stalePath)).mode & 0o777, 0o600);
  const third = createApiServer(new Router(), { socketPath: stalePath, version: VERSION });
  await assert.rejects(third.listen(), /another daemon is already listening/);
  await second.close();
});

test('HEAD and GET /_ping over the socket', async () => {
  const head = await get('/_ping', { method: 'HEAD' });
  assert.equal(head.res.statusCode, 200);
  assert.equal(head.res.headers['api-version'], '1.51');
  assert.equal(head.res.headers['ostype'], 'linux');
  assert.equal(head.res.headers['docker-experimental'], 'false');
  assert.equal(head.res.headers['swarm'], 'inactive');
  assert.equal(head.res.headers['content-length'], '0');
  const ping = await get('/v1.50/_ping');
  assert.equal(ping.body, 'OK');
  assert.equal(ping.res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
  assert.equal(ping.res.headers['server'], 'berth/0.1.0-test (linux)');
});

test('a keep-alive connection serves several requests in a row', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const a = await get('/containers/one/json', { agent });
    const b = await get('/echo', { agent, method: 'POST', body: '{"x":1}' });
    const c = await get('/fail/notfound', { agent });
    const d = await get('/_ping', { agent });
    assert.deepEqual([a.reused, b.reused, c.reused, d.reused], [false, true, true, true]);
    assert.equal(JSON.parse(a.body).Id, 'one');
    assert.equal(b.body, '{"x":1}\n');
    assert.equal(c.res.statusCode, 404);
    assert.equal(d.body, 'OK');
  } finally {
    agent.destroy();
  }
});

test('a stream reply is chunked and arrives chunk by chunk', async () => {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    request({ socketPath: sock, path: '/stream' }, resolve).on('error', reject).end(),
  );
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  assert.equal(res.headers['content-type'], 'application/json');
  const it = res[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.value.toString(), '{"n":1}\n', 'first chunk before the second was produced');
  probe.release();
  let rest = '';
  for (let r = await it.next(); !r.done; r = await it.next()) rest += r.value.toString();
  assert.equal(rest, '{"n":2}\n');
});

test('a failure after the headers cuts the connection instead of ending the body cleanly', async () => {
  const logged: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((line: string) => logged.push(line) > 0) as typeof process.stderr.write;
  try {
    const outcome = await new Promise<{ body: string; complete: boolean }>((resolve, reject) => {
      request({ socketPath: sock, path: '/stream/fail' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('error', () => {});
        res.on('close', () => resolve({ body, complete: res.complete }));
      })
        .on('error', reject)
        .end();
    });
    assert.deepEqual(outcome, { body: 'partial\n', complete: false });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /GET \/stream\/fail failed while streaming: disk on fire/);
});

test('a chunked upload reaches the handler as a body stream', async () => {
  const result = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: sock, path: '/upload', method: 'POST' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    for (let i = 0; i < 50; i++) req.write(Buffer.alloc(10_000, i));
    req.end();
  });
  assert.deepEqual(JSON.parse(result), { bytes: 500_000 });
});

test('a client that goes away aborts the handler\'s signal', async () => {
  await new Promise<void>((resolve, reject) => {
    const req = request({ socketPath: sock, path: '/forever' }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => {});
    req.on('close', () => resolve());
    req.end();
    setTimeout(() => reject(new Error('no data')), 2000).unref();
  });
  await Promise.race([probe.aborted, new Promise((_, rej) => setTimeout(() => rej(new Error('signal not aborted')), 2000))]);
});

test('hijack with Upgrade: JSON body split across writes, 101, stdin, half-close, frames back', async () => {
  const c = await RawClient.open(sock);
  const body = '{"Detach":false,"Tty":false}';
  c.socket.write(
    'POST /v1.50/exec/e1/start HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28.2.2 (linux)\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n` +
      body.slice(0, 10),
  );
  await new Promise((r) => setTimeout(r, 30));
  c.socket.write(body.slice(10));
  const { status, headers } = await c.head();
  assert.equal(status, 'HTTP/1.1 101 UPGRADED');
  assert.equal(headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  assert.equal(headers['connection'], 'Upgrade');
  assert.equal(headers['upgrade'], 'tcp');
  assert.equal(headers['api-version'], '1.51');
  c.socket.write('hello ');
  c.socket.write('world');
  c.socket.end(); // CloseWrite: the handler sees stdin end, and still writes
  const frames = decodeFrames(await c.rest());
  assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'got:hello world'], [2, 'bye\n']]);
});

test('hijack from a node client (as dockerode does it): chunked JSON body, then the upgraded socket', async () => {
  const upgraded = await new Promise<{ res: IncomingMessage; socket: Socket; head: Buffer }>((resolve, reject) => {
    const req = request({
      socketPath: sock,
      path: '/exec/e4/start',
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json' },
    });
    req.on('upgrade', (res, socket, head) => resolve({ res, socket, head }));
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('error', reject);
    req.write('{"Detach":false,');
    req.end('"Tty":false}');
  });
  assert.equal(upgraded.res.statusCode, 101);
  assert.equal(upgraded.res.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  const chunks: Buffer[] = [upgraded.head];
  upgraded.socket.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => upgraded.socket.on('end', r));
  upgraded.socket.end('from node');
  await ended;
  const frames = decodeFrames(Buffer.concat(chunks));
  assert.deepEqual(frames.map((f) => f.data.toString()), ['got:from node', 'bye\n']);
});

test('hijack without Upgrade: 200 OK raw-stream, then raw bytes both ways on the same socket', async () => {
  const c = await RawClient.open(sock);
  const body = '{"Tty":true}';
  c.socket.write(
    `POST /exec/e2/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  const { status, headers } = await c.head();
  assert.equal(status, 'HTTP/1.1 200 OK');
  assert.equal(headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(headers['transfer-encoding'], undefined);
  c.socket.end('typed');
  assert.equal((await c.rest()).toString(), 'got:typed');
});

test('an Upgrade request to an ordinary route gets an ordinary answer, then the connection closes', async () => {
  const c = await RawClient.open(sock);
  c.socket.write('GET /containers/u1/json HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  const { status, headers } = await c.head();
  assert.equal(status, 'HTTP/1.1 200 OK');
  assert.equal(headers['connection'], 'close');
  const body = (await c.rest()).toString();
  assert.equal(body.length, Number(headers['content-length']));
  assert.equal(JSON.parse(body).Id, 'u1');
  const nf = await RawClient.open(sock);
  nf.socket.write('POST /exec/e3/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}');
  assert.equal((await nf.head()).status, 'HTTP/1.1 400 Bad Request');
  assert.match((await nf.rest()).toString(), /unsupported Content-Type/);
});

test('close() ends streams and hijacked connections promptly', async () => {
  const t = testRouter();
  const path = join(dir, 'closing.sock');
  const server = createApiServer(t.router, { socketPath: path, version: VERSION });
  await server.listen();
  const streaming = new Promise<void>((resolve) => {
    request({ socketPath: path, path: '/forever' }, (res) => {
      res.resume();
      res.on('close', () => resolve());
    })
      .on('error', () => resolve())
      .end();
  });
  const hijacked = await RawClient.open(path);
  hijacked.socket.write('POST /exec/e/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  await hijacked.head();
  await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  await server.close();
  await streaming;
  await t.probe.aborted;
  assert.ok(Date.now() - started < 900, `close took ${Date.now() - started} ms`);
});
