// @pitboss/wasm: DuckDB-WASM and onnxruntime-web in workers, behind one typed
// comlink protocol each. Nothing here starts a worker until it is called.
export { openDuckDB, DuckDBClient, type OpenDuckDBOptions } from './duckdb.client.js';
export type { DuckDBWorkerApi, DuckDBOpenRequest, DuckDBDiagnostics, LoadOptions, CsvLoadOptions, QueryParam } from './duckdb.protocol.js';
export { openScorer, Scorer, type OpenScorerOptions } from './scoring.client.js';
export type {
  ScoringWorkerApi,
  ScoringInitRequest,
  ScoringDiagnostics,
  ModelInfo,
  ExecutionProvider,
  ProviderPreference,
} from './scoring.protocol.js';
export { defaultDuckDBAssets, defaultScoringAssets, type AssetUrl, type DuckDBAssets, type ScoringAssets, type OrtFiles } from './assets.js';
export { planThreads, probeWebGpu, opfsSupport, NOT_ISOLATED, type ThreadPlan, type WebGpuProbe } from './diagnostics.js';
export {
  DuckDBQueryError,
  QueryCancelledError,
  ScoringError,
  WorkerError,
  serializeError,
  rebuildError,
  type SerializedError,
  type Reply,
} from './errors.js';
