/**
 * @module cli/usage
 * `--help` output in docker's usage template (cli/cobra.go) with pflag's flag table
 * (FlagUsagesWrapped: the flag column aligned, descriptions wrapped to the terminal width - 1, 80
 * columns when the output is not a terminal).
 */
import type { FlagSpec } from './args.js';

/** One row of the flag table before alignment: the left part and the description. */
function flagRow(spec: FlagSpec): [string, string] {
  let left = spec.short ? `  -${spec.short}, --${spec.long}` : `      --${spec.long}`;
  let usage = spec.usage;
  let varname = spec.kind === 'bool' ? '' : (spec.typeName ?? spec.kind);
  const quoted = /`([^`]*)`/.exec(usage);
  if (quoted) {
    varname = quoted[1]!;
    usage = usage.replace(/`/g, '');
  }
  if (varname) left += ` ${varname}`;
  if (spec.defaultText !== undefined) usage += ` (default ${spec.defaultText})`;
  return [left, usage];
}

/** pflag's FlagUsagesWrapped(cols). */
export function flagUsages(specs: readonly FlagSpec[], cols: number): string {
  const rows = specs
    .filter((s) => !s.hidden && !s.deprecated)
    .sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0))
    .map(flagRow);
  const maxlen = Math.max(0, ...rows.map(([left]) => left.length));
  // pflag counts a separator byte in maxlen and prints with Println: three spaces at the longest.
  return rows.map(([left, usage]) => `${left}${' '.repeat(maxlen - left.length + 2)} ${wrap(maxlen + 3, cols, usage)}\n`).join('');
}

function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** pflag's wrap: `s` wrapped to width `w` with later lines indented by `i`. */
function wrap(i: number, w: number, s: string): string {
  if (w === 0) return s.replaceAll('\n', '\n' + ' '.repeat(i));
  let width = w - i;
  let r = '';
  if (width < 24) {
    i = 16;
    width = w - i;
    r += '\n' + ' '.repeat(i);
  }
  if (width < 24) return s.replaceAll('\n', r);
  const slop = 5;
  width -= slop;
  const indent = (t: string) => t.replaceAll('\n', '\n' + ' '.repeat(i));
  let [line, remaining] = wrapN(width, slop, s);
  r += indent(line);
  while (remaining !== '') {
    [line, remaining] = wrapN(width, slop, remaining);
    r += '\n' + ' '.repeat(i) + indent(line);
  }
  return r;
}

export interface UsageInfo {
  /** `berth network create [OPTIONS] NETWORK` */
  useLine: string;
  /** `berth network create` */
  commandPath: string;
  description: string;
  /** The "Aliases:" line, if any. */
  aliases?: string;
  flags: readonly FlagSpec[];
  /** Sub-commands as [name, short description] (management commands). */
  subcommands?: ReadonlyArray<[string, string]>;
  /** Extra sections for the root command, e.g. ["Management Commands", [...]] */
  sections?: ReadonlyArray<[string, ReadonlyArray<[string, string]>]>;
  /** Flags are "Global Options" (the root command). */
  isRoot?: boolean;
}

/** docker's usage template. */
export function renderUsage(u: UsageInfo, width: number): string {
  const cols = width - 1;
  const hasFlags = u.flags.some((f) => !f.hidden && !f.deprecated);
  const isGroup = (u.subcommands?.length ?? 0) > 0 || (u.sections?.length ?? 0) > 0;
  let out = 'Usage:';
  out += isGroup ? `  ${u.commandPath}${hasFlags ? ' [OPTIONS]' : ''} COMMAND` : `  ${u.useLine}`;
  out += `\n\n${u.description.trim()}\n`;
  if (u.aliases) out += `\nAliases:\n  ${u.aliases}\n`;
  if (!u.isRoot && hasFlags) out += `\nOptions:\n${flagUsages(u.flags, cols).trimEnd()}\n`;
  for (const [title, entries] of u.sections ?? []) out += `\n${title}:\n${commandList(entries, 1)}`;
  if (u.subcommands?.length) out += `\nCommands:\n${commandList(u.subcommands, 0)}`;
  if (u.isRoot && hasFlags) out += `\nGlobal Options:\n${flagUsages(u.flags, cols).trimEnd()}\n`;
  if (isGroup) out += `\nRun '${u.commandPath} COMMAND --help' for more information on a command.\n`;
  return out;
}

/** cobra's `rpad .Name .NamePadding` rows (padding at least 11, plus `extra`). */
function commandList(entries: ReadonlyArray<[string, string]>, extra: number): string {
  const pad = Math.max(11, ...entries.map(([n]) => n.length)) + extra;
  return entries.map(([name, short]) => `  ${name.padEnd(pad)} ${short}\n`).join('');
}
