import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { spawnProcess } from '../../dataplane/exec.js';
import { MemoryStore } from '../../store/memory.js';
import { FileStore } from '../../store/file.js';
import { ImageStore } from './store.js';
import { buildDockerSave, buildOciLayout, busyboxRootfsStream, fileStream, sha256Hex, tarDirectory, testNames, writeTree } from './testing.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-images-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshStore(): Promise<ImageStore> {
  const dir = await mkdtemp(join(root, 'inst-'));
  return ImageStore.open(testNames(dir), new MemoryStore());
}

const short = (id: string) => id.slice(7, 19);
const none = () => undefined;

async function walkNames(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    out.push(entry.name);
    if (entry.isDirectory()) out.push(...(await walkNames(join(dir, entry.name))));
  }
  return out;
}

describe('import of the busybox rootfs', () => {
  let images: ImageStore;
  let id: string;

  test('creates an image with the changes applied', async () => {
    images = await freshStore();
    const record = await images.import(busyboxRootfsStream(), { reference: 'busybox:latest', changes: ['CMD ["sh"]', 'EXPOSE 80'] });
    id = record.id;
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(record.repoTags, ['busybox:latest']);
    assert.deepEqual(record.config, { Cmd: ['sh'], ExposedPorts: { '80/tcp': {} } });
    assert.equal(record.comment, 'Imported from -');
    assert.equal(record.os, 'linux');
    assert.ok(record.size > 500_000, `size ${record.size}`);
    assert.equal(record.layers?.length, 1);

    // The ID is the sha256 of the stored config JSON, which records the layer's DiffID.
    const dir = join(images.dir, id.slice(7));
    const config = await readFile(join(dir, 'config.json'));
    assert.equal(sha256Hex(config), id.slice(7));
    assert.deepEqual(JSON.parse(config.toString()).rootfs.diff_ids, record.layers);

    const rootfs = images.rootfsDir(record);
    assert.equal(rootfs, join(dir, 'rootfs'));
    assert.ok((await stat(join(rootfs, 'bin/busybox'))).isFile());
    assert.equal(await readlink(join(rootfs, 'bin/sh')), 'busybox');
    assert.equal((await stat(join(rootfs, 'tmp'))).mode & 0o7777, 0o1777);
    assert.equal((await stat(rootfs)).mode & 0o777, 0o755);
    assert.match(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), /^root:x:0:0:/);
    assert.deepEqual(await readdir(images.dir), [id.slice(7)]); // no scratch left
  });

  test('lists and resolves by name, ID, short ID and prefix', () => {
    assert.deepEqual(images.list().map((r) => r.id), [id]);
    const hex = id.slice(7);
    for (const ref of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 12)}`, hex.slice(0, 3)]) {
      assert.equal(images.resolve(ref).id, id, ref);
    }
    assert.throws(() => images.resolve('nope'), { kind: 'notFound', message: 'No such image: nope:latest' });
    assert.throws(() => images.resolve('busybox:1.0'), { kind: 'notFound', message: 'No such image: busybox:1.0' });
    assert.throws(() => images.resolve(`sha256:${'0'.repeat(64)}`), { kind: 'notFound', message: `No such image: sha256:${'0'.repeat(64)}` });
    assert.throws(() => images.resolve('Busybox'), {
      kind: 'invalidParameter',
      message: 'invalid reference format: repository name (library/Busybox) must be lowercase',
    });
  });

  test('inspect has Docker shape', () => {
    const body = images.inspect(images.resolve('busybox')) as Record<string, any>;
    assert.equal(body.Id, id);
    assert.deepEqual(body.RepoTags, ['busybox:latest']);
    assert.deepEqual(body.RepoDigests, []);
    assert.equal(body.Parent, '');
    assert.equal(body.Comment, 'Imported from -');
    assert.deepEqual(body.Config.Cmd, ['sh']);
    assert.deepEqual(body.Config.ExposedPorts, { '80/tcp': {} });
    assert.equal(body.Config.Env, null);
    assert.equal(body.Config.Entrypoint, null);
    assert.equal(body.Os, 'linux');
    assert.equal(body.RootFS.Type, 'layers');
    assert.equal(body.RootFS.Layers.length, 1);
    assert.equal(typeof body.Size, 'number');
    assert.equal(body.GraphDriver.Name, 'overlay2');
    assert.match(body.Metadata.LastTagTime, /^\d{4}-\d\d-\d\dT/);
    for (const key of ['Created', 'DockerVersion', 'Author', 'Architecture']) assert.ok(key in body, key);
  });

  test('tag, untag, and removal conflicts in Docker words', async () => {
    const c = 'c'.repeat(64);
    await images.tag('busybox', 'mine:v1');
    assert.deepEqual(images.resolve(id).repoTags, ['busybox:latest', 'mine:v1']);
    assert.equal(images.resolve('mine:v1').id, id);
    await assert.rejects(images.tag('busybox', 'Mine'), { kind: 'invalidParameter', message: 'invalid reference format: repository name (library/Mine) must be lowercase' });
    await assert.rejects(images.tag('nope', 'x'), { kind: 'notFound', message: 'No such image: nope:latest' });

    // Two names: removing one is an untag, even while a container uses the image.
    assert.deepEqual(await images.remove('mine:v1', { force: false, inUse: () => c }), [{ Untagged: 'mine:v1' }]);
    assert.deepEqual(images.resolve(id).repoTags, ['busybox:latest']);

    // The last name of an image a container uses needs force.
    await assert.rejects(images.remove('busybox', { force: false, inUse: () => c }), {
      kind: 'conflict',
      message: `conflict: unable to remove repository reference "busybox" (must force) - container cccccccccccc is using its referenced image ${short(id)}`,
    });
    await assert.rejects(images.remove(id, { force: false, inUse: () => c }), {
      kind: 'conflict',
      message: `conflict: unable to delete ${short(id)} (must be forced) - image is being used by stopped container cccccccccccc`,
    });
    await assert.rejects(images.remove(id, { force: true, inUse: () => ({ id: c, running: true }) }), {
      kind: 'conflict',
      message: `conflict: unable to delete ${short(id)} (cannot be forced) - image is being used by running container cccccccccccc`,
    });
    await images.tag(id, 'other');
    await assert.rejects(images.remove(id.slice(7, 19), { force: false, inUse: none }), {
      kind: 'conflict',
      message: `conflict: unable to delete ${short(id)} (must be forced) - image is referenced in multiple repositories`,
    });
    assert.equal(images.list().length, 1);
    await assert.rejects(images.remove('nope', { force: true, inUse: none }), { kind: 'notFound' });
  });

  test('forced removal while a stopped container uses the image keeps its rootfs until released', async () => {
    const c = 'd'.repeat(64);
    const result = await images.remove(id, { force: true, inUse: () => c });
    assert.deepEqual(result, [{ Untagged: 'busybox:latest' }, { Untagged: 'other:latest' }, { Deleted: id }]);
    assert.deepEqual(images.list(), []);
    assert.throws(() => images.resolve('busybox'), { kind: 'notFound' });
    const kept = images.rootfsDirById(id);
    assert.ok((await stat(join(kept, 'bin/busybox'))).isFile());
    await images.releaseUnused(() => c);
    assert.ok((await stat(kept)).isDirectory());
    await images.releaseUnused(none);
    await assert.rejects(stat(kept), { code: 'ENOENT' });
    assert.throws(() => images.rootfsDirById(id), { kind: 'notFound' });
  });

  test('removing the only tag deletes the image and its directory', async () => {
    const record = await images.import(busyboxRootfsStream(), { reference: 'bb', changes: ['CMD ["sh"]'] });
    assert.deepEqual(record.repoTags, ['bb:latest']);
    assert.deepEqual(await images.remove('bb', { force: false, inUse: none }), [{ Untagged: 'bb:latest' }, { Deleted: record.id }]);
    assert.deepEqual(images.list(), []);
    assert.deepEqual(await readdir(images.dir), []);
    // Untagged images go by ID.
    const untagged = await images.import(busyboxRootfsStream(), {});
    assert.deepEqual(untagged.repoTags, []);
    assert.deepEqual(await images.remove(untagged.id.slice(7, 15), { force: false, inUse: none }), [{ Deleted: untagged.id }]);
  });
});

describe('load', () => {
  let work: string;
  let layer1: string;
  let layer2: string;
  before(async () => {
    work = await mkdtemp(join(root, 'load-'));
    layer1 = join(work, 'l1');
    layer2 = join(work, 'l2');
    await writeTree(layer1, {
      'etc/keep': 'keep',
      'etc/gone': 'gone',
      'opt/old/a': 'a',
      'opt/old/b': 'b',
      'data/x': 'x',
      thing: 'a file that becomes a directory',
      'bin/tool': '#!/bin/sh\n',
    });
    await writeTree(layer2, {
      'etc/.wh.gone': '',
      'etc/new': 'new',
      'opt/old/.wh..wh..opq': '',
      'opt/old/c': 'c',
      'data/y': 'y',
      'thing/inner': 'inner',
      'bin/.wh.tool': '',
    });
  });

  test('a docker save archive with a whiteout flattens into one rootfs', async () => {
    const images = await freshStore();
    const archive = await buildDockerSave(work, [layer1, layer2], ['app:v1'], ['/bin/app']);
    assert.deepEqual(await images.load(fileStream(archive.path)), ['Loaded image: app:v1']);
    const record = images.resolve('app:v1');
    assert.equal(record.id, archive.id);
    assert.equal(record.layers?.length, 2);
    assert.deepEqual(record.config, { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/app'], Labels: { built: 'test' } });
    assert.equal(record.created, '2024-01-02T03:04:05.123456789Z');
    const rootfs = images.rootfsDir(record);
    assert.equal(await readFile(join(rootfs, 'etc/keep'), 'utf8'), 'keep');
    assert.equal(await readFile(join(rootfs, 'etc/new'), 'utf8'), 'new');
    await assert.rejects(lstat(join(rootfs, 'etc/gone')), { code: 'ENOENT' });
    await assert.rejects(lstat(join(rootfs, 'bin/tool')), { code: 'ENOENT' });
    assert.deepEqual((await readdir(join(rootfs, 'opt/old'))).sort(), ['c']);
    assert.deepEqual((await readdir(join(rootfs, 'data'))).sort(), ['x', 'y']);
    assert.equal(await readFile(join(rootfs, 'thing/inner'), 'utf8'), 'inner');
    assert.deepEqual((await walkNames(rootfs)).filter((n) => n.startsWith('.wh.')), []);
    assert.deepEqual(await readdir(images.dir), [record.id.slice(7)]);
  });

  test('an OCI layout archive, named or not', async () => {
    const images = await freshStore();
    const named = await buildOciLayout(work, [layer1, layer2], 'docker.io/oci/app:1.0');
    assert.deepEqual(await images.load(fileStream(named.path)), ['Loaded image: oci/app:1.0']);
    const record = images.resolve('oci/app:1.0');
    assert.equal(record.id, named.id);
    const rootfs = images.rootfsDir(record);
    assert.deepEqual((await readdir(join(rootfs, 'opt/old'))).sort(), ['c']);
    await assert.rejects(lstat(join(rootfs, 'etc/gone')), { code: 'ENOENT' });

    const anonymous = await buildOciLayout(work, [layer1], undefined, ['true']);
    assert.deepEqual(await images.load(fileStream(anonymous.path)), [`Loaded image ID: ${anonymous.id}`]);
    assert.deepEqual(images.resolve(anonymous.id).repoTags, []);
  });

  test('re-loading moves a tag to the new image and is idempotent', async () => {
    const images = await freshStore();
    const first = await buildDockerSave(work, [layer1], ['app:v1'], ['one']);
    const second = await buildDockerSave(work, [layer1, layer2], ['app:v1', 'app:v2'], ['two']);
    await images.load(fileStream(first.path));
    assert.deepEqual(await images.load(fileStream(second.path)), [
      `The image app:v1 already exists, renaming the old one with ID ${first.id} to empty string`,
      'Loaded image: app:v1',
      'Loaded image: app:v2',
    ]);
    assert.deepEqual(images.resolve(first.id).repoTags, []);
    assert.deepEqual(images.resolve('app:v1').repoTags, ['app:v1', 'app:v2']);
    assert.equal(images.resolve('app:v1').id, second.id);
    assert.deepEqual(await images.load(fileStream(second.path)), ['Loaded image: app:v1', 'Loaded image: app:v2']);
    assert.equal(images.list().length, 2);
  });

  test('a corrupt archive fails and leaves nothing behind', async () => {
    const images = await freshStore();
    await assert.rejects(images.load(Readable.from([Buffer.from('not a tar archive at all'.repeat(40))])), /does not look like a tar archive/);
    const notImage = join(work, 'not-an-image.tar');
    const plainDir = join(work, 'plain');
    await writeTree(plainDir, { README: 'x' });
    await tarDirectory(plainDir, notImage);
    await assert.rejects(images.load(fileStream(notImage)), { kind: 'invalidParameter', message: 'invalid archive: does not contain a manifest.json' });
    const tampered = await buildDockerSave(work, [layer1], ['bad:1'], ['sh'], true);
    await assert.rejects(images.load(fileStream(tampered.path)), {
      kind: 'invalidParameter',
      message: /^invalid diffID for layer 0: expected "sha256:0{64}", got "sha256:[0-9a-f]{64}"$/,
    });
    assert.deepEqual(await readdir(images.dir), []);
    assert.deepEqual(images.list(), []);
  });
});

test('import takes gzip and xz tarballs; the DiffID is that of the uncompressed tar', async () => {
  const images = await freshStore();
  const work = await mkdtemp(join(root, 'compressed-'));
  const plain = join(work, 'rootfs.tar');
  await pipeline(busyboxRootfsStream(), createWriteStream(plain));
  const diffId = `sha256:${sha256Hex(await readFile(plain))}`;
  const gz = await images.import(Readable.from([gzipSync(await readFile(plain))]), { reference: 'gz' });
  const xz = await images.import(spawnProcess(['xz', '-c', plain], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout!, { reference: 'xz' });
  assert.deepEqual(gz.layers, [diffId]);
  assert.deepEqual(xz.layers, [diffId]);
  assert.ok((await stat(join(images.rootfsDir(xz), 'bin/busybox'))).isFile());
});

test('records persist in the file store; open removes unreferenced directories', async () => {
  const dir = await mkdtemp(join(root, 'persist-'));
  const names = testNames(dir);
  let store = await FileStore.open(names.storeDir());
  let images = await ImageStore.open(names, store);
  const record = await images.import(busyboxRootfsStream(), { reference: 'busybox', changes: ['CMD ["sh"]'] });
  await images.tag('busybox', 'again:1');
  await store.close();
  await mkdir(join(names.imagesDir(), '.tmp-crashed', 'image'), { recursive: true });
  await mkdir(join(names.imagesDir(), 'f'.repeat(64), 'rootfs'), { recursive: true });

  store = await FileStore.open(names.storeDir());
  images = await ImageStore.open(names, store);
  assert.deepEqual(images.list().map((r) => [r.id, r.repoTags]), [[record.id, ['busybox:latest', 'again:1']]]);
  assert.deepEqual(await readdir(names.imagesDir()), [record.id.slice(7)]);
  assert.ok((await stat(join(images.rootfsDir(record), 'bin/busybox'))).isFile());
  await store.close();
});
