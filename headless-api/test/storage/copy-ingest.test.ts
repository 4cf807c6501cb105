import { parseEvent, toEventRow } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardedStorage } from '../../src/storage/index.js';
import { postgresBackend } from './backends.js';

/**
 * Bulk batches on node-postgres reach Postgres through COPY, straight into
 * `events` in a savepoint, or (a batch with an id stored before) into a
 * staging table, then INSERT … ON CONFLICT DO NOTHING (`writeShardEvents`): the
 * stored rows must be exactly those of the statement path (text with tabs,
 * newlines, backslashes and non-ASCII, numbers, booleans, nulls, jsonb
 * payloads), idempotent within and across batches, and a failing batch must
 * leave nothing behind.
 */

const TENANT = 'copy-path';
const TRICKY = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash \\N \\.', 'ünïcødé “quotes” 🎰', '\\', 'plain'];

function events(n: number, offset = 0): Event[] {
  const out: Event[] = [];
  for (let i = offset; i < offset + n; i++) {
    const tricky = TRICKY[i % TRICKY.length]!;
    const base = { schema_version: 1, event_id: `cp-${i}`, player_id: `pl-${i % 40}`, occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() };
    const input = i % 3 === 0
      ? { ...base, type: 'casino.round', round_id: `r${i}`, game_id: tricky, game_type: i % 2 ? 'live_casino' : 'slots', provider: tricky, stake_minor: 100 + i, win_minor: i % 7 ? 0 : 5000, currency: 'BRL' }
      : i % 3 === 1
        ? { ...base, type: 'bet.placed', bet_id: `b${i}`, bet_type: 'single', stake_minor: 500 + i, currency: 'EUR', odds: 2.25, legs: [{ sport: 'football', market: tricky, odds: 2.25, event: tricky, live: i % 2 === 0 }], attributes: { note: tricky, n: i, ok: true, none: null } }
        : { ...base, type: 'payment', payment_id: `pay${i}`, direction: 'withdrawal', status: 'cancelled', method: 'pix', amount_minor: 1000 + i, currency: 'BRL', cancelled_by: 'player', failure_reason: tricky };
    const r = parseEvent(input);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    out.push(r.event);
  }
  return out;
}

describe('ingest through COPY (node-postgres, bulk batches)', () => {
  const backend = postgresBackend(2, 'pg');
  let storage: ShardedStorage;
  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(async () => {
    await storage?.close();
    await backend.cleanup();
  });

  it('stores exactly the rows of toEventRow, once, however often the batch comes', async () => {
    const batch = events(1200);
    // A repeated line inside the batch, and the whole batch again: duplicates both times.
    const lines = [...batch, batch[5]!].map((event, i) => ({ line: i + 1, event }));
    const first = await storage.ingest(TENANT, lines);
    expect(first.accepted).toHaveLength(1200);
    expect(first.duplicate).toEqual([1201]);
    expect(first.retryable).toEqual([]);
    const again = await storage.ingest(TENANT, lines);
    expect(again.accepted).toEqual([]);
    expect(again.duplicate).toHaveLength(1201);
    // Half old, half new: only the new half is stored.
    const mixed = await storage.ingest(TENANT, [...batch.slice(600), ...events(600, 1200)].map((event, i) => ({ line: i + 1, event })));
    expect(mixed.accepted).toEqual(Array.from({ length: 600 }, (_, i) => 601 + i));

    const stored = new Map<string, Record<string, unknown>>();
    for (const db of storage.databases) {
      const rows = await db.query(
        `SELECT event_id, player_id, type, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, product, amount_minor, bonus_minor, win_minor,
           currency, status, direction, method, live, ref_id, ip, actor, ref_at, payload, shard FROM events WHERE tenant_id = $1`,
        [TENANT],
      );
      for (const r of rows) stored.set(String(r.event_id), r);
    }
    const all = [...batch, ...events(600, 1200)];
    expect(stored.size).toBe(all.length);
    for (const e of all) {
      const { row } = toEventRow(e);
      const got = stored.get(e.event_id)!;
      expect({ ...got, shard: undefined }).toEqual({ ...row, shard: undefined });
    }
    const players = await Promise.all(storage.databases.map((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [TENANT])));
    expect(players.reduce((a, r) => a + r[0]!.n, 0)).toBe(40);
  });

  it('concurrent batches sharing events (in opposite orders) store each event once and count it accepted once', async () => {
    const tenant = `${TENANT}-race`;
    const all = events(1600, 9000);
    const lines = (list: Event[]) => list.map((event, i) => ({ line: i + 1, event }));
    const a = all.slice(0, 1000);
    const b = all.slice(600).reverse();
    const outcomes = await Promise.all([storage.ingest(tenant, lines(a)), storage.ingest(tenant, lines(b))]);
    const accepted = [outcomes[0].accepted.map((l) => a[l - 1]!.event_id), outcomes[1].accepted.map((l) => b[l - 1]!.event_id)].flat();
    expect(new Set(accepted).size).toBe(accepted.length);
    // Whatever came back retryable (a deadlock between the two), a retry of everything completes it once.
    const retry = await storage.ingest(tenant, lines(all));
    expect(accepted.length + retry.accepted.length).toBe(all.length);
    expect(retry.retryable).toEqual([]);
    const counts = await Promise.all(storage.databases.map((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant])));
    expect(counts.reduce((n, r) => n + r[0]!.n, 0)).toBe(all.length);
  });

  it('a database whose batch fails in Postgres keeps none of it (the others commit), and a retry completes it once', async () => {
    const tenant = `${TENANT}-fail`;
    const good = events(400, 5000);
    // Refused by Postgres, not core: a bigint column cannot hold 2^63 (good[0] is a payment).
    const bad = { ...good[0]!, event_id: 'too-big', amount_minor: 2 ** 63 } as Event;
    await expect(storage.ingest(tenant, [...good, bad].map((event, i) => ({ line: i + 1, event })))).rejects.toThrow(/out of range/);
    const failed = await storage.databaseOf(tenant, bad.player_id);
        const counts = await Promise.all(storage.databases.map((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant])));
    expect(counts[failed]![0]!.n).toBe(0);
    const committed = counts.reduce((a, r) => a + r[0]!.n, 0);
    const retried = await storage.ingest(tenant, good.map((event, i) => ({ line: i + 1, event })));
    expect(retried.accepted.length).toBe(400 - committed);
    expect(retried.duplicate.length).toBe(committed);
    const after = await Promise.all(storage.databases.map((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant])));
    expect(after.reduce((a, r) => a + r[0]!.n, 0)).toBe(400);
  });
});
