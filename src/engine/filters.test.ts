import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPruneFilters, matchLabels, matchPruneFilters, parseTimestamp, type Filters } from './filters.js';

const f = (entries: Record<string, string[]>): Filters => new Map(Object.entries(entries));
const CREATED = '2026-01-01T00:00:00Z';

test('prune: label needs every key[=value], label! excludes any match', () => {
  const labels = { app: 'web', tier: 'front' };
  assert.equal(matchPruneFilters(f({}), labels, CREATED), true);
  assert.equal(matchPruneFilters(f({ label: ['app=web', 'tier'] }), labels, CREATED), true);
  assert.equal(matchPruneFilters(f({ label: ['app=db'] }), labels, CREATED), false);
  assert.equal(matchPruneFilters(f({ 'label!': ['tier'] }), labels, CREATED), false);
  assert.equal(matchPruneFilters(f({ 'label!': ['tier=back'] }), labels, CREATED), true);
});

test('prune: until keeps what was created after it', () => {
  assert.equal(matchPruneFilters(f({ until: ['2026-06-01T00:00:00Z'] }), {}, CREATED), true);
  assert.equal(matchPruneFilters(f({ until: ['2025-06-01T00:00:00Z'] }), {}, CREATED), false);
  assert.equal(matchPruneFilters(f({ until: [String(Date.parse(CREATED) / 1000 + 1)] }), {}, CREATED), true);
});

test("prune: other keys and a second until are Docker's errors, even with nothing to prune", () => {
  assert.throws(() => checkPruneFilters(f({ name: ['x'] })), /invalid filter 'name'/);
  assert.throws(() => checkPruneFilters(f({ until: ['1', '2'] })), /more than one until filter specified/);
  assert.doesNotThrow(() => checkPruneFilters(f({ label: ['a'], 'label!': ['b'], until: ['10m'] })));
});

test('labels and timestamps', () => {
  assert.equal(matchLabels([], {}), true);
  assert.equal(matchLabels(['a='], { a: '' }), true);
  assert.equal(parseTimestamp('1.5'), 1500);
  assert.equal(parseTimestamp('10m', 1_000_000), 1_000_000 - 600_000);
});
