// Browser packages: one ESM bundle per package (dist/index.js), dependencies
// left external so an application bundles one copy of lit, comlink, etc.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { minifyCssLiterals } from './scripts/minify-css-literals.mjs';
import { minifyHtmlLiterals } from './scripts/minify-html-literals.mjs';

const dir = process.env.PKG;
if (!dir) throw new Error('rollup.config.mjs: set PKG (e.g. --environment PKG:components)');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];

const isComponents = dir.replace(/\/+$/, '') === 'components';

const main = {
  input: join(dir, 'src/index.ts'),
  // The components' entry imports lazy chunks (locales, the console's engine, the card's timeline)
  // that share modules with it. Rollup's default keeps the entry's export list exact by emitting it
  // as a facade over a second chunk holding the code, re-importing and re-exporting every name
  // (0.4 KB gzip); 'allow-extension' keeps the code in the entry, which also exports the few
  // internal bindings the lazy chunks import, under one-letter names outside the typed surface
  // (dist/index.d.ts declares only the curated exports).
  ...(isComponents ? { preserveEntrySignatures: 'allow-extension' } : {}),
  external: (id) => external.some((d) => id === d || id.startsWith(`${d}/`)),
  output: { dir: join(dir, 'dist'), format: 'es', sourcemap: true, preserveModules: false },
  plugins: [
    // The components' Lit styles and templates ship minified: application bundlers
    // minify the JavaScript around a css``/html`` template but leave its text as written.
    ...(isComponents ? [minifyCssLiterals(), minifyHtmlLiterals()] : []),
    nodeResolve({ exportConditions: ['source', 'browser', 'import'], extensions: ['.ts', '.js'] }),
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.base.json' }),
  ],
};

// --- @pitboss/wasm -----------------------------------------------------------
// Worker entries are loaded by URL, so they cannot rely on the host's bundler:
// they carry their dependencies. onnxruntime-web is taken in its
// "use-extern-wasm" form (Emscripten glue as a separate .mjs) so that threaded,
// cross-origin isolated pages can start pthread workers from that file. The
// WebAssembly and DuckDB's own worker are copied next to the bundle, where
// src/assets.ts points (`new URL('./assets/…', import.meta.url)`).
const wasmAssets = [
  '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm',
  '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js',
  'onnxruntime-web/ort-wasm-simd-threaded.mjs',
  'onnxruntime-web/ort-wasm-simd-threaded.wasm',
  'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs',
  'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm',
];

function copyWasmAssets() {
  const require = createRequire(join(process.cwd(), dir, 'package.json'));
  return {
    name: 'pitboss-copy-wasm-assets',
    writeBundle(options) {
      const to = join(options.dir, 'assets');
      mkdirSync(to, { recursive: true });
      for (const specifier of wasmAssets) copyFileSync(require.resolve(specifier), join(to, basename(specifier)));
    },
  };
}

const wasmWorkers = {
  input: { 'duckdb.worker': join(dir, 'src/duckdb.worker.ts'), 'scoring.worker': join(dir, 'src/scoring.worker.ts') },
  output: { dir: join(dir, 'dist'), format: 'es', sourcemap: true, chunkFileNames: 'chunks/[name]-[hash].js' },
  plugins: [
    nodeResolve({
      exportConditions: ['source', 'onnxruntime-web-use-extern-wasm', 'browser', 'import', 'default'],
      extensions: ['.ts', '.js'],
      browser: true,
    }),
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.base.json' }),
    copyWasmAssets(),
  ],
  onwarn(warning, warn) {
    // apache-arrow and onnxruntime-web ship circular imports and `this` at top level; both are harmless here.
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'EVAL') return;
    warn(warning);
  },
};

export default dir.replace(/\/+$/, '') === 'wasm' ? [main, wasmWorkers] : main;
