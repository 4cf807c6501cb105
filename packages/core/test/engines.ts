import { DuckDBInstance, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EVENT_COLUMNS } from '@pitboss/core';
import type { TenantRow } from './fixtures/feature-events.js';

/** A value bound to a positional parameter; a string list is a `text[]` / `LIST(VARCHAR)`. */
export type SqlValue = string | number | boolean | null | readonly string[];

/**
 * The two real engines the SQL tests run on: a fresh Postgres database on the
 * local server (name prefix `pb_core_`, dropped on close) and an in-memory
 * DuckDB. Both hold the same `events` table and answer the same way:
 * `query(sql, values)` returns plain rows with numbers (no bigint, no strings
 * for int8).
 */
export interface Engine {
  name: 'postgres' | 'pglite' | 'duckdb';
  insert(rows: readonly TenantRow[]): Promise<void>;
  query(sql: string, values: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const PG_URL = process.env.PITBOSS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

const pgDdl = `CREATE TABLE events (
  tenant_id text NOT NULL, event_id text NOT NULL, player_id text NOT NULL, type text NOT NULL,
  occurred_at timestamptz NOT NULL, product text, amount_minor bigint, bonus_minor bigint, win_minor bigint,
  currency text, status text, direction text, method text, live boolean, ref_id text, ip text, actor text, ref_at timestamptz, payload jsonb NOT NULL,
  PRIMARY KEY (tenant_id, event_id))`;

const duckDdl = `CREATE TABLE events (
  tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, player_id VARCHAR NOT NULL, type VARCHAR NOT NULL,
  occurred_at TIMESTAMPTZ NOT NULL, product VARCHAR, amount_minor BIGINT, bonus_minor BIGINT, win_minor BIGINT,
  currency VARCHAR, status VARCHAR, direction VARCHAR, method VARCHAR, live BOOLEAN, ref_id VARCHAR, ip VARCHAR, actor VARCHAR, ref_at TIMESTAMPTZ,
  payload JSON NOT NULL, PRIMARY KEY (tenant_id, event_id))`;

const COLUMNS = ['tenant_id', ...EVENT_COLUMNS] as const;

function values(row: TenantRow): unknown[] {
  return COLUMNS.map((c) => (c === 'payload' ? JSON.stringify(row.payload) : row[c]));
}

/** Multi-row INSERTs of at most 500 rows (Postgres allows 65 535 parameters per statement). */
function* insertBatches(rows: readonly TenantRow[]): Generator<[string, unknown[]]> {
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const tuples = chunk.map((_, r) => `(${COLUMNS.map((__, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`);
    yield [`INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, chunk.flatMap(values)];
  }
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** A fresh database on the local Postgres server; `label` keeps parallel test files apart. */
export async function postgresEngine(label: string): Promise<Engine> {
  const dbName = `pb_core_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const client = new pg.Client({ connectionString: `${PG_URL}/${dbName}` });
  await client.connect();
  // int8 (money sums) comes back as text by default; the tests compare numbers.
  client.setTypeParser(20, (text: string) => Number(text));
  await client.query(pgDdl);
  return {
    name: 'postgres',
    async insert(rows) {
      for (const [sql, vals] of insertBatches(rows)) await client.query(sql, vals);
    },
    async query(sql, vals) {
      return (await client.query(sql, [...vals])).rows as Record<string, unknown>[];
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

/** An in-memory PGlite (PostgreSQL 18 in WASM, the embedded default of the API), same table as Postgres. */
export async function pgliteEngine(): Promise<Engine> {
  const db = await PGlite.create({ parsers: { 20: (text: string) => Number(text) } });
  await db.exec(pgDdl);
  return {
    name: 'pglite',
    async insert(rows) {
      for (const [sql, vals] of insertBatches(rows)) await db.query(sql, vals);
    },
    async query(sql, vals) {
      return (await db.query<Record<string, unknown>>(sql, [...vals])).rows;
    },
    async close() {
      await db.close();
    },
  };
}

/**
 * An in-memory DuckDB with the same table. A `string[]` value is bound as `LIST(VARCHAR)`.
 * `timeZone` sets the session's `TimeZone` (native DuckDB has ICU; DuckDB-WASM does not).
 */
export async function duckdbEngine(options: { timeZone?: string } = {}): Promise<Engine> {
  const db = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await db.connect();
  if (options.timeZone !== undefined) await conn.run(`SET TimeZone = '${options.timeZone.replaceAll("'", "''")}'`);
  await conn.run(duckDdl);
  return {
    name: 'duckdb',
    async insert(rows) {
      const marks = COLUMNS.map((c, i) => (c === 'occurred_at' ? `CAST($${i + 1} AS TIMESTAMPTZ)` : `$${i + 1}`)).join(', ');
      const stmt = await conn.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES (${marks})`);
      for (const r of rows) {
        stmt.clearBindings();
        values(r).forEach((v, i) => {
          if (v === null) stmt.bindNull(i + 1);
          else if (typeof v === 'boolean') stmt.bindBoolean(i + 1, v);
          else if (typeof v === 'number') stmt.bindBigInt(i + 1, BigInt(v));
          else stmt.bindVarchar(i + 1, String(v));
        });
        await stmt.run();
      }
    },
    async query(sql, vals) {
      const stmt = await conn.prepare(sql);
      vals.forEach((v, i) => {
        if (Array.isArray(v)) stmt.bindValue(i + 1, listValue([...v]), LIST(VARCHAR));
        else stmt.bindValue(i + 1, v as Exclude<SqlValue, readonly string[]>);
      });
      const reader = await stmt.runAndReadAll();
      return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    },
    async close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}
