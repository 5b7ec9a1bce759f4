/**
 * @module engine/exec
 * `docker exec`: an extra process in a running container, started by its own shim in exec mode
 * with the container's process spec (capabilities, rlimits-free) and the exec's overrides.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, invalidParameter, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Supervisor } from '../runtime/supervisor.js';
import { resolveUser } from '../runtime/bundle.js';
import type { EngineContext } from './context.js';
import { Hub, type OutputSink } from './io.js';
import { mergeEnv } from './create.js';
import type { Readable } from 'node:stream';

/** POST /containers/{id}/exec body. */
export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  Cmd?: string[];
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Privileged?: boolean;
  DetachKeys?: string;
  ConsoleSize?: [number, number] | null;
}

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  hub: Hub;
}

export class ExecService {
  #execs = new Map<string, ExecRecord>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly supervisor: Supervisor,
    private readonly bundleDir: (containerId: string) => string,
  ) {}

  create(containerRef: string, config: ExecConfig): string {
    const c = this.ctx.state.container(containerRef);
    if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
    if (!config.Cmd?.length) throw invalidParameter('No exec command specified');
    const id = newId();
    this.#execs.set(id, { id, containerId: c.id, config, running: false, exitCode: null, pid: 0, hub: new Hub() });
    return id;
  }

  get(id: string): ExecRecord {
    const rec = this.#execs.get(id);
    if (!rec) throw notFound(`No such exec instance: ${id}`);
    return rec;
  }

  /**
   * Start the process. With a sink the caller stays attached until it exits; detached starts
   * return once it runs.
   */
  async start(id: string, io: { detach: boolean; sink?: OutputSink; stdin?: Readable; gone?: Promise<void> }): Promise<void> {
    const rec = this.get(id);
    if (rec.running || rec.exitCode !== null) throw conflict(`Exec command ${id} has already run`);
    const c = this.ctx.state.container(rec.containerId);
    if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
    const base = JSON.parse(await readFile(join(this.bundleDir(c.id), 'config.json'), 'utf8')).process as Record<string, unknown>;
    const process: Record<string, unknown> = {
      ...base,
      terminal: !!rec.config.Tty,
      args: rec.config.Cmd,
      env: mergeEnv(base.env as string[], rec.config.Env ?? []),
      cwd: rec.config.WorkingDir || base.cwd,
      ...(rec.config.Tty && rec.config.ConsoleSize ? { consoleSize: { height: rec.config.ConsoleSize[0], width: rec.config.ConsoleSize[1] } } : {}),
    };
    if (rec.config.User) process.user = await this.#user(c.id, rec.config.User, base.user);
    const dir = this.ctx.names.shimDir(id);
    const { pid } = await this.supervisor.create({
      id,
      dir,
      exec: { containerId: c.id, process },
      tty: !!rec.config.Tty,
      stdin: !!rec.config.AttachStdin,
    });
    const conn = await this.supervisor.connect(dir);
    rec.hub.connect(conn);
    const attached =
      !io.detach && io.sink
        ? rec.hub.attach({
            sink: io.sink,
            stdout: rec.config.AttachStdout !== false,
            stderr: rec.config.AttachStderr !== false,
            ...(io.stdin && rec.config.AttachStdin ? { stdin: io.stdin } : {}),
            stdinOnce: true,
            gone: io.gone ?? new Promise(() => undefined),
          })
        : Promise.resolve();
    rec.running = true;
    rec.pid = pid;
    const done = conn.exited.then(
      async (code) => {
        rec.exitCode = code;
        rec.running = false;
        rec.hub.exited(code);
        await this.supervisor.cleanup(dir);
      },
      async () => {
        rec.exitCode = 126;
        rec.running = false;
        rec.hub.exited(126);
        await this.supervisor.cleanup(dir);
      },
    );
    try {
      await conn.start();
    } catch (err) {
      // the shim reports a failed exec as an exit (126/127) too; the error text goes to the client
      io.sink?.write(2, Buffer.from(`OCI runtime exec failed: ${(err as Error).message}\n`));
    }
    if (!io.detach) {
      await attached;
      await done;
    }
  }

  resize(id: string, rows: number, cols: number): void {
    this.get(id).hub.resize(rows, cols);
  }

  /** Forget the execs of a container that stopped or was removed. */
  forgetContainer(containerId: string): void {
    for (const [id, rec] of this.#execs) if (rec.containerId === containerId && !rec.running) this.#execs.delete(id);
  }

  async #user(containerId: string, user: string, fallback: unknown): Promise<unknown> {
    const rootfs = join(this.ctx.names.containerDir(containerId), 'rootfs');
    const u = await resolveUser(rootfs, user);
    return { ...(fallback as object), uid: u.uid, gid: u.gid, ...(u.additionalGids?.length ? { additionalGids: u.additionalGids } : {}) };
  }
}
