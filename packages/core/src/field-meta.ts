import { FEATURE_META } from './feature-meta.js';
import type { FeatureKey, FeatureType, FeatureUnit } from './feature-meta.js';
import { COUNTRIES, CURRENCIES } from './iso.js';

/**
 * The field registry without its labels: every player attribute and feature
 * that segments, tables and exports may use, with its value type, unit, where
 * its value comes from, and whether it is personal data. `field-registry.ts`
 * adds the labels (`field-labels*.ts`, one module per locale) to make `FIELDS`;
 * code that needs no label, or one locale's, imports this and that locale only.
 */

export const LOCALES = ['en', 'pt-BR', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type Labels = Readonly<Record<Locale, string>>;

/** Value types; the same vocabulary as the segment AST. `money` is integer minor units; `tags` a list of strings. */
export type FieldValueType = 'string' | 'enum' | 'integer' | 'money' | 'number' | 'boolean' | 'timestamp' | 'tags';
export type FieldUnit = FeatureUnit | 'years';

/** Where a field's value lives. */
export type FieldSource =
  /** A column stored per player (`players`, or `player_personal` for personal data). */
  | { readonly kind: 'profile'; readonly table: 'players' | 'player_personal'; readonly column: string }
  /** A column of `player_features`, computed by the feature SQL. */
  | { readonly kind: 'feature'; readonly table: 'player_features'; readonly column: FeatureKey }
  /** Derived from other stored columns when read; `formula` says how. */
  | { readonly kind: 'computed'; readonly from: readonly string[]; readonly formula: string };

/** A field without its labels. */
export interface FieldMeta {
  readonly key: string;
  readonly type: FieldValueType;
  /** Allowed values of an `enum` field. */
  readonly values?: readonly string[];
  readonly unit?: FieldUnit;
  readonly source: FieldSource;
  /**
   * Direct identifiers and contact data (name, email, phone): masked for the
   * `analyst` role, left out of exports without the personal-data scope, and
   * erased on request.
   */
  readonly personal: boolean;
}

/**
 * Risk bands of a player's latest score, lowest risk first: the bands models
 * score in (packages/ml) and the values of `players.risk_band`. Storage refuses
 * any other value (a CHECK on `players.risk_band`), so no band can slip past
 * the marketing guardrail.
 *
 * @example
 * RISK_BANDS.slice(RISK_BANDS.indexOf('high')) // ['high', 'very_high']
 */
export const RISK_BANDS = ['none', 'low', 'medium', 'high', 'very_high'] as const;
export type RiskBand = (typeof RISK_BANDS)[number];

/** A field with its labels in the three UI locales. */
export interface FieldDefinition extends FieldMeta {
  readonly label: Labels;
}

const profile = (column: string, table: 'players' | 'player_personal' = 'players'): FieldSource => ({ kind: 'profile', table, column });

const ATTRIBUTES: readonly FieldMeta[] = [
  {
    key: 'registered_at', type: 'timestamp', source: profile('registered_at'), personal: false,
  },
  {
    key: 'country', type: 'enum', values: [...COUNTRIES].sort(), source: profile('country'), personal: false,
  },
  {
    key: 'currency', type: 'enum', values: [...CURRENCIES].sort(), source: profile('currency'), personal: false,
  },
  {
    key: 'birth_year', type: 'integer', source: profile('birth_year'), personal: false,
  },
  {
    key: 'age', type: 'integer', unit: 'years', personal: false,
    source: { kind: 'computed', from: ['birth_year'], formula: 'year(as_of) − birth_year (may overstate by one before the birthday)' },
  },
  {
    key: 'brand', type: 'string', source: profile('brand'), personal: false,
  },
  {
    key: 'market', type: 'string', source: profile('market'), personal: false,
  },
  {
    key: 'language', type: 'string', source: profile('language'), personal: false,
  },
  {
    key: 'affiliate_id', type: 'string', source: profile('affiliate_id'), personal: false,
  },
  {
    key: 'kyc_verified_at', type: 'timestamp', source: profile('kyc_verified_at'), personal: false,
  },
  {
    key: 'kyc_verified', type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['kyc_verified_at'], formula: 'kyc_verified_at is not null' },
  },
  {
    key: 'blocked', type: 'boolean', source: profile('blocked'), personal: false,
  },
  {
    key: 'self_excluded_until', type: 'timestamp', source: profile('self_excluded_until'), personal: false,
  },
  {
    key: 'self_excluded', type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['self_excluded_until'], formula: 'self_excluded_until > as_of' },
  },
  {
    key: 'timed_out_until', type: 'timestamp', source: profile('timed_out_until'), personal: false,
  },
  {
    key: 'risk_score', type: 'number', source: profile('risk_score'), personal: false,
  },
  {
    // Lowest risk first: the marketing guardrail removes every band from its threshold up.
    key: 'risk_band', type: 'enum', values: RISK_BANDS, source: profile('risk_band'), personal: false,
  },
  {
    key: 'test_account', type: 'boolean', source: profile('test_account'), personal: false,
  },
  {
    key: 'tags', type: 'tags', source: profile('tags'), personal: false,
  },
  ...(['email', 'sms', 'push', 'phone', 'post'] as const).map((channel): FieldMeta => ({
    key: `consent_${channel}`, type: 'boolean', personal: false,
    source: { kind: 'computed', from: ['marketing_consents'], formula: `marketing_consents.${channel} = true (absent = no consent)` },
  })),
  {
    key: 'last_event_at', type: 'timestamp', source: profile('last_event_at'), personal: false,
  },
  {
    key: 'first_name', type: 'string', source: profile('first_name', 'player_personal'), personal: true,
  },
  {
    key: 'last_name', type: 'string', source: profile('last_name', 'player_personal'), personal: true,
  },
  {
    key: 'email', type: 'string', source: profile('email', 'player_personal'), personal: true,
  },
  {
    key: 'phone', type: 'string', source: profile('phone', 'player_personal'), personal: true,
  },
];

const FEATURE_VALUE_TYPE: Record<FeatureType, FieldValueType> = { integer: 'integer', money: 'money', number: 'number' };

/** Every field without labels, attributes first, then features in `FEATURES` order (the order of `FIELDS`). */
export const FIELD_META: readonly FieldMeta[] = [
  ...ATTRIBUTES,
  ...FEATURE_META.map((f): FieldMeta => ({
    key: f.key,
    type: FEATURE_VALUE_TYPE[f.type],
    unit: f.unit,
    source: { kind: 'feature', table: 'player_features', column: f.key },
    personal: false,
  })),
];

const BY_KEY = new Map(FIELD_META.map((f) => [f.key, f]));

/**
 * Looks a field up by key, without labels; `undefined` when the registry has no such field.
 *
 * @example
 * fieldMetaByKey('net_loss_30d')?.unit // 'minor_units'
 */
export function fieldMetaByKey(key: string): FieldMeta | undefined {
  return BY_KEY.get(key);
}
