/**
 * @module cli/args
 * A pflag-compatible flag parser (the library cobra and the docker CLI use): `--flag value`,
 * `--flag=value`, `-d`, `-itd`, `-p80:80`, `-e=A=b`, repeatable list/map flags, bools with `=false`,
 * `--` as terminator, and "non-interspersed" commands (`run IMAGE CMD...`) whose flags stop at the
 * first positional argument. Errors carry pflag's exact wording.
 */

/** How a flag's value is stored (pflag's Value kinds docker uses). */
export type FlagKind =
  | 'bool'
  | 'string'
  | 'int'
  /** repeatable, one value per occurrence (docker's ListOpts, pflag's stringArray) */
  | 'list'
  /** repeatable, each occurrence split on commas (pflag's stringSlice) */
  | 'strings'
  /** repeatable `key=value` (docker's MapOpts); a bare `key` maps to "" */
  | 'map';

export interface FlagSpec {
  long: string;
  short?: string;
  kind: FlagKind;
  /** The type name `--help` shows after the flag ("list", "map", "filter", "string", ...); none for bools. */
  typeName?: string;
  usage: string;
  /** The initial value (bool/string/int), as pflag's default. */
  value?: boolean | string | number;
  /** The default as `--help` shows it, when it is not the zero value: `"bridge"`, `true`, `map[]`. */
  defaultText?: string;
  /** Hidden from `--help` (deprecated spellings like --net). */
  hidden?: boolean;
  /** Another flag this one writes to (--net writes --network). */
  aliasOf?: string;
  /** Printed when used: "Flag --time has been deprecated, <message>". */
  deprecated?: string;
  /** Checks and normalises one value; throws an Error whose message pflag shows after "invalid argument". */
  validate?: (value: string) => string;
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

type Stored = { changed: boolean; value: boolean | string | number | string[] | Map<string, string> };

/** The outcome of parsing one command's arguments. */
export class ParsedArgs {
  readonly #values = new Map<string, Stored>();
  readonly args: string[] = [];
  /** Messages about deprecated flags, in the order they were used. */
  readonly notices: string[] = [];

  constructor(specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      if (spec.aliasOf) continue;
      this.#values.set(spec.long, { changed: false, value: initialValue(spec) });
    }
  }

  changed(name: string): boolean {
    return this.#get(name).changed;
  }

  bool(name: string): boolean {
    return this.#get(name).value as boolean;
  }

  string(name: string): string {
    return this.#get(name).value as string;
  }

  int(name: string): number {
    return this.#get(name).value as number;
  }

  list(name: string): string[] {
    return this.#get(name).value as string[];
  }

  map(name: string): Map<string, string> {
    return this.#get(name).value as Map<string, string>;
  }

  /** Record one value for a flag (the parser's job; tests may use it too). */
  set(spec: FlagSpec, raw: string): void {
    const stored = this.#get(spec.long);
    const value = spec.validate ? spec.validate(raw) : raw;
    switch (spec.kind) {
      case 'bool':
        stored.value = parseGoBool(value);
        break;
      case 'int':
        stored.value = parseGoInt(value);
        break;
      case 'string':
        stored.value = value;
        break;
      case 'list':
        (stored.value as string[]).push(value);
        break;
      case 'strings':
        (stored.value as string[]).push(...(value === '' ? [] : splitCsv(value)));
        break;
      case 'map': {
        const eq = value.indexOf('=');
        (stored.value as Map<string, string>).set(eq < 0 ? value : value.slice(0, eq), eq < 0 ? '' : value.slice(eq + 1));
        break;
      }
    }
    stored.changed = true;
  }

  #get(name: string): Stored {
    const stored = this.#values.get(name);
    if (!stored) throw new Error(`internal: flag --${name} is not defined for this command`);
    return stored;
  }
}

function initialValue(spec: FlagSpec): Stored['value'] {
  switch (spec.kind) {
    case 'bool':
      return (spec.value as boolean | undefined) ?? false;
    case 'int':
      return (spec.value as number | undefined) ?? 0;
    case 'string':
      return (spec.value as string | undefined) ?? '';
    case 'map':
      return new Map<string, string>();
    default:
      return [];
  }
}

/** Go's strconv.ParseBool, with its error text. */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/** Go's strconv.ParseInt(s, 0, 64) as pflag's int flags use it. */
export function parseGoInt(s: string): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|[1-9][0-9_]*|0)$/.exec(s);
  if (!m) throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  let digits = m[2]!.replaceAll('_', '');
  if (/^0[0-7]/.test(digits)) digits = '0o' + digits.slice(1);
  const n = Number(digits) * (m[1] === '-' ? -1 : 1);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** Go's %q for the ASCII strings flags carry. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** pflag's stringSlice reads each value as one CSV record. */
function splitCsv(value: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out;
}

/** How pflag names a flag in "invalid argument" errors: `-e, --env` or `--add-host`. */
function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.long}` : `--${spec.long}`;
}

export interface ParseOptions {
  /** false: flags end at the first positional argument (docker's SetInterspersed(false)). */
  interspersed?: boolean;
}

/**
 * Parse `argv` against `specs`. A `help` flag (`--help`, and `-h` unless a spec takes it) is always
 * known. Throws FlagError with pflag's message on unknown flags, missing values and bad values.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], opts: ParseOptions = {}): ParsedArgs {
  const all = withHelp(specs);
  const parsed = new ParsedArgs(all);
  const byLong = new Map(all.map((s) => [s.long, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short!, s]));
  const target = (spec: FlagSpec) => (spec.aliasOf ? byLong.get(spec.aliasOf)! : spec);
  const setValue = (spec: FlagSpec, raw: string) => {
    try {
      parsed.set(target(spec), raw);
    } catch (err) {
      throw new FlagError(`invalid argument ${goQuote(raw)} for "${flagLabel(spec)}" flag: ${(err as Error).message}`);
    }
    if (spec.deprecated) parsed.notices.push(`Flag --${spec.long} has been deprecated, ${spec.deprecated}`);
  };
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === '--') {
      parsed.args.push(...rest);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.args.push(arg);
      if (opts.interspersed === false) {
        parsed.args.push(...rest);
        break;
      }
      continue;
    }
    if (arg.startsWith('--')) parseLong(arg, rest, byLong, setValue);
    else parseShorts(arg.slice(1), rest, byShort, setValue, parsed);
  }
  return parsed;
}

function withHelp(specs: readonly FlagSpec[]): FlagSpec[] {
  if (specs.some((s) => s.long === 'help')) return [...specs];
  const short = specs.some((s) => s.short === 'h') ? {} : { short: 'h' };
  return [...specs, { long: 'help', ...short, kind: 'bool', usage: 'Print usage', hidden: true }];
}

type Setter = (spec: FlagSpec, raw: string) => void;

function parseLong(arg: string, rest: string[], byLong: Map<string, FlagSpec>, setValue: Setter): void {
  const body = arg.slice(2);
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  if (name.length === 0 || name.startsWith('-') || name.startsWith('=')) throw new FlagError(`bad flag syntax: ${arg}`);
  const spec = byLong.get(name);
  if (!spec) throw new FlagError(`unknown flag: --${name}`);
  if (eq >= 0) return setValue(spec, body.slice(eq + 1));
  if (spec.kind === 'bool') return setValue(spec, 'true');
  if (rest.length === 0) throw new FlagError(`flag needs an argument: --${name}`);
  setValue(spec, rest.shift()!);
}

function parseShorts(shorthands: string, rest: string[], byShort: Map<string, FlagSpec>, setValue: Setter, parsed: ParsedArgs): void {
  let s = shorthands;
  while (s.length > 0) {
    const c = s[0]!;
    const spec = byShort.get(c);
    if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in -${s}`);
    if (c === 'h' && spec.long === 'help') parsed.notices.push('Flag shorthand -h has been deprecated, use --help');
    if (s.length > 2 && s[1] === '=') return setValue(spec, s.slice(2));
    if (spec.kind === 'bool') {
      setValue(spec, 'true');
      s = s.slice(1);
      continue;
    }
    if (s.length > 1) return setValue(spec, s.slice(1));
    if (rest.length === 0) throw new FlagError(`flag needs an argument: '${c}' in -${s}`);
    return setValue(spec, rest.shift()!);
  }
}
