/**
 * @module engine/signals
 * Docker accepts signals as numbers, "KILL" or "SIGKILL" (any case).
 */
import { constants } from 'node:os';
import { invalidParameter } from '../lib/errors.js';

export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number') return signal;
  const raw = signal.trim();
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n < 1 || n > 64) throw invalidParameter(`Invalid signal: ${signal}`);
    return n;
  }
  const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  const n = (constants.signals as Record<string, number>)[name];
  if (n === undefined) throw invalidParameter(`Invalid signal: ${signal}`);
  return n;
}
