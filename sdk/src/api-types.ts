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
  /** ISO 4217, upper case. Money features are in each player's own currency: filter by one to rank them. */
  currency?: string;
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

/** One event of a player's timeline (`GET /v1/players/{id}/events`). */
export interface TimelineEvent {
  event_id: string;
  type: string;
  occurred_at: string;
  /** The event as sent, minus personal data kept apart (masked for analysts where it holds any, e.g. `user_agent`, `note`). */
  payload: Record<string, unknown>;
}

/** A keyset page of a player's events, newest first. */
export interface TimelinePage {
  items: TimelineEvent[];
  next_cursor: string | null;
}

/** Query of `GET /v1/players/{id}/events`. */
export interface TimelineQuery {
  /** 1..200; the server's default is 50. */
  limit?: number;
  cursor?: string;
  /** Only these event types, e.g. `['payment', 'rg.interaction']`. */
  types?: readonly string[];
}

/** One UTC day of a player's money figures in one currency (minor units). */
export interface SeriesPoint {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  deposits_minor: number;
  withdrawals_minor: number;
  stakes_minor: number;
  /** Stakes minus winnings; positive = the player lost. */
  net_loss_minor: number;
  /** Cash stakes (stakes minus bonus stakes) minus winnings. */
  ggr_minor: number;
}

/** `GET /v1/players/{id}/series`: one dense daily series per currency. */
export interface PlayerSeries {
  player_id: string;
  days: number;
  from: string;
  to: string;
  series: { currency: string; points: SeriesPoint[] }[];
}

/** A note about a player; `note` is personal data (`'***'` for analysts). */
export interface PlayerNote {
  id: string;
  player_id: string;
  /** API key id, `jwt:<subject>` or `embed:<key id>` of the writer. */
  author: string;
  note: string;
  created_at: string;
}

/** A keyset page of notes, newest first. */
export interface PlayerNotePage {
  items: PlayerNote[];
  next_cursor: string | null;
}

/** A responsible-gambling interaction, as `POST /v1/players/{id}/interactions` takes it. */
export interface RgInteractionInput {
  /** Your id for it: the idempotency key. */
  event_id: string;
  /** ISO 8601 with an offset; default now. */
  occurred_at?: string;
  level: 'low' | 'medium' | 'high';
  channel: 'email' | 'phone' | 'chat' | 'in_app' | 'letter' | 'in_person';
  action: 'information' | 'limit_suggested' | 'cooling_off_suggested' | 'self_exclusion_suggested' | 'account_restricted' | 'affordability_check';
  outcome: 'acknowledged' | 'accepted' | 'declined' | 'no_response' | 'escalated';
  note?: string;
}

/** The answer of `POST /v1/players/{id}/interactions`. */
export interface RgInteractionResult {
  event_id: string;
  /** True when the event_id was already stored (a retry). */
  duplicate: boolean;
  event: TimelineEvent;
}

/** One reason behind a score, with its UK Gambling Commission indicator category. */
export interface ScoreReason {
  feature: string;
  category: string;
  /** Share of the score in calibrated-logit units (> 0 raises it). */
  contribution: number;
  direction: 'above' | 'below' | 'missing';
  /** The reason as text, per locale (`en`, `pt-BR`, `es`). */
  text: Record<string, string>;
}

/** `GET /v1/players/{id}/score`: a player's latest score. */
export interface PlayerScore {
  player_id: string;
  /** 0..100. */
  score: number;
  probability: number;
  band: 'none' | 'low' | 'medium' | 'high' | 'very_high';
  model_version: string;
  role: 'champion' | 'challenger';
  reasons: ScoreReason[];
  scored_at: string;
}

/** The caller, as `GET /v1/me` describes it. */
export interface Me {
  tenant: string;
  /** How the caller authenticated: an API key, a backoffice user JWT, or an embed token. */
  kind: 'api_key' | 'jwt' | 'embed_token';
  /** The API key's id; null for tokens. */
  key_id: string | null;
  /** The token's subject; null for API keys. */
  subject: string | null;
  role: 'admin' | 'analyst' | 'agent';
  /** Everything the caller's role may do, e.g. `'players:read'`, `'notes:write'`. */
  permissions: string[];
}
