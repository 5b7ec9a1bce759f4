/**
 * @module cli/inspect
 * docker's inspector (cli/command/inspect/inspector.go): each object's raw JSON from the daemon,
 * printed as one array re-indented with 4 spaces (byte for byte, so the daemon's key order and
 * number spelling survive), compacted with `--format json`, or run through a Go template. Errors
 * are collected and reported after the output, exit 1; a bad template exits 64.
 */
import { isBerthError } from '../lib/errors.js';
import { StatusError, type Context } from './command.js';
import { parseTemplate, type Template } from './format/gotemplate.js';

export interface InspectedObject {
  /** The daemon's response body, untouched. */
  raw: string;
}

export type GetRef = (ref: string) => Promise<InspectedObject>;

/** Go's json.Indent(dst, src, "", indent): whitespace outside strings replaced, empty {} and [] kept. */
export function indentJson(src: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  const newline = () => '\n' + indent.repeat(depth);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== '}' && c !== ']') {
      needIndent = false;
      depth++;
      out += newline();
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) needIndent = false;
        else {
          depth--;
          out += newline();
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** json.Compact. */
export function compactJson(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

function templateFor(format: string): Template | undefined {
  if (format === '' || format === 'json') return undefined;
  try {
    return parseTemplate(format);
  } catch (err) {
    if (isBerthError(err)) throw new StatusError(64, `template parsing error: ${err.message}`);
    throw err;
  }
}

/** inspect.Inspect: print what was found, then fail with every error (one per line). */
export async function inspectAll(ctx: Context, refs: readonly string[], format: string, getRef: GetRef): Promise<void> {
  const tmpl = templateFor(format);
  const errors: string[] = [];
  const raws: string[] = [];
  let rendered = '';
  for (const ref of refs) {
    let obj: InspectedObject;
    try {
      obj = await getRef(ref);
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    if (!tmpl) {
      raws.push(obj.raw.trim());
      continue;
    }
    try {
      rendered += tmpl.executeInspect(JSON.parse(obj.raw)) + '\n';
    } catch (err) {
      errors.push(`template parsing error: ${(err as Error).message}`);
    }
  }
  if (tmpl) ctx.out(rendered === '' ? '\n' : rendered);
  else if (raws.length === 0) ctx.out('[]\n');
  else ctx.out((format === 'json' ? compactJson(`[${raws.join(',')}]`) : indentJson(`[${raws.join(',')}]`)) + '\n');
  if (errors.length) throw new StatusError(1, errors.join('\n'));
}

/** GET a path and keep the body as text. */
export async function getRaw(ctx: Context, path: string, query?: Record<string, string | boolean | undefined>): Promise<InspectedObject> {
  const res = await ctx.client().request('GET', path, query ? { query } : {});
  return { raw: res.body.toString('utf8') };
}
