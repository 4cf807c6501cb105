import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardUnavailableError, createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { ADMIN_URL } from './backends.js';

/**
 * Regression: `pitboss serve` never logged `shut down cleanly`. storage.close()
 * ended the pools while a re-score was queued for a connection (pg-pool
 * `waiting=1`); pg-pool never settles a request queued when it ends, so the
 * re-score, and scoring.close() waiting on it, hung forever. Closing a
 * database now fails its queued and later calls with a clear error.
 */

const NAME = `pb_fx_close_${process.pid}_${Date.now().toString(36)}`;

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

/** Settles with the outcome, or with 'pending' if `promise` is still unsettled after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'pending'> {
  return Promise.race([
    promise.then((value) => ({ value }), (error: unknown) => ({ error })),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('closing the storage never leaves a call waiting on an ended pool (regression)', () => {
  let storage: ShardedStorage;

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE DATABASE ${NAME}`));
    // One connection, so a second call has to queue for it; no connect timeout would ever settle it.
    storage = await createStorage({ driver: 'pg', urls: [databaseUrl(NAME)], poolSize: 1, timeouts: { connectMs: 0 } });
    await storage.migrate();
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`));
  }, 60_000);

  it('fails queued and later calls with ShardUnavailableError and finishes closing once the connection in use returns', async () => {
    const db = storage.databases[0]!;
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // Holds the only connection, like a refresh or request still running at shutdown.
    const running = db.transaction(async (tx) => {
      entered();
      await held;
      return tx.query<{ one: number }>('SELECT 1 AS one');
    });
    await inside;
    // Queued for the connection, like the late re-score.
    const queued = db.query('SELECT 2 AS two');
    await new Promise((r) => setTimeout(r, 50));
    expect(db.stats().waiting).toBe(1);

    const closing = storage.close();
    const queuedOutcome = await within(queued, 5000);
    expect(queuedOutcome).not.toBe('pending');
    const queuedError = (queuedOutcome as { error?: unknown }).error;
    expect(queuedError).toBeInstanceOf(ShardUnavailableError);
    expect((queuedError as Error).message).toMatch(/closed/);
    await expect(db.query('SELECT 3')).rejects.toBeInstanceOf(ShardUnavailableError);
    await expect(db.transaction((tx) => tx.query('SELECT 4'))).rejects.toBeInstanceOf(ShardUnavailableError);

    // The call already holding a connection completes; then the pool ends and close() resolves.
    finish();
    expect(await running).toEqual([{ one: 1 }]);
    expect(await within(closing, 5000)).toEqual({ value: undefined });
  }, 60_000);
});
