import type { RiskBand, UkgcCategory } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

/** Interface text of `<pb-risk-gauge>`. */
export interface RiskGaugeMessages {
  /** Accessible name of the meter. */
  label: string;
  /** `aria-valuetext`: `{score}` and `{band}`. */
  valueText: string;
  /** `aria-valuetext` without a band: `{score}`. */
  valueTextNoBand: string;
  bands: Record<RiskBand, string>;
  categories: Record<UkgcCategory, string>;
  reasons: string;
  /** `{version}` */
  model: string;
  /** `{date}` */
  scoredAt: string;
  noScore: string;
  loading: string;
  error: string;
  retry: string;
}

const EN: RiskGaugeMessages = {
  label: 'Risk score',
  valueText: '{score} of 100, {band}',
  valueTextNoBand: '{score} of 100',
  bands: { none: 'No risk', low: 'Low risk', medium: 'Medium risk', high: 'High risk', very_high: 'Very high risk' },
  categories: {
    spend: 'Spend', patterns_of_spend: 'Patterns of spend', time: 'Time', gambling_behaviour: 'Gambling behaviour',
    customer_led_contact: 'Customer-led contact', gambling_management_tools: 'Gambling management tools', account_indicators: 'Account indicators',
  },
  reasons: 'Top reasons',
  model: 'Model {version}',
  scoredAt: 'Scored {date}',
  noScore: 'Not scored yet',
  loading: 'Loading score…',
  error: 'The score could not be loaded',
  retry: 'Retry',
};

/** The gauge's interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function riskGaugeMessages(locale: PbLocale): RiskGaugeMessages {
  return localeTables(locale)?.riskGauge ?? EN;
}

