import type { Event, EventIssue, PlayerProfile, PersonalData } from '@pitboss/core';

/**
 * The storage contract the HTTP layer depends on. One implementation,
 * `ShardedStorage`, over the `pg` Pool shape (PGlite, node-postgres, Neon).
 * Every method is scoped by tenant: no method reads or writes across tenants.
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
}

export type SortOrder = 'asc' | 'desc';

export interface PlayerListQuery {
  /** A whitelisted sort key: `player_id`, `registered_at`, `last_event_at`, or a feature key. */
  sort: string;
  order: SortOrder;
  limit: number;
  /** Opaque keyset cursor from a previous page. */
  cursor?: string;
  filters?: PlayerFilters;
}

export interface PlayerFilters {
  country?: string;
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
