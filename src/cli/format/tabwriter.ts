/**
 * @module tabwriter
 * Elastic tabstops as Go's text/tabwriter (and docker's fork of it, which measures cells with
 * go-runewidth) lays them out: a cell is text terminated by a tab; the last cell of a line is not part
 * of a column; a column is the run of consecutive lines that have a cell at that index, as wide as its
 * widest cell plus padding, and never narrower than minwidth. A line without tabs ends every column.
 * docker's tables use minwidth 10, tabwidth 1, padding 3, padchar ' ' (formatter.go).
 */
import { stringWidth } from './width.js';

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
  alignRight?: boolean;
  discardEmptyColumns?: boolean;
}

/** `tabwriter.NewWriter(output, 10, 1, 3, ' ', 0)`, as docker's table formatter configures it. */
export const DOCKER_TABWRITER: Readonly<TabWriterOptions> = { minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ' };

interface Cell {
  text: string;
  width: number;
  /** Terminated by '\t' (rather than '\v' or the line end). */
  htab: boolean;
}

interface Line {
  cells: Cell[];
  /** A hard break ('\f') after this line: columns end here. */
  hardBreak: boolean;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let cells: Cell[] = [];
  let start = 0;
  const endCell = (i: number, htab: boolean) => {
    const t = text.slice(start, i);
    cells.push({ text: t, width: stringWidth(t), htab });
    start = i + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\t' || c === '\v') endCell(i, c === '\t');
    else if (c === '\n' || c === '\f') {
      endCell(i, false);
      lines.push({ cells, hardBreak: c === '\f' });
      cells = [];
    }
  }
  if (start < text.length) endCell(text.length, false);
  lines.push({ cells, hardBreak: false });
  return lines;
}

/** widths[line][column] for every cell that belongs to a column (all but each line's last). */
function columnWidths(lines: Line[], o: TabWriterOptions): number[][] {
  const widths = lines.map((l) => new Array<number>(Math.max(l.cells.length - 1, 0)).fill(0));
  const maxCols = Math.max(0, ...lines.map((l) => l.cells.length - 1));
  for (let col = 0; col < maxCols; col++) {
    let i = 0;
    while (i < lines.length) {
      if (lines[i]!.cells.length - 1 <= col) {
        i++;
        continue;
      }
      const first = i;
      let width = o.minwidth;
      let discardable = true;
      for (; i < lines.length && lines[i]!.cells.length - 1 > col; i++) {
        const c = lines[i]!.cells[col]!;
        width = Math.max(width, c.width + o.padding);
        if (c.width > 0 || c.htab) discardable = false;
        if (lines[i]!.hardBreak) {
          i++;
          break;
        }
      }
      if (discardable && o.discardEmptyColumns) width = 0;
      for (let j = first; j < i; j++) widths[j]![col] = width;
    }
  }
  return widths;
}

function padding(textWidth: number, cellWidth: number, o: TabWriterOptions): string {
  if (o.padchar === '\t') {
    if (o.tabwidth === 0) return '';
    const rounded = Math.ceil(cellWidth / o.tabwidth) * o.tabwidth;
    return '\t'.repeat(Math.ceil((rounded - textWidth) / o.tabwidth));
  }
  return o.padchar.repeat(Math.max(cellWidth - textWidth, 0));
}

/** Lay out text containing tab-separated cells and newline-separated lines. */
export function tabwriteText(text: string, opts: Readonly<TabWriterOptions> = DOCKER_TABWRITER): string {
  const o = opts.padchar === '\t' ? { ...opts, alignRight: false } : opts;
  const lines = splitLines(text);
  const widths = columnWidths(lines, o);
  return lines
    .map((line, i) =>
      line.cells
        .map((c, j) => {
          const w = widths[i]![j];
          if (w === undefined) return c.text;
          const pad = padding(c.width, w, o);
          return o.alignRight && c.text !== '' ? pad + c.text : c.text + pad;
        })
        .join(''),
    )
    .join('\n');
}

/** Lay out rows of cells as docker's tables do; each row ends with a newline. */
export function tabwrite(rows: readonly (readonly string[])[], opts: Readonly<TabWriterOptions> = DOCKER_TABWRITER): string {
  return tabwriteText(rows.map((r) => r.join('\t') + '\n').join(''), opts);
}
