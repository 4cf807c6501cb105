// The tables a local copy of one tenant (the API's exports loaded into DuckDB,
// as the SDK's LocalAnalytics does) derives once so that segment counts need
// neither the players ⋈ features join nor a scan of the events: the `local`
// layout of compileSegment. See docs/segments.md, "Indexes and performance".
import { duckdbUtcOrInfinite } from '../sql-dialect.js';
import type { SegmentFields } from './fields.js';

/** A column of a loaded export, as `duckdb_columns()` lists it. */
export interface LocalColumn {
  name: string;
  /** DuckDB's `data_type`, e.g. `VARCHAR`, `TIMESTAMP WITH TIME ZONE`. */
  type: string;
}

/** The loaded exports a derivation reads: tables of schema `main`, named by plain identifiers. */
export interface LocalSegmentSource {
  /** The players export (`player_id` and profile columns). */
  players: string;
  /** The features export (`player_id` and feature columns), if loaded. */
  features?: string;
  /** The events export (`player_id`, `type`, `occurred_at`, …), if loaded. */
  events?: string;
  /** The columns each table has, so that only the registry's columns are copied (instants as UTC `TIMESTAMP`s). */
  columns: { players: readonly LocalColumn[]; features?: readonly LocalColumn[] };
}

/** What {@link localSegmentTables} derives, and how a compiled `layout: 'local'` query reads it. */
export interface LocalSegmentTables {
  /** DuckDB statements, to run in order; they replace the previous derivation: `players`, then `activity`. */
  statements: string[];
  /** The players table (and the drop of a player_activity derived from an earlier one). */
  players: string[];
  /** player_activity, from the events and the players table `players` derived; empty without events. */
  activity: string[];
  /** Compile with `playerActivity` (true when the events were given). */
  playerActivity: boolean;
  /** The query with the names it reads (`players`, `player_activity`, `events`) bound to the derived tables and the events export. */
  wrap(sql: string): string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new RangeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** The derived tables: temporary (never persisted, never listed with the database's own tables). */
export const LOCAL_SEGMENT_TABLES = { players: 'pitboss_segment_players', activity: 'pitboss_segment_activity' } as const;

/**
 * DuckDB statements that derive, from one tenant's exports, the relation
 * `compileSegment(…, { dialect: 'duckdb', layout: 'local' })` reads:
 *
 * - players with the registry's feature columns (a left join with the
 *   features, done once) and an integer `player_key`, so that segment
 *   queries never join players with features and match players with
 *   player_activity on an integer; timestamp columns become UTC
 *   `TIMESTAMP`s (±infinity kept), compared as they are;
 * - player_activity from the events: the last occurrence per player and type,
 *   `last_at` a UTC `TIMESTAMP`, sorted by `(type, last_at)` so that a
 *   window on one type reads few row groups. Events of players that are not
 *   in the players export are left out (they are never counted).
 *
 * Only registry columns present in the exports are copied. Run the
 * statements again after any export changes: the results are exact only for
 * the exports they were derived from.
 *
 * @example
 * const col = (name: string, type = 'VARCHAR') => ({ name, type });
 * const local = localSegmentTables(fields, { players: 'players', features: 'features', events: 'events', columns: { players: [col('player_id'), col('country')], features: [col('player_id'), col('net_loss_30d', 'DOUBLE')] } });
 * for (const s of local.statements) await conn.run(s);
 * const { sql, params } = compileSegment(segment, { dialect: 'duckdb', fields, asOf, layout: 'local', playerActivity: local.playerActivity }).count();
 * await conn.run(local.wrap(sql), params);
 */
export function localSegmentTables(fields: SegmentFields, source: LocalSegmentSource): LocalSegmentTables {
  const players = ident(source.players);
  const wanted = { players: new Set<string>(), player_features: new Set<string>() };
  for (const key of fields.keys()) {
    const f = fields.get(key);
    if (f) wanted[f.table].add(f.column);
  }
  const typed = (list: readonly LocalColumn[] = []): Map<string, string> => new Map(list.map((c) => [c.name, c.type]));
  const has = { players: typed(source.columns.players), features: typed(source.columns.features) };
  if (!has.players.has('player_id')) throw new TypeError(`${source.players} has no player_id column`);
  const copied = new Set<string>(['player_id']);
  const select = ['p.player_id'];
  const copy = (alias: 'p' | 'f', column: string, type: string): void => {
    if (copied.has(column)) return;
    copied.add(column);
    const sql = `${alias}.${ident(column)}`;
    select.push(/^TIMESTAMP/i.test(type) ? `${duckdbUtcOrInfinite(sql)} AS ${ident(column)}` : sql);
  };
  for (const c of wanted.players) {
    const type = has.players.get(c);
    if (type !== undefined) copy('p', c, type);
  }
  const features = source.features === undefined ? null : ident(source.features);
  if (features !== null) {
    if (!has.features.has('player_id')) throw new TypeError(`${source.features} has no player_id column`);
    for (const c of wanted.player_features) {
      const type = has.features.get(c);
      if (type !== undefined) copy('f', c, type);
    }
  }
  const P = `temp.main.${LOCAL_SEGMENT_TABLES.players}`;
  const A = `temp.main.${LOCAL_SEGMENT_TABLES.activity}`;
  const derivePlayers = [
    `DROP TABLE IF EXISTS ${A}`,
    `CREATE OR REPLACE TEMP TABLE ${LOCAL_SEGMENT_TABLES.players} AS SELECT CAST(row_number() OVER () AS INTEGER) AS player_key, ${select.join(', ')} ` +
      `FROM main.${players} p${features === null ? '' : ` LEFT JOIN main.${features} f ON f.player_id = p.player_id`}`,
  ];
  const events = source.events === undefined ? null : ident(source.events);
  const deriveActivity: string[] = [];
  if (events !== null) {
    deriveActivity.push(
      `CREATE OR REPLACE TEMP TABLE ${LOCAL_SEGMENT_TABLES.activity} AS SELECT s.player_key, a.player_id, a.type, a.last_at ` +
        `FROM (SELECT player_id, type, make_timestamp(epoch_us(max(occurred_at))) AS last_at FROM main.${events} GROUP BY player_id, type) a ` +
        `JOIN ${P} s ON s.player_id = a.player_id ORDER BY a.type, a.last_at`,
    );
  }
  return {
    statements: [...derivePlayers, ...deriveActivity],
    players: derivePlayers,
    activity: deriveActivity,
    playerActivity: events !== null,
    wrap(sql) {
      // NOT MATERIALIZED: each name is read in place (DuckDB would otherwise copy a CTE read twice).
      const ctes = [`players AS NOT MATERIALIZED (SELECT * FROM ${P})`];
      if (events !== null) ctes.push(`player_activity AS NOT MATERIALIZED (SELECT * FROM ${A})`, `events AS NOT MATERIALIZED (SELECT * FROM main.${events})`);
      return `WITH ${ctes.join(', ')} ${sql}`;
    },
  };
}
