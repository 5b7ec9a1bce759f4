import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../dataplane/exec.js';
import { isMounted, mountsUnder, parseMountInfo } from '../dataplane/mount.js';
import { randomHex } from '../lib/ids.js';
import { MemoryStore } from '../store/memory.js';
import { boundingCapabilities, buildOciSpec, resolveCommand, resolveUser } from './bundle.js';
import { ImageStore } from './images/store.js';
import { busyboxRootfsStream, testNames } from './images/testing.js';
import type { ImageRecord } from './images/types.js';
import { mountRootfs, removeContainerLayer, unmountRootfs } from './rootfs.js';

let root: string;
let images: ImageStore;
let image: ImageRecord;
const netns = `berth-t-${randomHex(8)}`;
const runcIds: string[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-rootfs-'));
  images = await ImageStore.open(testNames(root), new MemoryStore());
  image = await images.import(busyboxRootfsStream(), { reference: 'busybox', changes: ['CMD ["sh"]'] });
  await run(['ip', 'netns', 'add', netns]);
  // A veth pair inside the test namespace only: the container must see exactly these links.
  await run(['ip', '-n', netns, 'link', 'add', 'tveth0', 'type', 'veth', 'peer', 'name', 'tveth1']);
});

after(async () => {
  for (const id of runcIds) await run(['runc', '--root', join(root, 'runc'), 'delete', '--force', id], { allowFail: true });
  for (const mount of await mountsUnder(root)) await run(['umount', '-l', mount], { allowFail: true });
  await run(['ip', 'netns', 'delete', netns], { allowFail: true });
  await rm(root, { recursive: true, force: true });
});

test('overlay over the image: writes land in the container layer, the image stays untouched', async () => {
  const containerDir = join(root, 'containers', 'c1');
  const imageRootfs = images.rootfsDir(image);
  const merged = await mountRootfs(containerDir, imageRootfs);
  assert.equal(merged, join(containerDir, 'rootfs'));
  assert.ok(await isMounted(merged));
  assert.equal(await mountRootfs(containerDir, imageRootfs), merged); // idempotent
  assert.equal((await mountsUnder(containerDir)).length, 1);

  assert.ok((await stat(join(merged, 'bin/busybox'))).isFile());
  await writeFile(join(merged, 'etc/written-by-container'), 'hello');
  await rm(join(merged, 'etc/group'));
  assert.equal(await readFile(join(containerDir, 'upper/etc/written-by-container'), 'utf8'), 'hello');
  await assert.rejects(stat(join(imageRootfs, 'etc/written-by-container')), { code: 'ENOENT' });
  assert.ok((await stat(join(imageRootfs, 'etc/group'))).isFile());

  await unmountRootfs(containerDir);
  assert.equal(await isMounted(merged), false);
  await unmountRootfs(containerDir); // idempotent
  assert.deepEqual(await readdir(merged), []);

  // Mounting again brings the container's writes back.
  await mountRootfs(containerDir, imageRootfs);
  assert.equal(await readFile(join(merged, 'etc/written-by-container'), 'utf8'), 'hello');
  await removeContainerLayer(containerDir);
  assert.equal(await isMounted(merged), false);
  assert.deepEqual(await readdir(containerDir), []);
  await removeContainerLayer(containerDir); // idempotent
  assert.ok((await stat(join(imageRootfs, 'bin/busybox'))).isFile());
});

test('mountinfo parsing undoes the kernel\'s octal escapes', () => {
  const line = '99 26 0:50 / /tmp/with\\040space\\011tab rw,relatime shared:7 - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c';
  assert.deepEqual(parseMountInfo(line), [
    { id: 99, parent: 26, mountPoint: '/tmp/with space\ttab', options: 'rw,relatime', fsType: 'overlay', source: 'overlay', superOptions: 'rw,lowerdir=/a,upperdir=/b,workdir=/c' },
  ]);
});

/** Write the bundle and `runc run` it in the foreground; returns what the container printed. */
async function runContainer(name: string, args: string[], extra: { hostnameFile?: string } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const containerDir = join(root, 'containers', name);
  const rootfs = await mountRootfs(containerDir, images.rootfsDir(image));
  const mounts = extra.hostnameFile ? [{ destination: '/etc/hostname', source: extra.hostnameFile, readonly: true }] : [];
  const user = await resolveUser(rootfs, undefined);
  const spec = buildOciSpec({
    rootfs,
    args: resolveCommand(image.config, args),
    env: image.config.Env ?? [],
    cwd: '/',
    tty: false,
    hostname: name,
    user,
    network: { mode: 'netns', path: `/run/netns/${netns}` },
    mounts,
    grantable: await boundingCapabilities(),
  });
  const bundle = join(containerDir, 'bundle');
  await mkdir(bundle, { recursive: true });
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
  const id = `btest-${name}-${randomHex(6)}`;
  runcIds.push(id);
  try {
    return await run(['runc', '--root', join(root, 'runc'), 'run', '--bundle', bundle, id], { timeoutMs: 30_000, allowFail: true });
  } finally {
    await removeContainerLayer(containerDir);
  }
}

test('runc runs the bundle: echo hi', async () => {
  const result = await runContainer('echo', ['echo', 'hi']);
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'hi\n');
});

test('the container gets its network namespace, hostname, bind mounts, env and capabilities', async () => {
  const hostnameFile = join(root, 'hostname');
  await writeFile(hostnameFile, 'from-bind\n');
  const script = [
    'hostname',
    'cat /etc/hostname',
    'ls /sys/class/net | sort | tr "\\n" " "; echo',
    'echo "$PATH|$HOSTNAME"',
    'id -u',
    'grep CapEff /proc/self/status',
    'echo probe > /etc/hostname 2>/dev/null && echo writable || echo readonly',
  ].join('; ');
  const result = await runContainer('netcheck', ['sh', '-c', script], { hostnameFile });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines[0], 'netcheck');
  assert.equal(lines[1], 'from-bind');
  assert.equal(lines[2]!.trim(), 'lo tveth0 tveth1');
  assert.equal(lines[3], '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|netcheck');
  assert.equal(lines[4], '0');
  assert.equal(lines[5], 'CapEff:\t00000000a80425fb'); // Docker's default set
  assert.equal(lines[6], 'readonly');
});
