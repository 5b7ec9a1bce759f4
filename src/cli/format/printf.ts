/**
 * @module printf
 * fmt.Sprintf's directive parsing (fmt/print.go doPrintf): flags, `[n]` argument indexes, `*`
 * widths and precisions, and the `%!` reports for missing, extra and badly indexed operands.
 */
import { noFlags, printArg } from './gofmt.js';
import { goTypeName, kindOf, numberValue } from './values.js';

const MAX_NUM = 1e6;

function parseNum(s: string, i: number): { num: number; ok: boolean; next: number } {
  let j = i;
  let num = 0;
  while (j < s.length && s[j]! >= '0' && s[j]! <= '9') {
    num = num * 10 + Number(s[j]);
    if (num > MAX_NUM) return { num: 0, ok: false, next: s.length };
    j++;
  }
  return { num, ok: j > i, next: j };
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  return new Printf(format, args).run();
}

class Printf {
  #out = '';
  #argNum = 0;
  #reordered = false;
  #goodArgNum = true;
  constructor(
    readonly format: string,
    readonly args: readonly unknown[],
  ) {}

  /** `[n]` before a width, precision or verb: choose operand n (1-based). */
  #argNumber(i: number): { i: number; afterIndex: boolean } {
    const s = this.format;
    if (i >= s.length || s[i] !== '[') return { i, afterIndex: false };
    this.#reordered = true;
    const close = s.indexOf(']', i + 1);
    if (close < 0) {
      this.#goodArgNum = false;
      return { i: i + 1, afterIndex: false };
    }
    const { num, ok, next } = parseNum(s, i + 1);
    if (!ok || next !== close || num - 1 < 0 || num - 1 >= this.args.length) {
      this.#goodArgNum = false;
      return { i: close + 1, afterIndex: ok && next === close };
    }
    this.#argNum = num - 1;
    return { i: close + 1, afterIndex: true };
  }

  #intFromArg(): number | undefined {
    const a = this.args[this.#argNum];
    let n: number | undefined;
    if (this.#argNum < this.args.length && kindOf(a) === 'int') {
      n = numberValue(a);
      if (Math.abs(n) > MAX_NUM) n = undefined;
    }
    this.#argNum++;
    return n;
  }

  run(): string {
    const s = this.format;
    let i = 0;
    while (i < s.length) {
      const pct = s.indexOf('%', i);
      if (pct < 0) {
        this.#out += s.slice(i);
        break;
      }
      this.#out += s.slice(i, pct);
      i = this.#directive(pct + 1);
    }
    if (!this.#reordered && this.#argNum < this.args.length) {
      const extra = this.args.slice(this.#argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${printArg(a, 'v', noFlags(), 0)}`));
      this.#out += `%!(EXTRA ${extra.join(', ')})`;
    }
    return this.#out;
  }

  /** One directive after its '%'; returns the index after it. */
  #directive(i: number): number {
    const s = this.format;
    const f = noFlags();
    this.#goodArgNum = true;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === '-') {
        f.minus = true;
        f.zero = false;
      } else if (c === ' ') f.space = true;
      else break;
    }
    let idx = this.#argNumber(i);
    i = idx.i;
    if (s[i] === '*') {
      i++;
      f.wid = this.#intFromArg();
      if (f.wid === undefined) this.#out += '%!(BADWIDTH)';
      else if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      idx = { i, afterIndex: false };
    } else {
      const w = parseNum(s, i);
      if (w.ok) {
        f.wid = w.num;
        if (idx.afterIndex) this.#goodArgNum = false;
      }
      i = w.next;
    }
    if (i < s.length && s[i] === '.') {
      i++;
      if (idx.afterIndex) this.#goodArgNum = false;
      idx = this.#argNumber(i);
      i = idx.i;
      if (s[i] === '*') {
        i++;
        f.prec = this.#intFromArg();
        if (f.prec !== undefined && f.prec < 0) f.prec = undefined;
        if (f.prec === undefined) this.#out += '%!(BADPREC)';
        idx = { i, afterIndex: false };
      } else {
        const p = parseNum(s, i);
        f.prec = p.ok ? p.num : 0;
        i = p.next;
      }
    }
    if (!idx.afterIndex) i = this.#argNumber(i).i;
    if (i >= s.length) {
      this.#out += '%!(NOVERB)';
      return i;
    }
    const verb = String.fromCodePoint(s.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') this.#out += '%';
    else if (!this.#goodArgNum) this.#out += `%!${verb}(BADINDEX)`;
    else if (this.#argNum >= this.args.length) this.#out += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v') {
        if (f.sharp) [f.sharp, f.sharpV] = [false, true];
        if (f.plus) [f.plus, f.plusV] = [false, true];
      }
      this.#out += printArg(this.args[this.#argNum], verb, f, 0);
      this.#argNum++;
    }
    return i;
  }
}
