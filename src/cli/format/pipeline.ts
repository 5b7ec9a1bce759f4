/**
 * @module pipeline
 * The expression half of Go's text/template parser (parse/parse.go): the token stream, parse errors
 * worded like Go's, and pipelines, declarations, commands, operands and terms. parser.ts builds the
 * control structures and template definitions on top.
 */
import type { ArgNode, CommandNode, PipeNode, VariableNode } from './ast.js';
import { nodeString } from './ast.js';
import { isKeyword, type Item, type ItemType } from './lexer.js';
import { NumberSyntaxError, parseNumber } from './numbers.js';
import { GoSyntaxError, quote, unquote } from './strconv.js';

export class TemplateParseError extends Error {}

// Go allows 10000 nested parentheses (1000 on wasm); 1000 keeps the JavaScript stack safe.
const MAX_STACK_DEPTH = 1000;

/** Go's item.String() used in "unexpected X in Y" messages. */
function itemString(it: Item): string {
  if (it.type === 'eof') return 'EOF';
  if (it.type === 'error') return it.val;
  if (isKeyword(it.type)) return `<${it.val}>`;
  const chars = Array.from(it.val);
  if (chars.length > 10) return quote(chars.slice(0, 10).join('')) + '...';
  return quote(it.val);
}

/** Per-tree parsing state: variables in scope, range nesting, parenthesis depth. */
export interface Scope {
  vars: string[];
  rangeDepth: number;
  stackDepth: number;
}

export class PipelineParser {
  protected i = 0;
  protected furthest = 0;
  protected actionLine = 0;
  protected scope: Scope = { vars: ['$'], rangeDepth: 0, stackDepth: 0 };

  constructor(
    readonly parseName: string,
    readonly text: string,
    readonly items: Item[],
    readonly hasFunction: (name: string) => boolean,
  ) {}

  // --- token stream -------------------------------------------------------------------------------

  protected next(): Item {
    const it = this.items[Math.min(this.i, this.items.length - 1)]!;
    this.i++;
    this.furthest = Math.max(this.furthest, this.i);
    return it;
  }
  protected backup(): void {
    this.i--;
  }
  protected peek(): Item {
    const it = this.next();
    this.backup();
    return it;
  }
  protected nextNonSpace(): Item {
    let it = this.next();
    while (it.type === 'space') it = this.next();
    return it;
  }
  protected peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  // --- errors -------------------------------------------------------------------------------------

  /** The line of the newest token read, which is where Go reports parse errors. */
  protected line(): number {
    return this.items[Math.min(this.furthest, this.items.length) - 1]?.line ?? 1;
  }
  protected errorf(msg: string): never {
    throw new TemplateParseError(`template: ${this.parseName}:${this.line()}: ${msg}`);
  }
  protected unexpected(it: Item, context: string): never {
    if (it.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== it.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (it.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${it.val}${extra}`);
    }
    this.errorf(`unexpected ${itemString(it)} in ${context}`);
  }
  protected expect(type: ItemType, context: string): Item {
    const it = this.nextNonSpace();
    if (it.type !== type) this.unexpected(it, context);
    return it;
  }
  protected unquote(lit: string): string {
    try {
      return unquote(lit);
    } catch (e) {
      if (e instanceof GoSyntaxError) this.errorf(e.message);
      throw e;
    }
  }

  // --- pipelines ----------------------------------------------------------------------------------

  protected declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      const save = this.i;
      this.next();
      const next = this.peekNonSpace();
      const decl: VariableNode = { type: 'variable', pos: v.pos, ident: v.val.split('.') };
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(decl);
        this.scope.vars.push(v.val);
        return;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(decl);
        this.scope.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = save;
      return;
    }
  }

  protected pipeline(context: string, end: ItemType): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const it = this.nextNonSpace();
      if (it.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (it.type) {
        case 'bool': case 'charConstant': case 'complex': case 'dot': case 'field': case 'identifier':
        case 'number': case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(it, context);
      }
    }
  }

  protected checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  protected command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const it = this.next();
      if (it.type === 'space') continue;
      if (it.type === 'rightDelim' || it.type === 'rightParen') this.backup();
      else if (it.type !== 'pipe') this.unexpected(it, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  protected operand(): ArgNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return { type: 'chain', pos, node, field: fields };
  }

  protected term(): ArgNode | undefined {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'identifier':
        if (!this.hasFunction(it.val)) this.errorf(`function ${quote(it.val)} not defined`);
        return { type: 'identifier', pos: it.pos, ident: it.val };
      case 'dot':
        return { type: 'dot', pos: it.pos };
      case 'nil':
        return { type: 'nil', pos: it.pos };
      case 'variable':
        if (!this.scope.vars.includes(it.val)) this.errorf(`undefined variable ${quote(it.val)}`);
        return { type: 'variable', pos: it.pos, ident: [it.val] };
      case 'field':
        return { type: 'field', pos: it.pos, ident: it.val.slice(1).split('.') };
      case 'bool':
        return { type: 'bool', pos: it.pos, value: it.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        try {
          return parseNumber(it.pos, it.val, it.type);
        } catch (e) {
          if (e instanceof NumberSyntaxError || e instanceof GoSyntaxError) this.errorf(e.message);
          throw e;
        }
      case 'leftParen': {
        if (this.scope.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.scope.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', 'rightParen');
        } finally {
          this.scope.stackDepth--;
        }
      }
      case 'string':
      case 'rawString':
        return { type: 'string', pos: it.pos, quoted: it.val, text: this.unquote(it.val) };
    }
    this.backup();
    return undefined;
  }
}
