import { EVENT_TYPES, lastSeenColumn } from '@pitboss/core';
import type { Tx } from './pool.js';

/**
 * `player_activity` (shard migration 0007): the last occurrence of each event
 * type per player, which segments read for "did TYPE at least once / never in
 * the last D days". It is kept exact with `events`: ingestion adds the events
 * it inserted (`writeShardEvents`, in the same transaction and the same
 * statement as the players' upsert: `activityUpsertSql`), the retention job
 * drops the rows whose last occurrence it deleted (`trimActivity`). Nothing
 * else deletes events or changes their type or time.
 */

/**
 * The upsert, its arrays of (player, type, shard, time) starting at parameter
 * `$first` (the tenant is `$1`). Rows come sorted by key (`ActivityRows`), so
 * concurrent batches lock rows in one order (no deadlock), and at most one
 * per key, except where a key's latest timestamps tie at the millisecond
 * (their text may differ below it): `grouped` then folds them in Postgres,
 * which picks the maximum. An older event than the stored one changes
 * nothing, and writes nothing.
 */
export function activityUpsertSql(first: number, grouped: boolean): string {
  const [players, types, shards, times] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  const rows = `unnest(${players}::text[], ${types}::text[], ${shards}::smallint[], ${times}::timestamptz[]) AS r(player_id, type, shard, at)`;
  return `INSERT INTO player_activity AS a (tenant_id, player_id, type, shard, last_at)
${grouped ? `SELECT $1, r.player_id, r.type, min(r.shard), max(r.at)
FROM ${rows}
GROUP BY r.player_id, r.type
ORDER BY r.player_id, r.type` : `SELECT $1, r.player_id, r.type, r.shard, r.at
FROM ${rows}`}
ON CONFLICT (tenant_id, player_id, type) DO UPDATE SET last_at = EXCLUDED.last_at
WHERE EXCLUDED.last_at > a.last_at`;
}

const UPSERT_ACTIVITY = activityUpsertSql(2, true);

// Every event before the cutoff is gone: a last occurrence before it was the
// only kind left, and any other row still has its maximum.
const TRIM_ACTIVITY = 'DELETE FROM player_activity WHERE tenant_id = $1 AND last_at < $2::timestamptz';
// The players' last-seen columns (shard migration 0011) follow player_activity: one before the cutoff lost every occurrence.
const LAST_SEEN_COLUMNS = EVENT_TYPES.map(lastSeenColumn);
const TRIM_LAST_SEEN = `UPDATE players SET ${LAST_SEEN_COLUMNS.map((c) => `${c} = CASE WHEN ${c} < $2::timestamptz THEN NULL ELSE ${c} END`).join(', ')}
WHERE tenant_id = $1 AND (${LAST_SEEN_COLUMNS.map((c) => `${c} < $2::timestamptz`).join(' OR ')})`;

/** The latest occurrence of one event type in a batch, for one player. */
interface Latest {
  type: string;
  ms: number;
  at: string;
  /** Other texts of the same millisecond (rare: sub-millisecond digits, offsets). */
  ties: string[] | null;
}

/**
 * One player's latest occurrence per event type among the events a
 * transaction inserted. Fed event by event (`add`), then written as rows of
 * the upsert (`appendRows`) in (player, type) order.
 */
export class PlayerActivity {
  readonly #latest: Latest[] = [];

  /** Adds an event of `type` at `at` (`ms` = `Date.parse(at)`). */
  add(type: string, ms: number, at: string): void {
    const list = this.#latest;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      if (x.type !== type) continue;
      if (ms > x.ms) {
        x.ms = ms;
        x.at = at;
        x.ties = null;
      } else if (ms === x.ms && at !== x.at && !x.ties?.includes(at)) {
        (x.ties ??= []).push(at);
      }
      return;
    }
    list.push({ type, ms, at, ties: null });
  }

  /** Appends this player's rows, types in order, to the upsert's arrays (players must come in order too). */
  appendRows(rows: ActivityRows, playerId: string, shard: number): void {
    const list = this.#latest;
    if (list.length > 1) list.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    for (const x of list) {
      rows.push(playerId, x.type, shard, x.at);
      if (!x.ties) continue;
      rows.grouped = true;
      for (const at of x.ties) rows.push(playerId, x.type, shard, at);
    }
  }
}

/** The upsert's parameters: one array per column, in (player, type) order. */
export class ActivityRows {
  readonly players: string[] = [];
  readonly types: string[] = [];
  readonly shards: number[] = [];
  readonly times: string[] = [];
  /** Whether a key has several rows (tied timestamps): see `activityUpsertSql`. */
  grouped = false;

  push(playerId: string, type: string, shard: number, at: string): void {
    this.players.push(playerId);
    this.types.push(type);
    this.shards.push(shard);
    this.times.push(at);
  }

  get size(): number {
    return this.players.length;
  }

  /** The four array parameters, as array literals (`textArray`). */
  params(): [string, string, string, string] {
    return [textArray(this.players), textArray(this.types), `{${this.shards.join(',')}}`, textArray(this.times)];
  }
}

const ARRAY_SPECIAL = /["\\]/;

/**
 * A Postgres array literal of `values`, as node-postgres would send the
 * array but in one join where no element holds a quote or a backslash (ids,
 * types and timestamps never do): node-postgres escapes every element with
 * two regular expressions, a tenth of ingestion's own CPU per event.
 *
 * @example
 * textArray(['a', 'b"c']); // '{"a","b\\"c"}'
 */
export function textArray(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  // Tested without the quotes the literal adds.
  if (!ARRAY_SPECIAL.test(values.join(''))) return `{"${values.join('","')}"}`;
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * After the retention job deleted a tenant's events that occurred before
 * `cutoff` (inside the same transaction `tx`), drops the activity rows that
 * lost every occurrence, and clears the players' last-seen columns that held
 * them. Returns how many activity rows.
 *
 * @example
 * await trimActivity(tx, 'acme', '2025-06-01T00:00:00.000Z');
 */
export async function trimActivity(tx: Tx, tenantId: string, cutoff: string): Promise<number> {
  const trimmed = (await tx.query(`${TRIM_ACTIVITY} RETURNING 1`, [tenantId, cutoff])).length;
  if (trimmed > 0) await tx.query(TRIM_LAST_SEEN, [tenantId, cutoff]);
  return trimmed;
}

/** The statements, for tests and the bench that run them against a real engine. */
export const ACTIVITY_SQL = { UPSERT_ACTIVITY, TRIM_ACTIVITY, TRIM_LAST_SEEN } as const;
