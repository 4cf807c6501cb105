// One esbuild configuration for every example that runs in a browser. Workspace
// packages are taken from their TypeScript sources (the `source` export
// condition), so an example builds on a fresh clone without `npm run build`.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  const result = await build({
    write: false,
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
  // Written beside and renamed into place: two tests building the same example at once never serve half a file.
  await mkdir(dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, file.path);
  }
  return { outfile, ms: Date.now() - t0 };
}
