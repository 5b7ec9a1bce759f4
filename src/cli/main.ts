/**
 * @module cli/main
 * The berth CLI: docker's commands, flags, output and exit codes, as a client of the daemon's
 * Engine API only. `main` gets its arguments, environment and stdio injected so tests drive it in
 * process (CNI skel style); bin/berth passes the real ones and exits with the returned code.
 *
 * Exit codes are docker's: 0, 1 for errors, 125 for flag errors and run/create failures, 126/127
 * when a container's command cannot be invoked/found, and a container's own status from run/start/
 * exec/wait-like commands.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { FlagError, parseArgs, type ParsedArgs } from './args.js';
import { ApiClient, DEFAULT_HOST, parseEndpoint } from './client.js';
import { BIN, StatusError, checkArgs, type CliIO, type Command, type Context } from './command.js';
import { ROOT_FLAGS, rootCommand } from './commands/index.js';
import { renderUsage } from './usage.js';
import { cliVersion } from './version.js';

export type { CliIO } from './command.js';

/** A resolved command: its chain from the root and the arguments left for it. */
interface Resolved {
  chain: Command[];
  rest: string[];
}

const pathOf = (chain: Command[]) => chain.map((c) => (c === rootCommand ? BIN : c.name)).join(' ');
const useLineOf = (chain: Command[]) => {
  const cmd = chain[chain.length - 1]!;
  return cmd === rootCommand ? `${BIN} [OPTIONS] COMMAND [ARG...]` : `${pathOf(chain)}${cmd.use ? ` ${cmd.use}` : ''}`;
};

function findChild(cmd: Command, name: string): Command | undefined {
  return cmd.commands?.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Walk sub-command names (cobra's Find): stops at the first argument that is not a sub-command. */
function resolve(args: string[]): Resolved {
  const chain: Command[] = [rootCommand];
  let rest = args;
  while (rest.length > 0) {
    const child = findChild(chain[chain.length - 1]!, rest[0]!);
    if (!child) break;
    chain.push(child);
    rest = rest.slice(1);
    if (child.passthrough) break;
  }
  return { chain, rest };
}

function usageText(chain: Command[], width: number): string {
  const cmd = chain[chain.length - 1]!;
  const path = pathOf(chain);
  const isRoot = cmd === rootCommand;
  const visible = (cmd.commands ?? []).filter((c) => !c.hidden);
  const aliases = cmd.aliasesText ?? (cmd.aliases?.length ? [path, ...cmd.aliases.map((a) => `${pathOf(chain.slice(0, -1))} ${a}`)].join(', ') : undefined);
  return renderUsage(
    {
      useLine: useLineOf(chain),
      commandPath: path,
      description: cmd.long ?? cmd.short,
      ...(aliases ? { aliases } : {}),
      flags: isRoot ? ROOT_FLAGS : (cmd.flags ?? []),
      ...(isRoot ? { sections: rootSections(visible) } : visible.length ? { subcommands: visible.map((c) => [c.name, c.short] as [string, string]).sort() } : {}),
      isRoot,
    },
    width,
  );
}

function rootSections(visible: Command[]): Array<[string, Array<[string, string]>]> {
  const management = visible.filter((c) => c.commands !== undefined);
  const plain = visible.filter((c) => c.commands === undefined);
  return [
    ['Management Commands', management.map((c) => [c.name, c.short])],
    ['Commands', plain.map((c) => [c.name, c.short])],
  ];
}

function makeContext(io: CliIO, env: NodeJS.ProcessEnv, host: string, chain: Command[]): Context {
  let client: ApiClient | undefined;
  return {
    io,
    env,
    client: () => (client ??= new ApiClient(parseEndpoint(host), { version: env.BERTH_API_VERSION || undefined, userAgent: `berth-cli/${cliVersion()}` })),
    path: pathOf(chain),
    useLine: useLineOf(chain),
    out: (t) => void io.stdout.write(t),
    err: (t) => void io.stderr.write(t),
  };
}

function flagErrorMessage(err: FlagError, chain: Command[]): StatusError {
  return new StatusError(125, `${err.message}\n\nUsage:  ${useLineOf(chain)}\n\nRun '${pathOf(chain)} --help' for more information`);
}

/** Parse the global flags (before the command name), like docker's root command. */
function parseRoot(argv: string[]): ParsedArgs {
  try {
    return parseArgs(argv, ROOT_FLAGS, { interspersed: false });
  } catch (err) {
    if (err instanceof FlagError) throw flagErrorMessage(err, [rootCommand]);
    throw err;
  }
}

async function dispatch(argv: string[], env: NodeJS.ProcessEnv, io: CliIO): Promise<number> {
  const root = parseRoot(argv);
  const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80;
  if (root.bool('version')) {
    io.stdout.write(`berth version ${cliVersion()}\n`);
    return 0;
  }
  if (root.bool('help')) {
    io.stdout.write(usageText([rootCommand], width));
    return 0;
  }
  const hosts = root.list('host');
  const host = hosts[hosts.length - 1] || env.BERTH_HOST || DEFAULT_HOST;
  if (root.args.length === 0) {
    io.stderr.write(usageText([rootCommand], width));
    return 0;
  }
  if (root.args[0] === 'help') return help(root.args.slice(1), io, width);
  const { chain, rest } = resolve(root.args);
  const cmd = chain[chain.length - 1]!;
  if (cmd === rootCommand) {
    throw new StatusError(1, `${BIN}: unknown command: ${BIN} ${rest[0]}\n\nRun '${BIN} --help' for more information`);
  }
  const ctx = makeContext(io, env, host, chain);
  if (cmd.passthrough) return cmd.passthrough(ctx, rest);
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(rest, cmd.flags ?? [], { interspersed: cmd.interspersed !== false });
  } catch (err) {
    if (err instanceof FlagError) throw flagErrorMessage(err, chain);
    throw err;
  }
  for (const notice of parsed.notices) io.stdout.write(`${notice}\n`);
  if (parsed.bool('help')) {
    io.stdout.write(usageText(chain, width));
    return 0;
  }
  if (!cmd.run) return group(chain, parsed.args, io, width);
  const bad = checkArgs(cmd.args, parsed.args.length, ctx.path, ctx.useLine);
  if (bad) throw bad;
  return (await cmd.run(ctx, parsed)) ?? 0;
}

/** A management command (`berth network`) without a known sub-command. */
function group(chain: Command[], args: string[], io: CliIO, width: number): number {
  if (args.length === 0) {
    io.stderr.write(usageText(chain, width));
    return 0;
  }
  const path = pathOf(chain);
  throw new StatusError(1, `${BIN}: unknown command: ${path} ${args[0]}\n\nUsage:  ${path}\n\nRun '${path} --help' for more information`);
}

/** `berth help [COMMAND...]`. */
function help(args: string[], io: CliIO, width: number): number {
  const { chain, rest } = resolve(args);
  if (rest.length > 0 && chain.length === 1) throw new StatusError(1, `unknown help topic: ${args.join(' ')}`);
  io.stdout.write(usageText(chain, width));
  return 0;
}

/** How an error reaches the user: its message on stderr (none for a bare status). */
function report(err: unknown, io: CliIO): number {
  if (err instanceof StatusError) {
    if (err.message) io.stderr.write(`${err.message}\n`);
    return err.code;
  }
  // DaemonError ("Error response from daemon: ..."), ConnectionError and the rest: the message, exit 1.
  io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

/** Run the CLI; resolves with the exit code. Never throws. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, env, io);
  } catch (err) {
    return report(err, io);
  }
}

/** Run as a program (`node dist/src/cli/main.js ...`, as the test host does): real stdio, real exit. */
async function runAsProgram(): Promise<void> {
  const code = await main(process.argv.slice(2), process.env, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
  });
  // Let buffered output reach pipes before exiting.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) void runAsProgram();
