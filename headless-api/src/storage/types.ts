import type { Event, EventIssue, PlayerProfile, PersonalData } from '@pitboss/core';
import type { NeonSettings } from './drivers/neon.js';

/**
 * The storage contract the HTTP layer depends on. One implementation,
 * `ShardedStorage` (`createStorage` in `storage.ts`), over the `pg` Pool shape
 * (PGlite, node-postgres, Neon). Every method is scoped by tenant: no method
 * reads or writes across tenants.
 *
 * Stability: the HTTP layer (`src/app`) builds on these types. Fields may be
 * added (optional first); renaming or removing one needs a word with the
 * owners of `src/app` first.
 *
 * Beyond `ApiStorage`, `ShardedStorage` offers `migrate()`, `createApiKey`,
 * `revokeApiKey`, `listApiKeys`, `deadLetters`, `databaseOf`,
 * `featuresSettled()` and `featureStatus()` (backlog and last refresh error
 * per database, for `/metrics`), and `close({ drainMs })`.
 *
 * Errors (`errors.ts`): `ShardUnavailableError` (retryable, → 503),
 * `InvalidQueryError` (bad sort/cursor, → 400), `StorageConfigError` (start-up),
 * any other `StorageError` (→ 500; keeps `cause` and `sql`).
 */

/** A validated event and its 1-based line number in the request body. */
export interface IngestLine {
  line: number;
  event: Event;
}

/** A line that failed validation, kept in the dead-letter table. */
export interface RejectedLine {
  line: number;
  /** The raw text of the line (truncated to a bounded size by the caller). */
  raw: string;
  event_id: string | null;
  issues: EventIssue[];
}

export interface IngestOutcome {
  /** Lines newly stored. */
  accepted: number[];
  /** Lines whose (tenant, event_id) was already stored (earlier batch or earlier in this batch). */
  duplicate: number[];
  /** Lines on a shard that could not be written; the client should retry them. */
  retryable: { line: number; event_id: string; message: string }[];
  /**
   * Lines whose event_id the tenant already used for another player (in an
   * earlier batch or earlier in this one): refused, nothing written. An
   * event_id names one event of one player, tenant-wide.
   */
  conflicting: { line: number; event_id: string }[];
  /**
   * Inline feature refresh only: players whose events are committed but
   * whose features could not be brought up to date (their database failed
   * after the commit). They catch up on their next event. Absent when every
   * refresh succeeded, and always in background mode.
   */
  stale_features?: string[];
}

export type SortOrder = 'asc' | 'desc';

export interface PlayerListQuery {
  /** A whitelisted sort key: `player_id`, `registered_at`, `last_event_at`, or a feature key (see `SORT_KEYS`). */
  sort: string;
  order: SortOrder;
  /** Page size, 1..1000. */
  limit: number;
  /** Opaque keyset cursor from a previous page (same sort and order). */
  cursor?: string;
  filters?: PlayerFilters;
}

export interface PlayerFilters {
  country?: string;
  /**
   * ISO 4217 code of the player's account. Money features (deposits, net loss,
   * stakes) are in the player's own currency's minor units: rank them within one currency.
   */
  currency?: string;
  brand?: string;
  status?: 'active' | 'blocked' | 'self_excluded';
  test_account?: boolean;
}

export interface PlayerSummary {
  player_id: string;
  registered_at: string | null;
  country: string | null;
  currency: string | null;
  brand: string | null;
  blocked: boolean;
  self_excluded_until: string | null;
  last_event_at: string | null;
  features: Record<string, number | null>;
}

/** One page of `listPlayers`; `next_cursor` is null on the last page. */
export interface PlayerPage {
  items: PlayerSummary[];
  next_cursor: string | null;
}

export interface PlayerDetail extends PlayerSummary {
  profile: PlayerProfile;
  personal: PersonalData | null;
  features_computed_at: string | null;
  score: { value: number; band: string; model_version: string; scored_at: string } | null;
  recent_events: { event_id: string; type: string; occurred_at: string; payload: Record<string, unknown> }[];
}

export interface ShardHealth {
  /** Index of the physical database. */
  database: number;
  ok: boolean;
  latency_ms: number;
  error?: string;
}

export type ApiKeyRole = 'admin' | 'analyst' | 'agent';

/** A new API key. `key` is shown once and never stored; `id` is its visible, non-secret part. */
export interface CreatedApiKey {
  id: string;
  key: string;
}

/** Who a valid key belongs to (the HTTP layer's `Principal`). */
export interface ApiKeyPrincipal {
  tenant: string;
  role: ApiKeyRole;
  keyId: string;
}

/** A stored key, without its secret. */
export interface ApiKeyInfo {
  id: string;
  tenant: string;
  role: ApiKeyRole;
  name: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Configuration of `createStorage`. */
export interface StorageConfig {
  driver: 'pglite' | 'pg' | 'neon';
  /** PGlite only: the data directory (created if absent). */
  dataDir?: string;
  /** `pg`/`neon`: one `postgres://` URL per physical shard database, in shard-map order. */
  urls?: string[];
  /** Control database (tenants, keys, shard map, dead letters); default `urls[0]`. */
  controlUrl?: string;
  /** Connections per physical database; default 10. With several databases, each also gets 2 for event id claims (see `ShardedStorage.ingest`). */
  poolSize?: number;
  timeouts?: StorageTimeouts;
  /** `neon` only: how to reach Postgres over WebSocket (see `drivers/neon.ts`). */
  neon?: NeonSettings;
  /**
   * When features of touched players are recomputed. `background` (default):
   * just after `ingest` commits, off the request path, coalescing players
   * touched by several batches; `featuresSettled()` waits for it. `inline`:
   * before `ingest` returns (read-your-writes for features, lower throughput).
   */
  featureRefresh?: 'inline' | 'background';
  /** Called when an idle pooled connection dies; the pool replaces it. */
  onIdleError?: (error: Error, database: number) => void;
}

export interface StorageTimeouts {
  /** Opening a connection; default 5000 ms. */
  connectMs?: number;
  /** Server-side statement_timeout; default 30000 ms. */
  statementMs?: number;
  /** One shard's part of a fan-out read (list, health); default 5000 ms. */
  shardReadMs?: number;
  /** One shard's ingest transaction; default 30000 ms. */
  shardWriteMs?: number;
}
