// Entry of the DuckDB worker: `new Worker(url, { type: 'module' })`.
import { expose } from 'comlink';
import { DuckDBEngine } from './duckdb.engine.js';

// A dedicated worker only hears its creator, whose messages carry an empty
// origin, so comlink's origin check has nothing to filter here; a host that
// re-exposes the engine on a window endpoint passes its own list.
expose(new DuckDBEngine(), globalThis as unknown as Worker, ['*']);
