/**
 * @module gotemplate
 * Go's text/template with docker's template functions, for `--format` strings written for docker.
 *
 *   const t = parseTemplate('{{range .Names}}{{.}} {{end}}');
 *   t.execute({ Names: ['a', 'b'] }); // "a b "
 *
 * Supported: everything in text/template's syntax (actions, fields and chains, map keys, methods,
 * variables and assignment, if/else if/else, range/else with break/continue, range over slices,
 * maps, objects and integers, with/else with, define/template/block, pipelines, parenthesized
 * pipelines, trim markers, comments, string/raw/char/number/bool/nil literals); Go's builtins
 * (and or not len index slice print printf println eq ne lt le gt ge html js urlquery call) and
 * docker's (json split join title lower upper pad truncate). Not supported: complex numbers, custom
 * delimiters, range over channels and iterator functions.
 *
 * Data is JSON-like JavaScript: see values.ts for how objects map to Go maps and structs, and why
 * `goMap`/`goStruct`/`formatterContext` exist. Errors are invalidParameter BerthErrors whose message
 * is Go's, e.g. `template: :1: function "foo" not defined` or
 * `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type *formatter.ContainerContext`.
 */
import { invalidParameter } from '../../lib/errors.js';
import type { Tree } from './ast.js';
import { TemplateExecError, execute as executeTrees } from './exec.js';
import { BUILTINS } from './builtins.js';
import { DOCKER_FUNCS, type TemplateFunc } from './funcs.js';
import { TemplateParseError, parseTrees } from './parser.js';
import { withObjectsAsMaps } from './values.js';

export { GoFloat, goMap, goStruct, formatterContext, DOCKER_MAP_FIELDS } from './values.js';
export { HEADER_FUNCS, FuncError, type TemplateFunc, type ParamType } from './funcs.js';
export { sprint, sprintln } from './gofmt.js';
export { sprintf } from './printf.js';
export { marshalJSON } from './gojson.js';

export interface ParseOptions {
  /** The template's name, shown in errors ("" for docker's --format templates). */
  name?: string;
  /** Extra functions, added to (or replacing) the builtins and docker's functions. */
  funcs?: Readonly<Record<string, TemplateFunc>>;
}

export interface ExecuteOptions {
  /**
   * What a missing map key gives: `default` is `<no value>` (Go's default), `zero` the map's zero
   * value, `error` fails with `map has no entry for key "Foo"` (Go's `missingkey=error`).
   */
  missingKey?: 'default' | 'zero' | 'error';
  /**
   * Fail on fields that an object taken for a Go struct lacks ("can't evaluate field Foo in type T"),
   * as Go does for docker's typed data. Off by default: a missing field prints `<no value>`.
   */
  strictFields?: boolean;
  /** Functions replacing those of the same name for this execution (e.g. HEADER_FUNCS). */
  funcs?: Readonly<Record<string, TemplateFunc>>;
}

export class Template {
  readonly #trees: ReadonlyMap<string, Tree>;
  readonly #funcs: Readonly<Record<string, TemplateFunc>>;

  constructor(
    readonly name: string,
    readonly source: string,
    trees: ReadonlyMap<string, Tree>,
    funcs: Readonly<Record<string, TemplateFunc>>,
  ) {
    this.#trees = trees;
    this.#funcs = funcs;
  }

  /** The names of the templates this one defines ({{define}}, {{block}}), besides its own. */
  get definedTemplates(): string[] {
    return [...this.#trees.keys()].filter((n) => n !== this.name);
  }

  /** Apply the template to `data`. Throws an invalidParameter BerthError with Go's message. */
  execute(data: unknown, opts: ExecuteOptions = {}): string {
    const funcs = opts.funcs ? { ...this.#funcs, ...opts.funcs } : this.#funcs;
    try {
      return executeTrees(this.#trees, this.name, data, {
        missingKey: opts.missingKey ?? 'default',
        strictFields: opts.strictFields ?? false,
        funcs,
      });
    } catch (e) {
      if (e instanceof TemplateExecError) throw invalidParameter(e.message, e);
      throw e;
    }
  }

  /**
   * docker inspect's execution (cli/command/inspect/inspector.go): first against the data as Go
   * structs (strict fields); if that fails, again against the data as raw JSON maps with
   * `missingkey=error`, whose result or error is what docker shows.
   */
  executeInspect(data: unknown): string {
    try {
      return this.execute(data, { strictFields: true });
    } catch {
      return withObjectsAsMaps(() => this.execute(data, { missingKey: 'error' }));
    }
  }
}

/** Parse a template. Throws an invalidParameter BerthError with Go's message on a syntax error. */
export function parseTemplate(src: string, opts: ParseOptions = {}): Template {
  const name = opts.name ?? '';
  const funcs: Record<string, TemplateFunc> = { ...BUILTINS, ...DOCKER_FUNCS, ...opts.funcs };
  try {
    const trees = parseTrees(name, src, (fn) => Object.prototype.hasOwnProperty.call(funcs, fn));
    return new Template(name, src, trees, funcs);
  } catch (e) {
    if (e instanceof TemplateParseError) throw invalidParameter(e.message, e);
    throw e;
  }
}

/** Parse and execute in one step. */
export function renderTemplate(src: string, data: unknown, opts: ParseOptions & ExecuteOptions = {}): string {
  return parseTemplate(src, opts).execute(data, opts);
}
