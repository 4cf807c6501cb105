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

/** The callback forms of node-postgres' `Pool.connect` and `Client.query` (Neon's have them too). */
type QueryCallback<R> = (error: Error | null, result: SqlResult<R>) => void;
type CallbackQuery<R> = (statement: string | SqlStatement, values: unknown[] | undefined, callback: QueryCallback<R>) => void;
interface CallbackPool {
  connect(callback: (error: Error | undefined, client: SqlClient | undefined) => void): void;
}

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
  /** `main` for every statement but event id claims, which have pools of their own (`claims`). */
  pool: 'main' | 'claims';
  total: number;
  idle: number;
  waiting: number;
}

/** One `end()` per pool, however many `Database`s share it (the control database may be shard 0). */
const endedPools = new WeakMap<SqlPool, Promise<void>>();

/**
 * Listens for `error` on a checked-out client until `stop()`, recording the
 * failure. Network drivers emit it when the connection dies while no
 * statement is running (a terminated backend, a server restart); the driver
 * also keeps a listener of its own for a client's whole life (see
 * `drivers/pg.ts`), this one tells the borrower not to reuse the connection.
 */
function watchClient(client: SqlClient): { readonly error: Error | undefined; stop(): void } {
  const state: { error: Error | undefined; stop(): void } = {
    error: undefined,
    stop: () => client.off?.('error', onError),
  };
  const onError = (error: Error): void => {
    state.error ??= error;
  };
  client.on?.('error', onError);
  return state;
}

/** A transaction in progress on one physical database. */
export interface Tx {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Runs `COPY … FROM STDIN` with `data` (COPY text format, as a string or its
   * UTF-8 bytes) as its data. Present only when the driver can
   * (node-postgres); callers fall back to a statement otherwise.
   */
  copyFrom?(sql: string, data: string | Uint8Array): Promise<void>;
}

/** Sends COPY data on a checked-out connection of a driver that supports it (see `drivers/pg.ts`). */
export type CopyIn = (client: SqlClient, sql: string, data: string | Uint8Array) => Promise<void>;

/**
 * One physical database: its pool, with every failure wrapped (keeping the
 * SQL), an optional deadline per call, and transactions that always release
 * their connection.
 */
export class Database {
  #closed = false;
  /** Rejecters of the calls waiting for a connection, failed by `close()`. */
  readonly #acquiring = new Set<(error: Error) => void>();

  constructor(
    /** Index in `config.urls` (0 for the embedded database). */
    readonly index: number,
    readonly pool: SqlPool,
    /** Deadline for a whole call (query or transaction); 0 = none. */
    readonly timeoutMs: number,
    /** Whether the driver prepares named statements (PGlite ignores names). */
    readonly namedStatements: boolean,
    /** `COPY FROM STDIN` for transactions (`Tx.copyFrom`), when the driver supports it. */
    private readonly copyIn?: CopyIn,
    /**
     * The pool and clients take node-postgres' callback forms (`pool.connect(cb)`,
     * `client.query(text, values, cb)`); `query()` then runs that way, in one
     * promise. With the promise forms, what each call allocates (its promise
     * chain and async frames, held across the database wait) got promoted in a
     * busy server: measured side by side on the reads path, GC time 12-15
     * against 41-54 µs per request, every scavenge promoting ~2 MB.
     */
    private readonly callbacks = false,
  ) {}

  /**
   * Runs one statement and returns its rows.
   *
   * @example
   * const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [tenant]);
   */
  query<R extends Row = Row>(sql: string, params: unknown[] = [], options: { name?: string; timeoutMs?: number } = {}): Promise<R[]> {
    const statement: string | SqlStatement = options.name && this.namedStatements ? { name: options.name, text: sql, values: params } : sql;
    const ms = options.timeoutMs ?? this.timeoutMs;
    return this.callbacks ? this.#queryByCallbacks<R>(statement, params, sql, ms) : this.#queryByPromises<R>(statement, params, sql, ms);
  }

  async #queryByPromises<R extends Row>(statement: string | SqlStatement, params: unknown[], sql: string, ms: number): Promise<R[]> {
    // Checked out here rather than through `pool.query()`: a call still queued for a connection
    // when the pool closes must fail (see `close()`), and pg-pool would leave it pending forever.
    const run = async (): Promise<R[]> => {
      const client = await this.#acquire(sql);
      const died = watchClient(client);
      try {
        const result = typeof statement === 'string' ? await client.query<R>(statement, params) : await client.query<R>(statement);
        client.release();
        return result.rows;
      } catch (error) {
        // As `pool.query()` does: a connection whose statement failed is not trusted again.
        client.release(died.error ?? (error instanceof Error ? error : true));
        throw error;
      } finally {
        died.stop();
      }
    };
    try {
      return await this.#deadline(run(), ms, sql);
    } catch (error) {
      throw wrapDriverError(error, sql, this.index);
    }
  }

  /**
   * `query` for drivers with callbacks (node-postgres, Neon): the same steps as
   * `#queryByPromises` (check out, watch the connection, run, release, within
   * the deadline, fail at once on `close()`), in one promise and the drivers'
   * callbacks. A connection that arrives after the call gave up (deadline,
   * `close()`) goes straight back without running the statement.
   */
  #queryByCallbacks<R extends Row>(statement: string | SqlStatement, params: unknown[], sql: string, ms: number): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        this.#acquiring.delete(fail);
        reject(wrapDriverError(error, sql, this.index));
      };
      if (this.#closed) {
        fail(this.#closedError());
        return;
      }
      if (ms) timer = setTimeout(() => fail(new ShardUnavailableError(`database ${this.index} did not answer within ${ms} ms`, { sql, database: this.index })), ms);
      this.#acquiring.add(fail);
      (this.pool as unknown as CallbackPool).connect((connectError, client) => {
        this.#acquiring.delete(fail);
        if (connectError || !client) {
          fail(connectError ?? new Error('the pool gave no connection'));
          return;
        }
        if (settled) {
          client.release();
          return;
        }
        const died = watchClient(client);
        const done: QueryCallback<R> = (error, result) => {
          if (error) {
            // As `pool.query()` does: a connection whose statement failed is not trusted again.
            client.release(died.error ?? error);
            died.stop();
            fail(error);
            return;
          }
          client.release();
          died.stop();
          if (settled) return;
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          resolve(result.rows);
        };
        try {
          (client.query as unknown as CallbackQuery<R>).call(client, statement, typeof statement === 'string' ? params : undefined, done);
        } catch (error) {
          done(error instanceof Error ? error : new Error(String(error)), { rows: [], rowCount: null });
        }
      });
    });
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
      const client = await this.#acquire(undefined);
      // A connection that dies between two statements (server restart) emits `error` on the
      // checked-out client; the watch records it so the connection is discarded, not reused.
      const died = watchClient(client);
      const tx: Tx = {
        query: async <R extends Row = Row>(sql: string, params: unknown[] = []) => {
          try {
            return (await client.query<R>(sql, params)).rows;
          } catch (error) {
            throw wrapDriverError(error, sql, this.index);
          }
        },
      };
      const copyIn = this.copyIn;
      if (copyIn) {
        tx.copyFrom = async (sql, data) => {
          try {
            await copyIn(client, sql, data);
          } catch (error) {
            throw wrapDriverError(error, sql, this.index);
          }
        };
      }
      try {
        await tx.query('BEGIN');
        const value = await fn(tx);
        await tx.query('COMMIT');
        client.release();
        return value;
      } catch (error) {
        if (died.error) {
          client.release(died.error);
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
        // Released by now: the pool's own listener (idle or discarded) has taken over.
        died.stop();
      }
    };
    return this.#deadline(work(), options.timeoutMs ?? this.timeoutMs, 'transaction');
  }

  /** Whether transactions on this database have `Tx.copyFrom` (the driver supports COPY FROM STDIN). */
  get copies(): boolean {
    return this.copyIn !== undefined;
  }

  /** Whether `close()` was called: every later call fails. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Closes the pool: calls still waiting for a connection fail at once with a
   * `ShardUnavailableError` (pg-pool would leave them pending forever once it
   * ends), later calls fail the same way, and the pool ends when the
   * connections in use come back. Idempotent; safe when several `Database`s
   * share one pool.
   *
   * @example
   * await db.close();
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      const error = this.#closedError();
      for (const abort of this.#acquiring) abort(error);
      this.#acquiring.clear();
    }
    let ended = endedPools.get(this.pool);
    if (!ended) endedPools.set(this.pool, (ended = this.pool.end()));
    return ended;
  }

  /** Pool gauges. */
  stats(pool: PoolStats['pool'] = 'main'): PoolStats {
    return { database: this.index, pool, total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  #closedError(): ShardUnavailableError {
    return new ShardUnavailableError(`database ${this.index} is closed: the storage is shutting down`, { database: this.index });
  }

  /**
   * Checks out a connection, or fails with `ShardUnavailableError` if the
   * database is closed before one is free. A connection that arrives after
   * that goes straight back (the pool is ending, so it is dropped).
   */
  #acquire(sql: string | undefined): Promise<SqlClient> {
    if (this.#closed) return Promise.reject(this.#closedError());
    return new Promise<SqlClient>((resolve, reject) => {
      let settled = false;
      const abort = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      this.#acquiring.add(abort);
      this.pool.connect().then(
        (client) => {
          this.#acquiring.delete(abort);
          if (settled) {
            client.release();
            return;
          }
          settled = true;
          resolve(client);
        },
        (error: unknown) => {
          this.#acquiring.delete(abort);
          abort(wrapDriverError(error, sql, this.index));
        },
      );
    });
  }

  // One promise and one timer per call (every player read passes here): no race of two promises and a `finally`.
  #deadline<T>(promise: Promise<T>, ms: number, sql: string): Promise<T> {
    if (!ms) return promise;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ShardUnavailableError(`database ${this.index} did not answer within ${ms} ms`, { sql, database: this.index })), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
