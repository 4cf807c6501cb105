import { featureColumns, shardOf } from '@pitboss/core';
import type { PlayerProfile, PersonalData } from '@pitboss/core';
import * as apiKeys from './api-keys.js';
import type { CreateApiKeyOptions } from './api-keys.js';
import { openPGlitePool } from './drivers/pglite.js';
import { createPgPool, pgCopyIn } from './drivers/pg.js';
import { createNeonPool } from './drivers/neon.js';
import { InvalidQueryError, ShardUnavailableError, StorageConfigError, StorageError, wrapDriverError } from './errors.js';
import { afterSql, comparePositions, decodeCursor, encodeCursor, mergeSorted, orderSql, sortSpec, sortValueSql } from './keyset.js';
import type { KeysetPosition } from './keyset.js';
import { migrateDatabase } from './migrate.js';
import type { MigrationReport } from './migrate.js';
import { Database } from './pool.js';
import type { PoolStats } from './pool.js';
import type {
  ApiKeyInfo, ApiKeyPrincipal, ApiKeyRole, CreatedApiKey, IngestLine, IngestOutcome, PlayerDetail, PlayerListQuery,
  PlayerPage, PlayerSummary, RejectedLine, ShardHealth, StorageConfig,
} from './types.js';
import { FeatureRefresher } from './feature-refresher.js';
import { queueAgedFeatures } from './feature-ageing.js';
import type { AgedFeaturesOptions, AgedFeaturesReport } from './feature-ageing.js';
import { appendAudit, listAudit } from './audit.js';
import type { AuditEntry, AuditQuery, AuditRecord } from './audit.js';
import { SegmentStorage } from './segments.js';
import { PrivacyStorage } from './privacy.js';
import { featureColumnsSql, refreshFeatures, writeProfile, writeShardBatch } from './writes.js';
import { exportPages } from './export.js';
import { backfillEventClaims, claimEventIds, storedOwners } from './event-claims.js';
import type { ExportPage, ExportQuery, ExportTable } from './export.js';
import type { ShardEvent } from './writes.js';
import type { Event } from '@pitboss/core';
import type { ScoreRow } from './scores.js';

const LOGICAL_SHARDS = 256;
const RECENT_EVENTS = 20;
const MAX_PAGE = 1000;
/** The storage job (control table storage_jobs) that claims the ids of events stored before shard migration 0010. */
const CLAIMS_BACKFILL = 'event_claims_backfill';
/**
 * Connections per database for event id claims, besides `poolSize`: a claim is one short statement or
 * COPY, and two let a batch's claims on a database not wait behind a slow one of a concurrent batch.
 */
const CLAIM_POOL_SIZE = 2;
/** How much longer than the write deadline a database's ingest transaction waits for the batch's claims (see `#gatedDeadline`). */
const CLAIMS_VERDICT_MS = 1000;
/** Index reported for a control database that is not also a shard. */
export const CONTROL_DATABASE = -1;

interface Deadlines {
  read: number;
  write: number;
}

/** Thrown inside a database's ingest transaction when its batch holds lines the claims turned away: it rolls back. */
class ClaimsRefused extends Error {
  constructor(readonly admitted: ReadonlySet<number>) {
    super('lines of this batch lost their event id claims');
    this.name = 'ClaimsRefused';
  }
}

/** Thrown inside a database's ingest transaction when claiming the batch's ids failed: it rolls back. */
class ClaimsFailed extends Error {
  constructor() {
    super('claiming the event ids failed');
    this.name = 'ClaimsFailed';
  }
}

/** When features of touched players are recomputed: before `ingest` returns, or just after, off the request path. */
export type FeatureRefreshMode = 'inline' | 'background';

/**
 * A timestamp column as ISO 8601. An indefinite exclusion is stored as
 * `infinity`; drivers hand it back as `Infinity` or the text itself, and it
 * stays the string `'infinity'` (null would read as "not excluded").
 */
function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value === Infinity || value === 'infinity') return 'infinity';
  if (value === -Infinity || value === '-infinity') return '-infinity';
  if (typeof value === 'string') {
    const utc = utcText(value);
    if (utc !== null) return utc;
  }
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** A UTC timestamp as Postgres writes it in JSON (`2026-11-01T19:13:41.1029+00:00`). */
const UTC_JSON_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?\+00:00$/;

/**
 * `new Date(text).toISOString()` for the timestamps inside jsonb (the 20
 * recent events of every player read) without parsing a date: milliseconds
 * truncated, as `Date` does. Null for any other form (another zone offset,
 * years outside 0000-9999), which takes the `Date` path.
 */
function utcText(text: string): string | null {
  if (!UTC_JSON_TIMESTAMP.test(text)) return null;
  const seconds = text.slice(0, 19);
  if (text.length === 25) return `${seconds}.000Z`;
  return `${seconds}${(text.slice(19, text.length - 6) + '000').slice(0, 4)}Z`;
}

function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

const FEATURE_KEYS = featureColumns.map((c) => c.key);
const SUMMARY_COLUMNS = `p.player_id, p.registered_at, p.country, p.currency, p.brand, p.blocked, p.self_excluded_until, p.last_event_at, ${FEATURE_KEYS.map((k) => `f.${k}`).join(', ')}`;

// Every key present from the start: an object given ~20 keys one by one falls back to a dictionary, which is slower
// to fill, to mask and to serialise; a copy of this one keeps a fixed shape.
const EMPTY_FEATURES: Readonly<Record<string, number | null>> = Object.fromEntries(FEATURE_KEYS.map((k) => [k, null]));

function summaryOf(row: Record<string, unknown>): PlayerSummary {
  const features: Record<string, number | null> = { ...EMPTY_FEATURES };
  for (const k of FEATURE_KEYS) features[k] = num(row[k]);
  return {
    player_id: String(row.player_id),
    registered_at: iso(row.registered_at),
    country: (row.country as string | null) ?? null,
    currency: (row.currency as string | null) ?? null,
    brand: (row.brand as string | null) ?? null,
    blocked: row.blocked === true,
    self_excluded_until: iso(row.self_excluded_until),
    last_event_at: iso(row.last_event_at),
    features,
  };
}

const GET_PLAYER = `SELECT ${SUMMARY_COLUMNS}, p.profile, f.computed_at AS features_computed_at,
  sc.score AS score_value, sc.band AS score_band, sc.model_version AS score_model_version, sc.scored_at AS score_scored_at,
  CASE WHEN pp.player_id IS NULL THEN NULL
       ELSE jsonb_strip_nulls(jsonb_build_object('first_name', pp.first_name, 'last_name', pp.last_name, 'email', pp.email, 'phone', pp.phone)) END AS personal,
  (SELECT COALESCE(jsonb_agg(jsonb_build_object('event_id', e.event_id, 'type', e.type, 'occurred_at', e.occurred_at, 'payload', e.payload) ORDER BY e.occurred_at DESC, e.event_id DESC), '[]'::jsonb)
     FROM (SELECT event_id, type, occurred_at, payload FROM events
           WHERE tenant_id = $1 AND player_id = $2 ORDER BY occurred_at DESC, event_id DESC LIMIT ${RECENT_EVENTS}) e) AS recent_events
FROM players p
LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id
LEFT JOIN player_personal pp ON pp.tenant_id = p.tenant_id AND pp.player_id = p.player_id
LEFT JOIN LATERAL (SELECT s.score, s.band, s.model_version, s.scored_at FROM player_scores s
                   WHERE s.tenant_id = $1 AND s.player_id = $2 ORDER BY s.scored_at DESC, s.id DESC LIMIT 1) sc ON true
WHERE p.tenant_id = $1 AND p.player_id = $2`;

/** A player read's row as the API answers it. */
function playerDetail(rows: Record<string, unknown>[]): PlayerDetail | null {
  const row = rows[0];
  if (!row) return null;
  // Parsed from this row's JSON just now and held by no one else: converted in place rather than copied.
  const recent = row.recent_events as { event_id: string; type: string; occurred_at: string; payload: Record<string, unknown> }[];
  for (const e of recent) e.occurred_at = iso(e.occurred_at)!;
  // Object.assign rather than `{ ...summaryOf(row), … }`: V8 (Node 20) adds the keys that follow a spread
  // through a slow path, ~3 µs each (five here, on every player read).
  return Object.assign(summaryOf(row), {
    profile: row.profile as PlayerProfile,
    personal: (row.personal as PersonalData | null) ?? null,
    features_computed_at: iso(row.features_computed_at),
    score: row.score_value === null || row.score_value === undefined
      ? null
      : { value: Number(row.score_value), band: String(row.score_band), model_version: String(row.score_model_version), scored_at: iso(row.score_scored_at)! },
    recent_events: recent,
  });
}

/**
 * The sharded storage: every player's rows on the physical database that the
 * shard map assigns to `shardOf(tenant, player)`, tenant-wide tables on the
 * control database. Build it with `createStorage`.
 */
export class ShardedStorage {
  #map: Promise<Int16Array> | null = null;
  /** What `#map` resolved to, once it has (null while loading, reloading or failed). */
  #loadedMap: Int16Array | null = null;
  #closed = false;
  readonly #refresher: FeatureRefresher;
  readonly #committed = new Set<(tenantId: string, events: readonly Event[]) => void>();
  readonly #scored = new Set<(tenantId: string, scores: readonly ScoreRow[]) => void>();
  #segments: SegmentStorage | null = null;
  #privacy: PrivacyStorage | null = null;

  constructor(
    /** Physical shard databases, in configuration order. */
    readonly databases: readonly Database[],
    /** The control database; the same object as `databases[0]` when it is not separate. */
    readonly control: Database,
    private readonly deadlines: Deadlines,
    /** See `StorageConfig.featureRefresh`. */
    readonly featureRefresh: FeatureRefreshMode = 'background',
    /** The server each database lives on (see `FeatureRefresher`); by default each its own. */
    serverOf?: (db: Database) => string,
    /**
     * With several databases: one more pool per database, in the same order,
     * for event id claims alone (see `ingest`). Required then, because a
     * batch's transactions wait for its claims before they commit: claims
     * that queued for the same connections could wait for them forever.
     */
    readonly claimDatabases: readonly Database[] = [],
  ) {
    if (databases.length > 1 && claimDatabases.length !== databases.length) {
      throw new StorageConfigError(`${databases.length} shard databases need ${databases.length} claim pools, got ${claimDatabases.length}`);
    }
    this.#refresher = new FeatureRefresher(deadlines.write, serverOf);
  }

  /**
   * Applies the numbered migrations to the control database and every shard,
   * brings `player_features` to core's feature list, and fills the shard map
   * for logical shards that have no entry yet (contiguous ranges). With
   * several databases, it then claims the ids of events stored before shard
   * migration 0010 once (storage job `event_claims_backfill`, reported in
   * the first database's `applied`). Idempotent.
   *
   * @example
   * const reports = await storage.migrate(); // [{ database: 0, applied: ['control/0001_control', …] }, …]
   */
  async migrate(): Promise<MigrationReport[]> {
    const separateControl = !this.databases.includes(this.control);
    const reports: MigrationReport[] = [];
    if (separateControl) reports.push(await migrateDatabase(this.control, ['control'], { shardIndex: null, isControl: true }));
    reports.push(
      ...(await Promise.all(
        this.databases.map(async (db) => {
          const isControl = db === this.control;
          const report = await migrateDatabase(db, isControl ? ['control', 'shard'] : ['shard'], { shardIndex: db.index, isControl });
          await db.transaction(async (tx) => {
            for (const sql of featureColumnsSql()) await tx.query(sql);
          });
          return report;
        }),
      )),
    );
    await this.control.query(
      `INSERT INTO shard_map (logical_shard, database)
       SELECT s, (s * $1::int) / ${LOGICAL_SHARDS} FROM generate_series(0, ${LOGICAL_SHARDS - 1}) AS s
       ON CONFLICT (logical_shard) DO NOTHING`,
      [this.databases.length],
    );
    this.#map = null;
    this.#loadedMap = null;
    const map = await this.#shardMap();
    // Events stored before shard migration 0010 get their tenant-wide claims once (several databases only).
    if (this.databases.length > 1) {
      const [done] = await this.control.query('SELECT name FROM storage_jobs WHERE name = $1', [CLAIMS_BACKFILL]);
      if (!done) {
        const r = await backfillEventClaims(this.databases, map);
        await this.control.query('INSERT INTO storage_jobs (name, details) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING', [CLAIMS_BACKFILL, JSON.stringify(r)]);
        reports[0]!.applied.push(`job/${CLAIMS_BACKFILL} (${r.scanned} events, ${r.added} claims added, ${r.conflicting} ids already used by another player)`);
      }
    }
    return reports;
  }

  /**
   * The physical database index of a player.
   *
   * @example
   * const db = await storage.databaseOf('acme', 'p-17'); // 0..urls.length-1
   */
  async databaseOf(tenantId: string, playerId: string): Promise<number> {
    const map = await this.#shardMap();
    return map[shardOf(tenantId, playerId)]!;
  }

  /**
   * Stores validated events: one transaction per physical database,
   * idempotent on (tenant, event_id), then recomputes the features of the
   * players whose events were new. An event_id is tenant-wide: one already
   * used for another player (on any database) is refused (`conflicting`);
   * with several databases each batch claims its ids (event-claims.ts)
   * while its events are written, and no database commits the events before
   * their claims have. Lines of a database that fails come back in
   * `retryable`; the other databases commit. A failure that is not an
   * outage (a bug, a constraint) is thrown after every database has settled.
   *
   * @example
   * const outcome = await storage.ingest('acme', lines.map((event, i) => ({ line: i + 1, event })));
   */
  async ingest(tenantId: string, lines: readonly IngestLine[]): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { accepted: [], duplicate: [], retryable: [], conflicting: [] };
    if (lines.length === 0) return outcome;
    const map = await this.#shardMap();
    // The first line of each id goes on; a later line with the id waits until the id's owner is known
    // (the first line's player, or whoever stored or claimed the id before): a duplicate for the owner, a conflict for another player.
    const owners = new Map<string, string>();
    let kept: IngestLine[] = [];
    const later: IngestLine[] = [];
    for (const l of lines) {
      if (owners.has(l.event.event_id)) later.push(l);
      else {
        owners.set(l.event.event_id, l.event.player_id);
        kept.push(l);
      }
    }
    // Several databases: the ids are claimed tenant-wide (event-claims.ts) while the events are written,
    // on connections of their own, and each database's transaction waits for the claims before it commits
    // (a claim is durable before its event is). Claimed one after the other, a batch waited for both.
    // The lines that may be written (null: all of them); a write that holds another waits, rolls back and runs again without it.
    const admitted = this.databases.length > 1 ? this.#claim(tenantId, map, kept, outcome, owners) : null;
    // Awaited below by every database's write; this only keeps a failure from counting as unhandled meanwhile.
    admitted?.catch(() => undefined);
    const perDatabase = new Map<number, ShardEvent[]>();
    for (const { line, event } of kept) {
      const shard = shardOf(tenantId, event.player_id);
      const db = map[shard]!;
      let list = perDatabase.get(db);
      if (!list) perDatabase.set(db, (list = []));
      list.push({ line, shard, event });
    }
    const asOf = new Date();
    const failures: StorageError[] = [];
    const stale: string[] = [];
    await Promise.all(
      [...perDatabase].map(async ([index, all]) => {
        const db = this.databases[index]!;
        let events = all;
        let stored: Set<string>;
        const claimed = admitted ? async (): Promise<void> => {
          let lines: Set<number> | null;
          try {
            lines = await admitted;
          } catch {
            throw new ClaimsFailed();
          }
          if (lines && events.some((e) => !lines.has(e.line))) throw new ClaimsRefused(lines);
        } : undefined;
        // Background refreshes of this database pace themselves while ingestion writes to it.
        this.#refresher.writeStarted(db);
        try {
          try {
            stored = await writeShardBatch(db, tenantId, events, admitted ? this.#gatedDeadline() : this.deadlines.write, claimed);
          } catch (error) {
            if (!(error instanceof ClaimsRefused)) throw error;
            // Ids claimed by another player, or whose claim database is down: written again without them.
            events = events.filter((e) => error.admitted.has(e.line));
            stored = events.length > 0 ? await writeShardBatch(db, tenantId, events, this.deadlines.write) : new Set();
          }
        } catch (error) {
          // The claims' own failure is thrown once, below.
          if (error instanceof ClaimsFailed) return;
          const wrapped = wrapDriverError(error, undefined, index);
          if (!(wrapped instanceof ShardUnavailableError)) {
            failures.push(wrapped);
            return;
          }
          // Lines the claims turned away are answered already (conflicting or retryable).
          let lines: Set<number> | null = null;
          try {
            lines = admitted && (await admitted);
          } catch {
            return;
          }
          for (const e of events) if (!lines || lines.has(e.line)) outcome.retryable.push({ line: e.line, event_id: e.event.event_id, message: wrapped.message });
          return;
        } finally {
          this.#refresher.writeEnded(db);
        }
        const touched = new Set<string>();
        const refused: ShardEvent[] = [];
        for (const e of events) {
          if (stored.has(e.event.event_id)) {
            outcome.accepted.push(e.line);
            touched.add(e.event.player_id);
          } else {
            refused.push(e);
          }
        }
        await this.#sortRefused(db, tenantId, refused, outcome, owners);
        if (this.#committed.size > 0 && touched.size > 0) {
          const fresh = events.filter((e) => stored.has(e.event.event_id)).map((e) => e.event);
          for (const listener of this.#committed) listener(tenantId, fresh);
        }
        if (this.featureRefresh === 'background') {
          this.#refresher.enqueue(db, tenantId, touched);
          return;
        }
        try {
          await refreshFeatures(db, tenantId, [...touched], asOf, this.deadlines.write);
          if (this.#refresher.onRefreshed) await this.#refresher.onRefreshed(tenantId, [...touched]);
        } catch (error) {
          // The events are committed; features catch up on the players' next event.
          if (!(error instanceof ShardUnavailableError)) failures.push(wrapDriverError(error, undefined, index));
          stale.push(...touched);
        }
      }),
    );
    // Settled by now unless no database got as far as waiting for them; a failure of theirs is thrown here.
    if (admitted) await admitted;
    if (failures.length > 0) throw failures.length === 1 ? failures[0]! : new StorageError(`ingest failed on ${failures.length} databases`, { cause: new AggregateError(failures) });
    if (later.length > 0) {
      const retry = new Map(outcome.retryable.map((r) => [r.event_id, r.message]));
      for (const { line, event } of later) {
        const message = retry.get(event.event_id);
        if (message !== undefined) outcome.retryable.push({ line, event_id: event.event_id, message });
        else if (owners.get(event.event_id) === event.player_id) outcome.duplicate.push(line);
        else outcome.conflicting.push({ line, event_id: event.event_id });
      }
    }
    outcome.accepted.sort((a, b) => a - b);
    outcome.duplicate.sort((a, b) => a - b);
    outcome.retryable.sort((a, b) => a.line - b.line);
    outcome.conflicting.sort((a, b) => a.line - b.line);
    if (stale.length > 0) outcome.stale_features = stale.sort();
    return outcome;
  }

  /**
   * The deadline of a database's ingest transaction that waits for the batch's claims. The claims
   * started first, within the same deadline, so theirs ends first: 1 s more lets their verdict
   * (a hung claim database turns only its own lines retryable) arrive before this transaction's own
   * deadline would turn all of its lines retryable.
   */
  #gatedDeadline(): number {
    return this.deadlines.write > 0 ? this.deadlines.write + CLAIMS_VERDICT_MS : 0;
  }

  /**
   * Claims the ids of `lines` tenant-wide (several databases only, see
   * event-claims.ts, on `claimDatabases`) and returns the line numbers that
   * may be written, or null when all of them may: an id claimed by another
   * player goes to `conflicting`, one whose claim database is down to
   * `retryable`.
   */
  async #claim(tenantId: string, map: ArrayLike<number>, lines: IngestLine[], outcome: IngestOutcome, owners: Map<string, string>): Promise<Set<number> | null> {
    const claims = lines.map(({ event }) => ({ event_id: event.event_id, player_id: event.player_id, occurred_at: event.occurred_at }));
    const { taken, unavailable } = await claimEventIds(this.claimDatabases, map, tenantId, claims, this.deadlines.write);
    if (taken.size === 0 && unavailable.size === 0) return null;
    const admitted = new Set<number>();
    for (const { line, event } of lines) {
      const reason = unavailable.get(event.event_id);
      const owner = taken.get(event.event_id);
      if (reason !== undefined) outcome.retryable.push({ line, event_id: event.event_id, message: reason });
      else if (owner !== undefined) {
        owners.set(event.event_id, owner);
        outcome.conflicting.push({ line, event_id: event.event_id });
      } else admitted.add(line);
    }
    return admitted;
  }

  /**
   * Events the primary key refused on one database: duplicates, unless (one
   * database, hence no claims) the stored event with the id is another
   * player's. With claims, an id reaching a database was claimed by its
   * own player, so a refusal there is a duplicate.
   */
  async #sortRefused(db: Database, tenantId: string, refused: readonly ShardEvent[], outcome: IngestOutcome, owners: Map<string, string>): Promise<void> {
    if (refused.length === 0) return;
    let stored: Map<string, string> | null = null;
    if (this.databases.length === 1) {
      try {
        stored = await storedOwners(db, tenantId, refused.map((e) => e.event.event_id), this.deadlines.write);
      } catch {
        // The events are stored already; if the database went away just now, these lines read as duplicates.
      }
    }
    for (const e of refused) {
      const owner = stored?.get(e.event.event_id);
      if (owner !== undefined && owner !== e.event.player_id) {
        owners.set(e.event.event_id, owner);
        outcome.conflicting.push({ line: e.line, event_id: e.event.event_id });
      } else outcome.duplicate.push(e.line);
    }
  }

  /**
   * Adds a listener called with the events newly stored on a database right
   * after its transaction commits (duplicates are left out), once per
   * database and batch. It runs on the ingest path: it must be quick and
   * must not throw. Returns a function that removes it. Feeds live updates.
   *
   * @example
   * const off = storage.onEventsCommitted((tenant, events) => bus.publish(tenant, 'event', events[0]));
   */
  onEventsCommitted(listener: (tenantId: string, events: readonly Event[]) => void): () => void {
    this.#committed.add(listener);
    return () => void this.#committed.delete(listener);
  }

  /**
   * Adds a listener called with scores right after they are stored (by
   * whoever scores: `ScoringService` calls `scoresWritten`). Quick, must not
   * throw. Returns a function that removes it. Feeds live updates.
   *
   * @example
   * const off = storage.onScoresWritten((tenant, scores) => bus.publish(tenant, 'score', scores[0]));
   */
  onScoresWritten(listener: (tenantId: string, scores: readonly ScoreRow[]) => void): () => void {
    this.#scored.add(listener);
    return () => void this.#scored.delete(listener);
  }

  /**
   * Tells the `onScoresWritten` listeners that `scores` were committed.
   *
   * @example
   * await writeScores(db, tenant, rows); storage.scoresWritten(tenant, rows);
   */
  scoresWritten(tenantId: string, scores: readonly ScoreRow[]): void {
    if (scores.length === 0) return;
    for (const listener of this.#scored) listener(tenantId, scores);
  }

  /**
   * Resolves when every queued feature refresh has run (background mode);
   * at once in inline mode. For tests, benchmarks and graceful shutdown.
   *
   * @example
   * await storage.ingest('acme', lines);
   * await storage.featuresSettled();
   * const p = await storage.getPlayer('acme', 'p1'); // features include the new events
   */
  featuresSettled(): Promise<void> {
    return this.#refresher.settled();
  }

  /**
   * Registers the one listener called after features of players are
   * recomputed by ingestion (background or inline), with those players; it
   * is awaited, so `featuresSettled()` covers it. Must not reject. Used to
   * re-score touched players (`ScoringService.attach`).
   *
   * @example
   * storage.onFeaturesRefreshed(async (tenant, players) => { await rescore(tenant, players); });
   */
  onFeaturesRefreshed(listener: ((tenantId: string, playerIds: readonly string[]) => Promise<void>) | null): void {
    this.#refresher.onRefreshed = listener;
  }

  /**
   * Queues for a background refresh the players whose features were computed
   * more than `maxAgeMs` ago (oldest first, at most `limit` per database):
   * windowed features change with time alone. Their scores follow, as after
   * ingestion. `pitboss serve` runs it periodically (`startFeatureAgeing`).
   *
   * @example
   * const { queued } = await storage.refreshAgedFeatures({ maxAgeMs: 24 * 3_600_000 });
   * await storage.featuresSettled();
   */
  refreshAgedFeatures(options: Omit<AgedFeaturesOptions, 'timeoutMs'>): Promise<AgedFeaturesReport> {
    return queueAgedFeatures(this.databases, (db, tenantId, players) => this.#refresher.enqueue(db, tenantId, players), { ...options, timeoutMs: this.deadlines.read });
  }

  /**
   * Players whose features wait for a background refresh, and the last
   * refresh error per database (cleared by the next success). For `/metrics`.
   *
   * @example
   * const { backlog } = storage.featureStatus();
   */
  featureStatus(): { backlog: number; errors: { database: number; message: string }[] } {
    return {
      backlog: this.#refresher.backlog,
      errors: [...this.#refresher.lastError].map(([database, e]) => ({ database, message: e.message })),
    };
  }

  /**
   * Keeps rejected lines in the control database's `dead_letters`.
   *
   * @example
   * await storage.deadLetter('acme', [{ line: 3, raw: '{"type":', event_id: null, issues: [{ pointer: '', message: 'malformed JSON' }] }]);
   */
  async deadLetter(tenantId: string, rejects: readonly RejectedLine[]): Promise<void> {
    if (rejects.length === 0) return;
    const rows = rejects.map((r) => {
      const playerId = playerIdOf(r.raw);
      return {
        line: r.line,
        event_id: r.event_id === null ? null : storableText(r.event_id),
        player_id: playerId === null ? null : storableText(playerId),
        raw: storableText(r.raw),
        issues: r.issues.map((i) => ({ pointer: storableText(i.pointer), message: storableText(i.message) })),
      };
    });
    await this.control.query(
      `INSERT INTO dead_letters (tenant_id, line, event_id, player_id, raw, issues)
       SELECT $1, r.line, r.event_id, r.player_id, r.raw, r.issues
       FROM json_to_recordset($2::json) AS r(line integer, event_id text, player_id text, raw text, issues jsonb)`,
      [tenantId, JSON.stringify(rows)],
    );
  }

  /**
   * The newest dead letters of a tenant.
   *
   * @example
   * const [last] = await storage.deadLetters('acme', 10);
   */
  async deadLetters(tenantId: string, limit = 100): Promise<(RejectedLine & { player_id: string | null; received_at: string })[]> {
    const rows = await this.control.query<{ line: number; raw: string; event_id: string | null; player_id: string | null; issues: RejectedLine['issues']; received_at: unknown }>(
      'SELECT line, raw, event_id, player_id, issues, received_at FROM dead_letters WHERE tenant_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2',
      [tenantId, limit],
    );
    return rows.map((r) => ({ line: r.line, raw: r.raw, event_id: r.event_id, player_id: r.player_id, issues: r.issues, received_at: iso(r.received_at)! }));
  }

  /**
   * Creates or merges a player's profile: fields present replace the stored
   * ones, absent fields stay; personal data goes to `player_personal`.
   *
   * @example
   * const { created } = await storage.upsertPlayer('acme', 'p-17', { country: 'BR', personal: { email: 'a@b.co' } });
   */
  async upsertPlayer(tenantId: string, playerId: string, profile: PlayerProfile): Promise<{ created: boolean }> {
    const shard = shardOf(tenantId, playerId);
    const db = this.databases[(await this.#shardMap())[shard]!]!;
    const created = await db.transaction((tx) => writeProfile(tx, tenantId, playerId, shard, profile), { timeoutMs: this.deadlines.write });
    return { created };
  }

  /**
   * A player's profile, personal data, features and latest events; null if unknown.
   *
   * @example
   * const player = await storage.getPlayer('acme', 'p-17');
   */
  getPlayer(tenantId: string, playerId: string): Promise<PlayerDetail | null> {
    // With the shard map loaded (every read but the first), one promise: the statement's.
    const map = this.#loadedMap;
    if (!map) return this.databaseOf(tenantId, playerId).then((index) => this.#readPlayer(index, tenantId, playerId));
    return this.#readPlayer(map[shardOf(tenantId, playerId)]!, tenantId, playerId);
  }

  #readPlayer(index: number, tenantId: string, playerId: string): Promise<PlayerDetail | null> {
    return this.databases[index]!.query(GET_PLAYER, [tenantId, playerId], { name: 'pb_get_player', timeoutMs: this.deadlines.read }).then(playerDetail);
  }

  /**
   * One page of a tenant's players, sorted by a whitelisted key with
   * `player_id` as tiebreak. Every physical database is asked in parallel for
   * its next `limit + 1` rows after the cursor (each within the read
   * deadline); the pages are k-way merged.
   *
   * @example
   * let page = await storage.listPlayers('acme', { sort: 'net_loss_30d', order: 'desc', limit: 50 });
   * page = await storage.listPlayers('acme', { sort: 'net_loss_30d', order: 'desc', limit: 50, cursor: page.next_cursor! });
   */
  async listPlayers(tenantId: string, query: PlayerListQuery): Promise<PlayerPage> {
    const spec = sortSpec(query.sort);
    if (query.order !== 'asc' && query.order !== 'desc') throw new InvalidQueryError(`order must be asc or desc`, 'order');
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) throw new InvalidQueryError(`limit must be 1..${MAX_PAGE}`, 'limit');
    const params: unknown[] = [tenantId];
    const where = ['p.tenant_id = $1'];
    const f = query.filters ?? {};
    if (f.country !== undefined) where.push(`p.country = $${params.push(f.country)}`);
    if (f.currency !== undefined) where.push(`p.currency = $${params.push(f.currency)}`);
    if (f.brand !== undefined) where.push(`p.brand = $${params.push(f.brand)}`);
    if (f.test_account !== undefined) where.push(`p.test_account = $${params.push(f.test_account)}`);
    if (f.status === 'blocked') where.push('p.blocked');
    else if (f.status === 'self_excluded') where.push('NOT p.blocked AND p.self_excluded_until > now()');
    else if (f.status === 'active') where.push('NOT p.blocked AND (p.self_excluded_until IS NULL OR p.self_excluded_until <= now())');
    if (query.cursor !== undefined) where.push(afterSql(spec, query.order, decodeCursor(query.cursor, query.sort, query.order), params));
    const sql = `SELECT ${SUMMARY_COLUMNS}, ${sortValueSql(spec)} AS sort_value
FROM players p
LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id
WHERE ${where.join(' AND ')}
ORDER BY ${orderSql(spec, query.order)}
LIMIT ${query.limit + 1}`;
    const pages = await Promise.all(
      this.databases.map(async (db) => {
        const rows = await db.query(sql, params, { timeoutMs: this.deadlines.read });
        return rows.map((row) => ({ row, at: { value: row.sort_value === null ? null : String(row.sort_value), playerId: String(row.player_id) } }));
      }),
    );
    const sign = query.order === 'asc' ? 1 : -1;
    const merged = mergeSorted(pages, (a, b) => sign * comparePositions(spec.kind, a.at, b.at), query.limit + 1);
    const items = merged.slice(0, query.limit);
    const last: KeysetPosition | undefined = items.at(-1)?.at;
    return {
      items: items.map((x) => summaryOf(x.row)),
      next_cursor: merged.length > query.limit && last ? encodeCursor(query.sort, query.order, last) : null,
    };
  }

  /**
   * Reachability and latency of every physical database (and of a separate
   * control database, reported as database `CONTROL_DATABASE`).
   *
   * @example
   * const ready = (await storage.health()).every((h) => h.ok);
   */
  async health(): Promise<ShardHealth[]> {
    const all = this.databases.includes(this.control) ? [...this.databases] : [...this.databases, this.control];
    return Promise.all(
      all.map(async (db) => {
        const started = performance.now();
        try {
          await db.query('SELECT 1', [], { timeoutMs: this.deadlines.read || 5000 });
          return { database: db.index, ok: true, latency_ms: performance.now() - started };
        } catch (error) {
          return { database: db.index, ok: false, latency_ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
  }

  /**
   * Pool gauges per database and pool (event id claims have their own), for `/metrics`.
   *
   * @example
   * for (const s of storage.poolStats()) gauge.set({ database: s.database, pool: s.pool }, s.waiting);
   */
  poolStats(): PoolStats[] {
    const all = this.databases.includes(this.control) ? [...this.databases] : [...this.databases, this.control];
    return [...all.map((db) => db.stats()), ...this.claimDatabases.map((db) => db.stats('claims'))];
  }

  /**
   * Creates an API key (and its tenant if new). The key is returned once.
   *
   * @example
   * const { id, key } = await storage.createApiKey('acme', 'analyst', { expiresAt: new Date(Date.now() + 86400e3) });
   */
  createApiKey(tenantId: string, role: ApiKeyRole, options: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
    return apiKeys.createApiKey(this.control, tenantId, role, options);
  }

  /**
   * The principal of a valid, unexpired, unrevoked key; null otherwise.
   *
   * @example
   * const principal = await storage.verifyApiKey(bearer);
   */
  verifyApiKey(key: string): Promise<ApiKeyPrincipal | null> {
    return apiKeys.verifyApiKey(this.control, key);
  }

  /**
   * Revokes a key; false if the tenant has no such live key.
   *
   * @example
   * await storage.revokeApiKey('acme', id);
   */
  revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    return apiKeys.revokeApiKey(this.control, tenantId, keyId);
  }

  /**
   * A tenant's keys without secrets.
   *
   * @example
   * const keys = await storage.listApiKeys('acme');
   */
  listApiKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    return apiKeys.listApiKeys(this.control, tenantId);
  }

  /**
   * Saved segments, previews, member pages and exports (see `segments.ts`).
   *
   * @example
   * const preview = await storage.segments.preview('acme', { all: [{ field: 'country', op: 'eq', value: 'BR' }] }, { marketing: true });
   */
  get segments(): SegmentStorage {
    return (this.#segments ??= new SegmentStorage(this.databases, this.control, this.deadlines.read));
  }

  /**
   * Personal-data export and erasure, audit queries, retention (see `privacy.ts`).
   *
   * @example
   * const report = await storage.privacy.erasePlayer('acme', 'p-17', { actor: principal.keyId, requestId });
   */
  get privacy(): PrivacyStorage {
    return (this.#privacy ??= new PrivacyStorage(this.databases, this.control, this.deadlines.write));
  }

  /**
   * Every row of a tenant's players, events or features, one keyset page at
   * a time, database by database (see `export.ts`); each page's query runs
   * within the read deadline.
   *
   * @example
   * for await (const page of storage.exportPages('acme', 'events', { maskPersonal: true })) send(page.rows);
   */
  exportPages(tenantId: string, table: ExportTable, query: ExportQuery): AsyncGenerator<ExportPage> {
    return exportPages(this.databases, tenantId, table, { timeoutMs: this.deadlines.read, ...query });
  }

  /**
   * Appends one entry to the control database's append-only `audit_log`.
   *
   * @example
   * await storage.audit({ tenant: 'acme', actor: principal.keyId, action: 'segment.export', target: `segment:${id}`, requestId });
   */
  audit(entry: AuditEntry): Promise<number> {
    return appendAudit(this.control, entry);
  }

  /**
   * A tenant's audit entries, newest first.
   *
   * @example
   * const entries = await storage.listAudit('acme', { action: 'segment.guardrail', limit: 20 });
   */
  listAudit(tenantId: string, query: AuditQuery = {}): Promise<AuditRecord[]> {
    return listAudit(this.control, tenantId, query);
  }

  /**
   * Closes the storage: lets queued feature refreshes finish (at most
   * `drainMs`; what is left then is dropped and catches up on the players'
   * next events), then closes every pool. Calls still waiting for a
   * connection then, and later calls, fail with `ShardUnavailableError`.
   *
   * @example
   * process.on('SIGTERM', () => void storage.close({ drainMs: 10_000 }));
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#refresher.settled(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.drainMs ?? 30_000);
      }),
    ]);
    clearTimeout(timer);
    await this.#refresher.close();
    // Database.close, not pool.end: a call still queued for a connection (a late re-score) fails
    // with a clear error instead of waiting forever on an ended pool; later calls fail the same way.
    const databases = new Set<Database>([this.control, ...this.databases, ...this.claimDatabases]);
    await Promise.all([...databases].map((d) => d.close()));
  }

  #shardMap(): Promise<Int16Array> {
    if (!this.#map) {
      this.#map = this.#loadShardMap();
      // A control database that is down now may answer later: do not cache the failure.
      this.#map.catch(() => {
        this.#map = null;
      });
    }
    return this.#map;
  }

  async #loadShardMap(): Promise<Int16Array> {
    let rows: { logical_shard: number; database: number }[];
    try {
      rows = await this.control.query('SELECT logical_shard, database FROM shard_map', [], { timeoutMs: this.deadlines.read });
    } catch (error) {
      if (error instanceof StorageError && error.code === '42P01') throw new StorageConfigError('the control database has no shard map: run `pitboss migrate` first');
      throw error;
    }
    const map = new Int16Array(LOGICAL_SHARDS).fill(-1);
    for (const r of rows) map[r.logical_shard] = r.database;
    const missing = map.indexOf(-1);
    if (missing >= 0) throw new StorageConfigError(`the shard map has no entry for logical shard ${missing}: run \`pitboss migrate\``);
    const beyond = map.find((d) => d >= this.databases.length);
    if (beyond !== undefined) {
      throw new StorageConfigError(`the shard map assigns shards to database ${beyond}, but only ${this.databases.length} shard URL(s) are configured`);
    }
    this.#loadedMap = map;
    return map;
  }
}

function playerIdOf(raw: string): string | null {
  try {
    const value: unknown = JSON.parse(raw);
    const id = (value as { player_id?: unknown } | null)?.player_id;
    return typeof id === 'string' && id.length <= 128 ? id : null;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/**
 * Opens the storage described by `config`: PGlite under `dataDir`, or one
 * node-postgres/Neon pool per shard URL (plus the control URL if separate).
 * Opening connects nothing yet; call `migrate()` before first use of new
 * databases.
 *
 * @example
 * const storage = await createStorage({ driver: 'pg', urls: ['postgres://127.0.0.1/pb0', 'postgres://127.0.0.1/pb1'] });
 * await storage.migrate();
 */
export async function createStorage(config: StorageConfig): Promise<ShardedStorage> {
  const t = config.timeouts ?? {};
  if (config.driver === 'pglite') {
    const pool = await openPGlitePool(config.dataDir ?? './.pitboss');
    // In-process and serialised: a slow call is queued work, not an outage, so no deadlines.
    const db = new Database(0, pool, 0, false);
    return new ShardedStorage([db], db, { read: 0, write: 0 }, config.featureRefresh);
  }
  const urls = config.urls ?? [];
  if (urls.length === 0) throw new StorageConfigError(`driver ${config.driver} needs at least one shard URL`);
  if (urls.length > LOGICAL_SHARDS) throw new StorageConfigError(`at most ${LOGICAL_SHARDS} shard databases, got ${urls.length}`);
  const options = {
    poolSize: config.poolSize ?? 10,
    connectTimeoutMs: t.connectMs ?? 5000,
    statementTimeoutMs: t.statementMs ?? 30_000,
    idleTimeoutMs: 30_000,
  };
  const open = (url: string, index: number, poolSize = options.poolSize): Database => {
    const onIdleError = config.onIdleError ? (e: Error) => config.onIdleError!(e, index) : undefined;
    const o = { ...options, poolSize, ...(onIdleError ? { onIdleError } : {}) };
    const pool = config.driver === 'neon' ? createNeonPool(url, o, config.neon) : createPgPool(url, o);
    // COPY needs node-postgres' stream protocol; Neon's WebSocket client takes the statement path.
    return new Database(index, pool, 0, true, config.driver === 'pg' ? pgCopyIn : undefined, true);
  };
  const databases = urls.map((url, i) => open(url, i));
  const control = config.controlUrl === undefined || config.controlUrl === urls[0] ? databases[0]! : open(config.controlUrl, CONTROL_DATABASE);
  // Databases behind one host and port share that server's CPU.
  const servers = new Map(databases.map((db, i) => [db, serverOf(urls[i]!)]));
  // Claims of event ids (several databases only) on connections of their own: see `ShardedStorage.ingest`.
  const claimDatabases = urls.length > 1 ? urls.map((url, i) => open(url, i, CLAIM_POOL_SIZE)) : [];
  return new ShardedStorage(
    databases, control, { read: t.shardReadMs ?? 5000, write: t.shardWriteMs ?? 30_000 }, config.featureRefresh,
    (db) => servers.get(db) ?? String(db.index), claimDatabases,
  );
}

/** Host and port of a database URL (the URL itself when it does not parse). */
function serverOf(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/**
 * A rejected line may hold what Postgres text cannot (a NUL, an unpaired
 * surrogate: that is often why it was rejected). The dead letter keeps a
 * visible trace of it — `\u0000`, U+FFFD — instead of failing the write.
 */
function storableText(value: string): string {
  return value
    .replace(/\u0000/g, '\\u0000')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
