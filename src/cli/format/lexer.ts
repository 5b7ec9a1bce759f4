/**
 * @module lexer
 * The scanner of Go's text/template (parse/lex.go semantics): text, `{{ }}` actions with `{{- -}}`
 * trim markers, `{{/* comments *\/}}`, and inside actions the operands (fields, variables,
 * identifiers, keywords, literals), `|`, `:=`, `=`, parentheses. Positions are UTF-16 offsets into
 * the source; errors come back as an `error` item, as in Go. Literals are scanned by scanner.ts.
 */
import { describeRune } from './strconv.js';
import { KEYWORDS, LexStop, RIGHT, Scanner, isAlphaNumeric, isSpace, type Item } from './scanner.js';

export { isKeyword, type Item, type ItemType } from './scanner.js';

const LEFT = '{{';
const hasLeftTrimMarker = (s: string, i: number) => s[i] === '-' && isSpace(s[i + 1]);
const hasRightTrimMarker = (s: string, i: number) => isSpace(s[i]) && s[i + 1] === '-';

/** Scan the whole template into items; the list ends with `eof` or with one `error` item. */
export function lex(input: string): Item[] {
  return new Lexer(input).run();
}

class Lexer extends Scanner {
  #parenDepth = 0;

  run(): Item[] {
    try {
      this.#lexText();
    } catch (e) {
      if (!(e instanceof LexStop)) throw e;
    }
    return this.items;
  }


  #atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + 2)) return { delim: true, trim: true };
    return { delim: this.input.startsWith(RIGHT, this.pos), trim: false };
  }

  #lexText(): void {
    for (;;) {
      const x = this.input.indexOf(LEFT, this.pos);
      if (x < 0) {
        this.pos = this.input.length;
        if (this.pos > this.start) this.emit('text');
        this.emit('eof');
        return;
      }
      if (x > this.pos) {
        let end = x;
        if (hasLeftTrimMarker(this.input, x + LEFT.length)) while (end > this.start && isSpace(this.input[end - 1])) end--;
        this.pos = end;
        if (this.pos > this.start) this.emit('text');
      }
      this.pos = x;
      this.start = x;
      this.#lexLeftDelim();
    }
  }

  #skipLeadingSpace(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
    this.start = this.pos;
  }

  #lexLeftDelim(): void {
    this.pos += LEFT.length;
    const trim = hasLeftTrimMarker(this.input, this.pos);
    const afterMarker = trim ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.start = this.pos;
      this.#lexComment();
      return;
    }
    this.emit('leftDelim');
    this.pos += afterMarker;
    this.start = this.pos;
    this.#parenDepth = 0;
    this.#lexInsideAction();
  }

  #lexComment(): void {
    const end = this.input.indexOf('*/', this.pos + 2);
    if (end < 0) this.error('unclosed comment');
    this.pos = end + 2;
    const { delim, trim } = this.#atRightDelim();
    if (!delim) this.error('comment ends before closing delimiter');
    this.pos += (trim ? 2 : 0) + RIGHT.length;
    if (trim) this.#skipLeadingSpace();
    this.start = this.pos;
  }

  #lexRightDelim(trim: boolean): void {
    if (trim) {
      this.pos += 2;
      this.start = this.pos;
    }
    this.pos += RIGHT.length;
    this.emit('rightDelim');
    if (trim) this.#skipLeadingSpace();
  }

  #lexInsideAction(): void {
    for (;;) {
      const { delim, trim } = this.#atRightDelim();
      if (delim) {
        if (this.#parenDepth !== 0) this.error('unclosed left paren');
        this.#lexRightDelim(trim);
        return;
      }
      if (this.#lexInsideToken()) return;
    }
  }

  /** One token inside an action; true when the action ended (a trim-marked delimiter after spaces). */
  #lexInsideToken(): boolean {
    const r = this.next();
    if (r === undefined) this.error('unclosed action');
    if (isSpace(r)) {
      this.pos -= r.length;
      return this.#lexSpace();
    }
    switch (r) {
      case '=':
        this.emit('assign');
        return false;
      case ':':
        if (this.next() !== '=') this.error('expected :=');
        this.emit('declare');
        return false;
      case '|':
        this.emit('pipe');
        return false;
      case '"':
        this.lexQuote();
        return false;
      case '`':
        this.lexRawQuote();
        return false;
      case '$':
        this.#lexFieldOrVariable('variable');
        return false;
      case "'":
        this.lexChar();
        return false;
      case '(':
        this.#parenDepth++;
        this.emit('leftParen');
        return false;
      case ')':
        this.#parenDepth--;
        if (this.#parenDepth < 0) this.error('unexpected right paren');
        this.emit('rightParen');
        return false;
    }
    if (r === '.') {
      const c = this.input[this.pos];
      if (c !== undefined && (c < '0' || c > '9')) {
        this.#lexFieldOrVariable('field');
        return false;
      }
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.pos -= 1;
      this.lexNumber();
      return false;
    }
    if (isAlphaNumeric(r)) {
      this.pos -= r.length;
      this.#lexIdentifier();
      return false;
    }
    const cp = r.codePointAt(0)!;
    if (cp < 0x7f && cp >= 0x20) {
      this.emit('char');
      return false;
    }
    this.error(`unrecognized character in action: ${describeRune(cp)}`);
  }

  #lexSpace(): boolean {
    let n = 0;
    while (isSpace(this.input[this.pos])) {
      this.pos++;
      n++;
    }
    // " -}}" is a trim-marked delimiter, whose space is not an argument separator.
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.pos--;
      if (n === 1) {
        this.#lexRightDelim(true);
        return true;
      }
    }
    this.emit('space');
    return false;
  }


  #lexIdentifier(): void {
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) this.badCharacter();
    const word = this.input.slice(this.start, this.pos);
    const kw = KEYWORDS[word];
    if (kw !== undefined && Object.prototype.hasOwnProperty.call(KEYWORDS, word)) this.emit(kw);
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
  }

  /** `.Name` or `$name`; a bare "." or "$" when nothing alphanumeric follows. */
  #lexFieldOrVariable(type: 'field' | 'variable'): void {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return;
    }
    while (isAlphaNumeric(this.peek())) this.next();
    if (!this.atTerminator()) this.badCharacter();
    this.emit(type);
  }
}
