/**
 * @module log
 * A small leveled logger writing one line per event to stderr. Log once, where an error is
 * handled (api, cli, reconcile), not at every layer it passes through.
 */

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: number = ORDER[(process.env.BERTH_LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;

export function setLogLevel(level: Level): void {
  threshold = ORDER[level];
}

function emit(level: Level, message: string, detail?: unknown): void {
  if (ORDER[level] < threshold) return;
  let line = `${new Date().toISOString()} ${level} ${message}`;
  if (detail !== undefined) line += ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`;
  process.stderr.write(line + '\n');
}

export const log = {
  debug: (message: string, detail?: unknown) => emit('debug', message, detail),
  info: (message: string, detail?: unknown) => emit('info', message, detail),
  warn: (message: string, detail?: unknown) => emit('warn', message, detail),
  error: (message: string, detail?: unknown) => emit('error', message, detail),
};
