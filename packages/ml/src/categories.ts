/**
 * The UK Gambling Commission customer-interaction indicator categories
 * (Social responsibility code 3.4.3 guidance). Same strings as core's
 * `UKGC_CATEGORIES`, which is the source of truth once it is exported.
 */
export const UKGC_CATEGORIES = [
  'spend', 'patterns_of_spend', 'time', 'gambling_behaviour', 'customer_led_contact',
  'gambling_management_tools', 'account_indicators',
] as const;
export type UkgcCategory = (typeof UKGC_CATEGORIES)[number];
