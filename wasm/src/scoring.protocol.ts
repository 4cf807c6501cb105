// The one protocol between the main thread and the scoring worker. Both ends
// import it: the worker implements `ScoringWorkerApi`, the page holds a
// `Remote<ScoringWorkerApi>`. Model bytes, inputs and outputs are transferred.
import type { Reply } from './errors.js';
import type { ThreadPlan, WebGpuProbe } from './diagnostics.js';

/** Which onnxruntime-web execution provider runs a model. */
export type ExecutionProvider = 'webgpu' | 'wasm';

/** `auto`: WebGPU when an adapter exists, else WASM. */
export type ProviderPreference = ExecutionProvider | 'auto';

/** What the worker needs to start onnxruntime-web; URLs are absolute. */
export interface ScoringInitRequest {
  ortWasm: { mjs?: string; wasm: string };
  ortWebGpu: { mjs?: string; wasm: string };
  /** Upper bound on WASM threads; only used when the page is cross-origin isolated. */
  maxThreads: number;
}

/** A loaded model, as the worker sees it. */
export interface ModelInfo {
  provider: ExecutionProvider;
  inputName: string;
  /** The output read as probabilities: `probability` when the model has one, else its first output. */
  outputName: string;
  inputNames: string[];
  outputNames: string[];
  /** Second dimension of the input when the model declares it, else `null`. */
  features: number | null;
}

/** Which engine runs, how, and whether WebGPU was there. */
export interface ScoringDiagnostics extends ThreadPlan {
  engine: 'onnxruntime-web';
  packageVersion: string;
  /** The onnxruntime-web build in use: `wasm` (plain SIMD) or `webgpu` (asyncify + WebGPU); `null` before a model is loaded. */
  bundle: ExecutionProvider | null;
  /** Provider of the loaded model; `null` before one is loaded. */
  provider: ExecutionProvider | null;
  webgpu: WebGpuProbe;
  assets: { wasm: ScoringInitRequest['ortWasm']; webgpu: ScoringInitRequest['ortWebGpu'] } | null;
}

/** The scoring worker as the page sees it through comlink. */
export interface ScoringWorkerApi {
  init(request: ScoringInitRequest): Promise<Reply<ScoringDiagnostics>>;
  /** ONNX bytes (transferred) → a session on the chosen provider. */
  load(model: Uint8Array, preference: ProviderPreference): Promise<Reply<ModelInfo>>;
  /** `rows × features` float32 values, row-major (transferred) → one probability per row (transferred back). */
  run(input: Float32Array, rows: number): Promise<Reply<Float32Array>>;
  diagnostics(): Promise<Reply<ScoringDiagnostics>>;
  /** Releases the session. */
  close(): Promise<Reply<void>>;
}
