import type { EventType } from '../event-types.js';
import type { FieldValueType } from '../field-registry.js';

/**
 * The segment AST: a JSON tree of `all` / `any` / `not` groups over
 * conditions. A segment is itself a group, plus a `marketing` flag, so issue
 * paths read from the root: `all[2].any[0].value`.
 *
 * Semantics: every condition is two-valued. A comparison with a missing value
 * (SQL NULL) is false, so `country neq 'BR'` does not match a player whose
 * country is unknown; `not` is the exact complement of its child.
 */

/** Operators on player attributes and features; which apply depends on the field type (see `OPS_BY_TYPE`). */
export const FIELD_OPS = [
  'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'is_null', 'is_not_null',
  'contains', 'starts_with', 'within_last_days', 'more_than_days_ago',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

/** Comparison operators for numbers (behavioural sums and event amount filters). */
export const NUMBER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between'] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];

export const COUNT_OPS = ['at_least', 'at_most'] as const;
export type CountOp = (typeof COUNT_OPS)[number];

/** Event-row columns a behavioural sum may add up (see `rows.ts`). */
export const SUM_COLUMNS = ['amount_minor', 'win_minor', 'bonus_minor'] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];

/** Products an event row carries in `product` (see `toEventRow`). */
export const EVENT_PRODUCTS = ['sportsbook', 'casino', 'live_casino'] as const;
export type EventProduct = (typeof EVENT_PRODUCTS)[number];

/** Operators each field value type of the registry accepts. */
export const OPS_BY_TYPE: { readonly [T in FieldValueType]: readonly FieldOp[] } = {
  string: ['eq', 'neq', 'in', 'not_in', 'starts_with', 'is_null', 'is_not_null'],
  enum: ['eq', 'neq', 'in', 'not_in', 'is_null', 'is_not_null'],
  integer: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'is_null', 'is_not_null'],
  money: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'is_null', 'is_not_null'],
  number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'is_null', 'is_not_null'],
  boolean: ['eq', 'neq', 'is_null', 'is_not_null'],
  timestamp: ['lt', 'lte', 'gt', 'gte', 'between', 'within_last_days', 'more_than_days_ago', 'is_null', 'is_not_null'],
  tags: ['contains', 'is_null', 'is_not_null'],
};

/** Limits the validator enforces, so one request cannot ask for an unbounded query. */
export const SEGMENT_LIMITS = {
  maxDepth: 8,
  maxConditions: 100,
  maxListLength: 1000,
  maxStringLength: 256,
  maxDays: 3650,
  maxTimes: 1_000_000,
} as const;

/** A scalar a field condition compares with. Timestamps are ISO 8601 strings. */
export type SegmentScalar = string | number | boolean;

/** `field op value` over a player attribute or feature from the field registry. */
export interface FieldCondition {
  field: string;
  op: FieldOp;
  /**
   * A scalar for eq…gte, starts_with and contains; `[low, high]` (inclusive)
   * for between; a non-empty list for in / not_in; whole days for the
   * relative-date operators; absent for is_null / is_not_null.
   */
  value?: SegmentScalar | readonly SegmentScalar[];
}

/** Which event rows a behavioural condition looks at. Every filter given must hold. */
export interface EventMatch {
  type: EventType;
  product?: readonly EventProduct[];
  /** `deposit` / `withdrawal` for payments; `increase` / `decrease` / `set` / `removed` for limits. */
  direction?: string;
  /** Payment status, bet result, limit type, exclusion kind or RG action (the row's `status`). */
  status?: readonly string[];
  /** Payment method, session device, bet type or game type (the row's `method`). */
  method?: readonly string[];
  /** A filter on the row's `amount_minor` (stake, payment amount, payout). */
  amount?: { op: NumberOp; value: number | readonly [number, number] };
}

/** "did EVENT at least / at most N times in the last D days". */
export interface EventCountCondition {
  did: EventMatch;
  op: CountOp;
  times: number;
  days: number;
}

/** "sum of COLUMN of EVENT in the last D days op X"; a player without such events sums to 0. */
export interface EventSumCondition {
  sum: SumColumn;
  of: EventMatch;
  op: NumberOp;
  value: number | readonly [number, number];
  days: number;
}

export type Condition = FieldCondition | EventCountCondition | EventSumCondition;

export interface AllGroup { all: readonly SegmentNode[] }
export interface AnyGroup { any: readonly SegmentNode[] }
export interface NotGroup { not: SegmentNode }
export type Group = AllGroup | AnyGroup | NotGroup;

export type SegmentNode = Group | Condition;

/** A segment: a root group and whether it is meant for marketing (then the guardrail applies). */
export type Segment = Group & {
  /** Marketing segments never contain self-excluded, blocked, timed-out or high-risk players (see `guardrail.ts`). */
  marketing?: boolean;
};
