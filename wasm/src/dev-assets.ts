// Asset URLs for development servers that compile TypeScript on the fly
// (web-test-runner, Vite's dev server): the workers as sources next to this
// file, the libraries' files under the server's node_modules. Published as
// `@pitboss/wasm/dev-assets` under the `source` condition only; applications
// use the built package and its defaults.
import type { DuckDBAssets, ScoringAssets } from './assets.js';

/**
 * DuckDB assets for a dev server that serves the workspace root.
 *
 * @example
 * const db = await openDuckDB({ assets: devDuckDBAssets() });
 */
export function devDuckDBAssets(nodeModules = '/node_modules/'): DuckDBAssets {
  const base = new URL(nodeModules, import.meta.url);
  return {
    worker: new URL('./duckdb.worker.ts', import.meta.url),
    duckdbWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', base),
    duckdbWasm: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', base),
  };
}

/**
 * Scoring assets for a dev server that serves the workspace root. Dev
 * servers resolve onnxruntime-web to its `*.bundle.min.mjs` entries, which
 * inline the Emscripten glue, so only the `.wasm` files are named.
 *
 * @example
 * const scorer = await openScorer({ assets: devScoringAssets() });
 */
export function devScoringAssets(nodeModules = '/node_modules/'): ScoringAssets {
  const base = new URL(nodeModules, import.meta.url);
  return {
    worker: new URL('./scoring.worker.ts', import.meta.url),
    ortWasm: { wasm: new URL('onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', base) },
    ortWebGpu: { wasm: new URL('onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm', base) },
  };
}
