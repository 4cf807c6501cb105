import type { CountOp, EventProduct, EventType, FieldOp, GuardrailReason, NumberOp, SumColumn } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

/**
 * Interface text of `<pb-segment-builder>` (English here; pt-BR and es in
 * `../locales/`). Field labels come from the core field registry and
 * validation messages from core's segment catalogue; this holds the rest.
 * `{name}` marks a placeholder.
 */
export interface SegmentBuilderMessages {
  builderLabel: string;
  combinator: string;
  all: string;
  any: string;
  not: string;
  notHint: string;
  emptyGroup: string;
  addCondition: string;
  addCount: string;
  addSum: string;
  addGroup: string;
  moveUp: string;
  moveDown: string;
  remove: string;
  negate: string;
  unwrap: string;
  /** Accessible name of a condition's or group's toolbar: `{n}` is its 1-based position. */
  itemActions: string;
  conditionLabel: string;
  groupLabel: string;
  field: string;
  attributes: string;
  features: string;
  operator: string;
  value: string;
  low: string;
  high: string;
  days: string;
  daysSuffix: string;
  listHint: string;
  yes: string;
  no: string;
  chooseValue: string;
  did: string;
  eventType: string;
  countOp: string;
  times: string;
  inLastDays: string;
  sumOf: string;
  sumColumn: string;
  sumOp: string;
  products: string;
  direction: string;
  anyDirection: string;
  status: string;
  method: string;
  amount: string;
  anyAmount: string;
  amountValue: string;
  count: string;
  counting: string;
  countIdle: string;
  countInvalid: string;
  countFailed: string;
  /** Shown in place of a condition's controls when their code could not be loaded. */
  editorLoadFailed: string;
  /** Shown above the segment when the validator could not be loaded (and as the count's error). */
  validatorLoadFailed: string;
  guardrailTitle: string;
  matched: string;
  removed: string;
  /** `{band}` is the lowest band removed. */
  riskBandAtOrAbove: string;
  fieldOps: Readonly<Record<FieldOp, string>>;
  numberOps: Readonly<Record<NumberOp, string>>;
  countOps: Readonly<Record<CountOp, string>>;
  sumColumns: Readonly<Record<SumColumn, string>>;
  products_: Readonly<Record<EventProduct, string>>;
  eventTypes: Readonly<Record<EventType, string>>;
  reasons: Readonly<Record<GuardrailReason, string>>;
}

const EN: SegmentBuilderMessages = {
  builderLabel: 'Segment',
  combinator: 'Combine conditions',
  all: 'All of',
  any: 'Any of',
  not: 'Not',
  notHint: 'Players for whom this does not hold',
  emptyGroup: 'No conditions yet',
  addCondition: 'Add condition',
  addCount: 'Add event count',
  addSum: 'Add event sum',
  addGroup: 'Add group',
  moveUp: 'Move up',
  moveDown: 'Move down',
  remove: 'Remove',
  negate: 'Negate',
  unwrap: 'Remove negation',
  itemActions: 'Actions for item {n}',
  conditionLabel: 'Condition {n}',
  groupLabel: 'Group {n}',
  field: 'Field',
  attributes: 'Player attributes',
  features: 'Features',
  operator: 'Operator',
  value: 'Value',
  low: 'From',
  high: 'To',
  days: 'Days',
  daysSuffix: 'days',
  listHint: 'separate values with commas',
  yes: 'Yes',
  no: 'No',
  chooseValue: 'Choose…',
  did: 'Did',
  eventType: 'Event type',
  countOp: 'How often',
  times: 'Times',
  inLastDays: 'In the last (days)',
  sumOf: 'Sum of',
  sumColumn: 'Amount summed',
  sumOp: 'Comparison',
  products: 'Products',
  direction: 'Direction',
  anyDirection: 'Any direction',
  status: 'Status',
  method: 'Method',
  amount: 'Amount filter',
  anyAmount: 'Any amount',
  amountValue: 'Amount',
  count: 'Matching players: {count}',
  counting: 'Counting…',
  countIdle: 'No count yet',
  countInvalid: 'Fix the marked conditions to see the count',
  countFailed: 'The count failed: {message}',
  editorLoadFailed: 'The controls of this condition could not be loaded',
  validatorLoadFailed: 'The validation could not be loaded',
  guardrailTitle: 'Removed by the marketing guardrail',
  matched: 'Matched before the guardrail: {count}',
  removed: 'Removed: {count}',
  riskBandAtOrAbove: 'Risk band {band} or above',
  fieldOps: {
    eq: 'is', neq: 'is not', lt: 'less than', lte: 'at most', gt: 'greater than', gte: 'at least', between: 'between',
    in: 'is one of', not_in: 'is none of', is_null: 'is empty', is_not_null: 'is not empty', contains: 'contains',
    starts_with: 'starts with', within_last_days: 'within the last (days)', more_than_days_ago: 'more than (days) ago',
  },
  numberOps: { eq: 'equal to', neq: 'not equal to', lt: 'less than', lte: 'at most', gt: 'greater than', gte: 'at least', between: 'between' },
  countOps: { at_least: 'at least', at_most: 'at most' },
  sumColumns: { amount_minor: 'amount', win_minor: 'winnings', bonus_minor: 'bonus amount' },
  products_: { sportsbook: 'Sportsbook', casino: 'Casino', live_casino: 'Live casino' },
  eventTypes: {
    'player.updated': 'Profile update', 'bet.placed': 'Bet placed', 'bet.settled': 'Bet settled', 'casino.round': 'Casino round',
    payment: 'Payment', 'session.started': 'Session start', 'session.ended': 'Session end', 'limit.changed': 'Limit change',
    'exclusion.started': 'Exclusion start', 'rg.interaction': 'RG interaction', 'bonus.granted': 'Bonus granted',
    'bonus.wagered': 'Bonus wagered', 'bonus.forfeited': 'Bonus forfeited',
  },
  reasons: { self_excluded: 'Self-excluded', blocked: 'Blocked', timed_out: 'Timed out', high_risk: 'Risk band' },
};

/** The builder's interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function segmentBuilderMessages(locale: PbLocale): SegmentBuilderMessages {
  return localeTables(locale)?.segmentBuilder ?? EN;
}
