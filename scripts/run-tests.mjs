#!/usr/bin/env node
// Runs the whole vitest suite with the JSON reporter and ends with the plain line CI reads:
// "N passed, N failed". Exit code is non-zero on any failure (or if vitest produced no report).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const report = `${root}.vitest-results.json`;
rmSync(report, { force: true });
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
let passed = 0;
let failed = 1;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A test file that fails to load has no failed *tests*: count it so CI cannot go green on it.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && s.assertionResults.length === 0,
  ).length;
  failed = r.numFailedTests + brokenSuites;
  // Vitest fails the run on an unhandled error (an uncaught exception or rejection while tests ran) without
  // failing any test: count it, so the line never says "0 failed" on a red run.
  if (failed === 0 && run.status !== 0) {
    failed = 1;
    console.log('vitest exited non-zero with no failed test: an unhandled error (see "Unhandled Errors" above)');
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
