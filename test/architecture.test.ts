/**
 * The layering rules from docs/CONVENTIONS.md, checked on the source: dependencies point down,
 * only dataplane/ spawns processes, only api/ and the CLI client speak HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './helpers/testhost.js';

const SRC = join(REPO, 'src');
const LAYER: Record<string, number> = {
  lib: 0, store: 1, dataplane: 1, ipam: 1, dns: 2, runtime: 2, ports: 2, drivers: 2,
  engine: 3, api: 4, web: 4, daemon: 5, cli: 6,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('fixture') ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ path, rel: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

test('only src/dataplane spawns processes', () => {
  const offenders = files.filter((f) => /node:child_process/.test(f.text) && !f.rel.startsWith('dataplane/'));
  assert.deepEqual(offenders.map((f) => f.rel), []);
});

test('only the API server and the CLI client speak HTTP', () => {
  const offenders = files.filter((f) => /'node:https?'/.test(f.text) && !f.rel.startsWith('api/') && !f.rel.startsWith('cli/'));
  assert.deepEqual(offenders.map((f) => f.rel), []);
});

test('dependencies point down the layers', () => {
  const violations: string[] = [];
  for (const f of files) {
    const from = f.rel.split('/')[0]!;
    for (const spec of importsOf(f.text)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, join(f.path, '..', spec)).split('/')[0]!;
      if (target === from || !(target in LAYER) || !(from in LAYER)) continue;
      if (LAYER[target]! > LAYER[from]! || LAYER[target] === LAYER[from]) {
        violations.push(`${f.rel} -> ${spec}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
