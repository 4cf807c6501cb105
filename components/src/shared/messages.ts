import type { PbLocale } from './format.js';
import { localeTables } from './locales.js';

/** Interface text shared by the components (the table's states, risk bands). */
export interface Messages {
  loading: string;
  empty: string;
  error: string;
  retry: string;
  /** Accessible name of a column's resize handle; `{column}` is the column label. */
  resizeColumn: string;
  riskLow: string;
  riskMedium: string;
  riskHigh: string;
}

const EN: Messages = {
  loading: 'Loading…',
  empty: 'No players to show',
  error: 'The data could not be loaded',
  retry: 'Retry',
  resizeColumn: 'Resize column {column}',
  riskLow: 'Low',
  riskMedium: 'Medium',
  riskHigh: 'High',
};

/** The interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function messages(locale: PbLocale): Messages {
  return localeTables(locale)?.shared ?? EN;
}

/**
 * Replaces `{name}` placeholders; an unknown name is left as it is.
 *
 * @example fill('Condition {n}', { n: 2 }) // 'Condition 2'
 */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
