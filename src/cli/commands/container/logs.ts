/**
 * @module cli/commands/container/logs
 * `berth logs` (docker/cli container/logs.go): inspect for the TTY setting, then GET
 * /containers/{id}/logs, raw for a TTY container, otherwise demultiplexed to stdout/stderr.
 */
import { StatusError, boolFlag, stringFlag, type Command } from '../../command.js';
import { Demuxer, STDERR } from '../../stdcopy.js';
import { parseDuration } from '../../opts/units.js';
import { inspectContainer } from './start.js';

/** docker's timetypes.GetTimestamp: durations are relative to now; numbers and dates as unix time. */
export function getTimestamp(value: string, now: number = Date.now()): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  let ms: number | undefined;
  try {
    const nanos = parseDuration(value);
    ms = now - nanos / 1e6;
  } catch {
    const parsed = Date.parse(value.includes('T') || /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '');
    if (!Number.isNaN(parsed)) ms = parsed;
  }
  if (ms === undefined) throw new StatusError(1, `failed to parse value as time or duration: ${JSON.stringify(value)}`);
  const secs = Math.floor(ms / 1000);
  const nanos = Math.round((ms - secs * 1000) * 1e6);
  return `${secs}.${String(nanos).padStart(9, '0')}`;
}

export const logsCommand: Command = {
  name: 'logs',
  use: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  aliasesText: 'berth container logs, berth logs',
  flags: [
    boolFlag('follow', 'f', 'Follow log output'),
    stringFlag('since', undefined, 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
    stringFlag('until', undefined, 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
    boolFlag('timestamps', 't', 'Show timestamps'),
    boolFlag('details', undefined, 'Show extra details provided to logs'),
    stringFlag('tail', 'n', 'Number of lines to show from the end of the logs', { value: 'all' }),
  ],
  args: { exact: 1 },
  async run(ctx, p) {
    const c = await inspectContainer(ctx, p.args[0]!);
    const query = {
      stdout: true,
      stderr: true,
      since: p.string('since') ? getTimestamp(p.string('since')) : undefined,
      until: p.string('until') ? getTimestamp(p.string('until')) : undefined,
      timestamps: p.bool('timestamps') || undefined,
      follow: p.bool('follow') || undefined,
      tail: p.string('tail'),
      details: p.bool('details') || undefined,
    };
    const res = await ctx.client().stream('GET', `/containers/${c.Id}/logs`, { query });
    const demux = c.Config.Tty ? undefined : new Demuxer((stream, payload) => (stream === STDERR ? ctx.io.stderr : ctx.io.stdout).write(payload));
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (demux) demux.push(chunk);
      else ctx.io.stdout.write(chunk);
    }
  },
};
