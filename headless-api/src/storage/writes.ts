import { EVENT_COLUMNS, EVENT_TYPES as EVENT_TYPE_NAMES, compileFeatureQuery, featureColumns, lastSeenColumn, toEventRow } from '@pitboss/core';
import type { Event, EventRow, PersonalData, PlayerProfile } from '@pitboss/core';
import { ActivityRows, PlayerActivity, textArray } from './activity.js';
import { CopyData, copyValue } from './copy-text.js';
import type { Database, Tx } from './pool.js';

/**
 * The SQL of every write, and the per-database write steps. Rows travel as
 * one JSON document per statement (`json_to_recordset`): one round trip and
 * one parameter whatever the batch size, and no per-row statements. Events,
 * the bulk of every batch, take COPY where the driver has it (node-postgres):
 * straight into `events`, which is all a batch of new events needs (the
 * primary key refuses an id stored before, and then the transaction is rolled
 * back and run again, `writeShardBatch`); a batch that meets a stored id goes
 * through a session-local staging table and one INSERT … ON CONFLICT DO
 * NOTHING from it, which keeps the idempotency of the JSON path at about two
 * thirds of its cost in Postgres (JSON is parsed twice there: the document,
 * then each payload as jsonb).
 */

const EVENT_TYPES: Record<keyof EventRow, string> = {
  event_id: 'text', player_id: 'text', type: 'text', occurred_at: 'timestamptz', product: 'text',
  amount_minor: 'bigint', bonus_minor: 'bigint', win_minor: 'bigint', currency: 'text', status: 'text',
  direction: 'text', method: 'text', live: 'boolean', ref_id: 'text', ip: 'text', actor: 'text', ref_at: 'timestamptz', payload: 'jsonb',
};

const eventCols = EVENT_COLUMNS.join(', ');
const INSERT_EVENTS = `INSERT INTO events (tenant_id, shard, ${eventCols})
SELECT $1, r.shard, ${EVENT_COLUMNS.map((c) => `r.${c}`).join(', ')}
FROM json_to_recordset($2::json) AS r(shard smallint, ${EVENT_COLUMNS.map((c) => `${c} ${EVENT_TYPES[c]}`).join(', ')})
ON CONFLICT (tenant_id, event_id) DO NOTHING
RETURNING event_id`;

// Lines of COPY text carry (tenant_id, shard, ...EVENT_COLUMNS), for `events` and the staging table alike.
const COPY_DIRECT = `COPY events (tenant_id, shard, ${eventCols}) FROM STDIN`;
// One per connection (temporary), emptied at every commit; created on first use by each connection.
const STAGE_EVENTS = `CREATE TEMPORARY TABLE IF NOT EXISTS pb_events_stage (tenant_id text, shard smallint, ${EVENT_COLUMNS.map((c) => `${c} ${EVENT_TYPES[c]}`).join(', ')}) ON COMMIT DELETE ROWS`;
const COPY_EVENTS = `COPY pb_events_stage (tenant_id, shard, ${eventCols}) FROM STDIN`;
const INSERT_STAGED_EVENTS = `INSERT INTO events (tenant_id, shard, ${eventCols})
SELECT $1, shard, ${eventCols} FROM pb_events_stage
ON CONFLICT (tenant_id, event_id) DO NOTHING
RETURNING event_id`;
/** SQLSTATEs of a direct COPY that met an id stored before (or being stored by a concurrent batch). */
const DIRECT_COPY_CONFLICTS = new Set(['23505', '40P01']);

/** Fewest events of one database's batch that go through COPY (see `writeShardEvents`). */
const COPY_MIN_EVENTS = 200;

/** Profile fields with a typed column on `players`; the rest live only in `players.profile`. */
const PROFILE_COLUMNS: { key: keyof PlayerProfile; insert: (patch: string) => string }[] = [
  { key: 'registered_at', insert: (j) => `(${j}->>'registered_at')::timestamptz` },
  { key: 'country', insert: (j) => `${j}->>'country'` },
  { key: 'currency', insert: (j) => `${j}->>'currency'` },
  { key: 'birth_year', insert: (j) => `(${j}->>'birth_year')::integer` },
  { key: 'brand', insert: (j) => `${j}->>'brand'` },
  { key: 'market', insert: (j) => `${j}->>'market'` },
  { key: 'language', insert: (j) => `${j}->>'language'` },
  { key: 'affiliate_id', insert: (j) => `${j}->>'affiliate_id'` },
  { key: 'kyc_verified_at', insert: (j) => `(${j}->>'kyc_verified_at')::timestamptz` },
  { key: 'blocked', insert: (j) => `COALESCE((${j}->>'blocked')::boolean, false)` },
  { key: 'self_excluded_until', insert: (j) => `(${j}->>'self_excluded_until')::timestamptz` },
  { key: 'test_account', insert: (j) => `COALESCE((${j}->>'test_account')::boolean, false)` },
  { key: 'tags', insert: (j) => `ARRAY(SELECT jsonb_array_elements_text(${j}->'tags'))` },
  { key: 'marketing_consents', insert: (j) => `COALESCE(${j}->'marketing_consents', '{}'::jsonb)` },
];

/**
 * The last-seen columns of `players` (shard migration 0011), one per event
 * type: the time of the player's last stored event of that type. Ingestion
 * sends the latest occurrence per (player, type) of the events it inserted
 * (`ActivityRows`, arrays from parameter `$first`); the `seen` CTE folds them
 * into one row per player (Postgres picks the maximum of timestamps that tie
 * at the millisecond), and the upsert keeps the later of stored and new.
 */
const LAST_SEEN = EVENT_TYPE_NAMES.map((type) => ({ type, column: lastSeenColumn(type) }));
const seenCte = (first: number): string => `seen AS (SELECT s.player_id, ${LAST_SEEN.map(({ type, column }) => `max(s.at) FILTER (WHERE s.type = '${type}') AS ${column}`).join(', ')}
FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::timestamptz[]) AS s(player_id, type, at)
GROUP BY s.player_id)`;

/**
 * The parts a players upsert adds when it also takes the last-seen times of
 * the `seen` CTE: columns, values, the join, the SET items and the reason to
 * write a row whose last_event_at did not move (a type's occurrence later
 * than the stored one). Rows are inserted in `player_id` byte order, the
 * order every writer of `players` locks in.
 */
function seenParts(seen: boolean): { columns: string; values: string; join: string; set: string; changed: string; order: string } {
  if (!seen) return { columns: '', values: '', join: '', set: '', changed: '', order: '' };
  return {
    columns: `, ${LAST_SEEN.map((c) => c.column).join(', ')}`,
    values: `, ${LAST_SEEN.map((c) => `s.${c.column}`).join(', ')}`,
    join: ' LEFT JOIN seen s ON s.player_id = r.player_id',
    set: `${LAST_SEEN.map((c) => `${c.column} = GREATEST(p.${c.column}, EXCLUDED.${c.column}),
  `).join('')}`,
    changed: LAST_SEEN.map((c) => `\n  OR EXCLUDED.${c.column} > COALESCE(p.${c.column}, '-infinity')`).join(''),
    order: '\nORDER BY r.player_id COLLATE "C"',
  };
}

// A field present in the patch replaces the stored one (null included); an
// absent field keeps it. Consents merge one level deeper, per channel.
const upsertPlayersSql = (seen: boolean): string => {
  const x = seenParts(seen);
  return `INSERT INTO players AS p (tenant_id, player_id, shard, last_event_at, profile, ${PROFILE_COLUMNS.map((c) => c.key).join(', ')}${x.columns})
SELECT $1, r.player_id, r.shard, r.last_event_at, r.patch, ${PROFILE_COLUMNS.map((c) => c.insert('r.patch')).join(', ')}${x.values}
FROM json_to_recordset($2::json) AS r(player_id text, shard smallint, last_event_at timestamptz, patch jsonb)${x.join}${x.order}
ON CONFLICT (tenant_id, player_id) DO UPDATE SET
  last_event_at = GREATEST(p.last_event_at, EXCLUDED.last_event_at),
  profile = p.profile || EXCLUDED.profile || CASE WHEN EXCLUDED.profile ? 'marketing_consents'
    THEN jsonb_build_object('marketing_consents', COALESCE(p.profile->'marketing_consents', '{}'::jsonb) || (EXCLUDED.profile->'marketing_consents'))
    ELSE '{}'::jsonb END,
  ${PROFILE_COLUMNS.filter((c) => c.key !== 'marketing_consents')
    .map((c) => `${c.key} = CASE WHEN EXCLUDED.profile ? '${c.key}' THEN EXCLUDED.${c.key} ELSE p.${c.key} END`)
    .join(',\n  ')},
  marketing_consents = p.marketing_consents || EXCLUDED.marketing_consents,
  ${x.set}updated_at = now()
-- Most events of a busy player are not its newest: skipping those no-op updates saves a row version and its index entries.
WHERE EXCLUDED.profile <> '{}'::jsonb OR p.last_event_at IS NULL OR EXCLUDED.last_event_at > p.last_event_at${x.changed}
RETURNING (xmax = 0) AS created`;
};
const UPSERT_PLAYERS = upsertPlayersSql(false);

// A batch's players when none of its events changes a profile (nearly every
// batch: the statement above with an empty patch comes to this). Arrays
// rather than a JSON document: no JSON to parse, nor 14 profile expressions
// per row. The other columns take their defaults, as an empty patch gives them.
// Used only inside ingestPlayersSql, whose `seen` CTE it reads.
const touchPlayersSql = (): string => {
  const x = seenParts(true);
  return `INSERT INTO players AS p (tenant_id, player_id, shard, last_event_at${x.columns})
SELECT $1, r.player_id, r.shard, r.last_event_at${x.values}
FROM unnest($2::text[], $3::smallint[], $4::timestamptz[]) AS r(player_id, shard, last_event_at)${x.join}${x.order}
ON CONFLICT (tenant_id, player_id) DO UPDATE SET
  last_event_at = GREATEST(p.last_event_at, EXCLUDED.last_event_at),
  ${x.set}updated_at = now()
WHERE p.last_event_at IS NULL OR EXCLUDED.last_event_at > p.last_event_at${x.changed}`;
};

/**
 * Ingestion's players upsert, last-seen columns included, in one statement:
 * `touchPlayersSql`, or `upsertPlayersSql` when a profile changes (players
 * as one JSON document, `$2`), with the `seen` CTE over the activity arrays
 * that follow the players' parameters.
 */
function ingestPlayersSql(profiles: boolean): string {
  const key = profiles ? 'profiles' : 'touch';
  let sql = INGEST_PLAYERS_SQL.get(key);
  if (!sql) {
    sql = `WITH ${seenCte(profiles ? 3 : 5)}\n${profiles ? upsertPlayersSql(true) : touchPlayersSql()}`;
    INGEST_PLAYERS_SQL.set(key, sql);
  }
  return sql;
}
const INGEST_PLAYERS_SQL = new Map<string, string>();

// An exclusion only ever extends: a later event with an earlier end (or a
// replayed old one) never shortens what is in force. GREATEST skips NULLs, and
// an open-ended exclusion is `infinity`.
const APPLY_EXCLUSIONS = `UPDATE players AS p SET
  self_excluded_until = GREATEST(p.self_excluded_until, r.self_excluded_until),
  timed_out_until = GREATEST(p.timed_out_until, r.timed_out_until),
  updated_at = now()
FROM json_to_recordset($2::json) AS r(player_id text, self_excluded_until timestamptz, timed_out_until timestamptz)
WHERE p.tenant_id = $1 AND p.player_id = r.player_id`;

const PERSONAL_KEYS = ['first_name', 'last_name', 'email', 'phone'] as const satisfies readonly (keyof PersonalData)[];

const UPSERT_PERSONAL = `INSERT INTO player_personal AS pp (tenant_id, player_id, ${PERSONAL_KEYS.join(', ')})
SELECT $1, r.player_id, ${PERSONAL_KEYS.map((k) => `r.${k}`).join(', ')}
FROM json_to_recordset($2::json) AS r(player_id text, ${PERSONAL_KEYS.map((k) => `${k} text`).join(', ')})
ON CONFLICT (tenant_id, player_id) DO UPDATE SET
  ${PERSONAL_KEYS.map((k) => `${k} = COALESCE(EXCLUDED.${k}, pp.${k})`).join(',\n  ')},
  updated_at = now()`;

const FEATURE_QUERY = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true });
const featureKeys = featureColumns.map((c) => c.key);
const tenantParam = `$${FEATURE_QUERY.params.indexOf('tenant_id') + 1}`;
const REFRESH_FEATURES = `INSERT INTO player_features AS pf (tenant_id, player_id, computed_at, ${featureKeys.join(', ')})
SELECT ${tenantParam}, q.player_id, now(), ${featureKeys.map((k) => `q.${k}`).join(', ')}
FROM (${FEATURE_QUERY.sql}) AS q
ON CONFLICT (tenant_id, player_id) DO UPDATE SET
  computed_at = EXCLUDED.computed_at,
  ${featureKeys.map((k) => `${k} = EXCLUDED.${k}`).join(',\n  ')}`;

// The refreshed players' rows, locked in player_id order (the order ingestion
// locks them in) before the copy below writes them, so a refresh and a
// concurrent batch never deadlock; locked only now, after the features were
// computed, so ingestion waits for the copy alone.
const LOCK_PLAYERS = 'SELECT 1 FROM players WHERE tenant_id = $1 AND player_id = ANY($2::text[]) ORDER BY player_id FOR UPDATE';
// The segment copy of the features on players (shard migration 0011): the same values, in the same transaction.
const COPY_FEATURES = `UPDATE players AS p SET ${featureKeys.map((k) => `${k} = f.${k}`).join(', ')}
FROM player_features f
WHERE p.tenant_id = $1 AND p.player_id = ANY($2::text[]) AND f.tenant_id = p.tenant_id AND f.player_id = p.player_id
  AND (${featureKeys.map((k) => `p.${k}`).join(', ')}) IS DISTINCT FROM (${featureKeys.map((k) => `f.${k}`).join(', ')})`;

/**
 * Statements that make `player_features` and the players' segment copy
 * match core's feature list (new features add columns, and a sort index on
 * `player_features`).
 */
export function featureColumnsSql(): string[] {
  return featureColumns.flatMap((c) => [
    `ALTER TABLE player_features ADD COLUMN IF NOT EXISTS ${c.key} ${c.sqlType.postgres}`,
    `CREATE INDEX IF NOT EXISTS player_features_${c.key} ON player_features (tenant_id, ${c.key}, player_id)`,
    `ALTER TABLE players ADD COLUMN IF NOT EXISTS ${c.key} ${c.sqlType.postgres}`,
  ]);
}

/** One event bound for a shard, with where it came from. */
export interface ShardEvent {
  line: number;
  shard: number;
  event: Event;
}

/** A player's changes from one batch (or one profile upsert), merged in time order. */
interface PlayerChange {
  player_id: string;
  shard: number;
  last_event_at: string | null;
  lastEventMs: number;
  patch: Record<string, unknown>;
  personal: PersonalData | null;
  /** Latest end of a self-exclusion / time-out started in this batch (`infinity` when open-ended). */
  selfExcludedUntil?: string;
  timedOutUntil?: string;
  /** Latest occurrence per event type of the batch's new events (ingestion only). */
  activity?: PlayerActivity;
}

function mergeProfile(into: Record<string, unknown>, patch: Omit<PlayerProfile, 'personal'>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === 'marketing_consents' && into[k] && typeof into[k] === 'object') into[k] = { ...(into[k] as object), ...(v as object) };
    else into[k] = v;
  }
}

function mergePersonal(into: PersonalData | null, p: PersonalData | undefined): PersonalData | null {
  if (!p) return into;
  const out: PersonalData = { ...(into ?? {}) };
  for (const k of PERSONAL_KEYS) if (p[k] !== undefined) out[k] = p[k];
  return out;
}

function changeFor(changes: Map<string, PlayerChange>, playerId: string, shard: number): PlayerChange {
  let c = changes.get(playerId);
  if (!c) {
    c = { player_id: playerId, shard, last_event_at: null, lastEventMs: -Infinity, patch: {}, personal: null };
    changes.set(playerId, c);
  }
  return c;
}

// One lock order for every writer: concurrent batches touching the same players then wait, never deadlock.
const byPlayer = (a: PlayerChange, b: PlayerChange): number => (a.player_id < b.player_id ? -1 : a.player_id > b.player_id ? 1 : 0);

/** Upserts players and their personal data; returns `created` for each row that was written (no-op updates are skipped). */
async function writePlayers(tx: Tx, tenantId: string, changes: Iterable<PlayerChange>): Promise<boolean[]> {
  const list = [...changes].sort(byPlayer);
  if (list.length === 0) return [];
  const rows = await tx.query<{ created: boolean }>(UPSERT_PLAYERS, [tenantId, playersJson(list)]);
  await writePersonal(tx, tenantId, list);
  return rows.map((r) => r.created);
}

/**
 * Ingestion's player writes: the players of the batch's new events with
 * their last-seen times (one statement, `ingestPlayersSql`), then personal data.
 * `profiles`: whether any change carries a profile or personal data.
 */
async function writeIngestPlayers(tx: Tx, tenantId: string, changes: Iterable<PlayerChange>, profiles: boolean): Promise<void> {
  const list = [...changes].sort(byPlayer);
  if (list.length === 0) return;
  const activity = new ActivityRows();
  for (const c of list) c.activity?.appendRows(activity, c.player_id);
  const sql = ingestPlayersSql(profiles);
  if (profiles) {
    await tx.query(sql, [tenantId, playersJson(list), ...activity.params()]);
    await writePersonal(tx, tenantId, list);
    return;
  }
  const ids = new Array<string>(list.length);
  const shards = new Array<number>(list.length);
  const times = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    ids[i] = c.player_id;
    shards[i] = c.shard;
    // Every player here has a new event, hence a time.
    times[i] = c.last_event_at!;
  }
  await tx.query(sql, [tenantId, textArray(ids), `{${shards.join(',')}}`, textArray(times), ...activity.params()]);
}

function playersJson(list: readonly PlayerChange[]): string {
  return JSON.stringify(list.map((c) => ({ player_id: c.player_id, shard: c.shard, last_event_at: c.last_event_at, patch: c.patch })));
}

async function writePersonal(tx: Tx, tenantId: string, list: readonly PlayerChange[]): Promise<void> {
  const personal = list.filter((c) => c.personal !== null);
  if (personal.length === 0) return;
  await tx.query(UPSERT_PERSONAL, [tenantId, JSON.stringify(personal.map((c) => ({ player_id: c.player_id, ...c.personal })))]);
}

/** How `writeShardEvents` sends events by COPY: straight into `events`, or through the staging table. */
export type CopyRoute = 'direct' | 'staged';

/**
 * A direct COPY met an id stored before (or being stored by a concurrent
 * batch); thrown out of `writeShardEvents` so that the transaction rolls
 * back and `writeShardBatch` runs the batch again through the staging table.
 */
class DirectCopyRefused extends Error {
  constructor(cause: unknown) {
    super('a direct COPY into events met a stored event id', { cause });
    this.name = 'DirectCopyRefused';
  }
}

/**
 * Writes one shard database's batch in one transaction (`writeShardEvents`)
 * and returns the event ids stored now. A bulk batch on a driver with COPY
 * goes straight into `events` first: a batch of new events then takes four
 * round trips (BEGIN, COPY, players, COMMIT). When the primary
 * key refuses one of its ids, nothing else has been written yet: the
 * transaction rolls back and the batch runs again through the staging table
 * (a savepoint around the COPY cost every batch a round trip, to save two on
 * the rare batch that meets a stored id). `timeoutMs` bounds both runs together.
 * `beforeCommit`, when given, is awaited after the writes and before COMMIT:
 * if it throws, the transaction rolls back and the error is thrown here
 * (ingestion waits there for the batch's event id claims, see `ShardedStorage.ingest`).
 *
 * @example
 * const stored = await writeShardBatch(db, 'acme', events, 30_000);
 */
export async function writeShardBatch(
  db: Database,
  tenantId: string,
  events: readonly ShardEvent[],
  timeoutMs: number,
  beforeCommit?: () => Promise<void>,
): Promise<Set<string>> {
  const started = performance.now();
  const write = async (tx: Tx, route: CopyRoute): Promise<Set<string>> => {
    const stored = await writeShardEvents(tx, tenantId, events, route);
    if (beforeCommit) await beforeCommit();
    return stored;
  };
  try {
    return await db.transaction((tx) => write(tx, 'direct'), { timeoutMs });
  } catch (error) {
    if (!(error instanceof DirectCopyRefused)) throw error;
  }
  const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (performance.now() - started)) : 0;
  return db.transaction((tx) => write(tx, 'staged'), { timeoutMs: left });
}

/**
 * Writes one shard database's events inside `tx`: inserts them (duplicates
 * skipped by the primary key), then, for the events that were new only,
 * bumps `last_event_at` and the last-seen times per event type, and merges
 * `player.updated` profiles and personal data. Returns the event ids stored
 * now. `events` must hold no two events with one id (the caller keeps the
 * first). With `route` 'direct', bulk events are COPYed straight into
 * `events`, and a stored id fails the transaction with `DirectCopyRefused`
 * (call it through `writeShardBatch`, which then runs it 'staged').
 *
 * @example
 * const stored = await db.transaction((tx) => writeShardEvents(tx, 'acme', events, 'staged'));
 */
export async function writeShardEvents(tx: Tx, tenantId: string, events: readonly ShardEvent[], route: CopyRoute): Promise<Set<string>> {
  let stored: Set<string>;
  // COPY takes more round trips than the statement (COPY, then its data): worth it for bulk, not for a handful of events.
  if (tx.copyFrom && events.length >= COPY_MIN_EVENTS) {
    const tenant = copyValue(tenantId);
    const data = new CopyData();
    for (const { shard, event } of events) {
      const { row } = toEventRow(event);
      let line = tenant + '\t' + shard;
      for (const c of EVENT_COLUMNS) line += '\t' + copyValue(row[c]);
      data.append(line + '\n');
    }
    stored = await copyEvents(tx, tenantId, data.bytes(), events, route);
  } else {
    const rows = events.map(({ shard, event }) => {
      // toEventRow builds a fresh row: add the shard to it rather than copying every field into another object.
      const { row } = toEventRow(event);
      (row as EventRow & { shard: number }).shard = shard;
      return row;
    });
    const inserted = await tx.query<{ event_id: string }>(INSERT_EVENTS, [tenantId, JSON.stringify(rows)]);
    stored = new Set(inserted.map((r) => r.event_id));
  }
  const all = stored.size === events.length;
  const changes = new Map<string, PlayerChange>();
  // Profile updates apply in event time, so a batch's older update never hides a newer one. Only they
  // need ordering (last_event_at is a maximum, exclusions only extend): sorting every event by a parsed
  // timestamp cost more than the rest of this function.
  const updates: { ms: number; line: number; change: PlayerChange; profile: PlayerProfile }[] = [];
  for (const { event, shard, line } of events) {
    if (!all && !stored.has(event.event_id)) continue;
    const c = changeFor(changes, event.player_id, shard);
    const ms = Date.parse(event.occurred_at);
    // Strictly later: of events at one instant, the first one's timestamp text is kept.
    if (ms > c.lastEventMs) {
      c.lastEventMs = ms;
      c.last_event_at = event.occurred_at;
    }
    (c.activity ??= new PlayerActivity()).add(event.type, ms, event.occurred_at);
    if (event.type === 'player.updated') {
      updates.push({ ms, line, change: c, profile: event.profile });
    } else if (event.type === 'exclusion.started') {
      const until = event.until ?? 'infinity';
      if (event.kind === 'self_exclusion') c.selfExcludedUntil = laterEnd(c.selfExcludedUntil, until);
      else c.timedOutUntil = laterEnd(c.timedOutUntil, until);
    }
  }
  updates.sort((a, b) => a.ms - b.ms || a.line - b.line);
  for (const { change, profile: { personal, ...profile } } of updates) {
    mergeProfile(change.patch, profile);
    change.personal = mergePersonal(change.personal, personal);
  }
  await writeIngestPlayers(tx, tenantId, changes.values(), updates.length > 0);
  const exclusions = [...changes.values()].filter((c) => c.selfExcludedUntil !== undefined || c.timedOutUntil !== undefined);
  if (exclusions.length > 0) {
    await tx.query(APPLY_EXCLUSIONS, [
      tenantId,
      JSON.stringify(exclusions.map((c) => ({ player_id: c.player_id, self_excluded_until: c.selfExcludedUntil ?? null, timed_out_until: c.timedOutUntil ?? null }))),
    ]);
  }
  return stored;
}

/**
 * COPYs `text` (lines for `events`) into `events` and returns the ids stored:
 * 'direct', straight into the table (a refused id throws
 * `DirectCopyRefused`, and the transaction is over); 'staged', through the
 * staging table with ON CONFLICT DO NOTHING.
 */
async function copyEvents(tx: Tx, tenantId: string, text: Uint8Array, events: readonly ShardEvent[], route: CopyRoute): Promise<Set<string>> {
  const copyFrom = tx.copyFrom!;
  if (route === 'direct') {
    try {
      await copyFrom(COPY_DIRECT, text);
    } catch (error) {
      throw DIRECT_COPY_CONFLICTS.has((error as { code?: string }).code ?? '') ? new DirectCopyRefused(error) : error;
    }
    return new Set(events.map((e) => e.event.event_id));
  }
  await tx.query(STAGE_EVENTS);
  await copyFrom(COPY_EVENTS, text);
  const inserted = await tx.query<{ event_id: string }>(INSERT_STAGED_EVENTS, [tenantId]);
  return new Set(inserted.map((r) => r.event_id));
}

function laterEnd(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  if (a === 'infinity' || b === 'infinity') return 'infinity';
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * Creates or merges one player's profile (and personal data) inside `tx`.
 * Returns whether the player is new.
 *
 * @example
 * const created = await db.transaction((tx) => writeProfile(tx, 'acme', 'p1', 17, { country: 'BR' }));
 */
export async function writeProfile(tx: Tx, tenantId: string, playerId: string, shard: number, profile: PlayerProfile): Promise<boolean> {
  const { personal, ...rest } = profile;
  const change: PlayerChange = { player_id: playerId, shard, last_event_at: null, lastEventMs: -Infinity, patch: {}, personal: mergePersonal(null, personal) };
  mergeProfile(change.patch, rest);
  const [created] = await writePlayers(tx, tenantId, [change]);
  return created === true;
}

/**
 * Recomputes the features of `playerIds` from their events with core's
 * compiled feature SQL (player filter), upserts them into `player_features`
 * and copies them onto the players' rows (segments read them there), in one
 * transaction.
 *
 * @example
 * await refreshFeatures(db, 'acme', ['p1', 'p2'], new Date());
 */
export async function refreshFeatures(db: Database, tenantId: string, playerIds: readonly string[], asOf: Date, timeoutMs = 0): Promise<void> {
  if (playerIds.length === 0) return;
  const values: Record<(typeof FEATURE_QUERY.params)[number], unknown> = { tenant_id: tenantId, player_ids: playerIds, as_of: asOf.toISOString(), time_zone: 'UTC' };
  await db.transaction(async (tx) => {
    // The aggregation sorts every event of the touched players; the default 4 MB work_mem spills that to disk.
    await tx.query("SET LOCAL work_mem = '64MB'");
    await tx.query(REFRESH_FEATURES, FEATURE_QUERY.params.map((p) => values[p]));
    const ids = textArray(playerIds);
    await tx.query(LOCK_PLAYERS, [tenantId, ids]);
    await tx.query(COPY_FEATURES, [tenantId, ids]);
  }, { timeoutMs });
}
