import { parseEvent } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureRefresher } from '../../src/storage/feature-refresher.js';
import type { Database } from '../../src/storage/pool.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { postgresBackend } from './backends.js';

/**
 * Background refreshes of databases on one server take turns while ingestion
 * writes to them (their pacing is per server: four databases refreshed side
 * by side took as much of the server as ingestion), and still bring every
 * queued player up to date; databases on different servers refresh side by
 * side.
 */

const TENANT = 'refresh-turns';

function events(n: number): Event[] {
  return Array.from({ length: n }, (_, i) => {
    const r = parseEvent({
      schema_version: 1, event_id: `rt-${i}`, player_id: `rt-p${i % 60}`, occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      type: 'payment', payment_id: `pay-${i}`, direction: 'deposit', status: 'approved', method: 'pix', amount_minor: 1000 + i, currency: 'BRL',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.event;
  });
}

describe('feature refresher on two databases of one Postgres server', () => {
  const backend = postgresBackend(2, 'pg');
  let storage: ShardedStorage;
  const players = new Map<Database, string[]>();
  let active = 0;
  let most = 0;

  beforeAll(async () => {
    storage = await backend.open();
    const batch = events(240);
    expect((await storage.ingest(TENANT, batch.map((event, i) => ({ line: i + 1, event })))).accepted).toHaveLength(240);
    await storage.featuresSettled();
    for (const id of new Set(batch.map((e) => e.player_id))) {
      const db = storage.databases[await storage.databaseOf(TENANT, id)]!;
      players.set(db, [...(players.get(db) ?? []), id]);
    }
    expect(players.size).toBe(2);
    // Counts refresh transactions in flight over both databases (the refresher's only transactions here).
    for (const db of storage.databases) {
      const transaction = db.transaction.bind(db);
      db.transaction = async (fn, options) => {
        most = Math.max(most, ++active);
        try {
          return await transaction(fn, options);
        } finally {
          active--;
        }
      };
    }
  });

  afterAll(async () => {
    await storage?.close();
    await backend.cleanup();
  });

  const computed = async (): Promise<number> => {
    let n = 0;
    for (const db of storage.databases) {
      n += (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM player_features WHERE tenant_id = $1 AND computed_at > $2', [TENANT, since]))[0]!.n;
    }
    return n;
  };
  let since = new Date();

  it('one refresh at a time on the server while ingestion writes, every player refreshed', async () => {
    since = new Date();
    most = 0;
    const refresher = new FeatureRefresher(0, () => '127.0.0.1:5432');
    for (const db of players.keys()) refresher.writeStarted(db);
    for (const [db, ids] of players) refresher.enqueue(db, TENANT, ids);
    await refresher.settled();
    for (const db of players.keys()) refresher.writeEnded(db);
    expect(most).toBe(1);
    expect(await computed()).toBe(60);
  });

  it('side by side once ingestion is quiet, and on different servers', async () => {
    for (const serverOf of [() => '127.0.0.1:5432', (db: Database) => `server-${db.index}`]) {
      since = new Date();
      most = 0;
      const refresher = new FeatureRefresher(0, serverOf);
      for (const [db, ids] of players) refresher.enqueue(db, TENANT, ids);
      await refresher.settled();
      expect(most).toBe(2);
      expect(await computed()).toBe(60);
    }
  });
});
