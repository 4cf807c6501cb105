// Entry of the scoring worker: `new Worker(url, { type: 'module' })`.
import { expose } from 'comlink';
import { ScoringEngine } from './scoring.engine.js';

// See duckdb.worker.ts: a dedicated worker's messages carry an empty origin.
expose(new ScoringEngine(), globalThis as unknown as Worker, ['*']);
