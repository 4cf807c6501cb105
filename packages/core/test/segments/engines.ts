import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import pg from 'pg';
import { EVENT_COLUMNS, EVENT_TYPES, FEATURES, lastSeenColumn } from '@pitboss/core';
import type { SegmentSql, SqlDialect } from '@pitboss/core';
import { EVENT_TEST_COLUMNS, PLAYER_COLUMNS } from './data.js';
import type { DataSet } from './data.js';

/**
 * The relation segment SQL runs on, created the same way in a fresh Postgres
 * database (prefix `pb_seg_`, dropped on close) and an in-memory DuckDB, with
 * the indexes `docs/segments.md` recommends.
 */
export interface SegmentEngine {
  dialect: SqlDialect;
  load(data: DataSet): Promise<void>;
  /** Rows with plain JS numbers (no bigint, no int8 strings). */
  query(q: SegmentSql): Promise<Record<string, unknown>[]>;
  /** Raw SQL without parameters, for setup checks. */
  exec(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const PG_URL = process.env.PITBOSS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

type Types = { text: string; ts: string; big: string; dbl: string; bool: string; tags: string; json: string; int: string };
const PG_T: Types = { text: 'text', ts: 'timestamptz', big: 'bigint', dbl: 'double precision', bool: 'boolean', tags: 'text[]', json: 'jsonb', int: 'integer' };
const DUCK_T: Types = { text: 'VARCHAR', ts: 'TIMESTAMPTZ', big: 'BIGINT', dbl: 'DOUBLE', bool: 'BOOLEAN', tags: 'VARCHAR[]', json: 'JSON', int: 'INTEGER' };

const PLAYER_TYPES: Record<(typeof PLAYER_COLUMNS)[number], keyof Types> = {
  tenant_id: 'text', player_id: 'text', registered_at: 'ts', country: 'text', currency: 'text', birth_year: 'int',
  brand: 'text', market: 'text', language: 'text', affiliate_id: 'text', kyc_verified_at: 'ts', blocked: 'bool',
  self_excluded_until: 'ts', timed_out_until: 'ts', test_account: 'bool', tags: 'tags', last_event_at: 'ts', risk_band: 'text',
};

const EVENT_TYPES_BY_COLUMN: Record<string, keyof Types> = {
  occurred_at: 'ts', ref_at: 'ts', amount_minor: 'big', bonus_minor: 'big', win_minor: 'big', live: 'bool', payload: 'json',
};

function ddl(t: Types, pgCollate: boolean): string[] {
  const id = pgCollate ? `${t.text} COLLATE "C"` : t.text;
  const players = PLAYER_COLUMNS.map((c) => `${c} ${c === 'player_id' ? id : t[PLAYER_TYPES[c]]}`).join(', ');
  const feats = FEATURES.map((f) => `${f.key} ${f.type === 'number' ? t.dbl : t.big}`).join(', ');
  const events = EVENT_COLUMNS.map((c) => `${c} ${c === 'player_id' ? id : t[EVENT_TYPES_BY_COLUMN[c] ?? 'text']}`).join(', ');
  const lastSeen = EVENT_TYPES.map((type) => `${lastSeenColumn(type)} ${t.ts}`).join(', ');
  return [
    `CREATE TABLE players (${players}, ${lastSeen}, PRIMARY KEY (tenant_id, player_id))`,
    `CREATE TABLE player_features (tenant_id ${t.text}, player_id ${id}, ${feats}, PRIMARY KEY (tenant_id, player_id))`,
    `CREATE TABLE events (tenant_id ${t.text}, ${events})`,
    'CREATE INDEX events_player_time ON events (tenant_id, player_id, occurred_at)',
  ];
}

/**
 * player_activity as storage defines it (shard migration 0007): the last
 * occurrence per (tenant, player, type) of the events. Storage keeps it
 * equal to this aggregate (headless-api/test/storage/player-activity.test.ts).
 */
const ACTIVITY = 'CREATE TABLE player_activity AS SELECT tenant_id, player_id, type, max(occurred_at) AS last_at FROM events GROUP BY tenant_id, player_id, type';

/**
 * The last-seen columns of `players` as storage keeps them (shard migration
 * 0011): each equal to the player's `player_activity.last_at` for its type
 * (headless-api's storage suite checks storage against this).
 */
const LAST_SEEN = EVENT_TYPES.map((type) =>
  `UPDATE players SET ${lastSeenColumn(type)} = a.last_at FROM player_activity a WHERE a.tenant_id = players.tenant_id AND a.player_id = players.player_id AND a.type = '${type}'`);

function rowsOf<T extends object>(rows: readonly T[], columns: readonly string[]): unknown[][] {
  return rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null));
}

function featureColumns(): string[] {
  return ['tenant_id', 'player_id', ...FEATURES.map((f) => f.key)];
}

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

export async function postgresSegmentEngine(label: string): Promise<SegmentEngine> {
  const dbName = `pb_seg_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const client = new pg.Client({ connectionString: `${PG_URL}/${dbName}` });
  await client.connect();
  client.setTypeParser(20, (text: string) => Number(text));
  for (const s of ddl(PG_T, true)) await client.query(s);

  async function insert(table: string, columns: readonly string[], rows: unknown[][], casts: readonly string[]): Promise<void> {
    const batch = Math.floor(30000 / columns.length);
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      const values: unknown[] = [];
      const tuples = chunk.map((r) => `(${r.map((v, j) => `$${values.push(v)}::${casts[j]}`).join(', ')})`);
      await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
    }
  }

  return {
    dialect: 'postgres',
    async load(data) {
      await insert('players', PLAYER_COLUMNS, rowsOf(data.players, PLAYER_COLUMNS), PLAYER_COLUMNS.map((c) => PG_T[PLAYER_TYPES[c]]));
      const fc = featureColumns();
      await insert('player_features', fc, rowsOf(data.features, fc), fc.map((c, i) => (i < 2 ? 'text' : FEATURES[i - 2]!.type === 'number' ? PG_T.dbl : 'bigint')));
      await insert('events', EVENT_TEST_COLUMNS, rowsOf(data.events, EVENT_TEST_COLUMNS), EVENT_TEST_COLUMNS.map((c) => PG_T[EVENT_TYPES_BY_COLUMN[c] ?? 'text']));
      await client.query(ACTIVITY);
      for (const sql of LAST_SEEN) await client.query(sql);
      await client.query('ALTER TABLE player_activity ADD PRIMARY KEY (tenant_id, player_id, type) INCLUDE (last_at)');
      await client.query('ANALYZE');
    },
    async query(q) {
      return (await client.query(q.sql, q.params)).rows as Record<string, unknown>[];
    },
    async exec(sql) {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    },
    async close() {
      await client.end();
      const a = new pg.Client({ connectionString: `${PG_URL}/postgres` });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await a.end();
    },
  };
}

/** `timeZone` sets the session's `TimeZone` (native DuckDB has ICU); instants must not depend on it. */
export async function duckdbSegmentEngine(options: { timeZone?: string } = {}): Promise<SegmentEngine> {
  const db = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await db.connect();
  if (options.timeZone !== undefined) await conn.run(`SET TimeZone = '${options.timeZone.replaceAll("'", "''")}'`);
  for (const s of ddl(DUCK_T, false)) await conn.run(s);

  // The appender fills an all-text staging table fast; one INSERT … SELECT
  // then casts, so values reach DuckDB as the same text Postgres parses.
  async function insert(table: string, columns: readonly string[], rows: unknown[][], types: readonly (keyof Types)[]): Promise<void> {
    const stage = `stage_${table}`;
    await conn.run(`CREATE TEMP TABLE ${stage} (${columns.map((c, j) => `${c} ${types[j] === 'tags' ? 'VARCHAR[]' : 'VARCHAR'}`).join(', ')})`);
    const app = await conn.createAppender(stage);
    for (const r of rows) {
      r.forEach((v, j) => {
        if (v === null) app.appendNull();
        else if (types[j] === 'tags') app.appendList(listValue(v as string[]), LIST(VARCHAR));
        else app.appendVarchar(String(v));
      });
      app.endRow();
    }
    app.flushSync();
    app.closeSync();
    await conn.run(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c, j) => `CAST(${c} AS ${DUCK_T[types[j]!]})`).join(', ')} FROM ${stage}`);
    await conn.run(`DROP TABLE ${stage}`);
  }

  return {
    dialect: 'duckdb',
    async load(data) {
      await insert('players', PLAYER_COLUMNS, rowsOf(data.players, PLAYER_COLUMNS), PLAYER_COLUMNS.map((c) => PLAYER_TYPES[c]));
      const fc = featureColumns();
      await insert('player_features', fc, rowsOf(data.features, fc), fc.map((_, i) => (i < 2 ? 'text' : FEATURES[i - 2]!.type === 'number' ? 'dbl' : 'big')));
      await insert('events', EVENT_TEST_COLUMNS, rowsOf(data.events, EVENT_TEST_COLUMNS), EVENT_TEST_COLUMNS.map((c) => EVENT_TYPES_BY_COLUMN[c] ?? 'text'));
      await conn.run(ACTIVITY);
      for (const sql of LAST_SEEN) await conn.run(sql);
    },
    async query(q) {
      const reader = await conn.runAndReadAll(q.sql, q.params as DuckDBValue[]);
      return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    },
    async exec(sql) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    },
    async close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}
