/**
 * @module engine/lifecycle
 * Start, exit, stop, kill, restart and remove. Start is one undoable sequence: root filesystem,
 * network stack, /etc files, OCI bundle, shim, runc start. Exit undoes it in reverse. The shim
 * keeps the process alive across daemon restarts; `recover` reattaches to survivors.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { conflict, errorMessage, isBerthError, notModified, runAll, settleAll, systemError, wrapError } from '../lib/errors.js';
import { log } from '../lib/log.js';
import { nowRfc3339Nano } from '../lib/ids.js';
import { failPoint, withUndo } from '../lib/undo.js';
import { runcDelete, runcHasState, runcKill } from '../dataplane/runc.js';
import { mountRootfs, removeContainerLayer, unmountRootfs } from '../runtime/rootfs.js';
import { boundingCapabilities, buildOciSpec, resolveUser } from '../runtime/bundle.js';
import type { ImageStore } from '../runtime/images/store.js';
import type { Supervisor } from '../runtime/supervisor.js';
import type { EngineContext } from './context.js';
import type { ContainerRecord } from './model.js';
import type { SandboxService } from './sandboxes.js';
import { parseNetworkMode } from './sandboxes.js';
import { etcPaths } from './etc-files.js';
import type { Hubs } from './io.js';
import type { PortService } from './ports.js';
import { signalNumber } from './signals.js';

export interface LifecycleDeps {
  ctx: EngineContext;
  sandboxes: SandboxService;
  images: ImageStore;
  supervisor: Supervisor;
  hubs: Hubs;
  ports: PortService;
}

/** A running process the daemon watches, and how its end is reported. */
interface Watch {
  exitHandled: Promise<void>;
  stopRequested: boolean;
}

export class Lifecycle {
  #watches = new Map<string, Watch>();
  #waiters = new Map<string, Array<{ condition: string; resolve: (r: { StatusCode: number; Error: null | { Message: string } }) => void }>>();

  constructor(private readonly d: LifecycleDeps) {}

  #grantableCaps: Promise<string[]> | undefined;

  /** The capabilities this daemon itself holds: a container cannot be given more. */
  #grantable(): Promise<string[]> {
    return (this.#grantableCaps ??= boundingCapabilities());
  }

  get #ctx(): EngineContext {
    return this.d.ctx;
  }

  logPath(id: string): string {
    return join(this.#ctx.names.containerDir(id), 'container.log');
  }

  bundleDir(id: string): string {
    return join(this.#ctx.names.containerRunDir(id), 'bundle');
  }

  async start(ref: string): Promise<void> {
    const { id } = this.#ctx.state.container(ref);
    try {
      await this.#ctx.locks.run(id, async () => {
        const c = this.#ctx.state.container(id);
        if (c.state.Running) throw notModified('container is already running');
        if (c.state.Status === 'removing') throw conflict('container is marked for removal and cannot be started');
        await this.#startLocked(c);
      });
    } catch (err) {
      // Docker removes an --rm container whose start failed; `docker run --rm` waits for that.
      const c = this.#ctx.state.containers.get(id);
      if (c?.hostConfig.AutoRemove && !c.state.Running && !isBerthError(err, 'notModified')) {
        await this.remove(id, { force: true }).catch((e) => log.warn(`removing ${id} after a failed start failed`, e));
      }
      throw err;
    }
  }

  async #startLocked(c: ContainerRecord): Promise<void> {
    const shimDir = this.#ctx.names.shimDir(c.id);
    try {
      await withUndo(async (undo) => {
        await this.d.supervisor.cleanup(shimDir);
        if (await runcHasState(this.#ctx.names.runcRoot(), c.id)) {
          await runcDelete(this.#ctx.names.runcRoot(), c.id, { force: true }).catch(() => undefined);
        }
        const rootfs = await mountRootfs(this.#ctx.names.containerDir(c.id), this.d.images.rootfsDirById(c.imageId));
        undo.push('unmount rootfs', () => unmountRootfs(this.#ctx.names.containerDir(c.id)));
        failPoint('start:network');
        const placement = await this.d.sandboxes.setUp(c, undo).catch(throwNetworkingError);
        await this.d.ports.publish(c, undo).catch(throwNetworkingError);
        const owner = this.d.sandboxes.filesOwner(c);
        if (owner === c) await this.d.sandboxes.writeEtcFiles(c);
        const etc = etcPaths(this.#ctx.names.containerRunDir(owner.id));
        const user = await resolveUser(rootfs, c.config.User || undefined);
        const spec = buildOciSpec({
          rootfs,
          args: [c.path, ...c.args],
          env: c.config.Env,
          cwd: c.config.WorkingDir || '/',
          tty: c.config.Tty,
          hostname: parseNetworkMode(c.hostConfig.NetworkMode).kind === 'host' ? hostHostname() : c.config.Hostname,
          user,
          network: placement,
          mounts: [
            { destination: '/etc/resolv.conf', source: etc.resolvConf },
            { destination: '/etc/hostname', source: etc.hostname },
            { destination: '/etc/hosts', source: etc.hosts },
            ...bindMounts(c.hostConfig.Binds ?? []),
          ],
          ...(placement.mode === 'netns' && c.sandboxId ? { sysctl: { 'net.ipv4.conf.all.route_localnet': '1' } } : {}),
          privileged: c.hostConfig.Privileged,
          capAdd: c.hostConfig.CapAdd ?? [],
          capDrop: c.hostConfig.CapDrop ?? [],
          readonlyRootfs: c.hostConfig.ReadonlyRootfs,
          grantable: await this.#grantable(),
        });
        const [rows, cols] = (c.hostConfig.ConsoleSize as [number, number] | undefined) ?? [0, 0];
        if (c.config.Tty && rows && cols) (spec as { process: Record<string, unknown> }).process.consoleSize = { height: rows, width: cols };
        await mkdir(this.bundleDir(c.id), { recursive: true });
        await writeFile(join(this.bundleDir(c.id), 'config.json'), JSON.stringify(spec));
        // Names must resolve from the process's first instruction: its first query may come at once.
        await this.#ctx.refreshDns();
        failPoint('start:process');
        const { pid } = await this.d.supervisor
          .create({
            id: c.id,
            dir: shimDir,
            bundle: this.bundleDir(c.id),
            tty: c.config.Tty,
            stdin: c.config.OpenStdin,
            logPath: this.logPath(c.id),
          })
          .catch((err) => {
            throw wrapError(err, 'OCI runtime create failed');
          });
        undo.push('kill process', async () => {
          await runcDelete(this.#ctx.names.runcRoot(), c.id, { force: true }).catch(() => undefined);
          await this.d.supervisor.cleanup(shimDir);
        });
        const conn = await this.d.supervisor.connect(shimDir);
        this.d.hubs.get(c.id).connect(conn);
        await conn.start();
        c.state = {
          ...c.state,
          Status: 'running',
          Running: true,
          Restarting: false,
          Dead: false,
          OOMKilled: false,
          Pid: pid,
          ExitCode: 0,
          Error: '',
          StartedAt: nowRfc3339Nano(),
        };
        await this.#ctx.state.saveContainer(c);
        this.#watch(c, conn.exited);
      });
    } catch (err) {
      c.state = { ...c.state, Error: errorMessage(err) };
      if (c.state.Status === 'created' || c.state.Status === 'exited') c.state.ExitCode = exitCodeForStartError(err);
      await this.#ctx.state.saveContainer(c).catch(() => undefined);
      await this.#ctx.refreshDns().catch(() => undefined);
      throw startError(err);
    }
    this.#ctx.events.publish('container', 'start', c.id, { name: c.name, image: c.config.Image });
  }

  #watch(c: ContainerRecord, exited: Promise<number>): void {
    const watch: Watch = { stopRequested: false, exitHandled: Promise.resolve() };
    watch.exitHandled = exited.then(
      (code) => this.#onExit(c.id, code, watch),
      (err) => this.#onExit(c.id, 255, watch, err),
    );
    this.#watches.set(c.id, watch);
  }

  async #onExit(id: string, code: number, watch: Watch, err?: unknown): Promise<void> {
    const autoRemove = await this.#ctx.locks.run(id, async () => {
      const c = this.#ctx.state.containers.get(id);
      this.#watches.delete(id);
      this.d.hubs.get(id).exited(code);
      if (!c) return false;
      await this.#cleanupRun(c);
      c.state = {
        ...c.state,
        Status: 'exited',
        Running: false,
        Restarting: false,
        Pid: 0,
        ExitCode: code,
        Error: err ? errorMessage(err) : '',
        FinishedAt: nowRfc3339Nano(),
      };
      await this.#ctx.state.saveContainer(c);
      this.#ctx.events.publish('container', 'die', c.id, { name: c.name, exitCode: String(code) });
      this.#notify(c.id, code, ['next-exit', 'not-running']);
      return c.hostConfig.AutoRemove;
    });
    if (autoRemove) {
      await this.remove(id, { force: true }).catch((e) => log.warn(`auto-remove of ${id} failed`, e));
    } else if (!watch.stopRequested) {
      await this.#maybeRestart(id, code);
    }
  }

  /** Undo what start did, best effort, in reverse: ports, network, runc state, shim dir, rootfs. */
  async #cleanupRun(c: ContainerRecord): Promise<void> {
    // The process is gone, so these are independent: run them side by side.
    await settleAll(
      [
        async () => {
          await this.d.ports.unpublish(c);
          if (c.sandboxId) await this.d.sandboxes.tearDown(c);
        },
        () => runcDelete(this.#ctx.names.runcRoot(), c.id, { force: true }),
        () => this.d.supervisor.cleanup(this.#ctx.names.shimDir(c.id)),
        () => unmountRootfs(this.#ctx.names.containerDir(c.id)),
      ],
      `cleaning up container ${c.name}`,
    ).catch((err) => log.warn('cleanup after exit was incomplete', err));
    delete c.netnsOwner;
    delete c.sandboxId;
    c.ports = {};
  }

  async #maybeRestart(id: string, code: number): Promise<void> {
    const c = this.#ctx.state.containers.get(id);
    if (!c) return;
    const policy = c.hostConfig.RestartPolicy;
    const wanted =
      policy.Name === 'always' ||
      policy.Name === 'unless-stopped' ||
      (policy.Name === 'on-failure' && code !== 0 && (!policy.MaximumRetryCount || c.restartCount < policy.MaximumRetryCount));
    if (!wanted) return;
    c.restartCount++;
    const delay = Math.min(100 * 2 ** Math.min(c.restartCount, 10), 60_000);
    setTimeout(() => {
      this.start(id).catch((err) => log.warn(`restart of ${c.name} failed`, err));
    }, delay).unref();
  }

  /** Send a signal; 409 when not running (Docker's kill). */
  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.#ctx.state.container(ref);
    const num = signalNumber(signal);
    if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
    const watch = this.#watches.get(c.id);
    if (watch && (num === 9 || num === 15)) watch.stopRequested = true;
    await runcKill(this.#ctx.names.runcRoot(), c.id, String(num)).catch((err) => {
      if (!isBerthError(err, 'notFound')) throw err;
    });
    if (num === 9) await watch?.exitHandled;
  }

  /** Docker's stop: the stop signal, then SIGKILL after the timeout; 304 when not running. */
  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.#ctx.state.container(ref);
    const watch = this.#watches.get(c.id);
    if (!c.state.Running || !watch) throw notModified('container already stopped');
    watch.stopRequested = true;
    const timeout = opts.timeout ?? c.config.StopTimeout ?? 10;
    const signal = signalNumber(opts.signal || c.config.StopSignal || 'SIGTERM');
    const root = this.#ctx.names.runcRoot();
    await runcKill(root, c.id, String(signal)).catch(() => undefined);
    const stopped = await within(watch.exitHandled, timeout < 0 ? undefined : timeout * 1000);
    if (!stopped) {
      await runcKill(root, c.id, '9').catch(() => undefined);
      await watch.exitHandled;
    }
  }

  async restart(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    const c = this.#ctx.state.container(ref);
    if (c.state.Running) await this.stop(c.id, opts).catch((err) => { if (!isBerthError(err, 'notModified')) throw err; });
    await this.start(c.id);
    this.#ctx.events.publish('container', 'restart', c.id, { name: c.name });
  }

  async remove(ref: string, opts: { force: boolean }): Promise<void> {
    const c = this.#ctx.state.container(ref);
    if (c.state.Status === 'removing') throw conflict(`removal of container ${ref} is already in progress`);
    if (c.state.Running) {
      if (!opts.force) {
        throw conflict(`cannot remove container "/${c.name}": container is running: stop the container before removing or force remove`);
      }
      const watch = this.#watches.get(c.id);
      if (watch) watch.stopRequested = true;
      await runcKill(this.#ctx.names.runcRoot(), c.id, '9').catch(() => undefined);
      await watch?.exitHandled;
    }
    await this.#ctx.locks.run(c.id, async () => {
      if (!this.#ctx.state.containers.has(c.id)) return;
      c.state = { ...c.state, Status: 'removing' };
      await runAll(
        [
          () => removeContainerLayer(this.#ctx.names.containerDir(c.id)),
          () => rm(this.#ctx.names.containerRunDir(c.id), { recursive: true, force: true }),
          () => this.d.supervisor.cleanup(this.#ctx.names.shimDir(c.id)),
        ],
        `cannot remove container "/${c.name}"`,
      ).catch((err) => {
        c.state = { ...c.state, Status: 'dead', Dead: true };
        throw err;
      });
      await this.#ctx.state.commit({ deleteContainers: [c.id] });
      await this.d.images.releaseUnused((imageId) => this.#imageUser(imageId)).catch((err) => log.warn('releasing unused image files failed', err));
      this.d.hubs.drop(c.id);
      this.#ctx.events.publish('container', 'destroy', c.id, { name: c.name });
      this.#notify(c.id, c.state.ExitCode, ['removed', 'next-exit', 'not-running']);
    });
  }

  /** POST /containers/{id}/wait: resolves with Docker's {StatusCode, Error}. */
  wait(ref: string, condition = 'not-running'): Promise<{ StatusCode: number; Error: null | { Message: string } }> {
    const c = this.#ctx.state.container(ref);
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
      return Promise.reject(Object.assign(new Error(`invalid condition: "${condition}"`)));
    }
    if (condition === 'not-running' && !c.state.Running) return Promise.resolve({ StatusCode: c.state.ExitCode, Error: null });
    return new Promise((resolve) => {
      const list = this.#waiters.get(c.id) ?? [];
      list.push({ condition, resolve });
      this.#waiters.set(c.id, list);
    });
  }

  #notify(id: string, code: number, conditions: string[]): void {
    const list = this.#waiters.get(id);
    if (!list) return;
    const remaining = list.filter((w) => {
      if (!conditions.includes(w.condition)) return true;
      w.resolve({ StatusCode: code, Error: null });
      return false;
    });
    if (remaining.length) this.#waiters.set(id, remaining);
    else this.#waiters.delete(id);
  }

  /**
   * Daemon start: containers the store says run are either still alive under their shim
   * (reattach) or ended while the daemon was away (finish their exit now).
   */
  async recover(): Promise<void> {
    for (const c of this.#ctx.state.containers.values()) {
      if (!c.state.Running) continue;
      const shimDir = this.#ctx.names.shimDir(c.id);
      try {
        const conn = await this.d.supervisor.connect(shimDir);
        this.d.hubs.get(c.id).connect(conn);
        this.d.sandboxes.remember(c);
        await this.d.ports.restore(c);
        this.#watch(c, conn.exited);
      } catch {
        const code = (await this.d.supervisor.exitCode(shimDir)) ?? 255;
        const watch: Watch = { stopRequested: false, exitHandled: Promise.resolve() };
        await this.#onExit(c.id, code, watch);
      }
    }
  }

  /** Which container uses an image (for rmi's conflict checks). */
  #imageUser(imageId: string): { id: string; running: boolean } | undefined {
    for (const c of this.#ctx.state.containers.values()) if (c.imageId === imageId) return { id: c.id, running: c.state.Running };
    return undefined;
  }

  imageUser(imageId: string): { id: string; running: boolean } | undefined {
    return this.#imageUser(imageId);
  }

  isRunning(id: string): boolean {
    return this.#watches.has(id);
  }
}

function within(p: Promise<unknown>, ms: number | undefined): Promise<boolean> {
  if (ms === undefined) return p.then(() => true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function bindMounts(binds: string[]): Array<{ destination: string; source: string; readonly?: boolean }> {
  return binds.map((b) => {
    const [source, destination, mode] = b.split(':');
    return { source: source!, destination: destination ?? source!, ...(mode?.split(',').includes('ro') ? { readonly: true } : {}) };
  });
}

function hostHostname(): string {
  return hostname();
}

/** Docker's exit codes for failed starts: 127 command not found, 126 cannot invoke. */
function exitCodeForStartError(err: unknown): number {
  const msg = errorMessage(err);
  if (/executable file not found|no such file or directory/.test(msg)) return 127;
  if (/permission denied|not a directory/.test(msg)) return 126;
  return 128;
}

function startError(err: unknown) {
  if (isBerthError(err)) return err;
  return systemError(errorMessage(err), err);
}

const NETWORKING = 'failed to set up container networking';

/**
 * Docker 28 reports whatever fails in a container's network setup at start (addresses, endpoints,
 * published ports) under one prefix: "failed to set up container networking: Address already in use".
 */
function throwNetworkingError(err: unknown): never {
  throw wrapError(err, NETWORKING);
}
