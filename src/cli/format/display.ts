/**
 * @module display
 * docker's human-readable strings, pure and clock-injected: go-units durations and sizes, the
 * daemon's container Status ("Up 5 minutes (healthy)", "Exited (0) 3 seconds ago"), and the
 * `docker ps` columns docker/cli computes (PORTS, COMMAND, NAMES, LABELS, truncated IDs).
 */
import { formatFloat } from './ftoa.js';
import { quote } from './strconv.js';
import { isWide } from './width.js';

export {
  humanDuration,
  runningFor,
  containerStatus,
  containerState,
  isZeroTime,
  type TimeInput,
  type ContainerStateInput,
} from '../../lib/human.js';

const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_ABBRS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]!];
}

/** go-units HumanSizeWithPrecision: `%.*g` of the size in decimal units ("4.26MB"). */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, DECIMAL_ABBRS);
  return formatFloat(size, 'g', precision) + unit;
}

/** docker's SIZE columns: HumanSizeWithPrecision(size, 3) ("1.07GB", "0B"). */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 3);
}

/** go-units BytesSize: `%.4g` in binary units ("44KiB", "17MiB"). */
export function bytesSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1024, BINARY_ABBRS);
  return formatFloat(size, 'g', 4) + unit;
}

/** `docker ps --size` SIZE: "2B (virtual 21.5MB)", or just the writable size. */
export function containerSize(sizeRw: number, sizeRootFs: number): string {
  const rw = humanSize(sizeRw);
  return sizeRootFs > 0 ? `${rw} (virtual ${humanSize(sizeRootFs)})` : rw;
}

/** stringid.TruncateID: drop an algorithm prefix ("sha256:"), keep 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  if (colon >= 0) id = id.slice(colon + 1);
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** docker's Ellipsis: fit `s` in `max` display columns, ending with "…" when cut. */
export function ellipsis(s: string, max: number): string {
  if (max <= 0) return '';
  const runes = Array.from(s);
  if (max === 1) return runes[0] ?? '';
  if (runes.every((r) => r.codePointAt(0)! < 0x80)) return runes.length <= max ? s : runes.slice(0, max - 1).join('') + '…';
  const cumulative: number[] = [];
  let width = 0;
  for (const r of runes) {
    width += isWide(r.codePointAt(0)!) ? 2 : 1;
    cumulative.push(width);
  }
  if (width <= max) return s;
  for (let i = 0; i < cumulative.length - 1; i++) {
    if (cumulative[i]! <= max - 1 && cumulative[i + 1]! > max - 1) return runes.slice(0, i + 1).join('') + '…';
  }
  return s;
}

/** The daemon's container Command: path and arguments, arguments with spaces in single quotes. */
export function stringifyCommand(path: string, args: readonly string[] = []): string {
  if (args.length === 0) return path;
  return `${path} ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}

/** The COMMAND column: Go-quoted, and cut to 20 columns unless --no-trunc. */
export function formatCommand(command: string, trunc = true): string {
  return quote(trunc ? ellipsis(command, 20) : command);
}

/**
 * The NAMES column: names without their leading "/", comma-separated; truncated output shows only
 * the first name that is not a legacy link ("/other/alias").
 */
export function formatNames(names: readonly string[], trunc = true): string {
  const stripped = names.map((n) => (n.startsWith('/') ? n.slice(1) : n));
  if (trunc) return stripped.find((n) => !n.includes('/')) ?? '';
  return stripped.join(',');
}

/** The LABELS column: "k=v" pairs sorted, comma-separated. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  if (!labels) return '';
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .join(',');
}

export { formatPorts, type PortSummary } from './ports.js';
export { goTimeString, goUnixTimeString } from './gotime.js';
