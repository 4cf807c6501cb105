// Test-only asset locations: the sources served by web-test-runner (which
// resolves bare imports and compiles TypeScript) and the libraries' own files
// under /node_modules. The built package uses defaultDuckDBAssets() instead.
import type { DuckDBAssets, ScoringAssets } from '../src/assets.js';

export const duckdbTestAssets: DuckDBAssets = {
  worker: new URL('../src/duckdb.worker.ts', import.meta.url),
  duckdbWorker: new URL('/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', import.meta.url),
  duckdbWasm: new URL('/node_modules/@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url),
};

const ort = (file: string): URL => new URL(`/node_modules/onnxruntime-web/dist/${file}`, import.meta.url);

// The dev server resolves onnxruntime-web to its `*.bundle.min.mjs` entries,
// which carry the Emscripten glue inline: only the .wasm files are fetched.
export const scoringTestAssets: ScoringAssets = {
  worker: new URL('../src/scoring.worker.ts', import.meta.url),
  ortWasm: { wasm: ort('ort-wasm-simd-threaded.wasm') },
  ortWebGpu: { wasm: ort('ort-wasm-simd-threaded.asyncify.wasm') },
};
