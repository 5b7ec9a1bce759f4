/**
 * @module scanner
 * The character-level half of Go's text/template lexer (parse/lex.go): item types, the cursor
 * with line tracking, and the literal scanners (quoted, raw and character strings, numbers).
 * lexer.ts drives it through text, delimiters and actions.
 */
import { describeRune, quote } from './strconv.js';

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'eof' | 'field'
  | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim'
  | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

export const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot', block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else', end: 'end',
  if: 'if', range: 'range', nil: 'nil', template: 'template', with: 'with',
};

export function isKeyword(t: ItemType): boolean {
  return Object.values(KEYWORDS).includes(t);
}

const SPACE_CHARS = ' \t\r\n';
export const RIGHT = '}}';

export const isSpace = (c: string | undefined) => c !== undefined && SPACE_CHARS.includes(c);
export const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** Thrown to stop scanning once an error item has been emitted. */
export class LexStop extends Error {}

export class Scanner {
  readonly items: Item[] = [];
  protected pos = 0;
  protected start = 0;
  readonly #lineStarts: number[] = [0];

  constructor(readonly input: string) {
    for (let i = 0; i < input.length; i++) if (input[i] === '\n') this.#lineStarts.push(i + 1);
  }

  lineAt(pos: number): number {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }


  protected emit(type: ItemType): void {
    this.items.push({ type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.lineAt(this.start) });
    this.start = this.pos;
  }

  protected error(msg: string): never {
    this.items.push({ type: 'error', pos: this.start, val: msg, line: this.lineAt(this.start) });
    throw new LexStop();
  }

  protected peek(): string | undefined {
    const cp = this.input.codePointAt(this.pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  protected next(): string | undefined {
    const c = this.peek();
    if (c !== undefined) this.pos += c.length;
    return c;
  }


  protected atTerminator(): boolean {
    const r = this.input[this.pos];
    if (r === undefined || isSpace(r) || '.,|:)('.includes(r)) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  protected badCharacter(): never {
    const cp = this.input.codePointAt(this.pos);
    this.error(`bad character ${cp === undefined ? 'U+FFFFFFFFFFFFFFFF' : describeRune(cp)}`);
  }

  protected lexChar(): void {
    for (;;) {
      const c = this.next();
      if (c === '\\') {
        const e = this.next();
        if (e !== undefined && e !== '\n') continue;
      }
      if (c === undefined || c === '\n' || c === '\\') this.error('unterminated character constant');
      if (c === "'") break;
    }
    this.emit('charConstant');
  }

  protected accept(valid: string): boolean {
    const c = this.input[this.pos];
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  protected acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  protected scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  protected lexNumber(): void {
    const bad = () => this.error(`bad number syntax: ${quote(this.input.slice(this.start, this.pos))}`);
    if (!this.scanNumber()) bad();
    const sign = this.input[this.pos];
    if (sign === '+' || sign === '-') {
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') bad();
      this.emit('complex');
      return;
    }
    this.emit('number');
  }

  protected lexQuote(): void {
    for (;;) {
      const c = this.next();
      if (c === '\\') {
        const e = this.next();
        if (e !== undefined && e !== '\n') continue;
      }
      if (c === undefined || c === '\n' || c === '\\') this.error('unterminated quoted string');
      if (c === '"') break;
    }
    this.emit('string');
  }

  protected lexRawQuote(): void {
    for (;;) {
      const c = this.next();
      if (c === undefined) this.error('unterminated raw quoted string');
      if (c === '`') break;
    }
    this.emit('rawString');
  }
}
