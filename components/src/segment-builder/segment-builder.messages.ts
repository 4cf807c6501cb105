import type { FieldOp, GuardrailReason } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { loadLocale, localeTables } from '../shared/locales.js';
import type { SegmentBuilderBehaviourMessages } from './editors/behaviour.messages.js';

/**
 * Interface text of `<pb-segment-builder>` (English here; pt-BR and es in
 * `../locales/`). Field labels come from the core field registry and
 * validation messages from core's segment catalogue; the text of the
 * behavioural condition editors loads with them (`segmentBuilderBehaviourMessages`);
 * this holds the rest. `{name}` marks a placeholder.
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
  reasons: { self_excluded: 'Self-excluded', blocked: 'Blocked', timed_out: 'Timed out', high_risk: 'Risk band' },
};

/** The builder's interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function segmentBuilderMessages(locale: PbLocale): SegmentBuilderMessages {
  return localeTables(locale)?.segmentBuilder ?? EN;
}

/**
 * The text of the builder's behavioural condition editors (event counts and sums) in
 * `locale`. It is not in `segmentBuilderMessages`: it loads with those editors
 * (`import()`, the first time a builder shows such a condition), and this loads
 * them, and the locale's text, if they are not there yet.
 */
export async function segmentBuilderBehaviourMessages(locale: PbLocale): Promise<SegmentBuilderBehaviourMessages> {
  const [editors] = await Promise.all([import('./editors/behaviour.js'), loadLocale(locale)]);
  return editors.behaviourMessages(locale);
}
