/**
 * What each feature is, apart from how it is computed: key, value type, unit,
 * UKGC category and Braverman–Shaffer marker, in output column order. The
 * field registry (and through it the web components) needs only this; the
 * definitions, formulas and expressions the SQL compilers read live in
 * `features.ts`, which builds `FEATURES` from this list.
 */

/** Storage type of a feature value. */
export type FeatureType = 'integer' | 'money' | 'number';
export type FeatureUnit = 'count' | 'minor_units' | 'ratio' | 'days' | 'minutes';

/** The UKGC customer-interaction indicator categories (Social responsibility code 3.4.3 guidance). */
export const UKGC_CATEGORIES = [
  'spend', 'patterns_of_spend', 'time', 'gambling_behaviour', 'customer_led_contact',
  'gambling_management_tools', 'account_indicators',
] as const;
export type UkgcCategory = (typeof UKGC_CATEGORIES)[number];

/** A feature's metadata: everything but its definition, formula and expression. */
export interface FeatureMeta {
  /** Column name in query output and in `player_features`: `[a-z][a-z0-9_]*`. */
  readonly key: string;
  readonly type: FeatureType;
  readonly unit: FeatureUnit;
  readonly ukgc: UkgcCategory;
  /** Braverman–Shaffer marker this feature measures, if any. */
  readonly brave?: 'frequency' | 'intensity' | 'variability' | 'trajectory';
}

/** Every feature's metadata, in output column order (the order of `FEATURES`). */
export const FEATURE_META = [
  { key: 'deposit_count_7d', type: 'integer', unit: 'count', ukgc: 'spend' },
  { key: 'deposit_count_30d', type: 'integer', unit: 'count', ukgc: 'spend' },
  { key: 'deposit_sum_7d', type: 'money', unit: 'minor_units', ukgc: 'spend' },
  { key: 'deposit_sum_30d', type: 'money', unit: 'minor_units', ukgc: 'spend' },
  { key: 'deposit_escalation', type: 'number', unit: 'ratio', ukgc: 'patterns_of_spend' },
  { key: 'net_loss_30d', type: 'money', unit: 'minor_units', ukgc: 'spend' },
  { key: 'stake_mean_30d', type: 'number', unit: 'minor_units', ukgc: 'spend' },
  { key: 'stake_cv_30d', type: 'number', unit: 'ratio', ukgc: 'patterns_of_spend', brave: 'variability' },
  { key: 'active_days_30d', type: 'integer', unit: 'days', ukgc: 'gambling_behaviour', brave: 'frequency' },
  { key: 'bets_per_active_day_30d', type: 'number', unit: 'ratio', ukgc: 'gambling_behaviour', brave: 'intensity' },
  { key: 'stake_trajectory_30d', type: 'number', unit: 'ratio', ukgc: 'patterns_of_spend', brave: 'trajectory' },
  { key: 'cancelled_withdrawals_30d', type: 'integer', unit: 'count', ukgc: 'patterns_of_spend' },
  { key: 'failed_deposit_ratio_30d', type: 'number', unit: 'ratio', ukgc: 'patterns_of_spend' },
  { key: 'payment_methods_30d', type: 'integer', unit: 'count', ukgc: 'patterns_of_spend' },
  { key: 'night_play_share_30d', type: 'number', unit: 'ratio', ukgc: 'time' },
  { key: 'session_count_30d', type: 'integer', unit: 'count', ukgc: 'time' },
  { key: 'session_mean_minutes_30d', type: 'number', unit: 'minutes', ukgc: 'time' },
  { key: 'live_bet_share_30d', type: 'number', unit: 'ratio', ukgc: 'gambling_behaviour' },
  { key: 'limit_increases_90d', type: 'integer', unit: 'count', ukgc: 'gambling_management_tools' },
  { key: 'days_since_last_bet', type: 'integer', unit: 'days', ukgc: 'gambling_behaviour' },
  { key: 'tenure_days', type: 'integer', unit: 'days', ukgc: 'account_indicators' },
] as const satisfies readonly FeatureMeta[];

export type FeatureKey = (typeof FEATURE_META)[number]['key'];

/** One player's feature values as a query returns them (money as a number of minor units). */
export type FeatureValues = { [K in FeatureKey]: number | null };

/** Feature keys in output column order. */
export const FEATURE_KEYS: readonly FeatureKey[] = FEATURE_META.map((f) => f.key);
