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
