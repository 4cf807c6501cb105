/**
 * The SQL dialects core compiles to, and the few places where their text
 * differs. Everything else the compilers emit is common to PostgreSQL (15+,
 * and PGlite's 18) and DuckDB (1.4+).
 */
export type SqlDialect = 'postgres' | 'duckdb';
export const SQL_DIALECTS: readonly SqlDialect[] = ['postgres', 'duckdb'];

/** Column types of the two engines for the three kinds of values core stores. */
export interface DialectTypes {
  readonly integer: string;
  readonly bigint: string;
  readonly double: string;
}

export interface DialectGenerator extends DialectTypes {
  readonly name: SqlDialect;
}

const postgres: DialectGenerator = {
  name: 'postgres',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
};

const duckdb: DialectGenerator = {
  name: 'duckdb',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
};

/**
 * The generator for one dialect.
 *
 * @example
 * dialectGenerator('duckdb').double // 'DOUBLE'
 */
export function dialectGenerator(dialect: SqlDialect): DialectGenerator {
  switch (dialect) {
    case 'postgres':
      return postgres;
    case 'duckdb':
      return duckdb;
    default:
      throw new Error(`unknown SQL dialect ${JSON.stringify(dialect satisfies never)}`);
  }
}

/**
 * A `TIMESTAMPTZ` (or `TIMESTAMP`) as a UTC `TIMESTAMP`, whatever the session's
 * `TimeZone`: through the epoch, which is absolute. DuckDB-WASM has no ICU
 * extension offline, and without it `TIMESTAMPTZ − INTERVAL` does not exist;
 * with ICU (native DuckDB) a plain cast would follow `TimeZone`.
 *
 * @example
 * duckdbUtc('e.occurred_at') // 'make_timestamp(epoch_us(e.occurred_at))'
 */
export function duckdbUtc(sql: string): string {
  return `make_timestamp(epoch_us(${sql}))`;
}

/**
 * {@link duckdbUtc} for a column that may hold `infinity` / `-infinity`
 * (e.g. an indefinite self-exclusion), which the epoch cannot carry (it reads NULL).
 *
 * @example
 * duckdbUtcOrInfinite('p.self_excluded_until')
 */
export function duckdbUtcOrInfinite(sql: string): string {
  return `CASE WHEN isinf(${sql}) THEN CASE WHEN ${sql} > to_timestamp(0) THEN CAST('infinity' AS TIMESTAMP) ELSE CAST('-infinity' AS TIMESTAMP) END ELSE ${duckdbUtc(sql)} END`;
}
