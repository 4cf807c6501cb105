import pg from 'pg';
import type { SqlPool } from '../pool.js';

/** Pool settings shared by the TCP and WebSocket drivers. */
export interface NetworkPoolOptions {
  /** Connections per physical database. */
  poolSize: number;
  connectTimeoutMs: number;
  /** Server-side `statement_timeout`; 0 = none. */
  statementTimeoutMs: number;
  idleTimeoutMs: number;
  /** Called when an idle connection dies (server restart); the pool replaces it on the next checkout. */
  onIdleError?: (error: Error) => void;
}

// int8 and numeric arrive as JS numbers where they fit: money is minor units
// well inside 2^53, and every other driver (PGlite) already returns numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 || oid === 1700) return (value: string) => { const n = Number(value); return Number.isSafeInteger(n) || oid === 1700 ? n : value; };
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
  return pool as unknown as SqlPool;
}
