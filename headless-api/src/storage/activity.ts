import type { Event } from '@pitboss/core';
import type { Tx } from './pool.js';

/**
 * `player_activity` (shard migration 0007): the last occurrence of each event
 * type per player, which segments read for "did TYPE at least once / never in
 * the last D days". It is kept exact with `events`: ingestion adds the events
 * it inserted (`recordActivity`, in the same transaction), the retention job
 * drops the rows whose last occurrence it deleted (`trimActivity`). Nothing
 * else deletes events or changes their type or time.
 */

// Sorted by key so concurrent batches lock rows in one order (no deadlock). An
// older event than the stored one changes nothing, and writes nothing.
const UPSERT_ACTIVITY = `INSERT INTO player_activity AS a (tenant_id, player_id, type, shard, last_at)
SELECT $1, r.player_id, r.type, min(r.shard), max(r.at)
FROM unnest($2::text[], $3::text[], $4::smallint[], $5::timestamptz[]) AS r(player_id, type, shard, at)
GROUP BY r.player_id, r.type
ORDER BY r.player_id, r.type
ON CONFLICT (tenant_id, player_id, type) DO UPDATE SET last_at = EXCLUDED.last_at
WHERE EXCLUDED.last_at > a.last_at`;

// Every event before the cutoff is gone: a last occurrence before it was the
// only kind left, and any other row still has its maximum.
const TRIM_ACTIVITY = 'DELETE FROM player_activity WHERE tenant_id = $1 AND last_at < $2::timestamptz';

/**
 * Adds events just inserted into `events` (inside the same transaction `tx`)
 * to `player_activity`. Pass the events this transaction inserted (a
 * duplicate skipped by `ON CONFLICT DO NOTHING` would change nothing, as the
 * rollup is a maximum, but it costs a row). Sends one row per (player, type)
 * and batch, or a few where latest timestamps tie at the millisecond (their
 * text may differ below it; Postgres picks the maximum).
 *
 * @example
 * await recordActivity(tx, 'acme', events.filter((e) => stored.has(e.event.event_id)));
 */
export async function recordActivity(tx: Tx, tenantId: string, events: Iterable<{ shard: number; event: Event }>): Promise<void> {
  const latest = new Map<string, { player: string; type: string; shard: number; ms: number; at: Set<string> }>();
  for (const { shard, event } of events) {
    const key = `${event.player_id}\u0000${event.type}`;
    const ms = Date.parse(event.occurred_at);
    const x = latest.get(key);
    if (!x) latest.set(key, { player: event.player_id, type: event.type, shard, ms, at: new Set([event.occurred_at]) });
    else if (ms > x.ms) (x.ms = ms), (x.at = new Set([event.occurred_at]));
    else if (ms === x.ms) x.at.add(event.occurred_at);
  }
  if (latest.size === 0) return;
  const players: string[] = [];
  const types: string[] = [];
  const shards: number[] = [];
  const times: string[] = [];
  for (const x of latest.values()) {
    for (const at of x.at) {
      players.push(x.player);
      types.push(x.type);
      shards.push(x.shard);
      times.push(at);
    }
  }
  await tx.query(UPSERT_ACTIVITY, [tenantId, players, types, shards, times]);
}

/**
 * After the retention job deleted a tenant's events that occurred before
 * `cutoff` (inside the same transaction `tx`), drops the activity rows that
 * lost every occurrence. Returns how many.
 *
 * @example
 * await trimActivity(tx, 'acme', '2025-06-01T00:00:00.000Z');
 */
export async function trimActivity(tx: Tx, tenantId: string, cutoff: string): Promise<number> {
  return (await tx.query(`${TRIM_ACTIVITY} RETURNING 1`, [tenantId, cutoff])).length;
}

/** The statements, for tests and the bench that run them against a real engine. */
export const ACTIVITY_SQL = { UPSERT_ACTIVITY, TRIM_ACTIVITY } as const;
