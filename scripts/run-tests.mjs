#!/usr/bin/env node
// Runs every compiled test (unit tests next to the code, integration tests under test/) with
// node's test runner, so the output ends with its summary. `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // optional substrings to select test files

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(find(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = [...find(join(root, 'dist/src')), ...find(join(root, 'dist/test'))]
  .filter((f) => only.length === 0 || only.some((s) => f.includes(s)))
  .sort();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=900000', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
