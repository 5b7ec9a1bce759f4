/**
 * berth-shim for real: runc containers (busybox rootfs) in a network namespace this test makes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../dataplane/exec.js';
import { runcDelete, runcKill, runcList, runcState } from '../dataplane/runc.js';
import { randomHex } from '../lib/ids.js';
import { readLogs, type LogRecord } from './logs.js';
import { Supervisor, type ShimConnection, type ShimStart, type SupervisorPaths } from './supervisor.js';

const RUNC = '/usr/sbin/runc';
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'tty', 'stty', 'true', 'false', 'ls', 'env', 'seq'];
const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

const here = dirname(fileURLToPath(import.meta.url));
function repoRoot(): string {
  for (let dir = here; dir !== '/'; dir = dirname(dir)) if (existsSync(join(dir, 'shim', 'Makefile'))) return dir;
  throw new Error('cannot find the repository root (shim/Makefile)');
}

const tag = randomHex(6);
const netns = `berth-tshim${tag}`;
let tmp: string;
let rootfs: string;
let paths: SupervisorPaths;
let sup: Supervisor;

function ociProcess(args: string[], tty: boolean) {
  return {
    terminal: tty,
    user: { uid: 0, gid: 0 },
    args,
    env: ['PATH=/bin', 'TERM=xterm'],
    cwd: '/',
    capabilities: { bounding: CAPS, effective: CAPS, permitted: CAPS, ambient: CAPS },
    noNewPrivileges: true,
  };
}

/** What `runc spec` writes, without rlimits (root here lacks CAP_SYS_RESOURCE), in our netns. */
function ociConfig(args: string[], tty: boolean) {
  const nosuid = ['nosuid', 'noexec', 'nodev'];
  return {
    ociVersion: '1.0.2-dev',
    process: ociProcess(args, tty),
    root: { path: rootfs, readonly: true },
    hostname: 'tshim',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: [...nosuid, 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: nosuid },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: [...nosuid, 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network', path: `/run/netns/${netns}` }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

const cid = (name: string) => `tshim-${tag}-${name}`;
const shimDir = (id: string) => join(tmp, 'shims', id);

async function bundle(name: string, args: string[], tty = false): Promise<string> {
  const dir = join(tmp, 'bundles', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(ociConfig(args, tty)));
  return dir;
}

interface Running {
  id: string;
  dir: string;
  pid: number;
  conn: ShimConnection;
  out: Array<{ stream: 1 | 2; data: string }>;
  text(stream?: 1 | 2): string;
}

/** create + connect (collecting output) + optionally START. */
async function runContainer(
  name: string,
  args: string[],
  opts: Partial<Pick<ShimStart, 'tty' | 'stdin' | 'logPath'>> & { start?: boolean; before?: (c: ShimConnection) => void } = {},
): Promise<Running> {
  const id = cid(name);
  const dir = shimDir(id);
  const tty = opts.tty ?? false;
  const { pid } = await sup.create({ id, dir, bundle: await bundle(name, args, tty), tty, stdin: opts.stdin ?? false, logPath: opts.logPath });
  return attach(id, dir, pid, opts);
}

async function attach(id: string, dir: string, pid: number, opts: { start?: boolean; before?: (c: ShimConnection) => void } = {}) {
  const conn = await sup.connect(dir);
  const out: Running['out'] = [];
  conn.on('output', (stream, data) => out.push({ stream, data: data.toString() }));
  opts.before?.(conn);
  if (opts.start !== false) await conn.start();
  const text = (stream?: 1 | 2) => out.filter((o) => stream === undefined || o.stream === stream).map((o) => o.data).join('');
  return { id, dir, pid, conn, out, text };
}

async function finished(c: Running): Promise<number> {
  const code = await c.conn.exited;
  await runcDelete(paths.runtimeRoot, c.id, { force: true }).catch(() => undefined);
  await sup.cleanup(c.dir);
  return code;
}

/** Processes whose command line mentions `needle` (a shim for a given dir, say). */
async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle) && Number(entry) !== process.pid) found.push(Number(entry));
  }
  return found;
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]);
}

describe('supervisor with berth-shim and runc', { concurrency: false }, () => {
  before(async () => {
    const root = repoRoot();
    await run(['make', '-s', '-C', join(root, 'shim')]);
    tmp = await mkdtemp('/tmp/berth-tshim-');
    rootfs = join(tmp, 'rootfs');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'etc']) await mkdir(join(rootfs, d), { recursive: true });
    await copyFile(BUSYBOX, join(rootfs, 'bin', 'busybox'));
    await run(['chmod', '0755', join(rootfs, 'bin', 'busybox')]);
    for (const applet of APPLETS) await symlink('busybox', join(rootfs, 'bin', applet));
    await run(['ip', 'netns', 'add', netns]);
    paths = { shim: join(root, 'shim', 'berth-shim'), runtime: RUNC, runtimeRoot: join(tmp, 'runc') };
    sup = new Supervisor(paths);
  });

  after(async () => {
    if (!tmp) return;
    for (const c of await runcList(paths.runtimeRoot).catch(() => [])) {
      await runcDelete(paths.runtimeRoot, c.id, { force: true }).catch(() => undefined);
    }
    for (const pid of await processesMentioning(tmp)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await run(['ip', 'netns', 'del', netns], { allowFail: true });
    await rm(tmp, { recursive: true, force: true });
  });

  const logPath = () => join(tmp, 'shared.log');
  let testStart: bigint;

  it('echo hi: stdout frame, exit 0', async () => {
    testStart = BigInt(Date.now()) * 1_000_000n;
    const c = await runContainer('echo', ['echo', 'hi'], { logPath: logPath() });
    assert.ok(c.pid > 0);
    assert.equal(await finished(c), 0);
    assert.deepEqual(c.out, [{ stream: 1, data: 'hi\n' }]);
  });

  it('stderr and a non-zero exit', async () => {
    const c = await runContainer('err', ['sh', '-c', 'echo err >&2; exit 3'], { logPath: logPath() });
    assert.equal(await finished(c), 3);
    assert.deepEqual(c.out, [{ stream: 2, data: 'err\n' }]);
  });

  it('the log file has both records with sane times; tail and since work', async () => {
    const all: LogRecord[] = [];
    for await (const r of readLogs(logPath(), { follow: false })) all.push(r);
    assert.deepEqual(
      all.map((r) => [r.stream, r.data.toString()]),
      [
        [1, 'hi\n'],
        [2, 'err\n'],
      ],
    );
    const now = BigInt(Date.now()) * 1_000_000n;
    for (const r of all) assert.ok(r.time >= testStart - 1_000_000_000n && r.time <= now, `time ${r.time} outside the test`);
    assert.ok(all[0]!.time <= all[1]!.time);
    const tail: string[] = [];
    for await (const r of readLogs(logPath(), { follow: false, tail: 1 })) tail.push(r.data.toString());
    assert.deepEqual(tail, ['err\n']);
    const since: string[] = [];
    for await (const r of readLogs(logPath(), { follow: false, since: all[1]!.time })) since.push(r.data.toString());
    assert.deepEqual(since, ['err\n']);
  });

  it('stdin: cat echoes what it is given and exits when stdin closes', async () => {
    const c = await runContainer('cat', ['cat'], { stdin: true });
    c.conn.writeStdin(Buffer.from('abc'));
    c.conn.closeStdin();
    assert.equal(await finished(c), 0);
    assert.equal(c.text(1), 'abc');
  });

  it('tty: the process sees a pty of the size set with resize', async (t) => {
    const c = await runContainer('tty', ['sh', '-c', 'tty; stty size'], { tty: true, before: (conn) => conn.resize(30, 100) });
    assert.equal(await finished(c), 0);
    const text = c.text();
    t.diagnostic(`tty output: ${JSON.stringify(text)}`);
    assert.match(text, /\/dev\/pts\/\d+\r?\n/);
    assert.match(text, /30 100/);
    assert.equal(c.text(2), '', 'with a tty all output is stdout');
  });

  it('exec: runs a process in a running container; a missing binary exits 127', async (t) => {
    const main = await runContainer('long', ['sleep', '1000']);
    const exec = async (name: string, args: string[]) => {
      const id = `${main.id}-${name}`;
      const dir = shimDir(id);
      const { pid } = await sup.create({ id, dir, exec: { containerId: main.id, process: ociProcess(args, false) }, tty: false, stdin: false });
      assert.equal(pid, 0);
      return attach(id, dir, pid, { start: false });
    };
    const ok = await exec('sum', ['sh', '-c', 'echo $((1+2))']);
    await ok.conn.start();
    assert.equal(await ok.conn.exited, 0);
    assert.equal(ok.text(1), '3\n');
    await sup.cleanup(ok.dir);

    const missing = await exec('missing', ['nosuch-binary']);
    await assert.rejects(missing.conn.start(), (err: Error) => {
      t.diagnostic(`exec start error: ${err.message}`);
      return /executable file not found|no such file/.test(err.message);
    });
    assert.equal(await missing.conn.exited, 127);
    assert.equal(await sup.exitCode(missing.dir), 127);
    assert.equal(missing.text(), '', 'runc error text is not process output');
    await sup.cleanup(missing.dir);

    // The exec's own exit counts, even while a background child still holds its stdout.
    const bg = await exec('background', ['sh', '-c', 'sleep 100 & echo bg']);
    await bg.conn.start();
    assert.equal(await bg.conn.exited, 0);
    assert.equal(bg.text(1), 'bg\n');
    await sup.cleanup(bg.dir);

    const ttyId = `${main.id}-tty`;
    const ttyDir = shimDir(ttyId);
    // An exec's pty exists only once it runs: its initial size comes with the process (consoleSize).
    const ttyProcess = { ...ociProcess(['sh', '-c', 'tty; stty size'], true), consoleSize: { height: 12, width: 34 } };
    await sup.create({ id: ttyId, dir: ttyDir, exec: { containerId: main.id, process: ttyProcess }, tty: true, stdin: false });
    const withTty = await attach(ttyId, ttyDir, 0);
    assert.equal(await withTty.conn.exited, 0);
    assert.match(withTty.text(1), /^\/dev\/pts\/\d+\r\n12 34\r\n$/);
    await sup.cleanup(ttyDir);

    await runcKill(paths.runtimeRoot, main.id, 'KILL');
    assert.equal(await finished(main), 137);
  });

  it('large output arrives whole and in order, while stdin nobody reads backs up', async () => {
    const count = 200_000;
    const log = join(tmp, 'large.log');
    const c = await runContainer('large', ['seq', '1', String(count)], { stdin: true, logPath: log });
    c.conn.writeStdin(Buffer.alloc(4 << 20, 0x61)); // 4 MiB the process never reads
    assert.equal(await finished(c), 0);
    const expected = Array.from({ length: count }, (_, i) => `${i + 1}\n`).join('');
    assert.equal(c.text(1).length, expected.length);
    assert.ok(c.text(1) === expected, 'stdout matches seq output');
    let logged = '';
    for await (const r of readLogs(log, { follow: false })) logged += r.data.toString();
    assert.ok(logged === expected, 'the log holds the same bytes');
  });

  it('the shim survives its spawner; another Supervisor gets the exit; SIGKILL is 137', async (t) => {
    const id = cid('survive');
    const dir = shimDir(id);
    const start: ShimStart = { id, dir, bundle: await bundle('survive', ['sleep', '1000']), tty: false, stdin: false };
    const fixture = join(here, `supervisor.fixture${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`);
    const loader = fixture.endsWith('.ts') ? ['--import', 'tsx'] : [];
    // The spawner process must exit on its own even though the shim it started lives on.
    const spawner = await run([process.execPath, ...loader, fixture, JSON.stringify({ paths, start })], { timeoutMs: 30_000 });
    const { pid } = JSON.parse(spawner.stdout) as { pid: number };
    assert.ok(pid > 0);

    const other = new Supervisor(paths);
    const shimPid = await other.shimPid(dir);
    assert.ok(shimPid, 'the shim is still running');
    const rss = await rssKb(shimPid);
    t.diagnostic(`berth-shim RSS: ${rss} kB`);
    assert.ok(rss < 2048, `shim RSS ${rss} kB`);

    const conn = await other.connect(dir);
    await conn.start();
    assert.equal((await runcState(paths.runtimeRoot, id))?.status, 'running');
    t.diagnostic(`berth-shim RSS with a running container: ${await rssKb(shimPid)} kB`);
    await runcKill(paths.runtimeRoot, id, 'KILL');
    assert.equal(await conn.exited, 137);
    assert.equal(await other.exitCode(dir), 137);
    await assert.rejects(other.connect(dir), (err: Error & { kind?: string }) => err.kind === 'notFound');
    assert.deepEqual(await processesMentioning(`--dir\0${dir}\0`), [], 'the shim exited');
    await runcDelete(paths.runtimeRoot, id);
    await other.cleanup(dir);
  });

  it('a client that connects later and disconnects does not disturb the shim', async () => {
    const c = await runContainer('clients', ['sh', '-c', 'read x; echo got $x'], { stdin: true });
    const second = await sup.connect(c.dir);
    const seen: string[] = [];
    second.on('output', (_s, d) => seen.push(d.toString()));
    const third = await sup.connect(c.dir);
    third.close();
    c.conn.writeStdin(Buffer.from('one\n'));
    assert.equal(await finished(c), 0);
    assert.equal(await second.exited, 0);
    assert.equal(c.text(1), 'got one\n');
    assert.equal(seen.join(''), 'got one\n', 'output is broadcast to every client');
  });

  it('runc helpers: state, list, and errors mapped to kinds', async () => {
    const c = await runContainer('runc', ['sleep', '1000'], { start: false });
    const kind = (k: string) => (err: Error & { kind?: string }) => err.kind === k;
    assert.equal((await runcState(paths.runtimeRoot, c.id))?.status, 'created');
    assert.equal((await runcState(paths.runtimeRoot, c.id))?.pid, c.pid);
    await c.conn.start();
    assert.ok((await runcList(paths.runtimeRoot)).some((s) => s.id === c.id && s.status === 'running'));
    await assert.rejects(runcDelete(paths.runtimeRoot, c.id), kind('conflict'));
    await runcKill(paths.runtimeRoot, c.id, 'SIGTERM'); // sleep as pid 1 ignores TERM
    await runcKill(paths.runtimeRoot, c.id, 9);
    assert.equal(await c.conn.exited, 137);
    await assert.rejects(runcKill(paths.runtimeRoot, c.id, 'KILL'), kind('conflict'));
    await runcDelete(paths.runtimeRoot, c.id);
    await assert.rejects(runcDelete(paths.runtimeRoot, c.id), kind('notFound'));
    await assert.rejects(runcKill(paths.runtimeRoot, c.id, 'KILL'), kind('notFound'));
    assert.equal(await runcState(paths.runtimeRoot, c.id), undefined);
    assert.ok(!(await runcList(paths.runtimeRoot)).some((s) => s.id === c.id));
    await sup.cleanup(c.dir);
  });

  it('create fails cleanly when the shim binary is missing', async () => {
    const id = cid('noshim');
    const dir = shimDir(id);
    const broken = new Supervisor({ ...paths, shim: join(tmp, 'no-such-shim') });
    const t0 = Date.now();
    await assert.rejects(broken.create({ id, dir, bundle: await bundle('noshim', ['true']), tty: false, stdin: false }), /no-such-shim/);
    assert.ok(Date.now() - t0 < 3000, 'fails promptly');
    assert.equal(existsSync(dir), false);
  });

  it('a reused shim directory does not report the previous exit', async () => {
    const first = await runContainer('reuse', ['sh', '-c', 'exit 7']);
    assert.equal(await first.conn.exited, 7);
    await runcDelete(paths.runtimeRoot, first.id);
    const again = await runContainer('reuse', ['sleep', '1000'], { start: false });
    assert.equal(await sup.exitCode(again.dir), undefined);
    await runcKill(paths.runtimeRoot, again.id, 'KILL');
    assert.equal(await finished(again), 137);
  });

  for (const [what, make] of [
    ['a missing binary', async () => ({ bundle: await bundle('nobin', ['/nosuch']), want: /no such file|not found/ })],
    ['a bad bundle', async () => ({ bundle: join(tmp, 'bundles', 'does-not-exist'), want: /config\.json|no such file/ })],
  ] as const) {
    it(`create fails for ${what}: runc's message, nothing left behind`, async (t) => {
      const id = cid(`fail-${what.split(' ').at(-1)}`);
      const dir = shimDir(id);
      const { bundle: b, want } = await make();
      await assert.rejects(sup.create({ id, dir, bundle: b, tty: false, stdin: false }), (err: Error & { kind?: string }) => {
        t.diagnostic(`create error: ${err.message}`);
        assert.equal(err.kind, 'system');
        assert.match(err.message, want);
        return true;
      });
      assert.equal(existsSync(dir), false, 'the shim directory is removed');
      assert.deepEqual(await processesMentioning(dir), [], 'no shim process');
      assert.equal(await runcState(paths.runtimeRoot, id), undefined, 'no runc state');
    });
  }
});
