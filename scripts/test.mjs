#!/usr/bin/env node
// `npm test`: every suite (vitest: unit + integration + short chaos; Playwright: end-to-end in
// Chromium), then one closing line `N passed, N failed` over all of them. Exits non-zero
// when anything failed or nothing ran. `npm test -- --only=vitest|e2e` runs one suite.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const extra = process.argv.slice(2).filter((a) => !a.startsWith('--only='));

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (!only || only === 'vitest') {
  const file = join(out, 'vitest.json');
  const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...extra]);
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    // A suite that failed to load counts as a failure even though no test in it ran.
    const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
    totals.failed += brokenFiles;
    if (code !== 0 && r.numFailedTests === 0 && brokenFiles === 0) { totals.failed += 1; problems.push(`vitest exited ${code}`); }
  } else {
    totals.failed += 1;
    problems.push(`vitest exited ${code} without a report`);
  }
}

if (!only || only === 'e2e') {
  const file = join(out, 'playwright.json');
  const code = run('npx', ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', ...extra], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  });
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const s = r.stats;
    totals.passed += s.expected + (s.flaky ?? 0);
    totals.failed += s.unexpected;
    totals.skipped += s.skipped;
    if (r.errors?.length) { totals.failed += r.errors.length; problems.push(...r.errors.map((e) => e.message?.split('\n')[0])); }
    if (code !== 0 && s.unexpected === 0 && !r.errors?.length) { totals.failed += 1; problems.push(`playwright exited ${code}`); }
  } else {
    totals.failed += 1;
    problems.push(`playwright exited ${code} without a report`);
  }
}

for (const p of problems) console.log(`problem: ${p}`);
const ran = totals.passed + totals.failed;
if (ran === 0) console.log('no test ran');
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 || ran === 0 ? 1 : 0);
