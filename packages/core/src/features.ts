import { FEATURE_META } from './feature-meta.js';
import type { FeatureKey, FeatureMeta } from './feature-meta.js';
import type { EventRow } from './rows.js';

export type { FeatureKey, FeatureType, FeatureUnit, FeatureValues, UkgcCategory } from './feature-meta.js';

/**
 * Declarative feature definitions: per-player responsible-gambling and churn
 * markers computed from the flat `events` table (see `rows.ts`). A definition
 * says *what* to aggregate (a measure over a filter of event rows, inside a
 * time window ending at `as_of`), never *how* in a given SQL dialect; the
 * compilers in `feature-sql.ts` turn the whole list into one query per engine.
 * Each feature's metadata (type, unit, category) is in `feature-meta.ts`.
 *
 * Conventions every definition follows:
 * - A window of N days is the half-open interval `(as_of − N×24 h, as_of]`.
 *   Events after `as_of` are never counted. Hours, not calendar days, so a DST
 *   change in the session time zone never stretches a window.
 * - Clock: UTC for hour-of-day and calendar-day features, unless the query is
 *   compiled with a `time_zone` parameter.
 * - Wagers are `bet.placed` and `casino.round` rows; their stake is
 *   `amount_minor` (bonus money included). Winnings are `win_minor` of
 *   `bet.settled` and `casino.round` rows.
 * - Money is summed in minor units of the player's currency (one currency per
 *   player is assumed; mixed-currency players are summed as-is).
 */

/** Columns of `EventRow` that filters may compare (everything scalar except personal data). */
export type FilterColumn = Exclude<keyof EventRow, 'payload' | 'ip' | 'occurred_at' | 'ref_at' | 'amount_minor' | 'bonus_minor' | 'win_minor'>;
/** Integer columns a measure may aggregate. */
export type ValueColumn = 'amount_minor' | 'bonus_minor' | 'win_minor';

/** A predicate over one event row. Constants are definition-time literals, never user input. */
export type EventFilter =
  | { readonly column: FilterColumn; readonly eq: string | boolean }
  | { readonly column: FilterColumn; readonly in: readonly string[] }
  /** Hour of day of `occurred_at` (on the query's clock) in `[from, to)`. */
  | { readonly hourFrom: number; readonly hourTo: number }
  | { readonly all: readonly EventFilter[] };

/** What is aggregated over the rows that pass `where`. */
export type Measure =
  | { readonly kind: 'count'; readonly where: EventFilter }
  | { readonly kind: 'sum'; readonly value: ValueColumn; readonly where: EventFilter }
  | { readonly kind: 'mean'; readonly value: ValueColumn; readonly where: EventFilter }
  /** Coefficient of variation: population standard deviation / mean. */
  | { readonly kind: 'cv'; readonly value: ValueColumn; readonly where: EventFilter }
  | { readonly kind: 'count_distinct'; readonly column: FilterColumn; readonly where: EventFilter }
  /** Distinct calendar days (on the query's clock) with at least one matching row. */
  | { readonly kind: 'active_days'; readonly where: EventFilter }
  /** Whole days from the latest matching row to `as_of`. */
  | { readonly kind: 'days_since_last'; readonly where: EventFilter }
  /**
   * Whole days from registration to `as_of`. Registration is the earliest
   * `registered_at` sent in a `player.updated` profile; without one, the
   * player's first event.
   */
  | { readonly kind: 'days_since_registration' }
  /** Mean minutes between `session.started` and `session.ended` of one `ref_id`, for sessions started in the window. */
  | { readonly kind: 'session_mean_minutes' };

/** A window of whole days ending `offsetDays` before `as_of`; `null` is all history up to `as_of`. */
export interface Window {
  readonly days: number;
  readonly offsetDays?: number;
}

export interface Term {
  readonly measure: Measure;
  readonly window: Window | null;
}

/** How a feature's value is computed from one or two terms. */
export type FeatureExpr =
  | ({ readonly op: 'term' } & Term)
  /** numerator / denominator, NULL when the denominator is 0; with `perDay`, each side is first divided by its window's days. */
  | { readonly op: 'ratio'; readonly numerator: Term; readonly denominator: Term; readonly perDay?: boolean }
  | { readonly op: 'difference'; readonly minuend: Term; readonly subtrahend: Term };

export interface FeatureDefinition extends FeatureMeta {
  /** One-line definition for people. */
  readonly definition: string;
  /** The formula as text, for docs and explanations. */
  readonly formula: string;
  readonly expr: FeatureExpr;
}

/** The part of a definition that is not metadata. */
type FeatureFormula = Pick<FeatureDefinition, 'definition' | 'formula' | 'expr'>;

const WAGER: EventFilter = { column: 'type', in: ['bet.placed', 'casino.round'] };
const WIN: EventFilter = { column: 'type', in: ['bet.settled', 'casino.round'] };
const DEPOSIT: EventFilter = { all: [{ column: 'type', eq: 'payment' }, { column: 'direction', eq: 'deposit' }] };
const APPROVED_DEPOSIT: EventFilter = { all: [DEPOSIT, { column: 'status', eq: 'approved' }] };
const DECIDED_DEPOSIT: EventFilter = { all: [DEPOSIT, { column: 'status', in: ['approved', 'rejected'] }] };
const REJECTED_DEPOSIT: EventFilter = { all: [DEPOSIT, { column: 'status', eq: 'rejected' }] };
const SPORTS_BET: EventFilter = { column: 'type', eq: 'bet.placed' };

const D7: Window = { days: 7 };
const D30: Window = { days: 30 };
const D90: Window = { days: 90 };

const term = (measure: Measure, window: Window | null): FeatureExpr => ({ op: 'term', measure, window });

/** Per feature key, so a feature in `FEATURE_META` without a formula does not compile. */
const FORMULAS: { readonly [K in FeatureKey]: FeatureFormula } = {
  deposit_count_7d: {
    definition: 'Approved deposits in the last 7 days.',
    formula: 'count(payment: deposit, approved; 7d)',
    expr: term({ kind: 'count', where: APPROVED_DEPOSIT }, D7),
  },
  deposit_count_30d: {
    definition: 'Approved deposits in the last 30 days.',
    formula: 'count(payment: deposit, approved; 30d)',
    expr: term({ kind: 'count', where: APPROVED_DEPOSIT }, D30),
  },
  deposit_sum_7d: {
    definition: 'Amount of approved deposits in the last 7 days.',
    formula: 'sum(amount_minor of payment: deposit, approved; 7d)',
    expr: term({ kind: 'sum', value: 'amount_minor', where: APPROVED_DEPOSIT }, D7),
  },
  deposit_sum_30d: {
    definition: 'Amount of approved deposits in the last 30 days.',
    formula: 'sum(amount_minor of payment: deposit, approved; 30d)',
    expr: term({ kind: 'sum', value: 'amount_minor', where: APPROVED_DEPOSIT }, D30),
  },
  deposit_escalation: {
    definition: 'Daily deposit amount of the last 7 days against the daily baseline of the last 30 days (1 = steady, >1 = rising).',
    formula: '(deposit_sum_7d / 7) / (deposit_sum_30d / 30); null when deposit_sum_30d = 0',
    expr: {
      op: 'ratio', perDay: true,
      numerator: { measure: { kind: 'sum', value: 'amount_minor', where: APPROVED_DEPOSIT }, window: D7 },
      denominator: { measure: { kind: 'sum', value: 'amount_minor', where: APPROVED_DEPOSIT }, window: D30 },
    },
  },
  net_loss_30d: {
    definition: 'Stakes minus winnings over the last 30 days (positive = the player lost).',
    formula: 'sum(stake of wagers; 30d) − sum(win_minor of bet.settled, casino.round; 30d)',
    expr: {
      op: 'difference',
      minuend: { measure: { kind: 'sum', value: 'amount_minor', where: WAGER }, window: D30 },
      subtrahend: { measure: { kind: 'sum', value: 'win_minor', where: WIN }, window: D30 },
    },
  },
  stake_mean_30d: {
    definition: 'Mean stake per wager over the last 30 days.',
    formula: 'mean(stake of wagers; 30d)',
    expr: term({ kind: 'mean', value: 'amount_minor', where: WAGER }, D30),
  },
  stake_cv_30d: {
    definition: 'Variability of stakes over the last 30 days: coefficient of variation (Braverman–Shaffer variability).',
    formula: 'stddev_pop(stake of wagers; 30d) / mean(stake of wagers; 30d); null when the mean is 0',
    expr: term({ kind: 'cv', value: 'amount_minor', where: WAGER }, D30),
  },
  active_days_30d: {
    definition: 'Days with at least one wager in the last 30 days (Braverman–Shaffer frequency).',
    formula: 'count(distinct day(occurred_at) of wagers; 30d)',
    expr: term({ kind: 'active_days', where: WAGER }, D30),
  },
  bets_per_active_day_30d: {
    definition: 'Wagers per active day over the last 30 days (Braverman–Shaffer intensity).',
    formula: 'count(wagers; 30d) / active_days_30d; null when active_days_30d = 0',
    expr: {
      op: 'ratio',
      numerator: { measure: { kind: 'count', where: WAGER }, window: D30 },
      denominator: { measure: { kind: 'active_days', where: WAGER }, window: D30 },
    },
  },
  stake_trajectory_30d: {
    definition: 'Mean stake of the last 15 days against the 15 days before (Braverman–Shaffer trajectory; >1 = rising).',
    formula: 'mean(stake of wagers; days 0–15) / mean(stake of wagers; days 15–30); null when either is missing or 0',
    expr: {
      op: 'ratio',
      numerator: { measure: { kind: 'mean', value: 'amount_minor', where: WAGER }, window: { days: 15 } },
      denominator: { measure: { kind: 'mean', value: 'amount_minor', where: WAGER }, window: { days: 15, offsetDays: 15 } },
    },
  },
  cancelled_withdrawals_30d: {
    definition: 'Withdrawals the player cancelled (reversed) in the last 30 days.',
    formula: 'count(payment: withdrawal, cancelled, cancelled_by = player; 30d)',
    expr: term({
      kind: 'count',
      where: {
        all: [
          { column: 'type', eq: 'payment' }, { column: 'direction', eq: 'withdrawal' },
          { column: 'status', eq: 'cancelled' }, { column: 'actor', eq: 'player' },
        ],
      },
    }, D30),
  },
  failed_deposit_ratio_30d: {
    definition: 'Share of decided deposits in the last 30 days that were rejected.',
    formula: 'count(deposit rejected; 30d) / count(deposit approved or rejected; 30d); null when none',
    expr: {
      op: 'ratio',
      numerator: { measure: { kind: 'count', where: REJECTED_DEPOSIT }, window: D30 },
      denominator: { measure: { kind: 'count', where: DECIDED_DEPOSIT }, window: D30 },
    },
  },
  payment_methods_30d: {
    definition: 'Distinct payment methods used for deposits (any status) in the last 30 days.',
    formula: 'count(distinct method of payment: deposit; 30d)',
    expr: term({ kind: 'count_distinct', column: 'method', where: DEPOSIT }, D30),
  },
  night_play_share_30d: {
    definition: 'Share of wagers placed between 00:00 and 06:00 (UTC unless a time zone is given) in the last 30 days.',
    formula: 'count(wagers with hour(occurred_at) in [0, 6); 30d) / count(wagers; 30d); null when none',
    expr: {
      op: 'ratio',
      numerator: { measure: { kind: 'count', where: { all: [WAGER, { hourFrom: 0, hourTo: 6 }] } }, window: D30 },
      denominator: { measure: { kind: 'count', where: WAGER }, window: D30 },
    },
  },
  session_count_30d: {
    definition: 'Sessions started in the last 30 days.',
    formula: 'count(session.started; 30d)',
    expr: term({ kind: 'count', where: { column: 'type', eq: 'session.started' } }, D30),
  },
  session_mean_minutes_30d: {
    definition: 'Mean length of the sessions started in the last 30 days that have ended.',
    formula: 'mean(ended_at − started_at, per session_id, in minutes; sessions started in 30d and ended by as_of)',
    expr: term({ kind: 'session_mean_minutes' }, D30),
  },
  live_bet_share_30d: {
    definition: 'Share of sports bets in the last 30 days that were placed in play.',
    formula: 'count(bet.placed with live; 30d) / count(bet.placed; 30d); null when none',
    expr: {
      op: 'ratio',
      numerator: { measure: { kind: 'count', where: { all: [SPORTS_BET, { column: 'live', eq: true }] } }, window: D30 },
      denominator: { measure: { kind: 'count', where: SPORTS_BET }, window: D30 },
    },
  },
  limit_increases_90d: {
    definition: 'Limits raised or removed in the last 90 days.',
    formula: 'count(limit.changed with direction increase or removed; 90d)',
    expr: term({
      kind: 'count',
      where: { all: [{ column: 'type', eq: 'limit.changed' }, { column: 'direction', in: ['increase', 'removed'] }] },
    }, D90),
  },
  days_since_last_bet: {
    definition: 'Whole days since the latest wager; null when the player never wagered.',
    formula: 'floor((as_of − max(occurred_at of wagers)) / 1 day)',
    expr: term({ kind: 'days_since_last', where: WAGER }, null),
  },
  tenure_days: {
    definition: 'Whole days since registration (profile registered_at, else the first event).',
    formula: 'floor((as_of − coalesce(min(profile.registered_at), min(occurred_at))) / 1 day)',
    expr: term({ kind: 'days_since_registration' }, null),
  },
};

/**
 * Every feature Pitboss computes, in output column order.
 *
 * @example
 * const night = FEATURES.find((f) => f.key === 'night_play_share_30d');
 * console.log(night?.formula);
 */
export const FEATURES: readonly (FeatureDefinition & { readonly key: FeatureKey })[] = FEATURE_META.map((meta) => ({ ...meta, ...FORMULAS[meta.key] }));

/**
 * Looks a feature up by key.
 *
 * @example
 * featureByKey('net_loss_30d')?.unit // 'minor_units'
 */
export function featureByKey(key: string): FeatureDefinition | undefined {
  return FEATURES.find((f) => f.key === key);
}
