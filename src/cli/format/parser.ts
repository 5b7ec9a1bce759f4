/**
 * @module parser
 * The parser of Go's text/template (parse/parse.go semantics and error messages): actions,
 * if/else if/else, range/else with break and continue, with/else with, define, template, block.
 * Pipelines and operands are parsed by pipeline.ts. Errors read like Go's:
 * `template: :1: unexpected "}" in operand`.
 */
import type { BranchNode, ElseNode, EndNode, ListNode, Node, PipeNode, TemplateNode, Tree } from './ast.js';
import { nodeString } from './ast.js';
import { lex, type Item } from './lexer.js';
import { PipelineParser } from './pipeline.js';
import { quote } from './strconv.js';

export { TemplateParseError } from './pipeline.js';

/**
 * Parse `text` into its set of trees: the top-level one under `name`, plus one per {{define}} and
 * {{block}}. `hasFunction` answers whether an identifier names a function (checked at parse time, as Go does).
 */
export function parseTrees(name: string, text: string, hasFunction: (name: string) => boolean): Map<string, Tree> {
  return new Parser(name, text, lex(text), hasFunction).parseAll();
}

class Parser extends PipelineParser {
  readonly #trees = new Map<string, Tree>();

  parseAll(): Map<string, Tree> {
    const root = this.#parseTop();
    this.#add({ name: this.parseName, parseName: this.parseName, root, text: this.text });
    return this.#trees;
  }

  // --- trees --------------------------------------------------------------------------------------

  #add(tree: Tree): void {
    const old = this.#trees.get(tree.name);
    if (!old || isEmptyTree(old.root)) this.#trees.set(tree.name, tree);
    else if (!isEmptyTree(tree.root)) this.errorf(`template: multiple definition of template ${quote(tree.name)}`);
  }

  /** Parse a nested tree ({{define}} or {{block}} body) with its own variables and range depth. */
  #withNewScope<T>(fn: () => T): T {
    const saved = this.scope;
    this.scope = { vars: ['$'], rangeDepth: 0, stackDepth: 0 };
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  #parseTop(): ListNode {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.#withNewScope(() => this.#parseDefinition());
          continue;
        }
        this.i = save;
      }
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  #parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') this.unexpected(nameTok, context);
    const name = this.unquote(nameTok.val);
    this.expect('rightDelim', context);
    const [root, end] = this.#itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.#add({ name, parseName: this.parseName, root, text: this.text });
  }

  #itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.#textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  #textOrAction(): Node {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'text':
        return { type: 'text', pos: it.pos, text: it.val };
      case 'leftDelim':
        this.actionLine = it.line;
        try {
          return this.#action();
        } finally {
          this.actionLine = 0;
        }
      default:
        this.unexpected(it, 'input');
    }
  }

  #action(): Node {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'block':
        return this.#blockControl();
      case 'break':
      case 'continue':
        return this.#breakControl(it);
      case 'else':
        return this.#elseControl();
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.#branch(it.type);
      case 'template':
        return this.#templateControl();
    }
    this.backup();
    const tok = this.peek();
    return { type: 'action', pos: tok.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  #breakControl(kw: Item): Node {
    const name = kw.type as 'break' | 'continue';
    const it = this.nextNonSpace();
    if (it.type !== 'rightDelim') this.unexpected(it, `{{${name}}}`);
    if (this.scope.rangeDepth === 0) this.errorf(`{{${name}}} outside {{range}}`);
    return { type: name, pos: kw.pos };
  }

  #elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    // "{{else if ...}}" and "{{else with ...}}" leave the keyword for parseControl to chain on.
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  #branch(context: 'if' | 'range' | 'with'): BranchNode {
    const varsMark = this.scope.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.scope.rangeDepth++;
      const [list, next] = this.#itemList();
      if (context === 'range') this.scope.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        const chained = this.peek().type;
        if ((context === 'if' && chained === 'if') || (context === 'with' && chained === 'with')) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.#branch(context)] };
        } else {
          const [els, end] = this.#itemList();
          if (end.type !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
          elseList = els;
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.scope.vars.length = varsMark;
    }
  }

  #templateName(it: Item, context: string): string {
    if (it.type !== 'string' && it.type !== 'rawString') this.unexpected(it, context);
    return this.unquote(it.val);
  }

  #templateControl(): TemplateNode {
    const context = 'template clause';
    const tok = this.nextNonSpace();
    const name = this.#templateName(tok, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: tok.pos, name, pipe };
  }

  #blockControl(): TemplateNode {
    const context = 'block clause';
    const tok = this.nextNonSpace();
    const name = this.#templateName(tok, context);
    const pipe = this.pipeline(context, 'rightDelim');
    this.#withNewScope(() => {
      const [root, end] = this.#itemList();
      if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
      this.#add({ name, parseName: this.parseName, root, text: this.text });
    });
    return { type: 'template', pos: tok.pos, name, pipe };
  }
}


/** parse.IsEmptyTree: nothing but whitespace text and comments. */
export function isEmptyTree(n: Node): boolean {
  switch (n.type) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '';
    case 'comment':
      return true;
    default:
      return false;
  }
}
