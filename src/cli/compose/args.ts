/**
 * @module compose/args
 * A small flag parser with cobra/pflag's conventions: `-f x`, `-fx`, `--file x`, `--file=x`,
 * grouped booleans (`-dq`), repeatable flags, `--` ending flags, and pflag's error messages.
 */
import { invalidParameter } from '../../lib/errors.js';

export interface FlagSpec {
  long: string;
  short?: string;
  /** Takes a value; `multi` collects every occurrence. */
  value?: boolean;
  multi?: boolean;
}

export interface Parsed {
  flags: Map<string, string[]>;
  args: string[];
}

/**
 * Parse `argv` against `specs`. With `stopAtPositional` parsing ends at the first non-flag (the
 * subcommand), which is returned with everything after it in `args`.
 */
export function parseFlags(argv: string[], specs: FlagSpec[], stopAtPositional = false): Parsed {
  const flags = new Map<string, string[]>();
  const args: string[] = [];
  const set = (spec: FlagSpec, v: string) => {
    const prev = flags.get(spec.long) ?? [];
    flags.set(spec.long, spec.multi ? [...prev, v] : [v]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = specs.find((s) => s.long === name);
      if (!spec) throw invalidParameter(`unknown flag: --${name}`);
      if (!spec.value) set(spec, eq < 0 ? 'true' : a.slice(eq + 1));
      else if (eq >= 0) set(spec, a.slice(eq + 1));
      else if (i + 1 < argv.length) set(spec, argv[++i]!);
      else throw invalidParameter(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      i = shortFlags(a, argv, i, specs, set);
      continue;
    }
    if (stopAtPositional) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(a);
  }
  return { flags, args };
}

function shortFlags(a: string, argv: string[], i: number, specs: FlagSpec[], set: (s: FlagSpec, v: string) => void): number {
  for (let j = 1; j < a.length; j++) {
    const c = a[j]!;
    const spec = specs.find((s) => s.short === c);
    if (!spec) throw invalidParameter(`unknown shorthand flag: '${c}' in ${a}`);
    if (!spec.value) {
      set(spec, 'true');
      continue;
    }
    const rest = a.slice(j + 1).replace(/^=/, '');
    if (rest) set(spec, rest);
    else if (i + 1 < argv.length) set(spec, argv[++i]!);
    else throw invalidParameter(`flag needs an argument: '${c}' in ${a}`);
    return i;
  }
  return i;
}

export const flag = (p: Parsed, long: string): boolean => {
  const v = p.flags.get(long)?.at(-1);
  return v !== undefined && v !== 'false';
};

export const value = (p: Parsed, long: string): string | undefined => p.flags.get(long)?.at(-1);

export const values = (p: Parsed, long: string): string[] => p.flags.get(long) ?? [];

export function intValue(p: Parsed, long: string): number | undefined {
  const v = value(p, long);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw invalidParameter(`invalid argument "${v}" for "--${long}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}
