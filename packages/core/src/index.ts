export { COUNTRIES, CURRENCIES, currencyExponent } from './iso.js';
export { toDecimalString, fromDecimalString } from './money.js';
export type { MinorUnits } from './money.js';
export {
  SCHEMA_VERSION, SUPPORTED_SCHEMA_VERSIONS, EVENT_TYPES, PAYMENT_STATUSES, PAYMENT_METHODS,
  Event, PlayerProfile, PersonalData, MarketingConsents, PlayerUpdated, BetPlaced, BetSettled, CasinoRound, Payment,
  SessionStarted, SessionEnded, LimitChanged, ExclusionStarted, RgInteraction, BonusGranted, BonusWagered, BonusForfeited,
  parseEvent, jsonPointer,
} from './events.js';
export type { EventInput, EventType, EventOf, EventIssue, ParseResult, ParseOptions } from './events.js';
export { EVENT_COLUMNS, toEventRow } from './rows.js';
export type { EventRow } from './rows.js';
export { FEATURES, FEATURE_KEYS, UKGC_CATEGORIES, featureByKey } from './features.js';
export type {
  FeatureDefinition, FeatureExpr, FeatureKey, FeatureType, FeatureUnit, UkgcCategory, EventFilter, Measure, Term, Window,
  FilterColumn, ValueColumn,
} from './features.js';
export { SQL_DIALECTS, dialectGenerator } from './sql-dialect.js';
export type { SqlDialect, DialectGenerator, DialectTypes } from './sql-dialect.js';
export { compileFeatureQuery, featureColumns, featureColumnsDdl } from './feature-sql.js';
export type { CompiledQuery, FeatureParam, FeatureQueryOptions, FeatureColumn } from './feature-sql.js';
export { LOCALES, FIELDS, fieldByKey, fieldLabel } from './field-registry.js';
export type { Locale, Labels, FieldValueType, FieldUnit, FieldSource, FieldDefinition } from './field-registry.js';
export { SHARD_COUNT, shardOf, fnv1a32, fmix32 } from './shard.js';
export { EVENT_EXAMPLES } from './event-examples.js';
