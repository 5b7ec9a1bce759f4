/**
 * @module dataplane/ps
 * The host's `ps`, for `docker top`: Docker runs it on the host and keeps the rows of the
 * container's processes (moby daemon/top_unix.go).
 */
import { ExecError, run } from './exec.js';
import { systemError } from '../lib/errors.js';

/** `ps <args>`'s output; a failure carries the first line ps printed on stderr, as moby reports it. */
export async function hostPs(args: string[]): Promise<string> {
  try {
    return (await run(['ps', ...args], { timeoutMs: 30_000 })).stdout;
  } catch (err) {
    const first = err instanceof ExecError ? err.stderr.split('\n')[0] : '';
    throw systemError(`ps: ${first || (err as Error).message}`, err);
  }
}
