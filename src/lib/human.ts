/**
 * @module human
 * Docker's human-readable durations and container status strings (go-units HumanDuration; moby
 * State.String and State.State). The daemon computes `Status` for `GET /containers/json` and
 * the CLI prints the same strings, so this lives below both. Pure: the clock is injected.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** go-units HumanDuration for a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / HOUR + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / HOUR) / 24 / 365)} years`;
}

/** A point in time: a Date, an RFC 3339 string, or milliseconds since the epoch. */
export type TimeInput = Date | string | number;

function toMillis(t: TimeInput): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'number') return t;
  return Date.parse(t);
}

/** Go's zero time ("0001-01-01T00:00:00Z"), or no time at all. */
export function isZeroTime(t: TimeInput | undefined | null): boolean {
  if (t === undefined || t === null || t === '') return true;
  if (typeof t === 'string' && t.startsWith('0001-01-01')) return true;
  return Number.isNaN(toMillis(t)) || toMillis(t) <= -62135596800000;
}

/** The RUNNING FOR/CREATED column: `HumanDuration(now - created) + " ago"`. */
export function runningFor(created: TimeInput, now: TimeInput = Date.now()): string {
  return humanDuration(toMillis(now) - toMillis(created)) + ' ago';
}

/** The fields of a container's State (inspect JSON) that its status strings come from. */
export interface ContainerStateInput {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  RemovalInProgress?: boolean;
  Dead?: boolean;
  ExitCode?: number;
  StartedAt?: string | null;
  FinishedAt?: string | null;
  Health?: { Status?: string } | null;
}

const removing = (s: ContainerStateInput) => s.RemovalInProgress === true || s.Status === 'removing';

/** moby's State.String(): the STATUS column ("Up 2 hours (healthy)", "Exited (137) 5 days ago"). */
export function containerStatus(s: ContainerStateInput, now: TimeInput = Date.now()): string {
  const since = (t: string | null | undefined) => humanDuration(toMillis(now) - toMillis(t ?? 0));
  if (s.Running) {
    if (s.Paused) return `Up ${since(s.StartedAt)} (Paused)`;
    if (s.Restarting) return `Restarting (${s.ExitCode ?? 0}) ${since(s.FinishedAt)} ago`;
    if (s.Health) {
      const h = s.Health.Status || 'unhealthy'; // no status yet: the monitor is not set up
      return `Up ${since(s.StartedAt)} (${h === 'starting' ? 'health: starting' : h})`;
    }
    return `Up ${since(s.StartedAt)}`;
  }
  if (removing(s)) return 'Removal In Progress';
  if (s.Dead) return 'Dead';
  if (isZeroTime(s.StartedAt)) return 'Created';
  if (isZeroTime(s.FinishedAt)) return '';
  return `Exited (${s.ExitCode ?? 0}) ${since(s.FinishedAt)} ago`;
}

/** moby's State.State(): the STATE column ("running", "paused", "exited", ...). */
export function containerState(s: ContainerStateInput): string {
  if (s.Running) return s.Paused ? 'paused' : s.Restarting ? 'restarting' : 'running';
  if (removing(s)) return 'removing';
  if (s.Dead) return 'dead';
  if (isZeroTime(s.StartedAt)) return 'created';
  return 'exited';
}
