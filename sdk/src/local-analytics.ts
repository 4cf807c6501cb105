import type { Table } from 'apache-arrow';
import { openDuckDB } from '@pitboss/wasm';
import type { DuckDBClient, OpenDuckDBOptions } from '@pitboss/wasm';
import type { PitbossClient } from './client.js';
import { quoteIdent } from './local-datasource.js';

/** Tables `GET /v1/export/{table}` serves. */
export type ExportTable = 'players' | 'events' | 'features';

export interface ExportQuery {
  /** Inclusive lower bound of the table's time column (ISO 8601 with offset). */
  from?: string;
  /** Exclusive upper bound. */
  to?: string;
  /** Id of a saved segment (players and features only). */
  segment?: string;
  /** Rows per Arrow record batch, 100..50000. */
  batchRows?: number;
}

/**
 * Analyst SQL in the browser: exports from the API loaded into DuckDB-WASM
 * in a worker (`@pitboss/wasm`), queried without touching the production
 * database. Results are apache-arrow `Table`s.
 *
 * @example
 * const local = await LocalAnalytics.open({ client });
 * await local.loadExport('events', { from: '2026-01-01T00:00:00Z' });
 * const t = await local.query('SELECT type, count(*) AS n FROM events GROUP BY 1');
 */
export class LocalAnalytics {
  readonly db: DuckDBClient;
  readonly #client: PitbossClient | undefined;

  constructor(db: DuckDBClient, client?: PitbossClient) {
    this.db = db;
    this.#client = client;
  }

  /** Starts the DuckDB worker (see `openDuckDB` for assets and OPFS persistence). */
  static async open(options: { client?: PitbossClient; duckdb?: OpenDuckDBOptions } = {}): Promise<LocalAnalytics> {
    return new LocalAnalytics(await openDuckDB(options.duckdb ?? {}), options.client);
  }

  /**
   * Downloads `GET /v1/export/{table}` (Arrow IPC stream) and loads it as a
   * local table of the same name (replacing it unless `append`). Returns the row count.
   *
   * @example
   * const n = await local.loadExport('players');
   */
  async loadExport(table: ExportTable, query: ExportQuery = {}, options: { signal?: AbortSignal; append?: boolean; as?: string } = {}): Promise<number> {
    if (!this.#client) throw new TypeError('LocalAnalytics was opened without a PitbossClient');
    const res = await this.#client.fetchResponse(`/v1/export/${table}`, {
      ...(options.signal ? { signal: options.signal } : {}),
      headers: { accept: 'application/vnd.apache.arrow.stream' },
      query: { from: query.from, to: query.to, segment: query.segment, batch_rows: query.batchRows },
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return this.loadArrow(options.as ?? table, bytes, { replace: !options.append });
  }

  /** Loads Arrow IPC bytes (transferred to the worker) or a `Table` as `table`. */
  loadArrow(table: string, data: Uint8Array | Table, options: { replace?: boolean } = {}): Promise<number> {
    quoteIdent(table);
    return this.db.loadArrow(table, data, options);
  }

  /** Runs SQL in the worker; the result as an Arrow `Table`. */
  query(sql: string): Promise<Table> {
    return this.db.queryTable(sql);
  }

  /**
   * Stops the running query, which then rejects with `QueryCancelledError`;
   * resolves to whether one was running.
   *
   * @example
   * const running = local.query('SELECT count(*) FROM range(1e10)');
   * await local.cancel();
   */
  cancel(): Promise<boolean> {
    return this.db.cancel();
  }

  /**
   * The tables of the local database (not temporary ones) with exact row
   * counts, by name.
   *
   * @example
   * await local.tables(); // [{ name: 'events', rows: 100 }, { name: 'players', rows: 40 }]
   */
  async tables(): Promise<{ name: string; rows: number }[]> {
    const list = await this.db.queryTable(`SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary ORDER BY 1`);
    const names = list.toArray().map((r: { name: string }) => String(r.name));
    if (!names.length) return [];
    // Names come from DuckDB's own catalog, so quoting them as identifiers is exact (doubling any `"`).
    const counts = await this.db.queryTable(
      names.map((n, i) => `SELECT ${i}::INTEGER AS i, count(*)::DOUBLE AS n FROM "${n.replaceAll('"', '""')}"`).join(' UNION ALL '),
    );
    const rows = new Map(counts.toArray().map((r: { i: number; n: number }) => [r.i, r.n]));
    return names.map((name, i) => ({ name, rows: rows.get(i) ?? 0 }));
  }

  /** Ends the worker (checkpointing an OPFS database). */
  close(): Promise<void> {
    return this.db.close();
  }
}
