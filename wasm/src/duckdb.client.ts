// The page side of duckdb.protocol.ts.
import { tableFromIPC, tableToIPC, type Table, type TypeMap } from 'apache-arrow';
import { transfer } from 'comlink';
import { absolute, defaultDuckDBAssets, type DuckDBAssets } from './assets.js';
import { unwrap } from './errors.js';
import type { CsvLoadOptions, DuckDBDiagnostics, DuckDBWorkerApi, LoadOptions, QueryParam } from './duckdb.protocol.js';
import { openWorkerClient, WorkerClient } from './worker-start.js';

/** Options of {@link openDuckDB}. */
export interface OpenDuckDBOptions {
  /** Override any asset URL; the rest come from the package ({@link defaultDuckDBAssets}). */
  assets?: Partial<DuckDBAssets>;
  /** Keep the database in OPFS under this path so it survives reloads, e.g. `'pitboss/analyst.db'`. */
  opfsPath?: string;
}

/**
 * A DuckDB-WASM database in a worker. Every method is one round trip; byte
 * buffers passed in are transferred (the caller's copy becomes empty).
 * `close()` checkpoints OPFS data and releases its files before the worker ends.
 *
 * @example
 * const db = await openDuckDB({ opfsPath: 'pitboss/analyst.db' });
 * await db.loadArrow('events', tableToIPC(events, 'stream'));
 * const top = await db.queryTable('SELECT player_id, sum(stake) s FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 10');
 * await db.close();
 */
export class DuckDBClient extends WorkerClient<DuckDBWorkerApi> {
  /**
   * Loads an Arrow IPC stream (bytes, transferred) or an Arrow table into `table`; resolves to its row count.
   *
   * @example
   * await db.loadArrow('events', tableFromArrays({ id: Int32Array.from([1, 2]) }), { replace: true });
   */
  async loadArrow(table: string, data: Uint8Array | Table, options: LoadOptions = {}): Promise<number> {
    const bytes = data instanceof Uint8Array ? data : tableToIPC(data, 'stream');
    return unwrap(await this.remote.loadArrow(table, transfer(bytes, [bytes.buffer as ArrayBuffer]), options));
  }

  /**
   * Loads CSV text or bytes into `table` (types detected); resolves to its row count.
   *
   * @example
   * await db.loadCsv('players', 'id,name\n1,Ana\n');
   */
  async loadCsv(table: string, csv: string | Uint8Array, options: CsvLoadOptions = {}): Promise<number> {
    const bytes = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
    return unwrap(await this.remote.loadCsv(table, transfer(bytes, [bytes.buffer as ArrayBuffer]), options));
  }

  /**
   * Runs SQL; resolves to the result as Arrow IPC stream bytes. Rejects with
   * `DuckDBQueryError` (DuckDB's message, the SQL) or `QueryCancelledError`.
   *
   * With `params`, `$1..$n` are bound values (a prepared statement), never SQL text.
   *
   * @example
   * const ipc = await db.query('SELECT 42 AS answer');
   * const mine = await db.query('SELECT count(*) AS n FROM events WHERE player_id = $1', ['p-1']);
   */
  async query(sql: string, params?: readonly QueryParam[]): Promise<Uint8Array> {
    return unwrap(await (params && params.length > 0 ? this.remote.query(sql, [...params]) : this.remote.query(sql)));
  }

  /**
   * Runs SQL (with optional `$n` parameters) and rebuilds the result as an apache-arrow `Table` on this thread.
   *
   * @example
   * const t = await db.queryTable<{ n: Int32 }>('SELECT 1::INTEGER AS n');
   * const b = await db.queryTable('SELECT CAST($1 AS INTEGER) + 1 AS n', [41]);
   */
  async queryTable<T extends TypeMap = TypeMap>(sql: string, params?: readonly QueryParam[]): Promise<Table<T>> {
    return tableFromIPC(await this.query(sql, params)) as unknown as Table<T>;
  }

  /**
   * Cancels the running query; it rejects with `QueryCancelledError`. Resolves to whether one was running.
   *
   * @example
   * const pending = db.query(slow); await db.cancel();
   */
  async cancel(): Promise<boolean> {
    return unwrap(await this.remote.cancel());
  }

  /**
   * Engine, bundle, threads (and why they are off) and persistence.
   *
   * @example
   * const d = await db.diagnostics(); console.log(d.bundle, d.threads, d.threadsOffReason);
   */
  async diagnostics(): Promise<DuckDBDiagnostics> {
    return unwrap(await this.remote.diagnostics());
  }
}

/**
 * Starts the DuckDB worker (bundle `eh`, assets from this package unless
 * overridden) and opens a database, in memory or in OPFS.
 *
 * @example
 * const db = await openDuckDB();
 * const answer = await db.queryTable('SELECT 42 AS answer');
 */
export async function openDuckDB(options: OpenDuckDBOptions = {}): Promise<DuckDBClient> {
  const assets = { ...defaultDuckDBAssets(), ...options.assets };
  return openWorkerClient(assets.worker, 'pitboss-duckdb', (worker) => new DuckDBClient(worker), (c) =>
    c.remote.open({
      duckdbWorker: absolute(assets.duckdbWorker),
      duckdbWasm: absolute(assets.duckdbWasm),
      ...(options.opfsPath !== undefined ? { opfsPath: options.opfsPath } : {}),
    }),
  );
}
