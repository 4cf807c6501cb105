export { COUNTRIES, CURRENCIES, currencyExponent } from './iso.js';
export { toDecimalString, fromDecimalString } from './money.js';
export type { MinorUnits } from './money.js';
export {
  SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, PAYMENT_STATUSES, PAYMENT_METHODS,
  Event, PlayerProfile, PersonalData, MarketingConsents, PlayerUpdated, BetPlaced, BetSettled, CasinoRound, Payment,
  SessionStarted, SessionEnded, LimitChanged, ExclusionStarted, RgInteraction, BonusGranted, BonusWagered, BonusForfeited,
  parseEvent, jsonPointer, isStorableText,
} from './events.js';
export { EVENT_TYPES } from './event-types.js';
export type { EventType } from './event-types.js';
export type { EventInput, EventOf, EventIssue, ParseResult, ParseOptions } from './events.js';
export { EVENT_COLUMNS, toEventRow } from './rows.js';
export type { EventRow } from './rows.js';
export { FEATURE_KEYS, UKGC_CATEGORIES } from './feature-meta.js';
export type { FeatureKey, FeatureValues, FeatureType, FeatureUnit, UkgcCategory } from './feature-meta.js';
export { FEATURES, featureByKey } from './features.js';
export type { FeatureDefinition, FeatureExpr, EventFilter, Measure, Term, Window, FilterColumn, ValueColumn } from './features.js';
export { SQL_DIALECTS, dialectGenerator, duckdbUtc, duckdbUtcOrInfinite } from './sql-dialect.js';
export type { SqlDialect, DialectGenerator, DialectTypes } from './sql-dialect.js';
export { compileFeatureQuery, featureColumns, featureColumnsDdl } from './feature-sql.js';
export type { CompiledQuery, FeatureParam, FeatureQueryOptions, FeatureColumn } from './feature-sql.js';
export { LOCALES, RISK_BANDS, FIELD_META, fieldMetaByKey } from './field-meta.js';
export type { Locale, Labels, FieldValueType, FieldUnit, FieldSource, FieldMeta, FieldDefinition, RiskBand } from './field-meta.js';
export { FIELD_LABELS_EN } from './field-labels.js';
export type { FieldLabels } from './field-labels.js';
export { FIELD_LABELS_PT_BR } from './field-labels-pt-BR.js';
export { FIELD_LABELS_ES } from './field-labels-es.js';
export { FIELDS, fieldByKey, fieldLabel } from './field-registry.js';
export { SHARD_COUNT, shardOf, fnv1a32, fmix32 } from './shard.js';
export { EVENT_EXAMPLES } from './event-examples.js';
export {
  FIELD_OPS, NUMBER_OPS, COUNT_OPS, SUM_COLUMNS, EVENT_PRODUCTS, OPS_BY_TYPE, SEGMENT_LIMITS,
} from './segments/ast.js';
export {
  SegmentSchema, SegmentNodeSchema, EventMatchSchema, FieldConditionSchema, EventCountConditionSchema, EventSumConditionSchema,
} from './segments/schema.js';
export type {
  Segment, SegmentNode, Group, AllGroup, AnyGroup, NotGroup, Condition, FieldCondition, EventCountCondition, EventSumCondition,
  EventMatch, FieldOp, NumberOp, CountOp, SumColumn, EventProduct, SegmentScalar,
} from './segments/ast.js';
export { segmentFields, registrySegmentFields } from './segments/fields.js';
export type { SegmentField, SegmentFields, SegmentTable } from './segments/fields.js';
export { segmentMessage } from './segments/messages.js';
export type { SegmentLocale } from './segments/messages.js';
export { SEGMENT_MESSAGES_EN } from './segments/catalogue.js';
export type { SegmentIssueCode, SegmentIssueParams, SegmentCatalogue } from './segments/catalogue.js';
export { SEGMENT_MESSAGES_PT_BR } from './segments/messages-pt-BR.js';
export { SEGMENT_MESSAGES_ES } from './segments/messages-es.js';
export { checkSegment } from './segments/check.js';
export type { SegmentIssue, SegmentValidation, SegmentIssueRenderer } from './segments/check.js';
export { validateSegment, parseSegment, formatSegmentIssue, SegmentValidationError } from './segments/validate.js';
export type { SegmentValidateOptions } from './segments/validate.js';
export { compileSegment } from './segments/compile.js';
export { lastSeenColumn } from './segments/plan.js';
export { LOCAL_SEGMENT_TABLES, localSegmentTables } from './segments/local.js';
export type { LocalColumn, LocalSegmentSource, LocalSegmentTables } from './segments/local.js';
export type { CompileSegmentOptions, CompiledSegment, MemberPage, SegmentLayout } from './segments/compile.js';
export type { SegmentSql } from './segments/generate.js';
export { GUARDRAIL_REASONS } from './segments/guardrail-reasons.js';
export type { GuardrailReason } from './segments/guardrail-reasons.js';
export { DEFAULT_GUARDRAIL_FIELDS, withGuardrail, readGuardrailCounts } from './segments/guardrail.js';
export type { GuardrailFieldKeys, GuardrailOptions, GuardedSegment, GuardrailCounts } from './segments/guardrail.js';
