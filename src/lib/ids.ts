/**
 * @module ids
 * Docker-style identifiers: 64 hex characters, shown as their first 12; the name rule
 * `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; and random "adjective_person" container names.
 */
import { randomBytes } from 'node:crypto';
import { invalidParameter } from './errors.js';

export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function randomHex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function isValidName(name: string): boolean {
  return NAME_RULE.test(name);
}

/** Docker: `Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`. */
export function checkContainerName(name: string): void {
  if (!isValidName(name)) throw invalidParameter(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
}

// Our own short lists (not Docker's); the shape `adjective_surname` is what users recognise.
const ADJECTIVES = [
  'agile', 'bold', 'brave', 'bright', 'calm', 'clever', 'cool', 'crisp', 'eager', 'fair', 'fond', 'gentle', 'happy',
  'jolly', 'keen', 'kind', 'lucid', 'merry', 'nifty', 'noble', 'quick', 'quiet', 'sharp', 'steady', 'sunny', 'swift',
  'tender', 'vivid', 'warm', 'wise', 'witty', 'zen',
];
const PEOPLE = [
  'babbage', 'bohr', 'curie', 'dijkstra', 'euler', 'fermi', 'gauss', 'hamilton', 'hopper', 'hypatia', 'johnson',
  'kepler', 'knuth', 'lamarr', 'lovelace', 'maxwell', 'meitner', 'newton', 'noether', 'pascal', 'planck', 'ritchie',
  'shannon', 'thompson', 'turing', 'wozniak', 'yalow', 'zuse',
];

export function randomName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const pick = <T>(list: T[]) => list[randomBytes(1)[0]! % list.length]!;
    let name = `${pick(ADJECTIVES)}_${pick(PEOPLE)}`;
    if (attempt > 10) name += randomBytes(1)[0]! % 10;
    if (!taken(name)) return name;
  }
}

/** RFC3339Nano in UTC, as Docker prints `Created`/`StartedAt`. */
export function nowRfc3339Nano(date = new Date(), extraNanos = process.hrtime.bigint() % 1_000_000n): string {
  const iso = date.toISOString(); // 2026-11-23T21:42:00.123Z
  return `${iso.slice(0, 23)}${extraNanos.toString().padStart(6, '0')}Z`;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
