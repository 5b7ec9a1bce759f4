import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOciSpec, effectiveCapabilities, replaceOrAppendEnv, resolveCommand, resolveUser, type BundleSpec } from './bundle.js';

const BASE: BundleSpec = {
  rootfs: '/var/lib/berth/containers/abc/rootfs',
  args: ['sh'],
  env: ['FOO=bar'],
  cwd: '',
  tty: false,
  hostname: 'abc123',
  network: { mode: 'netns', path: '/run/netns/berth-abc' },
  mounts: [
    { destination: '/etc/resolv.conf', source: '/run/berth/containers/abc/resolv.conf' },
    { destination: '/data', source: '/srv/data', readonly: true },
  ],
};

const spec = (over: Partial<BundleSpec> = {}) => buildOciSpec({ ...BASE, ...over }) as any;

test('Docker defaults: process, root, namespaces, no rlimits', () => {
  const s = spec();
  assert.equal(s.ociVersion, '1.0.2');
  assert.deepEqual(s.process.args, ['sh']);
  assert.equal(s.process.cwd, '/');
  assert.equal(s.process.terminal, false);
  assert.deepEqual(s.process.user, { uid: 0, gid: 0 });
  assert.equal(s.process.noNewPrivileges, false);
  assert.equal('rlimits' in s.process, false);
  assert.deepEqual(s.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc123', 'FOO=bar']);
  assert.deepEqual(s.process.capabilities.bounding, [
    'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
    'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
  ]);
  assert.deepEqual(s.process.capabilities.effective, s.process.capabilities.bounding);
  assert.deepEqual(s.process.capabilities.permitted, s.process.capabilities.bounding);
  assert.equal('inheritable' in s.process.capabilities, false);
  assert.deepEqual(s.root, { path: BASE.rootfs, readonly: false });
  assert.equal(s.hostname, 'abc123');
  assert.deepEqual(s.linux.namespaces, [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: '/run/netns/berth-abc' }]);
  assert.ok(s.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(s.linux.readonlyPaths.includes('/proc/sys'));
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.equal(s.linux.resources.devices[0].allow, false);
  for (const key of ['memory', 'cpu', 'pids']) assert.equal(key in s.linux.resources, false, key);
  assert.equal('seccomp' in s.linux, false);
  assert.equal('cgroupsPath' in s.linux, false);
  assert.equal(spec({ cgroupsPath: '/berth/abc' }).linux.cgroupsPath, '/berth/abc');
});

test('mounts: the defaults, then binds; user mounts replace defaults', () => {
  const s = spec();
  assert.deepEqual(
    s.mounts.map((m: { destination: string; type: string }) => `${m.destination}:${m.type}`),
    ['/proc:proc', '/dev:tmpfs', '/dev/pts:devpts', '/sys:sysfs', '/dev/mqueue:mqueue', '/dev/shm:tmpfs', '/etc/resolv.conf:bind', '/data:bind'],
  );
  assert.ok(s.mounts.find((m: { destination: string }) => m.destination === '/sys').options.includes('ro'));
  assert.deepEqual(s.mounts[6], { destination: '/etc/resolv.conf', type: 'bind', source: '/run/berth/containers/abc/resolv.conf', options: ['rbind', 'rprivate'] });
  assert.deepEqual(s.mounts[7].options, ['rbind', 'ro', 'rprivate']);
  assert.ok(s.mounts[5].options.includes('size=67108864'));
  const shm = spec({ mounts: [{ destination: '/dev/shm', source: '/host/shm' }] });
  assert.equal(shm.mounts.filter((m: { destination: string }) => m.destination === '/dev/shm').length, 1);
  assert.equal(shm.mounts.at(-1).type, 'bind');
  const dev = spec({ mounts: [{ destination: '/dev', source: '/dev' }] });
  assert.deepEqual(dev.mounts.map((m: { destination: string }) => m.destination), ['/proc', '/sys', '/dev']);
});

test('tty, host network, read-only root, user, sysctls, privileged', () => {
  const s = spec({ tty: true, network: { mode: 'host' }, readonlyRootfs: true, cwd: '/srv', user: { uid: 1000, gid: 1000, additionalGids: [10] }, sysctl: { 'net.core.somaxconn': '1024' } });
  assert.equal(s.process.terminal, true);
  assert.deepEqual(s.process.env.slice(0, 3), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc123', 'TERM=xterm']);
  assert.equal(s.linux.namespaces.some((n: { type: string }) => n.type === 'network'), false);
  assert.deepEqual(s.linux.sysctl, { 'net.core.somaxconn': '1024' });
  assert.equal(s.root.readonly, true);
  assert.equal(s.process.cwd, '/srv');
  assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [10] });

  const image = spec({ env: ['PATH=/opt/bin', 'TERM=dumb'], tty: true });
  assert.deepEqual(image.process.env, ['PATH=/opt/bin', 'HOSTNAME=abc123', 'TERM=dumb']);

  const p = spec({ privileged: true, grantable: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] });
  assert.deepEqual(p.process.capabilities.bounding, ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.equal('maskedPaths' in p.linux, false);
  assert.ok(p.mounts.find((m: { destination: string }) => m.destination === '/sys').options.includes('rw'));
  assert.deepEqual(p.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
});

test('cap-add and cap-drop follow Docker', () => {
  const caps = (capAdd?: string[], capDrop?: string[]) => effectiveCapabilities({ capAdd, capDrop });
  assert.ok(caps(['NET_ADMIN']).includes('CAP_NET_ADMIN'));
  assert.ok(caps(['cap_sys_admin']).includes('CAP_SYS_ADMIN'));
  assert.equal(caps(undefined, ['NET_RAW']).includes('CAP_NET_RAW'), false);
  assert.deepEqual(caps(['NET_ADMIN'], ['ALL']), ['CAP_NET_ADMIN']);
  assert.equal(caps(['ALL'], ['SYS_ADMIN']).includes('CAP_SYS_ADMIN'), false);
  assert.ok(caps(['ALL']).length > 38);
  assert.throws(() => caps(['BOGUS']), { kind: 'invalidParameter', message: 'unknown capability: "CAP_BOGUS"' });
});

test('env merging and command resolution', () => {
  assert.deepEqual(replaceOrAppendEnv(['A=1', 'B=2'], ['B=3', 'C=4', 'A']), ['B=3', 'C=4']);
  const image = { Entrypoint: ['/entry'], Cmd: ['default'] };
  assert.deepEqual(resolveCommand(image), ['/entry', 'default']);
  assert.deepEqual(resolveCommand(image, ['run']), ['/entry', 'run']);
  assert.deepEqual(resolveCommand(image, undefined, ['/other']), ['/other']);
  assert.deepEqual(resolveCommand(image, ['x'], []), ['x']);
  assert.deepEqual(resolveCommand({ Cmd: ['sh'] }), ['sh']);
  assert.throws(() => resolveCommand({}), { kind: 'invalidParameter', message: 'no command specified' });
  assert.throws(() => resolveCommand(image, [], []), { message: 'no command specified' });
});

let rootfs: string;
before(async () => {
  rootfs = await mkdtemp(join(tmpdir(), 'berth-bundle-'));
  await mkdir(join(rootfs, 'etc'));
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n# comment\nnobody:x:65534:65534::/:/bin/false\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nwheel:x:10:app,root\napp:x:1001:\nstaff:x:50:app\nnogroup:x:65534:\n');
});
after(async () => {
  await rm(rootfs, { recursive: true, force: true });
});

test('resolveUser reads the image passwd and group files', async () => {
  assert.deepEqual(await resolveUser(rootfs, undefined), { uid: 0, gid: 0, additionalGids: [10] });
  assert.deepEqual(await resolveUser(rootfs, 'app'), { uid: 1000, gid: 1001, additionalGids: [10, 50] });
  assert.deepEqual(await resolveUser(rootfs, '1000'), { uid: 1000, gid: 1001, additionalGids: [10, 50] });
  assert.deepEqual(await resolveUser(rootfs, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [] });
  assert.deepEqual(await resolveUser(rootfs, 'nobody:nogroup'), { uid: 65534, gid: 65534, additionalGids: [] });
  assert.deepEqual(await resolveUser(rootfs, '4242:4343'), { uid: 4242, gid: 4343, additionalGids: [] });
  assert.deepEqual(await resolveUser(rootfs, '4242'), { uid: 4242, gid: 0, additionalGids: [] });
  await assert.rejects(resolveUser(rootfs, 'ghost'), { kind: 'invalidParameter', message: 'unable to find user ghost: no matching entries in passwd file' });
  await assert.rejects(resolveUser(rootfs, 'app:ghosts'), { message: 'unable to find group ghosts: no matching entries in group file' });
});

test('resolveUser resolves symlinks inside the rootfs, never on the host', async () => {
  const image = await mkdtemp(join(tmpdir(), 'berth-bundle-links-'));
  try {
    await mkdir(join(image, 'etc'));
    await mkdir(join(image, 'real'));
    await writeFile(join(image, 'real/passwd'), 'inside:x:7:8::/:/bin/sh\n');
    await writeFile(join(image, 'real/group'), 'extra:x:9:inside\n');
    await symlink('/real/passwd', join(image, 'etc/passwd')); // absolute: the image's /real, not the host's
    await symlink('../../../../../../real/group', join(image, 'etc/group')); // climbing stops at the image root
    assert.deepEqual(await resolveUser(image, 'inside'), { uid: 7, gid: 8, additionalGids: [9] });
    await assert.rejects(resolveUser(image, 'root'), /unable to find user root/); // the host has root; the image does not
    await rm(join(image, 'etc/passwd'));
    await symlink('/etc/passwd', join(image, 'etc/passwd')); // a loop inside the image
    await assert.rejects(resolveUser(image, 'inside'), /too many levels of symbolic links/);
  } finally {
    await rm(image, { recursive: true, force: true });
  }
});
