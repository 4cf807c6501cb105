// Segment counts over one tenant's exports loaded into DuckDB, with the tables
// core's localSegmentTables derives (`layout: 'local'`): the derivation, when
// it goes stale and the order of derivations and counts live here once, for
// LocalAnalytics and for the components' DuckDB segment counter.
import { FIELDS, LOCAL_SEGMENT_TABLES, compileSegment, localSegmentTables, readGuardrailCounts, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type {
  CompiledSegment, GuardrailCounts, GuardrailOptions, LocalColumn, LocalSegmentSource, LocalSegmentTables, SegmentFields, SegmentLocale, SegmentSql,
} from '@pitboss/core';
import type { QueryParam } from '@pitboss/wasm';
import { throwIfAborted } from './datasource.js';

/** Runs DuckDB SQL (`$n` bound to `params[n-1]`) and returns its rows as objects. */
export type LocalRowsQuery = (sql: string, params?: readonly QueryParam[]) => Promise<readonly Readonly<Record<string, unknown>>[]>;

/** Options of a local segment count (see {@link LocalSegments}). */
export interface LocalSegmentOptions {
  /** Stops waiting (the promise rejects with the signal's reason); the worker finishes the statement. */
  signal?: AbortSignal;
  /** The instant relative dates and behavioural windows count back from (default: now), as on the server. */
  asOf?: string | Date;
  /** Local names of the loaded exports (default `players`, `features`, `events`). */
  tables?: { players?: string; features?: string; events?: string };
  /** Language of validation messages (`SegmentValidationError`); default `en`. */
  locale?: SegmentLocale;
  /** Segment view of the registry; default `registrySegmentFields(FIELDS)`. Another registry derives the tables again. */
  fields?: SegmentFields;
}

/** A keyset page of local segment members, in `player_id` order. */
export interface LocalSegmentPage {
  playerIds: string[];
  /** Pass as `after` for the next page; `null` on the last one. */
  next: string | null;
}

/** The guardrail's counts over a segment's members, and the risk band it applied. */
export interface LocalGuardrailCounts extends GuardrailCounts {
  riskBandAtOrAbove: string;
}

const DEFAULT_FIELDS = registrySegmentFields(FIELDS);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The segment tables derived from the exports, and what they were derived from. */
interface Derived {
  key: string;
  generation: number;
  fields: SegmentFields;
  /** The comment on the derived players table: another runner deriving over the same database replaces it. */
  mark: string;
  /** With the events (player_activity derived) once a segment read behaviour; without before. */
  tables: LocalSegmentTables;
  source: LocalSegmentSource;
}

let instances = 0;

/**
 * Counts (and pages, and guardrail removals) of segments over one tenant's
 * exports loaded into DuckDB, on the tables core's `localSegmentTables`
 * derives from them: derived on the first count, again after {@link changed}
 * or when the exports' names, sizes, column counts or oids (a table loaded
 * again) or another runner's derivation over the same database say they are
 * stale. A write in place (`UPDATE`) that does not go through {@link changed}
 * is not noticed. Derivations and
 * counts run one at a time. `LocalAnalytics` holds one (`segmentCount`,
 * `segmentMembers`, `segmentGuardrail`); the components' DuckDB segment
 * counter makes one for an engine that only runs SQL.
 *
 * @example
 * const segments = new LocalSegments(async (sql, params) => (await db.queryTable(sql, params)).toArray());
 * const { count } = await segments.count({ all: [{ field: 'country', op: 'eq', value: 'BR' }] });
 * const { kept, byReason } = await segments.guardrail({ all: [{ field: 'country', op: 'eq', value: 'BR' }] });
 */
export class LocalSegments {
  readonly #query: LocalRowsQuery;
  readonly #id = `pitboss-segments:${++instances}:${Math.random().toString(36).slice(2)}`;
  #derivations = 0;
  /** Bumped by {@link changed}: derived tables older than it are stale. */
  #generation = 0;
  #derived: Derived | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(query: LocalRowsQuery) {
    this.#query = query;
  }

  /** Says the exports may have changed (call it before and after a load or a write): the next count derives again. */
  changed(): void {
    this.#generation++;
  }

  /** Counts a segment's members (`{ count }`). An invalid segment rejects with core's `SegmentValidationError`. */
  async count(segment: unknown, options: LocalSegmentOptions = {}): Promise<{ count: number }> {
    const [row] = await this.#run(segment, options, (c) => c.count());
    return { count: Number(row?.['count'] ?? 0) };
  }

  /** A keyset page of members in `player_id` order. */
  async members(segment: unknown, options: LocalSegmentOptions & { after?: string; limit?: number } = {}): Promise<LocalSegmentPage> {
    const limit = options.limit ?? 100;
    const rows = await this.#run(segment, options, (c) => c.members({ ...(options.after !== undefined ? { after: options.after } : {}), limit }));
    const playerIds = rows.map((r) => String(r['player_id']));
    return { playerIds, next: playerIds.length === limit ? playerIds[playerIds.length - 1]! : null };
  }

  /**
   * The marketing guardrail over a segment's members (core's `withGuardrail(…).removals()`, one query):
   * matched, removed per reason, removed and kept (the guarded count).
   */
  async guardrail(segment: unknown, options: LocalSegmentOptions & { guardrail?: GuardrailOptions } = {}): Promise<LocalGuardrailCounts> {
    const fields = options.fields ?? DEFAULT_FIELDS;
    const [row] = await this.#run(segment, options, (c) => withGuardrail(c, fields, options.guardrail ?? {}).removals());
    if (!row) throw new Error('guardrail removals returned no row');
    return { ...readGuardrailCounts(row), riskBandAtOrAbove: options.guardrail?.riskBandAtOrAbove ?? 'high' };
  }

  async #run(segment: unknown, options: LocalSegmentOptions, select: (c: CompiledSegment) => SegmentSql): Promise<readonly Readonly<Record<string, unknown>>[]> {
    throwIfAborted(options.signal);
    const fields = options.fields ?? DEFAULT_FIELDS;
    const asOf = options.asOf ?? new Date();
    const compile = (local?: LocalSegmentTables): CompiledSegment => compileSegment(segment, {
      dialect: 'duckdb', fields, asOf, ...(options.locale ? { locale: options.locale } : {}),
      ...(local ? { layout: 'local' as const, playerActivity: local.playerActivity } : {}),
    });
    // Validates, and says which exports the query (a guardrail's predicates included) reads.
    const probe = select(compile()).sql;
    const usesEvents = /\bevents e\b/.test(probe);
    const usesFeatures = /\bJOIN player_features f\b/.test(probe);
    const run = this.#exclusive(async () => {
      throwIfAborted(options.signal);
      const local = await this.#tables(fields, options.tables, usesFeatures, usesEvents);
      const { sql, params } = select(compile(local));
      return this.#query(local.wrap(sql), params as QueryParam[]);
    });
    const signal = options.signal;
    if (!signal) return run;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', onAbort, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The tables segment queries read, derived once from the loaded exports
   * and again after {@link changed}, a change of the exports' names, sizes,
   * column counts or oids, another registry, or another derivation over the database.
   */
  async #tables(fields: SegmentFields, tables: LocalSegmentOptions['tables'], readsFeatures: boolean, readsEvents: boolean): Promise<LocalSegmentTables> {
    const names = { players: 'players', features: 'features', events: 'events', ...tables };
    for (const n of Object.values(names)) if (!IDENT.test(n)) throw new TypeError(`table name ${JSON.stringify(n)} is not a plain identifier`);
    // One cheap look at the catalog (names, sizes, column counts, oids — a table replaced gets a new one —,
    // whose derivation the temp table is);
    // the columns themselves only when deriving.
    const catalog = await this.#query(
      `SELECT table_name AS name, estimated_size::DOUBLE AS size, column_count::DOUBLE AS columns, table_oid::DOUBLE AS oid, NULL::VARCHAR AS mark FROM duckdb_tables()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ($1, $2, $3)
       UNION ALL SELECT NULL, NULL, NULL, NULL, comment FROM duckdb_tables() WHERE database_name = 'temp' AND schema_name = 'main' AND table_name = $4`,
      [names.players, names.features, names.events, LOCAL_SEGMENT_TABLES.players],
    );
    const present = new Map<string, { size: number; columns: number; oid: number }>();
    let mark: unknown = null;
    for (const row of catalog) {
      if (row['name'] === null || row['name'] === undefined) mark = row['mark'];
      else present.set(String(row['name']), { size: Number(row['size']), columns: Number(row['columns']), oid: Number(row['oid']) });
    }
    const need = (kind: 'players' | 'features' | 'events', why: string): void => {
      if (!present.has(names[kind])) throw new TypeError(`segment needs the local table ${JSON.stringify(names[kind])} (${why}): load it first, e.g. loadExport('${kind}')`);
    };
    need('players', 'every segment reads players');
    if (readsFeatures) need('features', 'a condition reads a feature');
    if (readsEvents) need('events', 'a condition reads behaviour');
    const key = JSON.stringify([names, [names.players, names.features, names.events].map((n) => present.get(n) ?? null)]);
    const d = this.#derived;
    const cached = d && d.key === key && d.generation === this.#generation && d.fields === fields && d.mark === mark ? d : null;
    // player_activity is derived on the first segment that reads behaviour (an events table not shaped
    // like the export never fails a segment that does not read it).
    const withEvents = (readsEvents || cached?.tables.playerActivity === true) && present.has(names.events);
    if (cached && cached.tables.playerActivity === withEvents) return cached.tables;
    if (cached) {
      const source = { ...cached.source, events: names.events };
      const withActivity = localSegmentTables(fields, source);
      this.#derived = null;
      for (const statement of withActivity.activity) await this.#query(statement);
      this.#derived = { ...cached, tables: withActivity, source };
      return withActivity;
    }
    const generation = this.#generation;
    const described = await this.#query(
      `SELECT table_name AS name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ($1, $2) ORDER BY table_name, column_index`,
      [names.players, names.features],
    );
    const columns = new Map<string, LocalColumn[]>();
    for (const row of described) {
      const list = columns.get(String(row['name'])) ?? [];
      list.push({ name: String(row['column_name']), type: String(row['data_type']) });
      columns.set(String(row['name']), list);
    }
    const source: LocalSegmentSource = {
      players: names.players,
      ...(present.has(names.features) ? { features: names.features } : {}),
      columns: { players: columns.get(names.players) ?? [], features: columns.get(names.features) ?? [] },
    };
    const derived = localSegmentTables(fields, withEvents ? { ...source, events: names.events } : source);
    this.#derived = null;
    for (const statement of derived.statements) await this.#query(statement);
    // The mark is ours alone (no value from outside): a derivation by another runner over the database replaces the table and its comment.
    const own = `${this.#id}:${++this.#derivations}`;
    await this.#query(`COMMENT ON TABLE temp.main.${LOCAL_SEGMENT_TABLES.players} IS '${own}'`);
    this.#derived = { key, generation, fields, mark: own, tables: derived, source };
    return derived;
  }
}

