import { setTimeout as sleep } from 'node:timers/promises';

/** Poll until `check` is true; fail after the timeout. For state that settles (logs, DNS), not for speed. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
