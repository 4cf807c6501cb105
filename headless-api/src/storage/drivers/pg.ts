import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CopyIn, SqlClient, SqlPool } from '../pool.js';

/** Pool settings shared by the TCP and WebSocket drivers. */
export interface NetworkPoolOptions {
  /** Connections per physical database. */
  poolSize: number;
  connectTimeoutMs: number;
  /** Server-side `statement_timeout`; 0 = none. */
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  /**
   * Called when a connection dies while nothing is using it: idle in the pool
   * (server restart), or checked out but between users (see `keepErrorListener`).
   * The pool replaces it on the next checkout.
   */
  onIdleError?: (error: Error) => void;
}

/** The part of a pooled client `keepErrorListener` needs (node-postgres' and Neon's `Client`). */
interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
  listenerCount(event: 'error'): number;
}

/**
 * Gives every connection of `pool` an `error` listener for its whole life.
 *
 * A node-postgres `Client` emits `error` when its connection dies while no
 * statement is running (an ErrorResponse such as 57P01 from
 * `pg_terminate_backend` with no active query, or the socket ending), and an
 * `error` event with no listener kills the process. pg-pool listens only
 * while a client is idle; between handing a client out and its borrower
 * attaching a listener there is a window: a fresh connection's
 * ReadyForQuery and the FATAL that follows it can arrive in one TCP read,
 * so the `error` is emitted synchronously right after pg-pool removed its
 * listener and before the borrower's `await pool.connect()` resumes. A
 * listener attached on `connect` (emitted before pg-pool removes its own)
 * closes every such window, and also covers clients that are being discarded.
 * It only logs when no one else listens: the pool, the transaction or the
 * statement holding the client handles and reports the failure itself.
 */
export function keepErrorListener(pool: { on(event: 'connect', listener: (client: ErrorEmitter) => void): unknown }, onOrphanError: (error: Error) => void): void {
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (client.listenerCount('error') <= 1) onOrphanError(error);
    });
  });
}

// int8 and numeric arrive as JS numbers where they fit: money is minor units
// well inside 2^53, and every other driver (PGlite) already returns numbers.
// node-postgres asks for the parsers of every column of every result (a player read has ~45): one function each, made once.
const parseInt8 = (value: string): number | string => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
};
const parseNumeric = (value: string): number => Number(value);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return parseInt8;
    if (oid === 1700) return parseNumeric;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A node-postgres pool (TCP) for one physical database.
 *
 * @example
 * const pool = createPgPool('postgres://postgres@127.0.0.1:5432/pitboss', { poolSize: 10, connectTimeoutMs: 5000, statementTimeoutMs: 30000, idleTimeoutMs: 30000 });
 */
export function createPgPool(url: string, options: NetworkPoolOptions): SqlPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    types,
  });
  // Without a listener an idle connection killed by the server crashes the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  keepErrorListener(pool, (error) => options.onIdleError?.(error));
  return pool as unknown as SqlPool;
}

/**
 * `COPY … FROM STDIN` on a node-postgres connection (pg-copy-streams): the
 * fastest way rows reach Postgres. Resolves once the server has taken them.
 *
 * @example
 * await pgCopyIn(client, 'COPY t (a, b) FROM STDIN', '1\tx\n2\ty\n');
 */
export const pgCopyIn: CopyIn = async (client: SqlClient, sql: string, data: string | Uint8Array) => {
  const stream = (client as unknown as pg.PoolClient).query(copyFrom(sql));
  stream.end(data);
  await finished(stream);
};
