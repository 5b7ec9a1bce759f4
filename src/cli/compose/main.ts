/**
 * @module compose/main
 * `berth compose [-f FILE] [-p NAME] [--project-directory DIR] [--profile P] [--progress MODE]
 * COMMAND`: loads the model, talks to the daemon, prints like docker compose v2 (progress and
 * warnings on stderr, results on stdout), and returns the exit code.
 */
import { resolve } from 'node:path';
import { isBerthError } from '../../lib/errors.js';
import { flag, intValue, parseFlags, value, values, type FlagSpec, type Parsed } from './args.js';
import { attachLogs } from './attach.js';
import { describeError, EngineClient } from './client.js';
import { renderConfig } from './config.js';
import { down } from './down.js';
import { loadProject, projectEnvironment, projectNameFor } from './load.js';
import type { Project } from './model.js';
import { Progress, type ProgressMode } from './progress.js';
import { ps } from './ps.js';
import { up } from './up.js';

export interface ComposeIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface ComposeOptions {
  socketPath: string;
  cwd: string;
  /** Ends an attached `up` as Ctrl-C does (default: SIGINT/SIGTERM of this process). */
  signal?: AbortSignal;
}

const GLOBAL: FlagSpec[] = [
  { long: 'file', short: 'f', value: true, multi: true },
  { long: 'project-name', short: 'p', value: true },
  { long: 'project-directory', value: true },
  { long: 'profile', value: true, multi: true },
  { long: 'progress', value: true },
  { long: 'ansi', value: true },
  { long: 'help', short: 'h' },
];

const COMMANDS: Record<string, FlagSpec[]> = {
  up: [
    { long: 'detach', short: 'd' }, { long: 'remove-orphans' }, { long: 'force-recreate' }, { long: 'no-recreate' }, { long: 'no-deps' },
    { long: 'no-start' }, { long: 'timeout', short: 't', value: true }, { long: 'quiet-pull' }, { long: 'no-build' }, { long: 'build' },
    { long: 'no-color' }, { long: 'no-log-prefix' },
  ],
  down: [{ long: 'remove-orphans' }, { long: 'volumes', short: 'v' }, { long: 'timeout', short: 't', value: true }],
  ps: [
    { long: 'all', short: 'a' }, { long: 'quiet', short: 'q' }, { long: 'format', value: true }, { long: 'services' }, { long: 'no-trunc' },
  ],
  config: [{ long: 'services' }, { long: 'networks' }, { long: 'quiet', short: 'q' }, { long: 'format', value: true }],
};

const USAGE = `Usage:  berth compose [OPTIONS] COMMAND

Define and run multi-container applications with berth

Options:
  -f, --file stringArray           Compose configuration files
  -p, --project-name string        Project name
      --project-directory string   Specify an alternate working directory
      --profile stringArray        Specify a profile to enable
      --progress string            Set type of progress output (auto, tty, plain, quiet)

Commands:
  config      Parse, resolve and render compose file in canonical format
  down        Stop and remove containers, networks
  ps          List containers
  up          Create and start containers
`;

export async function composeMain(argv: string[], env: NodeJS.ProcessEnv, io: ComposeIO, opts: ComposeOptions): Promise<number> {
  const warn = (msg: string) => void io.stderr.write(`WARN[0000] ${msg}\n`);
  try {
    const global = parseFlags(argv, GLOBAL, true);
    const [command, ...rest] = global.args;
    if (flag(global, 'help') || !command || command === 'help') {
      io.stdout.write(USAGE);
      return command || flag(global, 'help') ? 0 : 1;
    }
    const specs = COMMANDS[command];
    if (!specs) throw new Error(`unknown docker command: "compose ${command}"`);
    const sub = parseFlags(rest, specs);
    // `-f -` reads the model from stdin.
    const stdinText = values(global, 'file').includes('-') ? await readAll(io.stdin) : '';
    const session = new Session(global, env, io, opts, warn, stdinText);
    return await session.run(command, sub);
  } catch (err) {
    io.stderr.write(`${describeError(err)}\n`);
    return 1;
  }
}

class Session {
  constructor(
    private readonly global: Parsed,
    private readonly env: NodeJS.ProcessEnv,
    private readonly io: ComposeIO,
    private readonly opts: ComposeOptions,
    private readonly warn: (msg: string) => void,
    private readonly stdinText: string,
  ) {}

  async run(command: string, sub: Parsed): Promise<number> {
    switch (command) {
      case 'config':
        return this.config(sub);
      case 'up':
        return this.up(sub);
      case 'down':
        return this.down(sub);
      default:
        return this.ps(sub);
    }
  }

  load(): Project {
    return loadProject(
      {
        cwd: this.opts.cwd,
        env: this.env,
        files: values(this.global, 'file'),
        projectName: value(this.global, 'project-name'),
        projectDirectory: value(this.global, 'project-directory'),
        profiles: this.global.flags.has('profile') ? values(this.global, 'profile') : undefined,
        warn: this.warn,
      },
      () => this.stdinText,
    );
  }

  /** The project, or only its name when no compose file is found but a name is given (down, ps). */
  loadOrName(): { name: string; project?: Project } {
    try {
      const project = this.load();
      return { name: project.name, project };
    } catch (err) {
      if (!isBerthError(err, 'notFound') || !/no configuration file provided/.test(err.message)) throw err;
      const dir = resolve(this.opts.cwd, value(this.global, 'project-directory') ?? '.');
      const envName = projectEnvironment(dir, this.env)('COMPOSE_PROJECT_NAME');
      const given = value(this.global, 'project-name');
      if (!given && !envName) throw err;
      return { name: projectNameFor({ projectName: given, envName, workingDir: dir }) };
    }
  }

  client(): EngineClient {
    return new EngineClient(this.opts.socketPath);
  }

  progress(): Progress {
    const mode = value(this.global, 'progress') ?? 'auto';
    const known: Record<string, ProgressMode> = { auto: 'tty', tty: 'tty', plain: 'plain', quiet: 'quiet', json: 'plain' };
    if (!known[mode]) throw new Error(`unsupported --progress value "${mode}"`);
    return new Progress(this.io.stderr, known[mode]!);
  }

  config(sub: Parsed): number {
    const project = this.load();
    if (flag(sub, 'quiet')) return 0;
    if (flag(sub, 'services')) this.io.stdout.write(Object.keys(project.services).map((s) => `${s}\n`).join(''));
    else if (flag(sub, 'networks')) this.io.stdout.write(Object.keys(project.networks).map((n) => `${n}\n`).join(''));
    else this.io.stdout.write(renderConfig(project, value(sub, 'format') === 'json' ? 'json' : 'yaml'));
    return 0;
  }

  async up(sub: Parsed): Promise<number> {
    const project = this.load();
    if (flag(sub, 'build')) throw new Error('berth compose cannot build images (--build)');
    const client = this.client();
    const progress = this.progress();
    let converged;
    try {
      converged = await up(
        { client, project, progress, warn: this.warn },
        {
          services: sub.args,
          removeOrphans: flag(sub, 'remove-orphans'),
          forceRecreate: flag(sub, 'force-recreate'),
          noRecreate: flag(sub, 'no-recreate'),
          noDeps: flag(sub, 'no-deps'),
          noStart: flag(sub, 'no-start'),
          timeout: intValue(sub, 'timeout'),
        },
      );
    } finally {
      progress.finish();
    }
    if (flag(sub, 'detach') || flag(sub, 'no-start')) return 0;
    const attach = { client, io: this.io, progress: () => this.progress(), signal: this.opts.signal, timeout: intValue(sub, 'timeout') };
    return attachLogs(attach, Object.values(converged), {
      prefix: !flag(sub, 'no-log-prefix'),
      project: project.name,
      tty: (service) => !!project.services[service]?.tty,
    });
  }

  async down(sub: Parsed): Promise<number> {
    const { name, project } = this.loadOrName();
    const progress = this.progress();
    try {
      await down({ client: this.client(), progress, warn: this.warn }, name, project, {
        removeOrphans: flag(sub, 'remove-orphans'),
        volumes: flag(sub, 'volumes'),
        timeout: intValue(sub, 'timeout'),
      });
    } finally {
      progress.finish();
    }
    return 0;
  }

  async ps(sub: Parsed): Promise<number> {
    const { name, project } = this.loadOrName();
    for (const s of sub.args) if (project && !project.services[s]) throw new Error(`no such service: ${s}`);
    const format = value(sub, 'format');
    if (format && format !== 'json' && format !== 'table') throw new Error(`berth compose ps supports --format table or json, not "${format}"`);
    const out = await ps(this.client(), name, {
      all: flag(sub, 'all'),
      quiet: flag(sub, 'quiet'),
      services: sub.args,
      format,
      listServices: flag(sub, 'services'),
      noTrunc: flag(sub, 'no-trunc'),
    });
    this.io.stdout.write(out);
    return 0;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString();
}
