import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardUnavailableError, createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { ADMIN_URL } from './backends.js';
import { lines, round, tenant } from './fixtures.js';

/**
 * Regression: `pg_terminate_backend` under load crashed the API with
 * `Unhandled 'error' event` on a node-postgres Client (57P01 from
 * `Client._handleErrorMessage`). A connection handed out by pg-pool had no
 * `error` listener until its borrower's `await pool.connect()` resumed; a
 * FATAL read in that window (it can share a TCP read with the fresh
 * connection's ReadyForQuery) was emitted to nobody. Every pooled client now
 * keeps a listener for its whole life (drivers/pg.ts `keepErrorListener`).
 */

const NAMES = [0, 1].map((i) => `pb_fx_kill_${process.pid}_${Date.now().toString(36)}_${i}`);

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What pg's parser hands `Client._handleErrorMessage` when Postgres answers `pg_terminate_backend`. */
function terminated(): pg.DatabaseError {
  const error = new pg.DatabaseError('terminating connection due to administrator command', 0, 'error');
  error.severity = 'FATAL';
  error.code = '57P01';
  return error;
}

describe('terminated Postgres backends do not crash the process (regression)', () => {
  let storage: ShardedStorage;
  const uncaught: unknown[] = [];
  const orphanErrors: Error[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeAll(async () => {
    await withAdmin(async (c) => {
      for (const name of NAMES) await c.query(`CREATE DATABASE ${name}`);
    });
    storage = await createStorage({
      driver: 'pg',
      urls: NAMES.map(databaseUrl),
      poolSize: 3,
      featureRefresh: 'background',
      timeouts: { connectMs: 2000, statementMs: 20_000, shardReadMs: 5000, shardWriteMs: 20_000 },
      onIdleError: (error) => orphanErrors.push(error),
    });
    await storage.migrate();
    process.on('uncaughtException', onUncaught);
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await storage?.close({ drainMs: 5000 });
    await withAdmin(async (c) => {
      for (const name of NAMES) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }, 60_000);

  it('survives a connection that dies between checkout and its first statement', async () => {
    const pool = storage.databases[0]!.pool as unknown as pg.Pool;
    // Close the idle connections so the next checkout is a fresh one, as under a storm.
    await withAdmin((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [NAMES[0]]));
    await new Promise((r) => setTimeout(r, 200));
    let listenersInWindow = -1;
    const inject = (client: pg.PoolClient): void => {
      pool.off('acquire', inject);
      // pg-pool has just removed its own listener; the borrower has not attached one yet. This is
      // where the FATAL ErrorResponse of a terminated backend lands when it shares a read with the
      // fresh connection's ReadyForQuery.
      queueMicrotask(() => {
        const connection = (client as unknown as { connection: { emit(event: string, message: unknown): void } }).connection;
        listenersInWindow = client.listenerCount('error');
        connection.emit('errorMessage', terminated());
      });
    };
    pool.on('acquire', inject);
    const db = storage.databases[0]!;
    // The transaction meets the dead connection: an unavailable shard (503), never a crash.
    await expect(db.transaction((tx) => tx.query('SELECT 1 AS one'))).rejects.toBeInstanceOf(ShardUnavailableError);
    expect(listenersInWindow).toBeGreaterThan(0);
    expect(uncaught).toEqual([]);
    expect(orphanErrors.some((e) => (e as { code?: string }).code === '57P01')).toBe(true);
    // The dead connection was discarded: the next calls succeed.
    expect(await db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    const t = tenant('window');
    const outcome = await storage.ingest(t, lines([round('w1', 'w1', 100, 0, 1000)]));
    expect(outcome.retryable).toEqual([]);
    expect(await storage.getPlayer(t, 'w1')).toMatchObject({ player_id: 'w1' });
  }, 60_000);

  it('survives a pg_terminate_backend storm while ingesting and reading, and serves afterwards', async () => {
    const t = tenant('storm');
    let stop = false;
    const failures: unknown[] = [];
    let ok = 0;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const player = `s${w}_${i % 20}`;
        try {
          await storage.ingest(t, lines([round(player, `s${w}_${i}`, 100 + i, 0, 1000), round(`${player}x`, `s${w}_${i}x`, 50, 5, 2000)]));
          await storage.getPlayer(t, player);
          await Promise.all(storage.databases.map((db) => db.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [t])));
          ok++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    let kills = 0;
    await withAdmin(async (admin) => {
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        const { rows } = await admin.query<{ n: number }>('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [NAMES]);
        kills += rows[0]!.n;
        await new Promise((r) => setTimeout(r, 25));
      }
    });
    stop = true;
    await Promise.all(workers);

    expect(kills).toBeGreaterThan(0);
    expect(uncaught).toEqual([]);
    // Killed connections surface as retryable unavailability, not as other errors.
    for (const f of failures) expect(f, String(f)).toBeInstanceOf(ShardUnavailableError);

    // The pools reconnect: every database answers, and ingest, features and reads work again.
    await storage.featuresSettled();
    expect((await storage.health()).every((h) => h.ok)).toBe(true);
    const after = await storage.ingest(t, lines([round('after', 'after-1', 100, 0, 1000)]));
    expect(after.retryable).toEqual([]);
    await storage.featuresSettled();
    expect(await storage.getPlayer(t, 'after')).toMatchObject({ player_id: 'after' });
    expect(ok).toBeGreaterThan(0);
  }, 120_000);
});
