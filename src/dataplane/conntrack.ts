/**
 * @module dataplane/conntrack
 * The kernel's connection tracking table. When an endpoint goes, its address is soon handed to
 * another container (lowest free first), and the conntrack entries of the old one would still
 * match the new one's packets as "established": ICC drops and unpublished-port drops would be
 * skipped, and a published UDP port would keep its old DNAT. Docker deletes those entries on
 * endpoint removal (moby drivers/bridge clearConntrackEntries); so does berth, with conntrack(8).
 */
import { log } from '../lib/log.js';
import { run } from './exec.js';

let missingTool = false;

/**
 * Delete the entries from or to one of `addresses`. Best effort. `-s`: flows the container
 * started (masqueraded or not); `-r` (reply source): flows that reached it, directly or through a
 * published port's DNAT, whose original destination is the host's address, not the container's.
 */
export async function conntrackForget(addresses: string[], opts: { netns?: string } = {}): Promise<void> {
  if (missingTool || addresses.length === 0) return;
  const runOpts = { allowFail: true, ...(opts.netns ? { netns: opts.netns } : {}) };
  // exit 1 with "0 flow entries have been deleted" is the common, fine case
  const jobs = addresses.flatMap((a) => [run(['conntrack', '-D', '-s', a], runOpts), run(['conntrack', '-D', '-r', a], runOpts)]);
  for (const r of await Promise.allSettled(jobs)) {
    // spawn fails (ENOENT), or nsenter cannot execute it (127)
    if (r.status === 'rejected' || r.value.code === 127) {
      missingTool = true;
      log.warn('conntrack(8) is not available: connection tracking entries of removed endpoints are kept', r.status === 'rejected' ? r.reason : r.value.stderr);
      return;
    }
  }
}
