/**
 * Test fixture for supervisor.test.ts: a short-lived "daemon" that spawns a shim and exits, so the
 * test can prove the shim outlives its spawner. argv[2]: JSON { paths: SupervisorPaths, start: ShimStart }.
 * Prints the create() result as one JSON line.
 */
import { Supervisor, type ShimStart, type SupervisorPaths } from './supervisor.js';

const { paths, start } = JSON.parse(process.argv[2]!) as { paths: SupervisorPaths; start: ShimStart };
const result = await new Supervisor(paths).create(start);
process.stdout.write(`${JSON.stringify(result)}\n`);
