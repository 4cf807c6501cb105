import { ShardUnavailableError, wrapDriverError } from './errors.js';

/**
 * The `pg` Pool shape, the only thing the storage layer needs from a driver.
 * node-postgres' and Neon's `Pool` fit it as they are; PGlite fits it through
 * `drivers/pglite.ts`.
 */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** A named statement: drivers that support it prepare it once per connection. */
export interface SqlStatement {
  name?: string;
  text: string;
  values?: unknown[];
}

export type Row = Record<string, unknown>;

export interface SqlClient {
  query<R extends Row = Row>(text: string | SqlStatement, params?: unknown[]): Promise<SqlResult<R>>;
  /** Returns the client to its pool; with an error, the pool discards the connection. */
  release(error?: Error | boolean): void;
  /** Network drivers emit `error` when the connection dies while checked out. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

export interface SqlPool {
  query<R extends Row = Row>(text: string | SqlStatement, params?: unknown[]): Promise<SqlResult<R>>;
  connect(): Promise<SqlClient>;
  end(): Promise<void>;
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** Pool gauges of one physical database, for `/metrics`. */
export interface PoolStats {
  database: number;
  total: number;
  idle: number;
  waiting: number;
}

/** A transaction in progress on one physical database. */
export interface Tx {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
}

/**
 * One physical database: its pool, with every failure wrapped (keeping the
 * SQL), an optional deadline per call, and transactions that always release
 * their connection.
 */
export class Database {
  constructor(
    /** Index in `config.urls` (0 for the embedded database). */
    readonly index: number,
    readonly pool: SqlPool,
    /** Deadline for a whole call (query or transaction); 0 = none. */
    readonly timeoutMs: number,
    /** Whether the driver prepares named statements (PGlite ignores names). */
    readonly namedStatements: boolean,
  ) {}

  /**
   * Runs one statement and returns its rows.
   *
   * @example
   * const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [tenant]);
   */
  async query<R extends Row = Row>(sql: string, params: unknown[] = [], options: { name?: string; timeoutMs?: number } = {}): Promise<R[]> {
    const statement: string | SqlStatement = options.name && this.namedStatements ? { name: options.name, text: sql, values: params } : sql;
    const run = typeof statement === 'string' ? this.pool.query<R>(statement, params) : this.pool.query<R>(statement);
    try {
      const result = await this.#deadline(run, options.timeoutMs ?? this.timeoutMs, sql);
      return result.rows;
    } catch (error) {
      throw wrapDriverError(error, sql, this.index);
    }
  }

  /**
   * Runs `fn` inside BEGIN … COMMIT on one connection; rolls back on any error.
   * A connection that failed mid-transaction is discarded, not reused.
   *
   * @example
   * await db.transaction(async (tx) => { await tx.query('INSERT …', [a]); await tx.query('UPDATE …', [b]); });
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const work = async (): Promise<T> => {
      let client: SqlClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw wrapDriverError(error, undefined, this.index);
      }
      // A connection that dies between two statements (server restart) emits `error` on the
      // checked-out client; without a listener that is an uncaught exception in node-postgres.
      let died: Error | undefined;
      const onError = (error: Error): void => {
        died = error;
      };
      client.on?.('error', onError);
      const tx: Tx = {
        query: async <R extends Row = Row>(sql: string, params: unknown[] = []) => {
          try {
            return (await client.query<R>(sql, params)).rows;
          } catch (error) {
            throw wrapDriverError(error, sql, this.index);
          }
        },
      };
      try {
        await tx.query('BEGIN');
        const value = await fn(tx);
        await tx.query('COMMIT');
        client.release();
        return value;
      } catch (error) {
        if (died) {
          client.release(died);
          throw error;
        }
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (rollbackError) {
          // The connection is broken; hand it back as failed so the pool drops it.
          client.release(rollbackError instanceof Error ? rollbackError : true);
        }
        throw error;
      } finally {
        client.off?.('error', onError);
      }
    };
    return this.#deadline(work(), options.timeoutMs ?? this.timeoutMs, 'transaction');
  }

  /** Pool gauges. */
  stats(): PoolStats {
    return { database: this.index, total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  #deadline<T>(promise: Promise<T>, ms: number, sql: string): Promise<T> {
    if (!ms) return promise;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ShardUnavailableError(`database ${this.index} did not answer within ${ms} ms`, { sql, database: this.index })), ms);
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }
}
