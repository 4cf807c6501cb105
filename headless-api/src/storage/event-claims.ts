import { shardOf } from '@pitboss/core';
import { textArray } from './activity.js';
import { CopyData, copyValue } from './copy-text.js';
import { ShardUnavailableError, StorageError, wrapDriverError } from './errors.js';
import type { Database } from './pool.js';

/**
 * Tenant-wide event ids (shard migration 0010, `event_claims`).
 *
 * Events live on their player's database, so the primary key of `events`
 * refuses a repeated id only when both events went to the same database.
 * Before a batch is written, each of its ids is claimed on the database of
 * `shardOf(tenant, event_id)`: the first player to use an id keeps it, and a
 * later event with that id for another player is refused instead of being
 * stored on a second database and counted twice. A claim by the same player
 * lets the event through to the primary key, which decides new or duplicate.
 *
 * A claim commits on its own, before the events' transaction. If that
 * transaction then fails, the claim stays, and the retry (same id, same
 * player) passes it again: nothing is lost and nothing is doubled.
 */

/** One event id to claim: the player it is for, and when it happened (for retention). */
export interface Claim {
  event_id: string;
  player_id: string;
  occurred_at: string;
}

/** What claiming a batch's ids found. */
export interface ClaimResult {
  /** Event ids already claimed by another player, with that player's id. */
  taken: Map<string, string>;
  /** Event ids whose claim database could not be reached (the caller retries them), with the reason. */
  unavailable: Map<string, string>;
  /** How many ids were claimed by this call (the rest were claimed before, by this player or another). */
  claimedNow: number;
}

// ON CONFLICT DO NOTHING waits for a concurrent claim of the same id to commit or abort, so once this
// statement is done every id it did not insert has a committed claim, which the next statement sees.
// It answers with a count: the usual batch claims every id, and 5,000 ids sent back would cost more than the insert's check.
const CLAIM = `WITH claimed AS (
  INSERT INTO event_claims (tenant_id, event_id, shard, player_id, occurred_at)
  SELECT $1, c.event_id, c.shard, c.player_id, c.occurred_at
  FROM unnest($2::text[], $3::smallint[], $4::text[], $5::timestamptz[]) AS c(event_id, shard, player_id, occurred_at)
  ON CONFLICT (tenant_id, event_id) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS n FROM claimed`;

// The usual batch's claims are all new: COPY writes them (the plain inserts of COPY cost about a third of
// the statement's speculative ones, measured on 200k claims), and a claim stored before fails it with a
// unique violation (or, against a concurrent batch, a deadlock), after which the statement above decides
// per id. The COPY commits on its own, as the statement does.
const COPY_CLAIMS = 'COPY event_claims (tenant_id, event_id, shard, player_id, occurred_at) FROM STDIN';
/** SQLSTATEs of a COPY of claims that met an id claimed before (or being claimed by a concurrent batch). */
const COPY_CONFLICTS = new Set(['23505', '40P01']);
/** Fewest claims of one database that go through COPY (its BEGIN and COMMIT cost two round trips). */
const COPY_MIN_CLAIMS = 200;

const OWNERS = 'SELECT event_id, player_id FROM event_claims WHERE tenant_id = $1 AND event_id = ANY($2::text[])';

/**
 * Claims `claims` (ids unique within the list) on their databases, all
 * databases at once, each in one autocommit statement, or by COPY in a
 * transaction of its own for 200 or more (a second statement reads the
 * owners of ids claimed before); `timeoutMs` bounds each database's claims
 * as a whole. `databaseOf` maps a logical shard to its database. An unreachable database turns its ids into `unavailable`;
 * any other failure is thrown once every database has settled.
 *
 * @example
 * const { taken } = await claimEventIds(databases, map, 'acme', [{ event_id: 'e1', player_id: 'p1', occurred_at: '2026-11-29T10:00:00Z' }], 5000);
 */
export async function claimEventIds(
  databases: readonly Database[],
  databaseOf: ArrayLike<number>,
  tenantId: string,
  claims: readonly Claim[],
  timeoutMs: number,
): Promise<ClaimResult> {
  const result: ClaimResult = { taken: new Map(), unavailable: new Map(), claimedNow: 0 };
  const byDatabase = new Map<number, { claims: Claim[]; shards: number[] }>();
  for (const c of claims) {
    const shard = shardOf(tenantId, c.event_id);
    const index = databaseOf[shard]!;
    let group = byDatabase.get(index);
    if (!group) byDatabase.set(index, (group = { claims: [], shards: [] }));
    group.claims.push(c);
    group.shards.push(shard);
  }
  const failures: StorageError[] = [];
  await Promise.all(
    [...byDatabase].map(async ([index, group]) => {
      const db = databases[index]!;
      const started = performance.now();
      try {
        if (db.copies && group.claims.length >= COPY_MIN_CLAIMS && (await copyClaims(db, tenantId, group, timeoutMs))) {
          result.claimedNow += group.claims.length;
          return;
        }
        // `timeoutMs` bounds a database's claims as a whole, a COPY that met a claimed id included.
        const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : 0;
        const ids = textArray(group.claims.map((c) => c.event_id));
        const [claimed] = await db.query<{ n: number }>(
          CLAIM,
          [tenantId, ids, `{${group.shards.join(',')}}`, textArray(group.claims.map((c) => c.player_id)), textArray(group.claims.map((c) => c.occurred_at))],
          { name: 'pb_claim_event_ids', timeoutMs: left },
        );
        result.claimedNow += claimed!.n;
        if (claimed!.n === group.claims.length) return;
        // Some ids were claimed before: by this event's player (a resend) or by another.
        const rest = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : 0;
        const owners = await db.query<{ event_id: string; player_id: string }>(OWNERS, [tenantId, ids], { name: 'pb_event_id_owners', timeoutMs: rest });
        const ownerOf = new Map(owners.map((r) => [r.event_id, r.player_id]));
        for (const c of group.claims) {
          const owner = ownerOf.get(c.event_id);
          // No row: the claim was deleted in between (retention); the events' primary key still decides.
          if (owner !== undefined && owner !== c.player_id) result.taken.set(c.event_id, owner);
        }
      } catch (error) {
        const wrapped = error instanceof StorageError ? error : wrapDriverError(error, undefined, index);
        if (!(wrapped instanceof ShardUnavailableError)) {
          failures.push(wrapped);
          return;
        }
        for (const c of group.claims) result.unavailable.set(c.event_id, wrapped.message);
      }
    }),
  );
  if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new StorageError(`claiming event ids failed on ${failures.length} databases`, { cause: new AggregateError(failures) });
  return result;
}

/**
 * COPYs one database's claims in one transaction of their own, sorted by id
 * (concurrent batches then wait for each other in one order). Returns false,
 * with nothing written, when an id was claimed before or by a concurrent batch.
 */
async function copyClaims(db: Database, tenantId: string, group: { claims: Claim[]; shards: number[] }, timeoutMs: number): Promise<boolean> {
  const order = group.claims.map((_, i) => i).sort((a, b) => {
    const x = group.claims[a]!.event_id;
    const y = group.claims[b]!.event_id;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const tenant = copyValue(tenantId);
  const data = new CopyData();
  for (const i of order) {
    const c = group.claims[i]!;
    data.append(`${tenant}\t${copyValue(c.event_id)}\t${group.shards[i]}\t${copyValue(c.player_id)}\t${copyValue(c.occurred_at)}\n`);
  }
  try {
    await db.transaction((tx) => tx.copyFrom!(COPY_CLAIMS, data.bytes()), { timeoutMs });
    return true;
  } catch (error) {
    if (error instanceof StorageError && error.code !== undefined && COPY_CONFLICTS.has(error.code)) return false;
    throw error;
  }
}

/**
 * Owners of ids the events' primary key refused, on one database: with a
 * single database no claims are written, and this tells a duplicate (same
 * player) from an id reused for another player.
 *
 * @example
 * const owners = await storedOwners(db, 'acme', ['e1', 'e2'], 5000); // Map { 'e1' => 'p1' }
 */
export async function storedOwners(db: Database, tenantId: string, eventIds: readonly string[], timeoutMs: number): Promise<Map<string, string>> {
  const rows = await db.query<{ event_id: string; player_id: string }>(
    'SELECT event_id, player_id FROM events WHERE tenant_id = $1 AND event_id = ANY($2::text[])',
    [tenantId, textArray(eventIds)],
    { name: 'pb_stored_event_owners', timeoutMs },
  );
  return new Map(rows.map((r) => [r.event_id, r.player_id]));
}

/**
 * Adds the claims of events stored before migration 0010, reading every
 * database's events in pages of `pageSize` (keyset on the primary key) and
 * claiming each id where it belongs. Idempotent: a claim already there is
 * kept. Returns how many claims it added and how many ids it found already
 * claimed by another player (events stored twice before claims existed;
 * both copies stay, the first page to reach an id claims it).
 *
 * @example
 * const { added, conflicting } = await backfillEventClaims(databases, map);
 */
export async function backfillEventClaims(
  databases: readonly Database[],
  databaseOf: ArrayLike<number>,
  options: { pageSize?: number; timeoutMs?: number; onProgress?: (scanned: number) => void } = {},
): Promise<{ scanned: number; added: number; conflicting: number }> {
  const pageSize = options.pageSize ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 0;
  let scanned = 0;
  let added = 0;
  let conflicting = 0;
  for (const db of databases) {
    let after: [string, string] = ['', ''];
    for (;;) {
      const page = await db.query<{ tenant_id: string; event_id: string; player_id: string; occurred_at: string }>(
        `SELECT tenant_id, event_id, player_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at
         FROM events WHERE (tenant_id, event_id) > ($1, $2) ORDER BY tenant_id, event_id LIMIT ${pageSize}`,
        after,
        { timeoutMs },
      );
      if (page.length === 0) break;
      scanned += page.length;
      const byTenant = new Map<string, Claim[]>();
      for (const r of page) {
        let list = byTenant.get(r.tenant_id);
        if (!list) byTenant.set(r.tenant_id, (list = []));
        list.push({ event_id: r.event_id, player_id: r.player_id, occurred_at: r.occurred_at });
      }
      for (const [tenant, claims] of byTenant) {
        const { taken, unavailable, claimedNow } = await claimEventIds(databases, databaseOf, tenant, claims, timeoutMs);
        if (unavailable.size > 0) throw new ShardUnavailableError(`event claims backfill: ${[...unavailable.values()][0]}`);
        conflicting += taken.size;
        added += claimedNow;
      }
      const last = page[page.length - 1]!;
      after = [last.tenant_id, last.event_id];
      options.onProgress?.(scanned);
      if (page.length < pageSize) break;
    }
  }
  return { scanned, added, conflicting };
}
