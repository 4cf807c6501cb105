import type { Event } from '@pitboss/core';
import type { Tx } from './pool.js';

/**
 * `player_activity` (shard migration 0007): the first and last occurrence of
 * each event type per player, which segments read for "did TYPE at least once
 * / never in the last D days". It is kept exact with `events`: ingestion adds
 * the events it inserted (`recordActivity`, in the same transaction), the
 * retention job recomputes the rows whose first occurrence it deleted
 * (`trimActivity`). Nothing else deletes events or changes their type or time.
 */

// Sorted by key so concurrent batches lock rows in one order (no deadlock).
const UPSERT_ACTIVITY = `INSERT INTO player_activity AS a (tenant_id, player_id, type, shard, first_at, last_at)
SELECT $1, r.player_id, r.type, min(r.shard), min(r.at), max(r.at)
FROM json_to_recordset($2::json) AS r(player_id text, type text, shard smallint, at timestamptz)
GROUP BY r.player_id, r.type
ORDER BY r.player_id, r.type
ON CONFLICT (tenant_id, player_id, type) DO UPDATE SET
  first_at = LEAST(a.first_at, EXCLUDED.first_at),
  last_at = GREATEST(a.last_at, EXCLUDED.last_at)
WHERE EXCLUDED.first_at < a.first_at OR EXCLUDED.last_at > a.last_at`;

// Rows whose first occurrence is older than the cutoff lost events: drop them
// and rebuild them from what is left (none left: the row stays dropped). The
// insert merges with a row a concurrent batch may have added meanwhile.
const DROP_TRIMMED = `DELETE FROM player_activity WHERE tenant_id = $1 AND first_at < $2::timestamptz RETURNING player_id, type`;
const REBUILD_ACTIVITY = `INSERT INTO player_activity AS a (tenant_id, player_id, type, shard, first_at, last_at)
SELECT e.tenant_id, e.player_id, e.type, min(e.shard), min(e.occurred_at), max(e.occurred_at)
FROM events e
JOIN json_to_recordset($2::json) AS r(player_id text, type text) ON e.player_id = r.player_id AND e.type = r.type
WHERE e.tenant_id = $1
GROUP BY e.tenant_id, e.player_id, e.type
ON CONFLICT (tenant_id, player_id, type) DO UPDATE SET
  first_at = LEAST(a.first_at, EXCLUDED.first_at),
  last_at = GREATEST(a.last_at, EXCLUDED.last_at)`;

interface Occurrence {
  player_id: string;
  type: string;
  shard: number;
  at: string;
}

/** The earliest and latest timestamps (ties at the millisecond kept: the text may differ below it). */
interface Extremes {
  shard: number;
  minMs: number;
  min: Set<string>;
  maxMs: number;
  max: Set<string>;
}

/**
 * Adds events just inserted into `events` (inside the same transaction `tx`)
 * to `player_activity`. Pass only the events this transaction inserted: a
 * duplicate skipped by `ON CONFLICT DO NOTHING` would not change the rollup
 * anyway (first/last are a minimum and a maximum), but it costs a row.
 * Sends one row per (player, type) and extreme, not one per event.
 *
 * @example
 * await recordActivity(tx, 'acme', events.filter((e) => stored.has(e.event.event_id)));
 */
export async function recordActivity(tx: Tx, tenantId: string, events: Iterable<{ shard: number; event: Event }>): Promise<void> {
  const byKey = new Map<string, Extremes>();
  for (const { shard, event } of events) {
    const key = `${event.player_id}\u0000${event.type}`;
    const ms = Date.parse(event.occurred_at);
    const x = byKey.get(key);
    if (!x) {
      byKey.set(key, { shard, minMs: ms, min: new Set([event.occurred_at]), maxMs: ms, max: new Set([event.occurred_at]) });
      continue;
    }
    if (ms < x.minMs) (x.minMs = ms), (x.min = new Set([event.occurred_at]));
    else if (ms === x.minMs) x.min.add(event.occurred_at);
    if (ms > x.maxMs) (x.maxMs = ms), (x.max = new Set([event.occurred_at]));
    else if (ms === x.maxMs) x.max.add(event.occurred_at);
  }
  if (byKey.size === 0) return;
  const rows: Occurrence[] = [];
  for (const [key, x] of byKey) {
    const cut = key.indexOf('\u0000');
    const player_id = key.slice(0, cut);
    const type = key.slice(cut + 1);
    for (const at of new Set([...x.min, ...x.max])) rows.push({ player_id, type, shard: x.shard, at });
  }
  await tx.query(UPSERT_ACTIVITY, [tenantId, JSON.stringify(rows)]);
}

/**
 * After the retention job deleted a tenant's events that occurred before
 * `cutoff` (inside the same transaction `tx`), recomputes the activity rows
 * that held a deleted occurrence. Returns how many rows were recomputed or dropped.
 *
 * @example
 * await trimActivity(tx, 'acme', '2025-06-01T00:00:00.000Z');
 */
export async function trimActivity(tx: Tx, tenantId: string, cutoff: string): Promise<number> {
  const dropped = await tx.query<{ player_id: string; type: string }>(DROP_TRIMMED, [tenantId, cutoff]);
  if (dropped.length > 0) await tx.query(REBUILD_ACTIVITY, [tenantId, JSON.stringify(dropped)]);
  return dropped.length;
}

/** The statements, for tests and the bench that run them against a real engine. */
export const ACTIVITY_SQL = { UPSERT_ACTIVITY, DROP_TRIMMED, REBUILD_ACTIVITY } as const;
