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
  /** The text at `path` inside a JSON column (`jsonb` in Postgres; `JSON` or `VARCHAR` in DuckDB). */
  jsonText(column: string, path: readonly string[]): string;
}

const SEGMENT = /^[a-z_][a-z0-9_]*$/;

function checkPath(path: readonly string[]): void {
  if (path.length === 0 || !path.every((p) => SEGMENT.test(p))) {
    throw new Error(`invalid JSON path ${JSON.stringify(path)}: segments must match ${SEGMENT}`);
  }
}

const postgres: DialectGenerator = {
  name: 'postgres',
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  jsonText(column, path) {
    checkPath(path);
    return path.length === 1 ? `${column} ->> '${path[0]}'` : `${column} #>> '{${path.join(',')}}'`;
  },
};

// DuckDB's json_extract_string reads both a JSON column and JSON text in a
// VARCHAR column, so the same SQL works whichever type storage chose.
const duckdb: DialectGenerator = {
  name: 'duckdb',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  jsonText(column, path) {
    checkPath(path);
    return `json_extract_string(${column}, '$.${path.join('.')}')`;
  },
};

/**
 * The generator for one dialect.
 *
 * @example
 * dialectGenerator('duckdb').jsonText('payload', ['cancelled_by'])
 * // "json_extract_string(payload, '$.cancelled_by')"
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
