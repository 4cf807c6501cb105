import type { Table } from 'apache-arrow';
import { FIELDS, compileFeatureQuery, compileSegment, localSegmentTables, registrySegmentFields } from '@pitboss/core';
import type { CompiledSegment, FeatureKey, LocalColumn, LocalSegmentSource, LocalSegmentTables, SegmentLocale, SegmentSql } from '@pitboss/core';
import { openDuckDB } from '@pitboss/wasm';
import type { DuckDBClient, OpenDuckDBOptions, QueryParam } from '@pitboss/wasm';
import { throwIfAborted } from './datasource.js';
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

/** Options of {@link LocalAnalytics.segmentCount} and {@link LocalAnalytics.segmentMembers}. */
export interface LocalSegmentOptions {
  /** Stops waiting (the promise rejects with the signal's reason); the worker finishes the statement. */
  signal?: AbortSignal;
  /** The instant relative dates and behavioural windows count back from (default: now), as on the server. */
  asOf?: string | Date;
  /** Local names of the loaded exports (default `players`, `features`, `events`). */
  tables?: { players?: string; features?: string; events?: string };
  /** Language of validation messages (`SegmentValidationError`); default `en`. */
  locale?: SegmentLocale;
}

/** A keyset page of local segment members, in `player_id` order. */
export interface LocalSegmentPage {
  playerIds: string[];
  /** Pass as `after` for the next page; `null` on the last one. */
  next: string | null;
}

const SEGMENT_FIELDS = registrySegmentFields(FIELDS);

/**
 * Statements that cannot change a table (one statement; a `WITH` query that names no writing command anywhere):
 * anything else passed to `query()` makes the segment tables stale.
 */
const READ_ONLY = /^\s*(?:SELECT|FROM|DESCRIBE|SHOW|SUMMARIZE|EXPLAIN(?!\s+ANALY[SZ]E)|WITH(?![\s\S]*\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|COPY|TRUNCATE|ATTACH|DETACH|IMPORT|LOAD|CALL|PRAGMA|SET|CHECKPOINT|VACUUM)\b))\b[^;]*;?\s*$/i;

/** The segment tables derived from the exports, and what they were derived from. */
interface DerivedSegmentTables {
  key: string;
  generation: number;
  /** With the events (player_activity derived) once a segment read behaviour; without before. */
  tables: LocalSegmentTables;
  source: LocalSegmentSource;
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
  /** Bumped by every load and by `query()` statements that may write: derived segment tables older than it are stale. */
  #generation = 0;
  #derived: DerivedSegmentTables | null = null;
  /** Segment queries and the derivation they may need run one after another. */
  #segments: Promise<unknown> = Promise.resolve();

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
  async loadArrow(table: string, data: Uint8Array | Table, options: { replace?: boolean } = {}): Promise<number> {
    quoteIdent(table);
    this.#generation++;
    try {
      return await this.db.loadArrow(table, data, options);
    } finally {
      this.#generation++;
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
    if (writes) this.#generation++;
    try {
      return await this.db.queryTable(sql, params);
    } finally {
      if (writes) this.#generation++;
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
  async segmentCount(segment: unknown, options: LocalSegmentOptions = {}): Promise<{ count: number }> {
    const table = await this.#segmentQuery(segment, options, (c) => c.count());
    return { count: Number(table.getChild('count')?.get(0) ?? 0) };
  }

  /**
   * A keyset page of a segment's members (`player_id` order), compiled like {@link segmentCount}.
   *
   * @example
   * let page = await local.segmentMembers(segment, { limit: 100 });
   * if (page.next) page = await local.segmentMembers(segment, { after: page.next, limit: 100 });
   */
  async segmentMembers(segment: unknown, options: LocalSegmentOptions & { after?: string; limit?: number } = {}): Promise<LocalSegmentPage> {
    const limit = options.limit ?? 100;
    const table = await this.#segmentQuery(segment, options, (c) => c.members({ ...(options.after !== undefined ? { after: options.after } : {}), limit }));
    const ids = table.getChild('player_id');
    const playerIds: string[] = [];
    for (let i = 0; i < table.numRows; i++) playerIds.push(String(ids?.get(i)));
    return { playerIds, next: playerIds.length === limit ? playerIds[playerIds.length - 1]! : null };
  }

  async #segmentQuery(segment: unknown, options: LocalSegmentOptions, select: (c: CompiledSegment) => SegmentSql): Promise<Table> {
    throwIfAborted(options.signal);
    const asOf = options.asOf ?? new Date();
    const compile = (local?: LocalSegmentTables): CompiledSegment => compileSegment(segment, {
      dialect: 'duckdb', fields: SEGMENT_FIELDS, asOf, ...(options.locale ? { locale: options.locale } : {}),
      ...(local ? { layout: 'local' as const, playerActivity: local.playerActivity } : {}),
    });
    // Validates, and says which exports the segment reads.
    const joined = compile();
    const usesEvents = /\bevents e\b/.test(joined.count().sql);
    const run = this.#exclusive(async () => {
      throwIfAborted(options.signal);
      const local = await this.#segmentTables(options.tables, joined.source.joinFeatures, usesEvents);
      const { sql, params } = select(compile(local));
      return this.db.queryTable(local.wrap(sql), params as QueryParam[]);
    });
    const signal = options.signal;
    if (!signal) return run;
    return new Promise<Table>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', onAbort, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#segments.then(task, task);
    this.#segments = run.catch(() => undefined);
    return run;
  }

  /**
   * The tables segment counts read (core's `localSegmentTables`: players with
   * the features and an integer key, player_activity from the events),
   * derived once from the loaded exports and again after a load, a write
   * through `query()`, or a change of the exports' names, sizes or column counts.
   */
  async #segmentTables(tables: LocalSegmentOptions['tables'], readsFeatures: boolean, readsEvents: boolean): Promise<LocalSegmentTables> {
    const names = { players: 'players', features: 'features', events: 'events', ...tables };
    for (const n of Object.values(names)) quoteIdent(n);
    // One cheap look at the catalog (names, sizes, column counts); the columns themselves only when deriving.
    const catalog = await this.db.queryTable(
      `SELECT table_name AS name, estimated_size::DOUBLE AS size, column_count::DOUBLE AS columns FROM duckdb_tables()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ($1, $2, $3)`,
      [names.players, names.features, names.events],
    );
    const present = new Map<string, { size: number; columns: number }>();
    for (const row of catalog.toArray() as { name: string; size: number; columns: number }[]) {
      present.set(String(row.name), { size: Number(row.size), columns: Number(row.columns) });
    }
    const need = (kind: 'players' | 'features' | 'events', why: string): void => {
      if (!present.has(names[kind])) throw new TypeError(`segment needs the local table ${JSON.stringify(names[kind])} (${why}): load it first, e.g. loadExport('${kind}')`);
    };
    need('players', 'every segment reads players');
    if (readsFeatures) need('features', 'a condition reads a feature');
    if (readsEvents) need('events', 'a condition reads behaviour');
    const key = JSON.stringify([names, [names.players, names.features, names.events].map((n) => present.get(n) ?? null)]);
    const generation = this.#generation;
    const cached = this.#derived && this.#derived.key === key && this.#derived.generation === generation ? this.#derived : null;
    // player_activity is derived on the first segment that reads behaviour (an events table not shaped
    // like the export never fails a segment that does not read it).
    const withEvents = (readsEvents || cached?.tables.playerActivity === true) && present.has(names.events);
    if (cached && cached.tables.playerActivity === withEvents) return cached.tables;
    if (cached) {
      const source = { ...cached.source, events: names.events };
      const withActivity = localSegmentTables(SEGMENT_FIELDS, source);
      this.#derived = null;
      for (const statement of withActivity.activity) await this.db.queryTable(statement);
      this.#derived = { ...cached, tables: withActivity, source };
      return withActivity;
    }
    const described = await this.db.queryTable(
      `SELECT table_name AS name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ($1, $2) ORDER BY table_name, column_index`,
      [names.players, names.features],
    );
    const columns = new Map<string, LocalColumn[]>();
    for (const row of described.toArray() as { name: string; column_name: string; data_type: string }[]) {
      const list = columns.get(String(row.name)) ?? [];
      list.push({ name: String(row.column_name), type: String(row.data_type) });
      columns.set(String(row.name), list);
    }
    const source: LocalSegmentSource = {
      players: names.players,
      ...(present.has(names.features) ? { features: names.features } : {}),
      columns: { players: columns.get(names.players) ?? [], features: columns.get(names.features) ?? [] },
    };
    const derived = localSegmentTables(SEGMENT_FIELDS, withEvents ? { ...source, events: names.events } : source);
    this.#derived = null;
    for (const statement of derived.statements) await this.db.queryTable(statement);
    this.#derived = { key, generation, tables: derived, source };
    return derived;
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
