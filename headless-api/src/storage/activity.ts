import { EVENT_TYPES, lastSeenColumn } from '@pitboss/core';
import type { Tx } from './pool.js';

/**
 * The last occurrence of each event type per player: the last-seen columns
 * of `players` (shard migration 0011, `last_<type>_at`), which segments read
 * for "did TYPE at least once / never in the last D days". They are kept
 * exact with `events`: ingestion adds the events it inserted (`PlayerActivity`
 * per player, sent as `ActivityRows` with the players' upsert in the same
 * transaction, storage/writes.ts), the retention job clears a column whose
 * last occurrence it deleted (`trimLastSeen`). Nothing else deletes events or
 * changes their type or time. (Until shard migration 0012 a table,
 * `player_activity`, held the same times once more.)
 */

// Every event before the cutoff is gone: a last occurrence before it was the only kind left, and any later one is
// still the maximum.
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
 * the players' upsert (`appendRows`).
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

  /** Appends this player's rows to the upsert's arrays: the latest time of each type, and the texts that tie with it. */
  appendRows(rows: ActivityRows, playerId: string): void {
    for (const x of this.#latest) {
      rows.push(playerId, x.type, x.at);
      if (x.ties) for (const at of x.ties) rows.push(playerId, x.type, at);
    }
  }
}

/**
 * The (player, type, time) rows of a batch's latest occurrences: three array
 * parameters of the players' upsert, which folds them per player (several
 * rows of one key, tied timestamps, take their maximum in Postgres).
 */
export class ActivityRows {
  readonly players: string[] = [];
  readonly types: string[] = [];
  readonly times: string[] = [];

  push(playerId: string, type: string, at: string): void {
    this.players.push(playerId);
    this.types.push(type);
    this.times.push(at);
  }

  /** The three array parameters, as array literals (`textArray`). */
  params(): [string, string, string] {
    return [textArray(this.players), textArray(this.types), textArray(this.times)];
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
 * `cutoff` (inside the same transaction `tx`), clears the players'
 * last-seen columns that held a deleted occurrence. Returns how many players.
 *
 * @example
 * await trimLastSeen(tx, 'acme', '2025-06-01T00:00:00.000Z');
 */
export async function trimLastSeen(tx: Tx, tenantId: string, cutoff: string): Promise<number> {
  return (await tx.query(`${TRIM_LAST_SEEN} RETURNING 1`, [tenantId, cutoff])).length;
}
