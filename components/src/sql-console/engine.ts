import { LocalDataSource, MemoryDataSource, type DataSource, type RowBase } from '@pitboss/sdk';
import { ArrowDataSource, columnValue, type ResultTableLike } from './arrow-datasource.js';
import { isSingleQuery, scanSql } from './sql-text.js';

/** A DuckDB-WASM client as `LocalDataSource` takes it (`LocalAnalytics.db`). */
export type DuckDBClientLike = ConstructorParameters<typeof LocalDataSource>[0];

/** A table loaded in the engine, for the console's table list. */
export interface LoadedTable {
  name: string;
  rows: number;
}

/**
 * What `<pb-sql-console>` runs SQL on. `LocalAnalytics` from `@pitboss/sdk`
 * is one; any object with `query` works (results are Arrow-like tables).
 * Optional members add features: `cancel` (Escape and the cancel button),
 * `loadArrow` (loading API exports), `tables` (the table list with row
 * counts), and `db` (a DuckDB-WASM client: large results stay in DuckDB and
 * are read a window at a time).
 */
export interface SqlConsoleEngine {
  query(sql: string): Promise<ResultTableLike>;
  cancel?(): Promise<boolean> | boolean | void;
  loadArrow?(table: string, data: Uint8Array, options?: { replace?: boolean }): Promise<number>;
  tables?(): Promise<readonly LoadedTable[]>;
  readonly db?: DuckDBClientLike;
}

/** A column of a result: `key` is positional (`c0`, `c1`, …), so any column name, even `id` or a duplicate, is safe. */
export interface ResultColumn {
  key: string;
  name: string;
  /** Arrow type as text, e.g. `Int64`, `Utf8`, `Timestamp<MICROSECOND>`. */
  type: string;
  /** Decimal scale, when the type is a decimal. */
  scale: number;
}

/** One row of a result: `c0…cN` by column position. */
export type ResultRow = RowBase & Record<string, unknown>;

/** A finished query, ready for `<pb-player-table>`. */
export interface QueryResult {
  columns: ResultColumn[];
  rows: number;
  source: DataSource<ResultRow, never> | DataSource<ResultRow, undefined>;
  /** `memory`: the rows were fetched; `windowed`: they stay in DuckDB (or in the Arrow result) and are read per window. */
  kind: 'memory' | 'windowed';
}

/** The SQL a run sent, and what came before the user's text in it (for error positions). */
export interface SentSql {
  sql: string;
  prefix: string;
}

export function resultColumns(table: ResultTableLike): ResultColumn[] {
  return table.schema.fields.map((f, i) => {
    const type = String(f.type);
    const scale = (f.type as { scale?: unknown } | null)?.scale;
    return { key: `c${i}`, name: f.name, type, scale: typeof scale === 'number' ? scale : 0 };
  });
}

/** Copies rows `[start, end)` of an Arrow-like table into plain objects. */
export function materialise(table: ResultTableLike, columns: readonly ResultColumn[], start: number, end: number, id: (i: number) => string = String): ResultRow[] {
  const vectors = columns.map((_, j) => table.getChildAt(j));
  const out: ResultRow[] = [];
  for (let i = start; i < end; i++) {
    const row: ResultRow = { id: id(i) };
    columns.forEach((c, j) => {
      row[c.key] = columnValue(vectors[j], i);
    });
    out.push(row);
  }
  return out;
}

let consoles = 0;

/**
 * Runs the console's SQL on an engine. With a DuckDB client (`engine.db`) a
 * single query is kept in a temporary table (`CREATE OR REPLACE TEMP TABLE …
 * AS <sql>`): small results are fetched into a `MemoryDataSource`, large ones
 * are read by `LocalDataSource` one window at a time, so a million-row result
 * is never copied to the page. Anything else (DDL, several statements, an
 * engine without `db`) runs as it is; its Arrow result is windowed on the page.
 */
export class ResultRunner {
  readonly #table = `pb_sql_console_${++consoles}`;

  /** The SQL that will be sent for `sql`. */
  plan(engine: SqlConsoleEngine, sql: string): SentSql {
    const body = scanSql(sql).body;
    if (engine.db && isSingleQuery(sql)) {
      // The user's text starts on a line of its own, so DuckDB's line numbers are off by exactly one.
      const prefix = `CREATE OR REPLACE TEMP TABLE ${this.#table} AS\n`;
      return { sql: prefix + body, prefix };
    }
    return { sql, prefix: '' };
  }

  /** Runs `sent` (from {@link plan}); `signal` is checked between the steps of a kept result. */
  async run(engine: SqlConsoleEngine, sent: SentSql, memoryRowLimit: number, signal?: AbortSignal): Promise<QueryResult> {
    if (sent.prefix && engine.db) {
      await engine.query(sent.sql);
      signal?.throwIfAborted();
      const head = await engine.query(`SELECT * FROM ${this.#table} LIMIT 0`);
      const columns = resultColumns(head);
      const counted = await engine.query(`SELECT count(*)::DOUBLE AS n FROM ${this.#table}`);
      const rows = Number(columnValue(counted.getChildAt(0), 0) ?? 0);
      signal?.throwIfAborted();
      if (rows <= memoryRowLimit) {
        const all = await engine.query(`SELECT * FROM ${this.#table}`);
        signal?.throwIfAborted();
        return { columns, rows, source: new MemoryDataSource(materialise(all, columns, 0, all.numRows)), kind: 'memory' };
      }
      // Positional names (t(c0, c1, …)) make any result column, even `id` or a duplicate, a plain identifier.
      const names = columns.map((c) => c.key).join(', ');
      await engine.query(`CREATE OR REPLACE TEMP VIEW ${this.#table}_rows AS SELECT t.rowid AS pb_row, * FROM ${this.#table} AS t(${names})`);
      return { columns, rows, source: new LocalDataSource<ResultRow>(engine.db, `${this.#table}_rows`, { idColumn: 'pb_row' }), kind: 'windowed' };
    }
    const table = await engine.query(sent.sql);
    const columns = resultColumns(table);
    if (table.numRows <= memoryRowLimit) {
      return { columns, rows: table.numRows, source: new MemoryDataSource(materialise(table, columns, 0, table.numRows)), kind: 'memory' };
    }
    return { columns, rows: table.numRows, source: new ArrowDataSource(table, columns), kind: 'windowed' };
  }
}
