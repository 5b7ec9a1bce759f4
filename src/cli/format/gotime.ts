/**
 * @module gotime
 * Go's time.Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"), which docker prints for
 * CreatedAt columns: containers and images from a Unix time in the local zone, networks from the
 * RFC 3339 timestamp the daemon sent, keeping its offset and nanoseconds.
 *
 * Zone abbreviations come from Intl, which knows fewer than Go's tzdata: where it has none (e.g.
 * Europe/Berlin in en-US), the numeric form tzdata uses for unnamed zones ("+01") is printed.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function offsetString(offsetMin: number): string {
  const a = Math.abs(offsetMin);
  return (offsetMin < 0 ? '-' : '+') + pad(Math.trunc(a / 60)) + pad(a % 60);
}

function localTimeZone(): string {
  return process.env['TZ'] || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The wall clock, UTC offset (minutes) and abbreviation of an instant in a time zone. */
function zoneInfo(ms: number, timeZone: string): { wall: Date; offset: number; abbr: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit', timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const wallMs = Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), Number(get('hour')), Number(get('minute')), Number(get('second')));
  const offset = Math.round((wallMs - Math.floor(ms / 1000) * 1000) / 60000);
  let abbr = get('timeZoneName');
  if (abbr === 'GMT' && offset === 0 && /^(UTC|Etc\/UTC|Etc\/GMT|GMT|Z)$/.test(timeZone)) abbr = 'UTC';
  if (!/^[A-Z]{2,5}$/.test(abbr) || (abbr === 'GMT' && timeZone !== 'GMT')) {
    const o = offsetString(offset);
    abbr = o.endsWith('00') ? o.slice(0, 3) : o;
  }
  return { wall: new Date(wallMs), offset, abbr };
}

function format(wall: Date, nanos: number, offset: number, abbr: string): string {
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  const frac = nanos > 0 ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return `${date} ${time}${frac} ${offsetString(offset)} ${abbr}`;
}

/** `time.Unix(sec, 0).String()` in the local time zone (or `timeZone`). */
export function goUnixTimeString(unixSeconds: number, timeZone: string = localTimeZone()): string {
  const ms = Math.trunc(unixSeconds) * 1000;
  const { wall, offset, abbr } = zoneInfo(ms, timeZone);
  return format(wall, 0, offset, abbr);
}

/**
 * `String()` of a time.Time decoded from RFC 3339 JSON: "Z" is UTC; an offset that the local zone
 * has at that instant takes the local zone's name; any other offset is an unnamed fixed zone.
 */
export function goTimeString(rfc3339: string, timeZone: string = localTimeZone()): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return rfc3339;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m as unknown as string[];
  const wall = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  wall.setUTCFullYear(Number(y));
  const nanos = Number((frac + '000000000').slice(0, 9));
  if (zone === 'Z' || zone === 'z') return format(wall, nanos, 0, 'UTC');
  const offset = (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  const local = zoneInfo(wall.getTime() - offset * 60000, timeZone);
  return format(wall, nanos, offset, local.offset === offset ? local.abbr : offsetString(offset));
}
