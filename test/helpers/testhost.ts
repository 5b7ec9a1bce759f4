/**
 * A "test host": a fresh network namespace playing the machine, with a berth daemon running
 * inside it under its own instance prefix, data root and socket. Nothing it does touches the
 * real host network; `stop()` removes every trace (daemon, containers, netns, bridges, nft,
 * mounts, files) through `berth daemon purge`.
 *
 *   const host = await TestHost.start();
 *   const r = await host.berth(['run', '--rm', 'busybox', 'echo', 'hi']);
 *   await host.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file holding package.json (works from src and dist). */
export const REPO = (() => {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = resolve(dir, '..');
  return dir;
})();
const DIST_MAIN = join(REPO, 'dist/src/cli/main.js');
const DAEMON_COMMAND = [DIST_MAIN, 'daemon'];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Run a command (argv), collecting output; never throws on a non-zero exit. */
export function runCommand(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString() + (signal ? `\n[killed by ${signal}]` : ''),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export interface TestHostOptions {
  /** Upstream DNS for the embedded resolver, e.g. a stub started inside the test host. */
  dns?: string[];
  /** Extra daemon flags. */
  daemonArgs?: string[];
  /** Load busybox:latest into the new daemon (default true). */
  busybox?: boolean;
  /** Extra environment for the daemon, e.g. { BERTH_TEST_FAIL_AT: 'bridge.createNetwork' }. */
  env?: Record<string, string>;
}

export class TestHost {
  #daemon: ChildProcess | undefined;
  #daemonLog: Buffer[] = [];

  private constructor(
    readonly prefix: string,
    readonly netns: string,
    readonly dir: string,
    readonly opts: TestHostOptions,
  ) {}

  get socket(): string {
    return join(this.dir, 'run', 'berth.sock');
  }

  get daemonArgs(): string[] {
    return [
      '--prefix', this.prefix,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'run'),
      '--resolv-conf', join(this.dir, 'resolv.conf'),
      ...(this.opts.dns ?? ['127.0.0.1:53']).flatMap((d) => ['--dns', d]),
      ...(this.opts.daemonArgs ?? []),
    ];
  }

  static async start(opts: TestHostOptions = {}): Promise<TestHost> {
    if (!existsSync(DIST_MAIN)) throw new Error(`build first: ${DIST_MAIN} is missing (npm run build)`);
    const tag = randomBytes(3).toString('hex').slice(0, 3).replace(/^[0-9]/, 'x');
    const prefix = `berth${tag}`;
    const netns = `berth-th-${tag}${randomBytes(2).toString('hex')}`;
    const dir = await mkdtemp(join(tmpdir(), `berth-${tag}-`));
    const host = new TestHost(prefix, netns, dir, opts);
    await host.sh(['ip', 'netns', 'add', netns], { inHost: false });
    await host.sh(['ip', 'link', 'set', 'lo', 'up']);
    // The test host's own resolv.conf: a loopback stub, never the machine's real resolvers.
    await writeFile(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\nsearch test.local\n');
    await host.startDaemon();
    if (opts.busybox !== false) await host.loadBusybox();
    return host;
  }

  /** Start (or restart) the daemon inside the test host. */
  async startDaemon(): Promise<void> {
    this.#daemonLog = [];
    const child = spawn('nsenter', [`--net=/run/netns/${this.netns}`, '--', process.execPath, ...DAEMON_COMMAND, ...this.daemonArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.opts.env },
    });
    child.stdout!.on('data', (b: Buffer) => this.#daemonLog.push(b));
    child.stderr!.on('data', (b: Buffer) => this.#daemonLog.push(b));
    this.#daemon = child;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}:\n${this.daemonLog}`);
      const version = ['version', '--format', '{{.Server.APIVersion}}'];
      const ping = await this.berth(version, { timeoutMs: 5_000 }).catch(() => undefined);
      if (ping?.code === 0) return;
      await sleep(50);
    }
    throw new Error(`daemon did not come up:\n${this.daemonLog}`);
  }

  /** SIGTERM the daemon and wait for it (containers keep running). */
  async stopDaemon(): Promise<void> {
    const child = this.#daemon;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    await exited;
  }

  get daemonLog(): string {
    return Buffer.concat(this.#daemonLog).toString();
  }

  /** The README's one-liner: busybox-rootfs.sh | berth image import --change 'CMD ["sh"]' - busybox:latest */
  async loadBusybox(): Promise<void> {
    const script = spawn(join(REPO, 'scripts/busybox-rootfs.sh'), [], { stdio: ['ignore', 'pipe', 'inherit'] });
    const importArgs = ['-H', `unix://${this.socket}`, 'image', 'import', '--change', 'CMD ["sh"]', '-', 'busybox:latest'];
    const cli = spawn(process.execPath, [DIST_MAIN, ...importArgs], { stdio: ['pipe', 'ignore', 'pipe'] });
    script.stdout!.pipe(cli.stdin!);
    const err: Buffer[] = [];
    cli.stderr!.on('data', (b: Buffer) => err.push(b));
    const code = await new Promise<number | null>((r) => cli.on('close', r));
    if (code !== 0) throw new Error(`busybox import failed: ${Buffer.concat(err).toString()}`);
  }

  /** The berth CLI against this host's daemon. */
  berth(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runCommand([process.execPath, DIST_MAIN, '-H', `unix://${this.socket}`, ...args], opts);
  }

  /** The real docker CLI against this host's daemon. */
  docker(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runCommand(['docker', '-H', `unix://${this.socket}`, ...args], { ...opts, env: { ...process.env, DOCKER_CONFIG: join(this.dir, 'docker-config') } });
  }

  /** A command inside the test host's network namespace (inHost false: in the caller's). */
  sh(argv: string[], opts: RunOptions & { inHost?: boolean } = {}): Promise<RunResult> {
    const full = opts.inHost === false ? argv : ['nsenter', `--net=/run/netns/${this.netns}`, '--', ...argv];
    return runCommand(full, opts);
  }

  /** Stop the daemon and remove everything the instance made, then the test host itself. */
  async stop(): Promise<void> {
    await this.stopDaemon();
    const purgeArgv = ['nsenter', `--net=/run/netns/${this.netns}`, '--', process.execPath, ...DAEMON_COMMAND, 'purge', ...this.daemonArgs];
    let purge = await runCommand(purgeArgv);
    for (let retry = 0; purge.code !== 0 && retry < 2; retry++) {
      await sleep(500);
      purge = await runCommand(purgeArgv);
    }
    // A failed purge keeps the directory: runc's state in it is what finds the leftover containers.
    if (purge.code !== 0) throw new Error(`purge failed, left ${this.dir} and netns ${this.netns} for a later purge: ${purge.stderr}`);
    await runCommand(['ip', 'netns', 'del', this.netns]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
