// The page side of scoring.protocol.ts.
import { transfer } from 'comlink';
import { absoluteOrt, defaultScoringAssets, type ScoringAssets } from './assets.js';
import { unwrap } from './errors.js';
import type { ModelInfo, ProviderPreference, ScoringDiagnostics, ScoringWorkerApi } from './scoring.protocol.js';
import { openWorkerClient, WorkerClient } from './worker-start.js';

/** Options of {@link openScorer}. */
export interface OpenScorerOptions {
  /** Override any asset URL; the rest come from the package ({@link defaultScoringAssets}). */
  assets?: Partial<ScoringAssets>;
  /** Upper bound on WASM threads when the page is cross-origin isolated (default 4). */
  maxThreads?: number;
}

/**
 * onnxruntime-web in a worker: load an ONNX model, score batches of rows.
 * Model bytes and inputs are transferred (the caller's copy becomes empty).
 * `close()` releases the model before the worker ends.
 *
 * @example
 * const scorer = await openScorer();
 * const model = await scorer.load(onnxBytes);            // WebGPU if an adapter exists, else WASM
 * const p = await scorer.score(features, rows);          // Float32Array, one probability per row
 * await scorer.close();
 */
export class Scorer extends WorkerClient<ScoringWorkerApi> {
  /**
   * Loads an ONNX model (bytes, transferred) and replaces the previous one.
   *
   * @example
   * const info = await scorer.load(bytes, 'wasm'); console.log(info.provider);
   */
  async load(model: Uint8Array | ArrayBuffer, provider: ProviderPreference = 'auto'): Promise<ModelInfo> {
    const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
    return unwrap(await this.remote.load(transfer(bytes, [bytes.buffer as ArrayBuffer]), provider));
  }

  /**
   * Scores `rows` rows of row-major float32 features (transferred); resolves to one probability per row.
   *
   * @example
   * const p = await scorer.score(Float32Array.from([0.1, 2, 3, 0.4, 5, 6]), 2); // p.length === 2
   */
  async score(features: Float32Array, rows: number): Promise<Float32Array> {
    return unwrap(await this.remote.run(transfer(features, [features.buffer as ArrayBuffer]), rows));
  }

  /**
   * Engine, build, provider, threads (and why they are off) and whether WebGPU was found.
   *
   * @example
   * const d = await scorer.diagnostics(); if (!d.webgpu.found) console.info(d.webgpu.reason);
   */
  async diagnostics(): Promise<ScoringDiagnostics> {
    return unwrap(await this.remote.diagnostics());
  }
}

/**
 * Starts the scoring worker (assets from this package unless overridden) and
 * probes WebGPU; load a model next.
 *
 * @example
 * const scorer = await openScorer({ maxThreads: 2 });
 */
export async function openScorer(options: OpenScorerOptions = {}): Promise<Scorer> {
  const assets = { ...defaultScoringAssets(), ...options.assets };
  return openWorkerClient(assets.worker, 'pitboss-scoring', (worker) => new Scorer(worker), (s) =>
    s.remote.init({
      ortWasm: absoluteOrt(assets.ortWasm),
      ortWebGpu: absoluteOrt(assets.ortWebGpu),
      maxThreads: options.maxThreads ?? 4,
    }),
  );
}
