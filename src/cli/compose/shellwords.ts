/**
 * @module compose/shellwords
 * `command: echo "hello world"` into `["echo", "hello world"]`, the way compose-go does it with
 * mattn/go-shellwords (no variable or backtick expansion): blanks separate words, single quotes
 * are literal, double quotes group, a backslash outside single quotes takes the next character
 * literally. Unlike go-shellwords, `;`, `&`, `|`, `<` and `>` are kept as ordinary characters
 * rather than ending the command silently.
 */
import { invalidParameter } from '../../lib/errors.js';

export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let escaped = false;
  for (const c of line) {
    if (escaped) {
      word += c;
      escaped = false;
      inWord = true;
      continue;
    }
    if (c === '\\' && quote !== "'") {
      escaped = true;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += c;
    inWord = true;
  }
  if (escaped || quote) throw invalidParameter('invalid command line string');
  if (inWord) words.push(word);
  return words;
}

