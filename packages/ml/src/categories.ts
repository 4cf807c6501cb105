/**
 * The UK Gambling Commission customer-interaction indicator categories
 * (Social responsibility code 3.4.3 guidance), as core defines them next to
 * each feature.
 */
export { UKGC_CATEGORIES } from '@pitboss/core';
export type { UkgcCategory } from '@pitboss/core';
