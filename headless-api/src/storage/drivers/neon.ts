import { Pool, neonConfig } from '@neondatabase/serverless';
import type { SqlPool } from '../pool.js';
import { keepErrorListener } from './pg.js';
import type { NetworkPoolOptions } from './pg.js';

/** How the Neon driver reaches Postgres: Neon itself, or a local WebSocket→TCP proxy. */
export interface NeonSettings {
  /** The WebSocket class; Node 20 has none built in (pass `ws`). */
  webSocketConstructor?: unknown;
  /** `(host, port) => 'proxyhost:port/v1?address=' + host + ':' + port` for a local proxy. */
  wsProxy?: string | ((host: string, port: number | string) => string);
  /** `false` for a plain `ws://` proxy on loopback. Default true. */
  useSecureWebSocket?: boolean;
}

/**
 * A `@neondatabase/serverless` pool (Postgres over WebSocket) for one
 * physical database. Neon's settings are global to the module, so every Neon
 * pool in a process shares them.
 *
 * @example
 * const pool = createNeonPool(url, { poolSize: 10, connectTimeoutMs: 5000, statementTimeoutMs: 0, idleTimeoutMs: 30000 }, { webSocketConstructor: WebSocket });
 */
export function createNeonPool(url: string, options: NetworkPoolOptions, settings: NeonSettings = {}): SqlPool {
  if (settings.webSocketConstructor) neonConfig.webSocketConstructor = settings.webSocketConstructor as typeof neonConfig.webSocketConstructor;
  if (settings.wsProxy) neonConfig.wsProxy = settings.wsProxy;
  if (settings.useSecureWebSocket === false) {
    // A plain ws:// proxy speaks Postgres' own TLS-less protocol; pipelining and
    // write coalescing only help over Neon's TLS and slow sequential queries here (TOOLCHAIN.md).
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    neonConfig.coalesceWrites = false;
  }
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  pool.on('error', (error: Error) => options.onIdleError?.(error));
  // Neon's Pool is pg-pool with node-postgres' Client: the same window as in drivers/pg.ts.
  keepErrorListener(pool, (error) => options.onIdleError?.(error));
  return pool as unknown as SqlPool;
}
