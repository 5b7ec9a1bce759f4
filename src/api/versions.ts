/**
 * @module api/versions
 * Engine API version arithmetic, the way moby's `api/types/versions` does it: dotted numbers
 * compared field by field, a missing or non-numeric field counting as 0.
 */
import { invalidParameter } from '../lib/errors.js';

/** -1, 0 or 1 as `a` is lower than, equal to or higher than `b` ("1.9" < "1.10"). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = toField(x[i]);
    const q = toField(y[i]);
    if (p !== q) return p > q ? 1 : -1;
  }
  return 0;
}

const toField = (s: string | undefined): number => (s !== undefined && /^\d+$/.test(s) ? Number(s) : 0);

export const versionLessThan = (a: string, b: string): boolean => compareVersions(a, b) < 0;
export const versionAtLeast = (a: string, b: string): boolean => compareVersions(a, b) >= 0;

/** The range of API versions the server accepts: `api` is the newest (and the default), `minApi` the oldest. */
export interface ApiVersionRange {
  api: string;
  minApi: string;
}

/** Reject a requested version outside the range, with moby's wording (VersionMiddleware). */
export function checkApiVersion(requested: string, range: ApiVersionRange): void {
  if (versionLessThan(requested, range.minApi)) {
    throw invalidParameter(
      `client version ${requested} is too old. Minimum supported API version is ${range.minApi}, please upgrade your client to a newer version`,
    );
  }
  if (compareVersions(requested, range.api) > 0) {
    throw invalidParameter(`client version ${requested} is too new. Maximum supported API version is ${range.api}`);
  }
}
