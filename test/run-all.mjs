#!/usr/bin/env node
// `npm test`: every suite — vitest (Node), web-test-runner (Chromium) and the
// whole-tree typecheck — then one closing line, `N passed, N failed`.
// Pick suites with `npm test -- node browser types`; extra vitest filters after `--`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const picked = (dashdash < 0 ? argv : argv.slice(0, dashdash)).filter((a) => ['node', 'browser', 'types'].includes(a));
const passthrough = dashdash < 0 ? [] : argv.slice(dashdash + 1);
const want = (s) => picked.length === 0 || picked.includes(s);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (want('browser') && !existsSync(chromium)) {
  console.error(
    `Chromium was not found at ${chromium}; the browser suites need it.\n` +
      `Install Debian's package:  sudo apt-get install -y chromium\n` +
      `or point CHROMIUM_PATH at another Chromium/Chrome binary.`,
  );
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const results = [];
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;

if (want('node')) {
  const out = join(tmp, 'vitest.json');
  rmSync(out, { force: true });
  const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...passthrough]);
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests;
    // A file that fails to load has no tests to fail: count it once.
    for (const f of r.testResults ?? []) if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed++;
  }
  if (status !== 0 && failed === 0) failed = 1;
  results.push({ suite: 'node (vitest)', passed, failed });
}

if (want('browser')) {
  const out = join(tmp, 'wtr.json');
  rmSync(out, { force: true });
  const status = run(bin('web-test-runner'), ['--config', 'web-test-runner.config.mjs'], { PITBOSS_WTR_RESULTS: out });
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) ({ passed, failed } = JSON.parse(readFileSync(out, 'utf8')));
  if (status !== 0 && failed === 0) failed = 1;
  results.push({ suite: 'browser (web-test-runner, Chromium)', passed, failed });
}

// Browser suites that need the real API in the dev server's process (TypeScript sources, hence tsx).
if (want('browser')) {
  const out = join(tmp, 'wtr-api.json');
  rmSync(out, { force: true });
  const status = run(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'node_modules/@web/test-runner/dist/bin.js'), '--config', 'sdk/web-test-runner.config.mjs'], { PITBOSS_WTR_RESULTS: out });
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) ({ passed, failed } = JSON.parse(readFileSync(out, 'utf8')));
  if (status !== 0 && failed === 0) failed = 1;
  results.push({ suite: 'browser against the API (web-test-runner, Chromium)', passed, failed });
}

if (want('types')) {
  const status = run(bin('tsc'), ['-p', 'tsconfig.json']);
  results.push({ suite: 'typecheck (tsc, whole tree)', passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1 });
}

console.log('');
for (const r of results) console.log(`  ${r.suite}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
