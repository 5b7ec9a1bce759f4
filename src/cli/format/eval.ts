/**
 * @module eval
 * Expression evaluation for Go's text/template (exec.go semantics): pipelines, commands, fields
 * and methods, variables, function calls with Go's argument checks, and errors located the way Go
 * locates them (`template: :1:2: executing "" at <.Foo>: ...`). exec.ts walks the tree with it.
 */
import type { ArgNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, NumberNode, PipeNode, Tree, VariableNode } from './ast.js';
import { nodeString } from './ast.js';
import { BUILTINS } from './builtins.js';
import { FuncError, PARAM_TYPE_NAMES, type ParamType, type TemplateFunc } from './funcs.js';
import { quote } from './strconv.js';
import { GoFloat, fieldNames, goTypeName, hasMember, isFormatterContext, isTrue, kindOf, noteField } from './values.js';

export class TemplateExecError extends Error {
  /** What the template had written before it failed (Go leaves it in the writer). */
  partial = '';
}

export interface ExecOptions {
  /** Go's Option("missingkey=..."): what a missing map key gives (`default`: `<no value>`). */
  missingKey: 'default' | 'zero' | 'error';
  /** Objects taken for Go structs fail on fields they lack, as Go structs do. */
  strictFields: boolean;
  funcs: Readonly<Record<string, TemplateFunc>>;
}

/** The "no value from a previous pipeline stage" marker (Go's missingVal). */
export const MISSING: unique symbol = Symbol('missing');
export type Final = unknown;

export const BREAK = Symbol('break');
export const CONTINUE = Symbol('continue');

export interface Variable {
  name: string;
  value: unknown;
}

function mapZero(obj: object): unknown {
  return fieldNames(obj).every((k) => typeof (obj as Record<string, unknown>)[k] === 'string') ? '' : null;
}

function methodFunc(obj: object, fn: (...a: unknown[]) => unknown): TemplateFunc {
  return { params: Array<ParamType>(fn.length).fill('any'), fn: ((...args: unknown[]) => fn.apply(obj, args)) as TemplateFunc['fn'] };
}

export class Evaluator {
  protected node: Node | undefined;

  constructor(
    readonly trees: ReadonlyMap<string, Tree>,
    readonly tree: Tree,
    readonly opts: ExecOptions,
    readonly vars: Variable[],
    readonly depth: number,
  ) {}

  // --- errors -------------------------------------------------------------------------------------

  protected at(node: Node): void {
    this.node = node;
  }

  errorf(msg: string): never {
    const t = this.tree;
    if (!this.node) throw new TemplateExecError(`template: ${t.name}: ${msg}`);
    const before = t.text.slice(0, this.node.pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), 'utf8');
    throw new TemplateExecError(
      `template: ${t.parseName}:${line}:${col}: executing ${quote(t.name)} at <${nodeString(this.node)}>: ${msg}`,
    );
  }

  // --- variables ----------------------------------------------------------------------------------

  protected setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  protected varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  // --- evaluation ---------------------------------------------------------------------------------

  protected evalPipeline(dot: unknown, pipe: PipeNode | undefined): unknown {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.#evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  #notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  #evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.#evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.#evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.#evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.#notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.#evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.#notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.#idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  #idealConstant(n: NumberNode): unknown {
    this.at(n);
    const hexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !hexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) {
      return Number.isInteger(n.float) ? new GoFloat(n.float) : n.float;
    }
    if (n.isInt) return Number.isSafeInteger(Number(n.int)) ? Number(n.int) : n.int;
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  #evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(field);
    return this.#evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  #evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.#evalArg(dot, undefined, chain.node);
    return this.#evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  #evalVariableNode(dot: unknown, variable: VariableNode, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.#notAFunction(args ?? [variable], final);
      return value;
    }
    return this.#evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  #evalFieldChain(dot: unknown, receiver: unknown, node: Node, ident: readonly string[], args: readonly ArgNode[] | null, final: Final): unknown {
    for (let i = 0; i < ident.length - 1; i++) receiver = this.#evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.#evalField(dot, ident[ident.length - 1]!, node, args, final, receiver);
  }

  #evalField(dot: unknown, name: string, node: Node, args: readonly ArgNode[] | null, final: Final, receiver: unknown): unknown {
    if (receiver === undefined) {
      if (this.opts.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const kind = kindOf(receiver);
    if (kind === 'map' || kind === 'struct') {
      const obj = receiver as Record<string, unknown>;
      const member = hasMember(obj, name) ? obj[name] : undefined;
      if (typeof member === 'function') {
        return this.#evalCall(dot, methodFunc(obj, member as (...a: unknown[]) => unknown), false, node, name, args, final);
      }
      const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
      if (kind === 'struct' && member !== undefined) {
        if (hasArgs && isFormatterContext(obj)) {
          // docker's contexts expose every field as a method without parameters.
          const got = (args ? args.length - 1 : 0) + (final !== MISSING ? 1 : 0);
          this.errorf(`wrong number of args for ${name}: want 0 got ${got}`);
        }
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        noteField(member, name);
        return member;
      }
      if (kind === 'map' || !this.opts.strictFields) {
        if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
        if (member !== undefined) {
          noteField(member, name);
          return member;
        }
        if (this.opts.missingKey === 'error') this.errorf(`map has no entry for key ${quote(name)}`);
        return this.opts.missingKey === 'zero' ? mapZero(obj) : undefined;
      }
    }
    this.errorf(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  #evalFunction(dot: unknown, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | null, final: Final): unknown {
    this.at(node);
    const fn = this.opts.funcs[node.ident];
    if (!fn) this.errorf(`${quote(node.ident)} is not a defined function`);
    return this.#evalCall(dot, fn, BUILTINS[node.ident] === fn, cmd, node.ident, args, final);
  }

  #evalCall(dot: unknown, fn: TemplateFunc, isBuiltin: boolean, node: Node, name: string, args: readonly ArgNode[] | null, final: Final): unknown {
    const argNodes = args ? args.slice(1) : [];
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.variadic !== undefined ? fn.params.length : argNodes.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== fn.params.length) this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const arg of argNodes) {
        v = this.#evalArg(dot, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) argv.push(this.#evalArg(dot, fn.params[i]!, argNodes[i]!));
    if (fn.variadic !== undefined) for (; i < argNodes.length; i++) argv.push(this.#evalArg(dot, fn.variadic, argNodes[i]!));
    if (final !== MISSING) {
      const t = fn.variadic === undefined || numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      argv.push(this.#validateType(final, t));
    }
    try {
      if (isBuiltin && name === 'call') return callFunction(argNodes[0] ? nodeString(argNodes[0]) : '', argv);
      return (fn.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE || e instanceof TemplateExecError) throw e;
      if (!(e instanceof FuncError) && (isBuiltin || !(e instanceof Error))) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e.message}`);
    }
  }

  #validateType(value: unknown, typ: ParamType | undefined): unknown {
    if (typ === undefined || typ === 'value') return value;
    if (typ === 'any') return value === undefined ? null : value;
    if (value === undefined || value === null) this.errorf(`invalid value; expected ${PARAM_TYPE_NAMES[typ]}`);
    const ok = typ === 'string' ? typeof value === 'string' : typ === 'bool' ? typeof value === 'boolean' : kindOf(value) === 'int';
    if (!ok) this.errorf(`wrong type for value; expected ${PARAM_TYPE_NAMES[typ]}; got ${goTypeName(value)}`);
    return typ === 'int' ? Number(value) : value;
  }

  #evalArg(dot: unknown, typ: ParamType | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.#validateType(dot, typ);
      case 'nil':
        if (typ === 'any') return null;
        if (typ === 'value' || typ === undefined) return undefined;
        this.errorf(`cannot assign nil to ${PARAM_TYPE_NAMES[typ]}`);
      case 'field':
        return this.#validateType(this.#evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.#validateType(this.#evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.#validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.#validateType(this.#evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.#validateType(this.#evalChainNode(dot, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return Number(n.int);
        this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        return this.#idealConstant(n);
      case 'string':
        return n.text;
    }
  }
}

/** The `call` builtin: call a function value (a method property taken as a value) with arguments. */
function callFunction(name: string, argv: unknown[]): unknown {
  const [fn, ...args] = argv;
  if (fn === undefined || fn === null) throw new FuncError('call of nil');
  if (typeof fn !== 'function') throw new FuncError(`non-function ${name} of type ${goTypeName(fn)}`);
  if (fn.length !== args.length) throw new FuncError(`wrong number of args for ${name}: got ${args.length} want ${fn.length}`);
  try {
    return (fn as (...a: unknown[]) => unknown)(...args);
  } catch (e) {
    throw e instanceof Error ? new FuncError(e.message) : e;
  }
}
