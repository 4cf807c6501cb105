import { z } from 'zod';
import { COUNTRIES, CURRENCIES } from './iso.js';
import { EVENT_TYPES } from './event-types.js';
import type { EventType } from './event-types.js';
import { buildFastPath } from './event-fast-path.js';

/**
 * The event schema: what an operator sends to Pitboss, one JSON object per
 * event. Versioned by `schema_version`; this module defines version 1.
 *
 * Conventions:
 * - `event_id` is the operator's own id for the event and the idempotency key:
 *   sending the same `(tenant, event_id)` twice stores it once.
 * - `occurred_at` is ISO 8601 with a `Z` or a numeric offset; a local time
 *   without a zone is rejected.
 * - Money is integer minor units in fields ending `_minor`, beside an ISO 4217
 *   `currency` (see `money.ts`). Never a float.
 * - Personal data (name, email, phone, IP) lives only under `personal` of
 *   `player.updated` and in `ip` of `session.started`, so it can be masked and
 *   erased without touching pseudonymous records.
 */
export const SCHEMA_VERSION = 1 as const;
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [SCHEMA_VERSION];

const ID_PATTERN = /^[\x21-\x7e]+$/;
const id = z.string().min(1).max(128).regex(ID_PATTERN, 'printable ASCII without spaces');
const timestamp = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 timestamp with Z or an offset' });
const minor = z.int().min(0, 'must not be negative');
const currency = z.string().refine((c) => CURRENCIES.has(c), 'expected an ISO 4217 currency code');
const country = z.string().refine((c) => COUNTRIES.has(c), 'expected an ISO 3166-1 alpha-2 country code');
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when a string can be stored as Postgres `text`/`jsonb` (and round-trips
 * through UTF-8): no NUL character and no unpaired UTF-16 surrogate.
 *
 * @example isStorableText('a\u0000b') // false
 */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

const storable = 'must not contain NUL or an unpaired surrogate';
const text = (max: number) => z.string().max(max).refine(isStorableText, storable);

const base = {
  schema_version: z.literal(SCHEMA_VERSION),
  event_id: id,
  player_id: id,
  occurred_at: timestamp,
  /** Free-form operator attributes kept with the event (flat, ≤ 32 keys). */
  attributes: z
    .record(z.string().max(64).refine(isStorableText, storable), z.union([text(256), z.number(), z.boolean(), z.null()]))
    .refine((r) => Object.keys(r).length <= 32, 'at most 32 attributes')
    .optional(),
};

export const PersonalData = z.strictObject({
  first_name: text(200).optional(),
  last_name: text(200).optional(),
  email: z.email().max(320).optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected E.164, e.g. +5511912345678').optional(),
});
export type PersonalData = z.infer<typeof PersonalData>;

export const MarketingConsents = z.strictObject({
  email: z.boolean().optional(),
  sms: z.boolean().optional(),
  push: z.boolean().optional(),
  phone: z.boolean().optional(),
  post: z.boolean().optional(),
});

/** A player's profile: every field optional in an update, merged into what is stored. */
export const PlayerProfile = z.strictObject({
  registered_at: timestamp.optional(),
  country: country.optional(),
  currency: currency.optional(),
  birth_year: z.int().min(1900).max(2100).optional(),
  brand: text(64).optional(),
  market: text(64).optional(),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a BCP 47 language tag such as pt-BR').optional(),
  affiliate_id: text(128).nullable().optional(),
  kyc_verified_at: timestamp.nullable().optional(),
  blocked: z.boolean().optional(),
  self_excluded_until: timestamp.nullable().optional(),
  test_account: z.boolean().optional(),
  tags: z.array(text(64)).max(64).optional(),
  marketing_consents: MarketingConsents.optional(),
  /** Personal data, stored apart from the rest, masked for analysts and erasable. */
  personal: PersonalData.optional(),
});
export type PlayerProfile = z.infer<typeof PlayerProfile>;

const BetLeg = z.strictObject({
  sport: text(64),
  competition: text(128).optional(),
  event: text(256).optional(),
  market: text(128),
  selection: text(256).optional(),
  /** Decimal odds, e.g. 2.5. Odds are a ratio, not money. */
  odds: z.number().gt(1).max(100_000),
  live: z.boolean().default(false),
});

const PRODUCT = ['sportsbook', 'casino', 'live_casino', 'poker', 'lottery', 'bingo', 'other'] as const;

export const PlayerUpdated = z.strictObject({ ...base, type: z.literal('player.updated'), profile: PlayerProfile });

export const BetPlaced = z.strictObject({
  ...base,
  type: z.literal('bet.placed'),
  bet_id: id,
  bet_type: z.enum(['single', 'multi', 'system']),
  stake_minor: minor,
  bonus_stake_minor: minor.default(0),
  currency,
  /** Total decimal odds of the bet (product of legs for a multi). */
  odds: z.number().gt(1).max(1e9),
  live: z.boolean().default(false),
  legs: z.array(BetLeg).min(1).max(64),
  channel: z.enum(['web', 'mobile_web', 'app', 'retail', 'phone']).optional(),
});

export const BetSettled = z.strictObject({
  ...base,
  type: z.literal('bet.settled'),
  bet_id: id,
  result: z.enum(['won', 'lost', 'void', 'half_won', 'half_lost', 'cashed_out']),
  payout_minor: minor,
  currency,
  cash_out: z.boolean().default(false),
});

export const CasinoRound = z.strictObject({
  ...base,
  type: z.literal('casino.round'),
  round_id: id,
  game_id: text(128),
  game_type: z.enum(['slots', 'table', 'live_casino', 'crash', 'instant', 'poker', 'bingo', 'other']),
  provider: text(64).optional(),
  stake_minor: minor,
  bonus_stake_minor: minor.default(0),
  win_minor: minor,
  currency,
});

export const PAYMENT_STATUSES = ['requested', 'approved', 'rejected', 'cancelled', 'rolled_back'] as const;
export const PAYMENT_METHODS = ['card', 'bank_transfer', 'e_wallet', 'pix', 'open_banking', 'crypto', 'voucher', 'cash', 'other'] as const;

export const Payment = z.strictObject({
  ...base,
  type: z.literal('payment'),
  payment_id: id,
  direction: z.enum(['deposit', 'withdrawal']),
  status: z.enum(PAYMENT_STATUSES),
  method: z.enum(PAYMENT_METHODS),
  amount_minor: minor,
  currency,
  /** Who cancelled a withdrawal (a player reversing it is a risk marker). */
  cancelled_by: z.enum(['player', 'operator']).optional(),
  failure_reason: text(256).optional(),
});

export const SessionStarted = z.strictObject({
  ...base,
  type: z.literal('session.started'),
  session_id: id,
  device: z.enum(['desktop', 'mobile', 'tablet', 'app', 'retail', 'other']),
  /** Personal data: masked for analysts, erased with the player's personal data. */
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  user_agent: text(512).optional(),
});

export const SessionEnded = z.strictObject({
  ...base,
  type: z.literal('session.ended'),
  session_id: id,
  reason: z.enum(['logout', 'timeout', 'reality_check', 'limit_reached', 'operator']).optional(),
});

export const LimitChanged = z.strictObject({
  ...base,
  type: z.literal('limit.changed'),
  limit_type: z.enum(['deposit', 'loss', 'wager', 'time', 'bets']),
  period: z.enum(['session', 'day', 'week', 'month']),
  /**
   * Limit values: minor units for deposit/loss/wager (with `currency`), minutes
   * for time, a count for bets. `null` means no limit.
   */
  old_value: z.int().min(0).nullable(),
  new_value: z.int().min(0).nullable(),
  currency: currency.optional(),
  initiated_by: z.enum(['player', 'operator']).default('player'),
});

export const ExclusionStarted = z.strictObject({
  ...base,
  type: z.literal('exclusion.started'),
  kind: z.enum(['self_exclusion', 'time_out']),
  scope: z.enum(['operator', 'national_register']),
  /** The national register, e.g. GAMSTOP (GB), SIGAP (BR), RGIAJ (ES). */
  register: text(64).optional(),
  /** End of the exclusion; `null` for an indefinite one. */
  until: timestamp.nullable(),
});

export const RgInteraction = z.strictObject({
  ...base,
  type: z.literal('rg.interaction'),
  level: z.enum(['low', 'medium', 'high']),
  channel: z.enum(['email', 'phone', 'chat', 'in_app', 'letter', 'in_person']),
  action: z.enum(['information', 'limit_suggested', 'cooling_off_suggested', 'self_exclusion_suggested', 'account_restricted', 'affordability_check']),
  outcome: z.enum(['acknowledged', 'accepted', 'declined', 'no_response', 'escalated']),
  agent_id: text(128).optional(),
  note: text(4000).optional(),
});

const bonus = { bonus_id: id, amount_minor: minor, currency, campaign: text(128).optional() };
export const BonusGranted = z.strictObject({ ...base, type: z.literal('bonus.granted'), ...bonus, wagering_requirement_minor: minor.optional() });
export const BonusWagered = z.strictObject({ ...base, type: z.literal('bonus.wagered'), ...bonus });
export const BonusForfeited = z.strictObject({ ...base, type: z.literal('bonus.forfeited'), ...bonus });

export const Event = z.discriminatedUnion('type', [
  PlayerUpdated, BetPlaced, BetSettled, CasinoRound, Payment, SessionStarted, SessionEnded,
  LimitChanged, ExclusionStarted, RgInteraction, BonusGranted, BonusWagered, BonusForfeited,
]);
/** Any valid version-1 event, after defaults are applied. */
export type Event = z.infer<typeof Event>;
/** An event as an operator may write it (defaults optional). */
export type EventInput = z.input<typeof Event>;
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;
export { EVENT_TYPES };
export type { EventType };

// The name list (event-types.ts) and the union above must name the same types, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<Event['type'], EventType> = true;
void typesAgree;

/**
 * The fast path alone (event-fast-path.ts): the event exactly as `Event.parse`
 * would return it, or undefined where only zod can decide. Not part of the
 * package's exports; `parseEvent` uses it, and its spec proves it against zod.
 */
export const fastParseEvent = buildFastPath(
  { id: ID_PATTERN, timestamp: timestamp._zod.def.pattern!, isStorableText, currencies: CURRENCIES },
  Object.fromEntries(Event.options.map((o) => [o.shape.type.value, Object.keys(o.shape)])),
);

const KNOWN_TYPES: ReadonlySet<unknown> = new Set(EVENT_TYPES);

/** One validation problem, located by an RFC 6901 JSON pointer into the event. */
export interface EventIssue {
  pointer: string;
  message: string;
}

export type ParseResult = { ok: true; event: Event } | { ok: false; issues: EventIssue[] };

export interface ParseOptions {
  /** Reference time for the future-timestamp check; default `Date.now()`. */
  now?: number;
  /** How far `occurred_at` may lie ahead of `now` (clock skew); default 5 minutes. */
  maxFutureSkewMs?: number;
  /**
   * `false` validates with the zod schemas alone, skipping the fast path for
   * common shapes (event-fast-path.ts). The result is the same either way;
   * the switch exists so tests can prove it.
   */
  fastPath?: boolean;
}

/** RFC 6901 pointer for a zod issue path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Validates one event as received (already JSON-parsed).
 *
 * @example
 * const r = parseEvent(JSON.parse(line));
 * if (!r.ok) console.log(r.issues); // [{ pointer: '/stake_minor', message: 'must not be negative' }]
 */
export function parseEvent(input: unknown, options: ParseOptions = {}): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ pointer: '', message: 'expected a JSON object' }] };
  }
  const raw = input as Record<string, unknown>;
  if (!('schema_version' in raw)) {
    return { ok: false, issues: [{ pointer: '/schema_version', message: `required; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}` }] };
  }
  if (!SUPPORTED_SCHEMA_VERSIONS.includes(raw.schema_version as number)) {
    return {
      ok: false,
      issues: [{ pointer: '/schema_version', message: `unsupported schema_version ${JSON.stringify(raw.schema_version)}; supported: ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}` }],
    };
  }
  if (!KNOWN_TYPES.has(raw.type)) {
    return {
      ok: false,
      issues: [{ pointer: '/type', message: `unknown event type ${JSON.stringify(raw.type)}; expected one of ${EVENT_TYPES.join(', ')}` }],
    };
  }
  let event = options.fastPath === false ? undefined : (fastParseEvent(raw) as Event | undefined);
  if (!event) {
    const parsed = Event.safeParse(input);
    if (!parsed.success) {
      return { ok: false, issues: parsed.error.issues.map((i) => ({ pointer: jsonPointer(i.path), message: i.message })) };
    }
    event = parsed.data;
  }
  const now = options.now ?? Date.now();
  const skew = options.maxFutureSkewMs ?? 5 * 60_000;
  if (Date.parse(event.occurred_at) > now + skew) {
    return { ok: false, issues: [{ pointer: '/occurred_at', message: `lies more than ${Math.round(skew / 1000)} s in the future` }] };
  }
  return { ok: true, event };
}
