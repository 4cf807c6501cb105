import { FIELDS, compileSegment, featureColumns, registrySegmentFields } from '@pitboss/core';
import type { Segment } from '@pitboss/core';
import { InvalidQueryError } from './errors.js';
import type { Database, Row } from './pool.js';

/**
 * Bulk reads for exports: every row of a tenant's table, database by
 * database, in keyset pages on the table's primary key (never OFFSET, never
 * more than one page in memory). Rows come back as plain values with a typed
 * column list, so the HTTP layer can encode them (Arrow IPC) without knowing
 * SQL.
 */

/** Tables that can be exported. */
export const EXPORT_TABLES = ['players', 'events', 'features'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/**
 * How a column's values arrive: `time` as epoch milliseconds (number),
 * `int64` as bigint, `int32`/`float64` as number, `bool` as boolean, `text`
 * as string; any of them may be null.
 */
export type ExportKind = 'text' | 'time' | 'int64' | 'int32' | 'float64' | 'bool';

export interface ExportColumn {
  name: string;
  kind: ExportKind;
  /** Personal data (name, email, phone, IP): selected as NULL when the caller may not see it. */
  personal: boolean;
}

export interface ExportQuery {
  /** Inclusive lower bound of the table's time column (events: occurred_at; players: last_event_at; features: computed_at). */
  from?: Date;
  /** Exclusive upper bound of the same column. */
  to?: Date;
  /** A validated segment (core's AST): only its members (players, features). */
  segment?: Segment;
  /** Personal columns come back NULL (they never leave the database). */
  maskPersonal: boolean;
  /** Rows per keyset page; default 5000. */
  pageSize?: number;
  /** Deadline of each page's query (0: none). */
  timeoutMs?: number;
  /** Segment evaluation time; default now. */
  asOf?: Date;
}

/** One page of rows, values keyed by column name. */
export interface ExportPage {
  rows: Row[];
}

interface ColumnDef extends ExportColumn {
  /** SQL expression over the table alias `t` (and `pp` for personal data of players). */
  sql: string;
  /** What replaces `sql` for a caller who may not see personal data; default NULL for personal columns. */
  maskedSql?: string;
}

const epochMs = (col: string) => `floor(extract(epoch FROM ${col}) * 1000)::float8`;
const text = (name: string, personal = false): ColumnDef => ({ name, kind: 'text', personal, sql: `t.${name}` });
const time = (name: string, col = `t.${name}`): ColumnDef => ({ name, kind: 'time', personal: false, sql: epochMs(col) });
const int64 = (name: string): ColumnDef => ({ name, kind: 'int64', personal: false, sql: `t.${name}::text` });

const EVENT_DEFS: readonly ColumnDef[] = [
  text('event_id'), text('player_id'), text('type'), time('occurred_at'), text('product'),
  int64('amount_minor'), int64('bonus_minor'), int64('win_minor'), text('currency'), text('status'), text('direction'), text('method'),
  { name: 'live', kind: 'bool', personal: false, sql: 't.live' },
  text('ref_id'), text('ip', true), text('actor'), time('ref_at'),
  // A session's user agent stays in the payload; it identifies a device, so it goes with the IP.
  { name: 'payload', kind: 'text', personal: false, sql: 't.payload::text', maskedSql: "(t.payload - 'user_agent')::text" },
  time('received_at'),
];

const PLAYER_DEFS: readonly ColumnDef[] = [
  text('player_id'), time('registered_at'), text('country'), text('currency'),
  { name: 'birth_year', kind: 'int32', personal: false, sql: 't.birth_year' },
  text('brand'), text('market'), text('language'), text('affiliate_id'), time('kyc_verified_at'),
  { name: 'blocked', kind: 'bool', personal: false, sql: 't.blocked' },
  time('self_excluded_until'), time('timed_out_until'),
  { name: 'test_account', kind: 'bool', personal: false, sql: 't.test_account' },
  { name: 'risk_score', kind: 'float64', personal: false, sql: 't.risk_score::float8' },
  text('risk_band'), time('last_event_at'), time('created_at'), time('updated_at'),
  ...(['first_name', 'last_name', 'email', 'phone'] as const).map((k): ColumnDef => ({ name: k, kind: 'text', personal: true, sql: `pp.${k}` })),
];

const FEATURE_DEFS: readonly ColumnDef[] = [
  text('player_id'),
  ...featureColumns.map((c): ColumnDef => ({ name: c.key, kind: 'float64', personal: false, sql: `t.${c.key}::float8` })),
  time('computed_at'),
];

interface TableDef {
  columns: readonly ColumnDef[];
  from: string;
  key: 'event_id' | 'player_id';
  timeColumn: string;
  /** Whether a segment filter applies (tables keyed by player). */
  bySegment: boolean;
}

const TABLES: Record<ExportTable, TableDef> = {
  events: { columns: EVENT_DEFS, from: 'events t', key: 'event_id', timeColumn: 't.occurred_at', bySegment: false },
  players: {
    columns: PLAYER_DEFS,
    from: 'players t LEFT JOIN player_personal pp ON pp.tenant_id = t.tenant_id AND pp.player_id = t.player_id',
    key: 'player_id',
    timeColumn: 't.last_event_at',
    bySegment: true,
  },
  features: { columns: FEATURE_DEFS, from: 'player_features t', key: 'player_id', timeColumn: 't.computed_at', bySegment: true },
};

const SEGMENT_FIELDS = registrySegmentFields(FIELDS);

/**
 * The typed columns of an exported table, in export order.
 *
 * @example
 * exportColumns('events').find((c) => c.name === 'amount_minor')?.kind; // 'int64'
 */
export function exportColumns(table: ExportTable): readonly ExportColumn[] {
  return TABLES[table].columns.map(({ name, kind, personal }) => ({ name, kind, personal }));
}

function pageSql(table: ExportTable, tenant: string, query: ExportQuery, after: string | undefined, limit: number): { sql: string; params: unknown[] } {
  const def = TABLES[table];
  const select = def.columns.map((c) => `${query.maskPersonal && (c.personal || c.maskedSql) ? (c.maskedSql ?? 'NULL::text') : c.sql} AS ${c.name}`).join(', ');
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.segment) {
    const compiled = compileSegment(query.segment, { dialect: 'postgres', fields: SEGMENT_FIELDS, asOf: query.asOf ?? new Date(), tenantId: tenant });
    // No LIMIT inside: the time filter below may drop members, and a short page must still mean "no more rows".
    const members = compiled.members(after !== undefined ? { after } : {});
    params.push(...members.params);
    where.push(`t.player_id IN (SELECT m.player_id FROM (${members.sql}) m)`);
  }
  where.push(`t.tenant_id = $${params.push(tenant)}`);
  if (query.from) where.push(`${def.timeColumn} >= $${params.push(query.from.toISOString())}::timestamptz`);
  if (query.to) where.push(`${def.timeColumn} < $${params.push(query.to.toISOString())}::timestamptz`);
  if (after !== undefined) where.push(`t.${def.key} > $${params.push(after)}`);
  return { sql: `SELECT ${select} FROM ${def.from} WHERE ${where.join(' AND ')} ORDER BY t.${def.key} LIMIT ${limit}`, params };
}

/**
 * Every row of a tenant's table, one keyset page at a time, paged on the
 * primary key (`event_id` or `player_id`, byte order) on every physical
 * database at once. Each database has at most one page in flight and one
 * waiting for the consumer: the next page of a database is asked for when
 * its previous one is handed out, so a slow consumer holds the databases
 * back and memory stays at two pages per database. Pages come in arrival
 * order; rows are not in a global order across databases.
 *
 * @example
 * for await (const page of exportPages(storage.databases, 'acme', 'events', { maskPersonal: true, from: new Date('2026-01-01') })) {
 *   write(page.rows);
 * }
 */
export async function* exportPages(databases: readonly Database[], tenant: string, table: ExportTable, query: ExportQuery): AsyncGenerator<ExportPage> {
  const limit = query.pageSize ?? 5000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new InvalidQueryError('page size must be 1..100000', 'page_size');
  if (query.segment && !TABLES[table].bySegment) throw new InvalidQueryError(`a segment filter applies to players and features, not ${table}`, 'segment');
  if (query.from && query.to && query.from >= query.to) throw new InvalidQueryError('from must be before to', 'from');
  const key = TABLES[table].key;
  type Outcome = { db: Database; rows: Row[]; error?: undefined } | { db: Database; rows?: undefined; error: unknown };
  const inFlight = new Map<Database, Promise<Outcome>>();
  const read = (db: Database, after: string | undefined): void => {
    const { sql, params } = pageSql(table, tenant, query, after, limit);
    // Settled into a value, never left rejected: a failure on one database must not surface later as an unhandled rejection.
    inFlight.set(db, db.query(sql, params, { timeoutMs: query.timeoutMs ?? 0 }).then((rows) => ({ db, rows }), (error: unknown) => ({ db, error })));
  };
  for (const db of databases) read(db, undefined);
  while (inFlight.size > 0) {
    const outcome = await Promise.race(inFlight.values());
    inFlight.delete(outcome.db);
    if (outcome.error !== undefined) throw outcome.error;
    const rows = outcome.rows!;
    if (rows.length === limit) read(outcome.db, String(rows[rows.length - 1]![key]));
    if (rows.length > 0) yield { rows };
  }
}
