/**
 * @module cli/command
 * The command model (a small cobra): a tree of commands, each with docker's `Use` line, flags,
 * argument rule and a run function; the context a command runs with; StatusError for exit codes;
 * docker's argument-count messages.
 */
import type { Readable, Writable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import type { FlagKind, FlagSpec, ParsedArgs } from './args.js';
import type { ApiClient } from './client.js';

export const BIN = 'berth';

export interface CliIO {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  /** Where SIGINT/SIGTERM/... arrive, for `--sig-proxy` (the process, in production). */
  signals?: EventEmitter;
}

/** An error that decides the exit code; an empty message prints nothing (docker's cli.StatusError). */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export type ArgsRule =
  | { none: true }
  | { min: number; max?: number }
  | { max: number }
  | { exact: number };

export interface Context {
  io: CliIO;
  env: NodeJS.ProcessEnv;
  /** The API client (created on first use). */
  client(): ApiClient;
  /** `berth network create` */
  path: string;
  /** `berth network create [OPTIONS] NETWORK` */
  useLine: string;
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  aliases?: string[];
  /** The arguments part of cobra's Use: `[OPTIONS] NETWORK`. */
  use?: string;
  short: string;
  long?: string;
  /** docker's "aliases" annotation, with `berth` for docker: "berth container ls, berth ps". */
  aliasesText?: string;
  flags?: FlagSpec[];
  args?: ArgsRule;
  /** false for commands taking a command line (`run IMAGE CMD...`). */
  interspersed?: boolean;
  run?: (ctx: Context, p: ParsedArgs) => Promise<number | void>;
  /** Runs with the raw remaining arguments (daemon, compose). */
  passthrough?: (ctx: Context, argv: string[]) => Promise<number>;
  commands?: Command[];
  hidden?: boolean;
}

// --- flag constructors ------------------------------------------------------------------------

type Extra = Partial<Omit<FlagSpec, 'long' | 'kind' | 'usage'>>;

function spec(kind: FlagKind, typeName: string | undefined, long: string, short: string | undefined, usage: string, extra: Extra): FlagSpec {
  return { long, kind, usage, ...(short ? { short } : {}), ...(typeName ? { typeName } : {}), ...extra };
}

export const boolFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('bool', undefined, long, short, usage, { ...extra, ...(extra.value === true ? { defaultText: 'true' } : {}) });
export const stringFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('string', 'string', long, short, usage, { ...extra, ...(extra.value ? { defaultText: JSON.stringify(extra.value) } : {}) });
export const intFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('int', 'int', long, short, usage, { ...extra, ...(extra.value ? { defaultText: String(extra.value) } : {}) });
/** docker's ListOpts: repeatable, shown as `list`. */
export const listFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('list', 'list', long, short, usage, extra);
/** pflag's StringSlice: repeatable and comma-separated, shown as `strings`. */
export const stringsFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('strings', 'strings', long, short, usage, extra);
/** docker's MapOpts: repeatable key=value, shown as `map`, default "map[]". */
export const mapFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('map', 'map', long, short, usage, { defaultText: 'map[]', ...extra });
/** docker's FilterOpt: repeatable `key=value`, shown as `filter`. */
export const filterFlag = (long: string, short: string | undefined, usage: string, extra: Extra = {}) =>
  spec('list', 'filter', long, short, usage, {
    validate: (v) => {
      if (!v.includes('=')) throw new Error('bad format of filter (expected name=value)');
      return v;
    },
    ...extra,
  });

/** docker's --format help text for list commands. */
export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** docker's --format help text for inspect commands. */
export const INSPECT_FORMAT_HELP = `Format output using a custom template:
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

// --- argument counts --------------------------------------------------------------------------

const plural = (word: string, n: number) => (n === 1 ? word : `${word}s`);

/** docker's cli.NoArgs / RequiresMinArgs / RequiresMaxArgs / RequiresRangeArgs / ExactArgs. */
export function checkArgs(rule: ArgsRule | undefined, count: number, path: string, useLine: string): StatusError | undefined {
  if (!rule) return undefined;
  const fail = (what: string, verb: 'See' | 'Run') =>
    new StatusError(1, `${BIN}: '${path}' ${what}\n\nUsage:  ${useLine}\n\n${verb} '${path} --help' for more information`);
  if ('none' in rule) return count === 0 ? undefined : fail('accepts no arguments', 'Run');
  if ('exact' in rule) return count === rule.exact ? undefined : fail(`requires ${rule.exact} ${plural('argument', rule.exact)}`, 'Run');
  if ('min' in rule && rule.max !== undefined) {
    if (count >= rule.min && count <= rule.max) return undefined;
    return fail(`requires at least ${rule.min} and at most ${rule.max} ${plural('argument', rule.max)}`, 'Run');
  }
  if ('min' in rule) return count >= rule.min ? undefined : fail(`requires at least ${rule.min} ${plural('argument', rule.min)}`, 'See');
  return count <= rule.max ? undefined : fail(`requires at most ${rule.max} ${plural('argument', rule.max)}`, 'Run');
}

/** docker's per-command error decoration (`withHelp`): "berth: <err>\n\nRun 'berth run --help' ...". */
export function withHelp(message: string, commandName: string): string {
  return `${BIN}: ${message}\n\nRun '${BIN} ${commandName} --help' for more information`;
}

/**
 * Column names plus docker's SubHeaderContext.Label method, so `{{.Label "com.example.tier"}}`
 * in a table format heads its column "tier" as docker's does.
 */
export function headersWithLabel(headers: Readonly<Record<string, string>>): Record<string, string> {
  const label = (name: string) => name.split('.').pop()!.replace(/[-_]/g, ' ');
  return { ...headers, Label: label } as unknown as Record<string, string>;
}
