/**
 * @module exec
 * The executor of Go's text/template (exec.go semantics): walks a tree against data, printing
 * text and action values, running if/with/range (with break and continue) and {{template}} calls.
 * Expressions are evaluated by eval.ts.
 */
import type { BranchNode, Node, TemplateNode, Tree } from './ast.js';
import { nodeString } from './ast.js';
import { BREAK, CONTINUE, Evaluator, TemplateExecError, type ExecOptions } from './eval.js';
import { printValue } from './gofmt.js';
import { quote } from './strconv.js';
import { isDeclaredStruct, isTrue, kindOf, sortedKeys } from './values.js';

export { TemplateExecError, type ExecOptions } from './eval.js';

// Go allows 100000 (1000 on wasm); a JavaScript stack holds about this many nested template calls.
const MAX_EXEC_DEPTH = 1000;

/** Execute `name` from `trees` against `data`; returns the output. */
export function execute(trees: ReadonlyMap<string, Tree>, name: string, data: unknown, opts: ExecOptions): string {
  const tree = trees.get(name);
  if (!tree) throw new TemplateExecError(`template: no template ${quote(name)} associated with template ${quote(name)}`);
  // Execute(w, nil) runs on an invalid value, which prints <no value> and has no fields.
  if (data === null) data = undefined;
  const state = new State(trees, tree, opts, [{ name: '$', value: data }], 0);
  try {
    state.walk(data, tree.root);
  } catch (e) {
    if (e instanceof TemplateExecError) e.partial = state.output;
    throw e;
  }
  return state.output;
}

class State extends Evaluator {
  output = '';

  // --- walking ------------------------------------------------------------------------------------

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.#print(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        return this.#walkIfOrWith(dot, node);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.#walkRange(dot, node);
      case 'template':
        return this.#walkTemplate(dot, node);
      case 'text':
        this.output += node.text;
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  #print(node: Node, v: unknown): void {
    this.at(node);
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(node)} of type func`);
    this.output += printValue(v);
  }

  #walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  #walkRange(dot: unknown, r: BranchNode): void {
    this.at(r);
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const bodyMark = this.vars.length;
      const decl = r.pipe.decl;
      const iteration = (index: unknown, elem: unknown) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1]!.value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.vars[this.vars.length - 2]!.value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = bodyMark;
        }
      };
      try {
        if (this.#rangeOver(val, decl.length, iteration)) return;
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  /** Run the iterations; false when there were none (so the else branch runs). */
  #rangeOver(val: unknown, nvars: number, iteration: (index: unknown, elem: unknown) => void): boolean {
    switch (kindOf(val)) {
      case 'slice':
        (val as unknown[]).forEach((e, i) => iteration(i, e));
        return (val as unknown[]).length > 0;
      case 'map':
      case 'struct': {
        // Go cannot range over a struct; objects only guessed to be structs are ranged like maps.
        if (isDeclaredStruct(val as object)) this.errorf(`range can't iterate over ${printValue(val)}`);
        const obj = val as Record<string, unknown>;
        const keys = sortedKeys(obj);
        for (const k of keys) iteration(k, obj[k]);
        return keys.length > 0;
      }
      case 'int': {
        if (nvars > 1) this.errorf(`can't use ${printValue(val)} to iterate over more than one variable`);
        const n = Number(val);
        for (let i = 0; i < n; i++) iteration(undefined, i);
        return n > 0;
      }
      case 'invalid':
      case 'nil':
        return false;
      default:
        this.errorf(`range can't iterate over ${printValue(val)}`);
    }
  }

  #walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tree = this.trees.get(t.name);
    if (!tree) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const sub = new State(this.trees, tree, this.opts, [{ name: '$', value: newDot }], this.depth + 1);
    try {
      sub.walk(newDot, tree.root);
    } finally {
      this.output += sub.output;
    }
  }
}
