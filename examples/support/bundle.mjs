// One esbuild configuration for every example that runs in a browser. Workspace
// packages are taken from their TypeScript sources (the `source` export
// condition), so an example builds on a fresh clone without `npm run build`.
import { build } from 'esbuild';

/**
 * Bundles `entry` (and everything it imports, node_modules included) into one
 * ES module at `outfile`.
 *
 * @example
 * await bundle('examples/react/src/main.tsx', 'examples/react/dist/app.js');
 */
export async function bundle(entry, outfile) {
  const t0 = Date.now();
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    // Lit's decorators as the components are written (TypeScript's legacy decorators).
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    jsx: 'automatic',
    // Vue's full build (with the template compiler), so the Vue example can use template strings.
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return { outfile, ms: Date.now() - t0 };
}
