/**
 * @module ast
 * Parse-tree nodes of Go's text/template (parse/node.go). `toString()` renders a node the way Go
 * does, because execution errors quote it: `executing "" at <.Names.Foo>`.
 */
import { quote } from './strconv.js';

export interface Tree {
  /** The template's name ("" for docker's anonymous templates, or a {{define}}d name). */
  name: string;
  /** The name of the top-level template being parsed, used in error locations. */
  parseName: string;
  root: ListNode;
  /** The full source text, to turn node positions into line:column. */
  text: string;
}

interface Base {
  pos: number;
}

export interface ListNode extends Base { type: 'list'; nodes: Node[] }
export interface TextNode extends Base { type: 'text'; text: string }
export interface CommentNode extends Base { type: 'comment'; text: string }
export interface ActionNode extends Base { type: 'action'; pipe: PipeNode }
export interface BreakNode extends Base { type: 'break' }
export interface ContinueNode extends Base { type: 'continue' }
export interface BranchNode extends Base {
  type: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface TemplateNode extends Base { type: 'template'; name: string; pipe: PipeNode | undefined }
/** Not in finished trees: returned by the parser for `{{end}}` and `{{else}}`. */
export interface EndNode extends Base { type: 'end' }
export interface ElseNode extends Base { type: 'else' }

export interface PipeNode extends Base {
  type: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base { type: 'command'; args: ArgNode[] }
export interface FieldNode extends Base { type: 'field'; ident: string[] }
export interface VariableNode extends Base { type: 'variable'; ident: string[] }
export interface ChainNode extends Base { type: 'chain'; node: ArgNode; field: string[] }
export interface IdentifierNode extends Base { type: 'identifier'; ident: string }
export interface DotNode extends Base { type: 'dot' }
export interface NilNode extends Base { type: 'nil' }
export interface BoolNode extends Base { type: 'bool'; value: boolean }
export interface StringNode extends Base { type: 'string'; quoted: string; text: string }
export interface NumberNode extends Base {
  type: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  float: number;
}

export type ArgNode =
  | FieldNode | VariableNode | ChainNode | IdentifierNode | DotNode | NilNode | BoolNode | StringNode | NumberNode | PipeNode;

export type Node =
  | ListNode | TextNode | CommentNode | ActionNode | BreakNode | ContinueNode | BranchNode | TemplateNode | EndNode | ElseNode
  | PipeNode | CommandNode | ArgNode;

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) s = p.decl.map(nodeString).join(', ') + (p.isAssign ? ' = ' : ' := ');
  return s + p.cmds.map(nodeString).join(' | ');
}

function argString(a: ArgNode): string {
  return a.type === 'pipe' ? `(${pipeString(a)})` : nodeString(a);
}

/** Go's Node.String(). */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${pipeString(n.pipe)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.type} ${pipeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return `{{template ${quote(n.name)}${n.pipe ? ' ' + pipeString(n.pipe) : ''}}}`;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'pipe':
      return pipeString(n);
    case 'command':
      return n.args.map(argString).join(' ');
    case 'field':
      return n.ident.map((id) => '.' + id).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return argString(n.node) + n.field.map((f) => '.' + f).join('');
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
  }
}
