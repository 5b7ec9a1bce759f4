/**
 * Image commands against a fake daemon: import and load stream the archive as the request body
 * (queries as docker 28.2.2 sends them), their progress messages, rmi's output and errors, tag's
 * normalised reference.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeDaemon } from '../testing.fixture.js';

const IMG = 'sha256:' + '9'.repeat(64);
let d: FakeDaemon;
beforeEach(async () => {
  d = await FakeDaemon.start();
});
afterEach(() => d.close());

describe('image import', () => {
  it('streams stdin and prints the new image ID', async () => {
    d.on('POST', '/images/create', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"status":"${IMG}"}\r\n`);
    });
    const r = await d.run(['image', 'import', '--change', 'CMD ["sh"]', '-m', 'msg', '-', 'busybox:latest'], { stdin: 'TARDATA\n' });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${IMG}\n`, '']);
    const req = d.requests.find((q) => q.path === '/images/create')!;
    assert.equal(req.query.toString(), 'changes=CMD+%5B%22sh%22%5D&fromSrc=-&message=msg&repo=busybox%3Alatest');
    assert.equal(req.body, 'TARDATA\n');
  });

  it('reads a file; a missing one fails like docker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-img-'));
    try {
      writeFileSync(join(dir, 'rootfs.tar'), 'FILEDATA');
      d.on('POST', '/images/create', (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`{"status":"${IMG}"}\r\n`);
      });
      await d.run(['import', join(dir, 'rootfs.tar')]);
      assert.equal(d.requests.find((q) => q.path === '/images/create')!.body, 'FILEDATA');
      const r = await d.run(['import', join(dir, 'nope.tar')]);
      assert.deepEqual([r.code, r.stderr], [1, `open ${join(dir, 'nope.tar')}: no such file or directory\n`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows an error message in the stream as the error', async () => {
    d.on('POST', '/images/create', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"errorDetail":{"message":"archive/tar: invalid tar header"},"error":"archive/tar: invalid tar header"}\r\n');
    });
    const r = await d.run(['import', '-'], { stdin: 'x' });
    assert.deepEqual([r.code, r.stderr], [1, 'archive/tar: invalid tar header\n']);
  });
});

describe('load', () => {
  it('posts the archive and prints the daemon\'s messages', async () => {
    d.on('POST', '/images/load', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"stream":"Loaded image: busybox:latest\\n"}\r\n');
    });
    const r = await d.run(['load'], { stdin: 'TAR' });
    assert.deepEqual([r.code, r.stdout], [0, 'Loaded image: busybox:latest\n']);
    const req = d.requests.find((q) => q.path === '/images/load')!;
    assert.equal(req.query.toString(), 'quiet=1');
    assert.equal(req.body, 'TAR');
    assert.equal(req.headers['content-type'], 'application/x-tar');
  });

  it('refuses a terminal as input', async () => {
    const r = await d.run(['image', 'load'], { stdinTTY: true });
    assert.deepEqual([r.code, r.stderr], [1, 'requested load from stdin, but stdin is empty\n']);
  });
});

describe('rmi, tag', () => {
  it('prints Untagged/Deleted lines', async () => {
    d.on('DELETE', '/images/busybox', (_req, res) => d.json(res, 200, [{ Untagged: 'busybox:latest' }, { Deleted: IMG }]));
    const r = await d.run(['rmi', 'busybox']);
    assert.deepEqual([r.code, r.stdout], [0, `Untagged: busybox:latest\nDeleted: ${IMG}\n`]);
  });

  it('errors: all reported; -f forgives not-found ones', async () => {
    d.on('DELETE', /^\/images\/nope/, (_req, res) => d.json(res, 404, { message: 'No such image: nope:latest' }));
    d.on('DELETE', '/images/used', (_req, res) => d.json(res, 409, { message: 'conflict: unable to remove repository reference "used"' }));
    let r = await d.run(['image', 'rm', 'nope', 'nope2']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error response from daemon: No such image: nope:latest\nError response from daemon: No such image: nope:latest\n']);
    r = await d.run(['rmi', '-f', 'nope']);
    assert.deepEqual([r.code, r.stderr], [0, 'Error response from daemon: No such image: nope:latest\n']);
    r = await d.run(['rmi', '-f', 'nope', 'used']);
    assert.equal(r.code, 1);
    assert.equal(d.requests.at(-1)!.query.toString(), 'force=1');
  });

  it('tag sends the normalised repository and tag', async () => {
    d.on('POST', '/images/busybox/tag', (_req, res) => {
      res.writeHead(201);
      res.end();
    });
    assert.equal((await d.run(['tag', 'busybox', 'me/app'])).code, 0);
    assert.equal((await d.run(['image', 'tag', 'busybox', 'registry:5000/x:v2'])).code, 0);
    assert.deepEqual(d.calls(), [
      'POST /images/busybox/tag?repo=docker.io%2Fme%2Fapp&tag=latest',
      'POST /images/busybox/tag?repo=registry%3A5000%2Fx&tag=v2',
    ]);
    const r = await d.run(['tag', 'busybox', 'Bad']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error parsing reference: "Bad" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n']);
  });
});
