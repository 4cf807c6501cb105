/**
 * The storage layer's error vocabulary. The HTTP layer maps them once:
 * `ShardUnavailableError` → 503 (retryable), `InvalidQueryError` → 400,
 * `StorageConfigError` → start-up failure, any other `StorageError` → 500.
 */

/** A database call failed. Keeps the driver's error as `cause` and the SQL that failed. */
export class StorageError extends Error {
  override name = 'StorageError';
  /** The SQL text (never the parameters: they may hold personal data). */
  readonly sql: string | undefined;
  /** Index of the physical database in `config.urls`, when known. */
  readonly database: number | undefined;
  /** SQLSTATE from the server, when the server answered. */
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; sql?: string; database?: number; code?: string } = {}) {
    super(message, { cause: options.cause });
    this.sql = options.sql;
    this.database = options.database;
    this.code = options.code;
  }
}

/** A physical database is down, unreachable, overloaded or too slow: the same call may succeed later. */
export class ShardUnavailableError extends StorageError {
  override name = 'ShardUnavailableError';
  readonly retryable = true as const;
}

/** A list query the storage cannot run: unknown sort key, cursor of another sort, malformed cursor. */
export class InvalidQueryError extends Error {
  override name = 'InvalidQueryError';
  constructor(
    message: string,
    /** The query parameter at fault, e.g. `cursor` or `sort`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** The configuration or the databases disagree with each other (shard map, database identity). */
export class StorageConfigError extends Error {
  override name = 'StorageConfigError';
}

// SQLSTATE classes that mean "this database cannot serve now", not "this statement is wrong":
// 08 connection, 53 resources, 57 operator intervention (shutdown, cancel/timeout), 58 system,
// 40 transaction rollback (serialization, deadlock), 3D000 database missing, 28 auth (a moved/rotated shard).
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58', '40', '28'];
const UNAVAILABLE_CODES = new Set(['3D000', '55P03']);

function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown; syscall?: unknown } | null;
  // A Node system error carries an errno code, some of them five capitals like a
  // SQLSTATE (EPIPE, EPERM, EBADF: a write to a connection the server closed).
  if (e && (typeof e.errno === 'number' || typeof e.syscall === 'string')) return undefined;
  const code = e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Wraps a driver failure. An error without a SQLSTATE never reached a server
 * (refused, reset, DNS, WebSocket closed, our own timeout): the database is
 * unavailable, not the statement wrong.
 *
 * @example
 * try { await pool.query(sql) } catch (e) { throw wrapDriverError(e, sql, 2) }
 */
export function wrapDriverError(error: unknown, sql: string | undefined, database: number | undefined): StorageError {
  if (error instanceof StorageError) return error;
  const code = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  const where = database === undefined ? '' : ` (database ${database})`;
  const unavailable = code === undefined || UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  const options = { cause: error, ...(sql === undefined ? {} : { sql }), ...(database === undefined ? {} : { database }), ...(code === undefined ? {} : { code }) };
  return unavailable
    ? new ShardUnavailableError(`database unavailable${where}: ${message}`, options)
    : new StorageError(`query failed${where}: ${message}`, options);
}
