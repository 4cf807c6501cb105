// Browser suites in Debian's Chromium: `*.spec.ts` (environment-neutral) and
// `*.browser.test.ts` (Chromium only). Pins and flags: ../shared/TOOLCHAIN.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'pitboss-wtr-'));

/** Writes pass/fail counts for test/run-all.mjs, which prints the closing line. */
function countingReporter(outFile) {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      const failures = [];
      const walk = (suite, file) => {
        for (const t of suite.tests ?? []) {
          if (t.skipped) continue;
          if (t.passed) passed++;
          else {
            failed++;
            failures.push(`${file}: ${t.name}`);
          }
        }
        for (const s of suite.suites ?? []) walk(s, file);
      };
      for (const s of sessions) {
        if (s.testResults) walk(s.testResults, s.testFile);
        // A file that failed to load (syntax error, import error) has no results: count it.
        if (!s.passed && (!s.testResults || (s.errors?.length ?? 0) > 0)) {
          failed++;
          failures.push(`${s.testFile}: ${(s.errors ?? []).map((e) => e.message).join('; ') || 'session failed'}`);
        }
      }
      if (outFile) writeFileSync(outFile, JSON.stringify({ passed, failed, failures }));
    },
  };
}

export default {
  files: ['**/*.spec.ts', '**/*.browser.test.ts', '!**/node_modules/**', '!**/dist/**'],
  rootDir: '.',
  nodeResolve: { exportConditions: ['source', 'browser', 'import'] },
  plugins: [esbuildPlugin({ ts: true, tsconfig: new URL('./tsconfig.base.json', import.meta.url).pathname, target: 'es2022' })],
  concurrency: 2,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 60_000 } },
  browsers: [
    chromeLauncher({
      // Test files run in concurrent pages. Tabs of one window are hidden except the
      // newest, and a hidden page gets no requestAnimationFrame: frame-driven suites
      // (the risk gauge's arc, the table's scroll) would stall until their timeouts.
      // A window per page keeps every page visible (same profile, so OPFS as before).
      createPage: ({ context }) => context.newPage({ type: 'window' }),
      launchOptions: {
        executablePath: chromium,
        headless: true,
        args: [
          '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync',
          '--enable-unsafe-webgpu', `--user-data-dir=${userDataDir}`,
        ],
      },
    }),
  ],
  reporters: [defaultReporter(), countingReporter(process.env.PITBOSS_WTR_RESULTS)],
};
