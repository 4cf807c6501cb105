// The one protocol between the main thread and the DuckDB worker. Both ends
// import it: the worker implements `DuckDBWorkerApi`, the page holds a
// `Remote<DuckDBWorkerApi>`. Byte buffers are transferred in both directions.
import type { Reply } from './errors.js';
import type { ThreadPlan } from './diagnostics.js';

/** What the worker needs to start DuckDB; URLs are absolute. */
export interface DuckDBOpenRequest {
  duckdbWorker: string;
  duckdbWasm: string;
  /**
   * Keep the database in the Origin Private File System under this path
   * (e.g. `'pitboss/analyst.db'`). Omitted: in memory.
   */
  opfsPath?: string;
}

/** Which engine runs, how, and where its data lives. */
export interface DuckDBDiagnostics extends ThreadPlan {
  engine: 'duckdb-wasm';
  /** `@duckdb/duckdb-wasm` package version and DuckDB library version. */
  packageVersion: string;
  libraryVersion: string;
  /**
   * Always `eh` (WebAssembly exceptions, one thread): the multithreaded `coi`
   * bundle failed intermittently on our machines (see README).
   */
  bundle: 'eh';
  assets: { duckdbWorker: string; duckdbWasm: string };
  persistence: {
    /** `opfs://…` when the database lives in OPFS, else `:memory:`. */
    path: string;
    persistent: boolean;
    /** Why a requested OPFS path is not used; `null` otherwise. */
    reason: string | null;
  };
}

/** How to load rows into a table. */
export interface LoadOptions {
  /** Drop the table first if it exists (default: `false`, and loading into an existing table appends). */
  replace?: boolean;
}

/** CSV specifics on top of {@link LoadOptions}. */
export interface CsvLoadOptions extends LoadOptions {
  /** First line holds column names (default: detected). */
  header?: boolean;
  delimiter?: string;
}

/**
 * A value bound to a `$n` placeholder (prepared statement). DuckDB-WASM binds
 * scalars only: a JS number arrives as `DOUBLE` (cast it in SQL where an
 * integer is meant), a string as `VARCHAR`.
 */
export type QueryParam = string | number | boolean | null;

/** The DuckDB worker as the page sees it through comlink. */
export interface DuckDBWorkerApi {
  open(request: DuckDBOpenRequest): Promise<Reply<DuckDBDiagnostics>>;
  /** Arrow IPC stream bytes (transferred) into `table`; resolves to the table's row count. */
  loadArrow(table: string, ipc: Uint8Array, options: LoadOptions): Promise<Reply<number>>;
  /** CSV bytes (transferred) into `table`; resolves to the table's row count. */
  loadCsv(table: string, csv: Uint8Array, options: CsvLoadOptions): Promise<Reply<number>>;
  /**
   * Runs SQL; resolves to the result as Arrow IPC stream bytes (transferred).
   * With `params`, the SQL is a prepared statement and `params[i]` binds `$<i+1>`.
   */
  query(sql: string, params?: readonly QueryParam[]): Promise<Reply<Uint8Array>>;
  /** Cancels the running query, if any; resolves to whether one was running. */
  cancel(): Promise<Reply<boolean>>;
  diagnostics(): Promise<Reply<DuckDBDiagnostics>>;
  /** Checkpoints, releases OPFS handles and stops DuckDB's worker. */
  close(): Promise<Reply<void>>;
}
