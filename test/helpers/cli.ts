/**
 * Which CLI an integration test drives: the berth CLI or the real docker CLI, both against the
 * same test-host daemon. Both print docker's output formats, so a test written once runs with
 * either; the seed tutorials run with both.
 *
 *   for (const name of CLIS) describe(`seed 000 (${name})`, () => { ... const run = cli(host, name); ... });
 *   const r = await run(['network', 'ls']);
 */
import type { RunOptions, RunResult, TestHost } from './testhost.js';

export type CliName = 'berth' | 'docker';
export type Cli = (args: string[], opts?: RunOptions) => Promise<RunResult>;

/** Every CLI the compatibility-sensitive tests run with; BERTH_TEST_CLI=berth|docker narrows it to one. */
export const CLIS: CliName[] = (() => {
  const only = process.env.BERTH_TEST_CLI;
  return only === 'berth' || only === 'docker' ? [only] : ['berth', 'docker'];
})();

export function cli(host: TestHost, name: CliName): Cli {
  return name === 'docker' ? (args, opts) => host.docker(args, opts) : (args, opts) => host.berth(args, opts);
}
