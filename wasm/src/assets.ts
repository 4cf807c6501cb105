/** A URL the browser can fetch: absolute, or relative to the page. */
export type AssetUrl = string | URL;

/** Where the DuckDB worker finds its code. Every path can be overridden by the host. */
export interface DuckDBAssets {
  /** Our comlink worker (`duckdb.worker.js`). */
  worker: AssetUrl;
  /** DuckDB's own worker for the `eh` bundle (`duckdb-browser-eh.worker.js`). */
  duckdbWorker: AssetUrl;
  /** The `eh` bundle's WebAssembly (`duckdb-eh.wasm`). */
  duckdbWasm: AssetUrl;
}

/**
 * One onnxruntime-web build: its Emscripten glue and its WebAssembly. `mjs`
 * may be left out when the worker was bundled with the glue inlined
 * (onnxruntime-web's default `*.bundle.min.mjs` entry, as a dev server
 * resolves it); the built package uses the external glue, which is what
 * threaded pages need.
 */
export interface OrtFiles {
  mjs?: AssetUrl;
  wasm: AssetUrl;
}

/** Where the scoring worker finds its code. Every path can be overridden by the host. */
export interface ScoringAssets {
  /** Our comlink worker (`scoring.worker.js`). */
  worker: AssetUrl;
  /** onnxruntime-web's WASM build (`ort-wasm-simd-threaded.{mjs,wasm}`). */
  ortWasm: OrtFiles;
  /** onnxruntime-web's WebGPU build (`ort-wasm-simd-threaded.asyncify.{mjs,wasm}`). */
  ortWebGpu: OrtFiles;
}

// The `new URL('./…', import.meta.url)` form is the one bundlers (Vite,
// webpack 5, Rollup plugins) recognise and rewrite; the files sit next to
// dist/index.js, copied there by rollup.config.mjs. Never a CDN.
/**
 * The package's own copies of the DuckDB assets.
 *
 * @example
 * const db = await openDuckDB({ assets: { ...defaultDuckDBAssets(), duckdbWasm: '/static/duckdb-eh.wasm' } });
 */
export function defaultDuckDBAssets(): DuckDBAssets {
  return {
    worker: new URL('./duckdb.worker.js', import.meta.url),
    duckdbWorker: new URL('./assets/duckdb-browser-eh.worker.js', import.meta.url),
    duckdbWasm: new URL('./assets/duckdb-eh.wasm', import.meta.url),
  };
}

/**
 * The package's own copies of the onnxruntime-web assets.
 *
 * @example
 * const scorer = await openScorer({ assets: defaultScoringAssets() });
 */
export function defaultScoringAssets(): ScoringAssets {
  return {
    worker: new URL('./scoring.worker.js', import.meta.url),
    ortWasm: {
      mjs: new URL('./assets/ort-wasm-simd-threaded.mjs', import.meta.url),
      wasm: new URL('./assets/ort-wasm-simd-threaded.wasm', import.meta.url),
    },
    ortWebGpu: {
      mjs: new URL('./assets/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url),
      wasm: new URL('./assets/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url),
    },
  };
}

/**
 * {@link OrtFiles} as absolute URL text.
 *
 * @example
 * absoluteOrt({ wasm: '/assets/ort-wasm-simd-threaded.wasm' }); // { wasm: 'https://host/assets/…' }
 */
export function absoluteOrt(files: OrtFiles): { mjs?: string; wasm: string } {
  return files.mjs === undefined ? { wasm: absolute(files.wasm) } : { mjs: absolute(files.mjs), wasm: absolute(files.wasm) };
}

/**
 * Absolute URL text, resolved against the current location, for posting to a worker.
 *
 * @example
 * absolute('/assets/duckdb-eh.wasm'); // 'https://host/assets/duckdb-eh.wasm'
 */
export function absolute(url: AssetUrl): string {
  return new URL(String(url), globalThis.location?.href).href;
}
