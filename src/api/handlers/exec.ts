/**
 * @module api/handlers/exec
 * /exec/* routes: start (hijacked unless detached), resize and inspect.
 */
import type { Engine } from '../../engine/engine.js';
import type { Handler, Router } from '../router.js';
import { sinkFor } from './streams.js';

export function registerExecRoutes(router: Router, engine: Engine): void {
  const start: Handler = async (ctx) => {
    const body = await ctx.json<{ Detach?: boolean; Tty?: boolean }>();
    const rec = engine.exec.get(ctx.params.id!);
    if (body.Detach) {
      await engine.exec.start(rec.id, { detach: true });
      return { status: 200 };
    }
    return {
      contentType: rec.config.Tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
      hijack: async (conn) => {
        try {
          await engine.exec.start(rec.id, { detach: false, sink: sinkFor(conn, !!rec.config.Tty), stdin: conn.input, gone: conn.closed });
        } catch (err) {
          conn.writeFrame(3, Buffer.from(`${(err as Error).message}\n`));
        } finally {
          conn.end();
        }
      },
    };
  };

  const resize: Handler = async (ctx) => {
    engine.exec.resize(ctx.params.id!, ctx.intQuery('h', 0), ctx.intQuery('w', 0));
    return { status: 200 };
  };

  const inspect: Handler = async (ctx) => {
    const rec = engine.exec.get(ctx.params.id!);
    const [entrypoint, ...args] = rec.config.Cmd ?? [];
    return {
      status: 200,
      json: {
        ID: rec.id,
        Running: rec.running,
        ExitCode: rec.exitCode,
        ProcessConfig: {
          tty: !!rec.config.Tty,
          entrypoint,
          arguments: args,
          privileged: !!rec.config.Privileged,
          ...(rec.config.User ? { user: rec.config.User } : {}),
        },
        OpenStdin: !!rec.config.AttachStdin,
        OpenStderr: !!rec.config.AttachStderr,
        OpenStdout: !!rec.config.AttachStdout,
        CanRemove: false,
        ContainerID: rec.containerId,
        DetachKeys: rec.config.DetachKeys ?? '',
        Pid: rec.pid,
      },
    };
  };

  router.add('POST', '/exec/{id}/start', start);
  router.add('POST', '/exec/{id}/resize', resize);
  router.add('GET', '/exec/{id}/json', inspect);
}
