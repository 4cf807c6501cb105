import type { Table } from 'apache-arrow';
import { compileFeatureQuery } from '@pitboss/core';
import type { FeatureKey, GuardrailOptions } from '@pitboss/core';
import { openDuckDB } from '@pitboss/wasm';
import type { DuckDBClient, OpenDuckDBOptions, QueryParam } from '@pitboss/wasm';
import { throwIfAborted } from './datasource.js';
import type { PitbossClient } from './client.js';
import { quoteIdent } from './local-datasource.js';
import { LocalSegments } from './local-segments.js';
import type { LocalGuardrailCounts, LocalSegmentOptions, LocalSegmentPage } from './local-segments.js';

export type { LocalGuardrailCounts, LocalSegmentOptions, LocalSegmentPage } from './local-segments.js';

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
 * Statements that cannot change a table (one statement; a `WITH` query that names no writing command anywhere):
 * anything else passed to `query()` makes the segment tables stale.
 */
const READ_ONLY = /^\s*(?:SELECT|FROM|DESCRIBE|SHOW|SUMMARIZE|EXPLAIN(?!\s+ANALY[SZ]E)|WITH(?![\s\S]*\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|COPY|TRUNCATE|ATTACH|DETACH|IMPORT|LOAD|CALL|PRAGMA|SET|CHECKPOINT|VACUUM)\b))\b[^;]*;?\s*$/i;

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
  /**
   * Segment counts over the loaded exports (the tables they derive, kept until a load or a
   * `query()` statement that may write says they are stale).
   */
  readonly segments: LocalSegments;

  constructor(db: DuckDBClient, client?: PitbossClient) {
    this.db = db;
    this.#client = client;
    this.segments = new LocalSegments(async (sql, params) => (await db.queryTable(sql, params)).toArray() as Record<string, unknown>[]);
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
    // A stream cut short is a retryable PitbossNetworkError here, before anything is replaced.
    const bytes = await this.#client.fetchArrow(`/v1/export/${table}`, {
      ...(options.signal ? { signal: options.signal } : {}),
      query: { from: query.from, to: query.to, segment: query.segment, batch_rows: query.batchRows },
    });
    return this.loadArrow(options.as ?? table, bytes, { replace: !options.append });
  }

  /** Loads Arrow IPC bytes (transferred to the worker) or a `Table` as `table`. */
  async loadArrow(table: string, data: Uint8Array | Table, options: { replace?: boolean } = {}): Promise<number> {
    quoteIdent(table);
    this.segments.changed();
    try {
      return await this.db.loadArrow(table, data, options);
    } finally {
      this.segments.changed();
    }
  }

  /**
   * Runs SQL in the worker; the result as an Arrow `Table`. `params[i]` binds `$<i+1>` (never SQL text).
   * A statement other than a read (`SELECT`, `FROM`, `DESCRIBE`, `SHOW`, `SUMMARIZE`, `EXPLAIN`, a `WITH`
   * query that names no writing command) makes the tables segment counts derive stale: the next count
   * derives them again (seconds for millions of events).
   */
  async query(sql: string, params?: readonly QueryParam[]): Promise<Table> {
    const writes = !READ_ONLY.test(sql);
    if (writes) this.segments.changed();
    try {
      return await this.db.queryTable(sql, params);
    } finally {
      if (writes) this.segments.changed();
    }
  }

  /**
   * Core's player features computed locally from the loaded events export
   * (`compileFeatureQuery('duckdb')`, the query the server runs on Postgres):
   * one row per player with an event at or before `asOf`, `player_id` then
   * one column per feature (integers `INTEGER`, money `BIGINT` — Arrow reads
   * it as a JS `bigint` —, the rest `DOUBLE`), ordered by `player_id`.
   * Windows are `(asOf − N×24 h, asOf]`, in UTC.
   *
   * @example
   * await local.loadExport('events');
   * const t = await local.features({ asOf: '2026-06-01T00:00:00Z' });
   * const rows = t.toArray(); // feed LocalScorer.score(rows)
   */
  async features(options: { asOf?: string | Date; table?: string; features?: readonly FeatureKey[]; signal?: AbortSignal } = {}): Promise<Table> {
    throwIfAborted(options.signal);
    const asOf = options.asOf instanceof Date ? options.asOf.toISOString() : (options.asOf ?? new Date().toISOString());
    const { sql, params } = compileFeatureQuery('duckdb', { table: options.table ?? 'events', ...(options.features ? { features: options.features } : {}) });
    const values: Record<string, QueryParam> = { as_of: asOf };
    const table = await this.db.queryTable(sql, params.map((p) => values[p] ?? null));
    throwIfAborted(options.signal);
    return table;
  }

  /**
   * Counts a segment's members over the loaded exports, in DuckDB-WASM: the
   * segment AST (as `POST /v1/segments/preview` takes it) is validated and
   * compiled by core for DuckDB (`compileSegment`), values bound as
   * parameters. It needs the `players` export, plus `features` when a
   * condition reads a feature and `events` for behavioural conditions. An
   * invalid segment rejects with core's `SegmentValidationError` (located,
   * translated issues); a missing table with a `TypeError` that names the
   * export to load. Players that are not in the export (e.g. filtered by
   * `from`) are not counted.
   *
   * The first count after the exports are loaded (or changed: a load, a
   * write through {@link query}) derives temporary tables from them, once,
   * with core's `localSegmentTables`: players with the features and an
   * integer key, and (on the first count that reads behaviour)
   * player_activity, the last occurrence of each event type per player. Counts then run on those (`layout: 'local'`)
   * without joining players with features or scanning the events (see
   * `docs/segments.md`). Writes made on `db` directly, around this class,
   * are noticed only when they change a table's size or number of columns.
   *
   * @example
   * await local.loadExport('players'); await local.loadExport('features');
   * const { count } = await local.segmentCount({ all: [{ field: 'net_loss_30d', op: 'gt', value: 10000 }] });
   */
  segmentCount(segment: unknown, options: LocalSegmentOptions = {}): Promise<{ count: number }> {
    return this.segments.count(segment, options);
  }

  /**
   * The marketing guardrail over a segment's members, counted like
   * {@link segmentCount} on the same derived tables (core's
   * `withGuardrail(…).removals()`, one query): `matched`, `byReason` (players
   * each reason alone removes), `removed`, `kept` (the guarded count) and the
   * `riskBandAtOrAbove` applied (default `high`). The guardrail's fields
   * (`self_excluded_until`, `blocked`, `timed_out_until`, `risk_band`) come
   * from the players export.
   *
   * @example
   * const { kept, byReason } = await local.segmentGuardrail({ all: [{ field: 'country', op: 'eq', value: 'BR' }] }, { guardrail: { riskBandAtOrAbove: 'medium' } });
   */
  segmentGuardrail(segment: unknown, options: LocalSegmentOptions & { guardrail?: GuardrailOptions } = {}): Promise<LocalGuardrailCounts> {
    return this.segments.guardrail(segment, options);
  }

  /**
   * A keyset page of a segment's members (`player_id` order), compiled like {@link segmentCount}.
   *
   * @example
   * let page = await local.segmentMembers(segment, { limit: 100 });
   * if (page.next) page = await local.segmentMembers(segment, { after: page.next, limit: 100 });
   */
  segmentMembers(segment: unknown, options: LocalSegmentOptions & { after?: string; limit?: number } = {}): Promise<LocalSegmentPage> {
    return this.segments.members(segment, options);
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
    const list = await this.db.queryTable(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY 1`);
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
