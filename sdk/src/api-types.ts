/**
 * Wire types of the Pitboss HTTP API, written by hand to mirror the zod
 * schemas of `@pitboss/headless-api` (`src/app/schemas.ts`, `routes/*.ts`).
 * Hand-written rather than generated so the SDK has no build step and no
 * dependency on the server package; `test/client.test.ts` holds them to the
 * served `/openapi.json`.
 */

/** RFC 9457 problem details, plus Pitboss extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  retryable?: boolean;
  [extension: string]: unknown;
}

/** One rejected line of an ingest batch. */
export interface LineError {
  line: number;
  event_id: string | null;
  pointer: string;
  message: string;
}

/** One line on an unavailable shard: re-send the batch. */
export interface RetryLine {
  line: number;
  event_id: string;
  message: string;
  retryable: true;
}

/** The answer of `POST /v1/events`. */
export interface IngestReport {
  accepted: number;
  duplicate: number;
  rejected: number;
  retryable: number;
  errors: LineError[];
  retry: RetryLine[];
}

/** A row of `GET /v1/players`. */
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

/** The latest score of a player. */
export interface PlayerScoreSummary {
  value: number;
  band: string;
  model_version: string;
  scored_at: string;
}

/** `GET /v1/players/{id}`. */
export interface PlayerDetail extends PlayerSummary {
  profile: Record<string, unknown>;
  personal: Record<string, unknown> | null;
  features_computed_at: string | null;
  score: PlayerScoreSummary | null;
  recent_events: { event_id: string; type: string; occurred_at: string; payload: Record<string, unknown> }[];
}

/** A keyset page of players. */
export interface PlayerPage {
  items: PlayerSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** Filters `GET /v1/players` accepts. */
export interface PlayerListFilter {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  brand?: string;
  status?: 'active' | 'blocked' | 'self_excluded';
  test_account?: boolean;
}

/** Query of `GET /v1/players`. */
export interface PlayerListQuery extends PlayerListFilter {
  /** A column (`player_id`, `registered_at`, `last_event_at`) or a feature key. */
  sort?: string;
  order?: 'asc' | 'desc';
  /** 1..500; the server's default is 50. */
  limit?: number;
  cursor?: string;
}

/** A condition or group of the segment AST (see `@pitboss/core` segments). */
export type SegmentAst =
  | { all: SegmentAst[] }
  | { any: SegmentAst[] }
  | { not: SegmentAst }
  | { field: string; op: string; value?: unknown };

/** A member row of a segment page. */
export type SegmentMemberRow = Record<string, unknown> & { player_id: string };

/** `POST /v1/segments/preview`. */
export interface SegmentPreview {
  count: number;
  items: SegmentMemberRow[];
  next_cursor: string | null;
  guardrail: Record<string, unknown> | null;
  as_of: string;
}

/** A player profile as `PUT /v1/players/{id}` takes it (merged into what is stored). */
export type PlayerProfileInput = Record<string, unknown>;

/** An event as `POST /v1/events` takes it; validated by the server line by line. */
export type EventInput = Record<string, unknown> & { event_id: string; type: string; player_id: string };
