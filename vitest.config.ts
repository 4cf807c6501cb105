import { defineConfig } from 'vitest/config';

// Node-side suites: `*.test.ts` (Node only) and `*.spec.ts` (environment-neutral,
// also run in Chromium by web-test-runner). `*.browser.test.ts` is Chromium only.
// No 'import' here: vitest hands these to the test processes as `--conditions`,
// and a process-wide `import` condition makes CommonJS `require('pg-pool')`
// (inside `pg`) load the ESM build, so `new pg.Client()` fails.
export default defineConfig({
  resolve: {
    conditions: ['source', 'module', 'node', 'default'],
  },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'] } },
  test: {
    globals: true,
    include: ['**/*.test.ts', '**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts', '**/.pitboss/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
