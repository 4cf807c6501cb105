import { FIELD_LABELS_EN } from './field-labels.js';
import { FIELD_LABELS_ES } from './field-labels-es.js';
import { FIELD_LABELS_PT_BR } from './field-labels-pt-BR.js';
import { FIELD_META, LOCALES } from './field-meta.js';
import type { FieldDefinition, Labels, Locale } from './field-meta.js';

export { LOCALES, RISK_BANDS } from './field-meta.js';
export type { Locale, Labels, FieldValueType, FieldUnit, FieldSource, FieldMeta, FieldDefinition, RiskBand } from './field-meta.js';

// The field registry: every player attribute and feature that segments,
// tables and exports may use (`field-meta.ts`) with its labels in the three
// UI locales (`field-labels*.ts`). Segment and table code take identifiers
// only from here.

const TABLES = { en: FIELD_LABELS_EN, 'pt-BR': FIELD_LABELS_PT_BR, es: FIELD_LABELS_ES } as const;

function labelsOf(key: string): Labels {
  const out: Partial<Record<Locale, string>> = {};
  for (const locale of LOCALES) {
    const label = TABLES[locale][key];
    if (label === undefined) throw new Error(`field ${JSON.stringify(key)} has no ${locale} label`);
    out[locale] = label;
  }
  return out as Labels;
}

/**
 * Every field, attributes first, then features in `FEATURES` order.
 *
 * @example
 * const personal = FIELDS.filter((f) => f.personal).map((f) => f.key); // ['first_name', 'last_name', 'email', 'phone']
 */
export const FIELDS: readonly FieldDefinition[] = FIELD_META.map((f) => ({
  ...f,
  label: labelsOf(f.key),
}));

const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

/**
 * Looks a field up by key; `undefined` when the registry has no such field.
 *
 * @example
 * fieldByKey('net_loss_30d')?.type // 'money'
 */
export function fieldByKey(key: string): FieldDefinition | undefined {
  return BY_KEY.get(key);
}

/**
 * A field's label in a locale; an unknown locale falls back to English
 * (`pt` → `pt-BR`, `es-MX` → `es` by language).
 *
 * @example
 * fieldLabel('country', 'pt-BR') // 'País'
 */
export function fieldLabel(key: string, locale: string): string {
  const field = BY_KEY.get(key);
  if (!field) throw new Error(`unknown field ${JSON.stringify(key)}`);
  const exact = LOCALES.find((l) => l === locale);
  const byLanguage = LOCALES.find((l) => l.split('-')[0] === locale.split('-')[0]);
  return field.label[exact ?? byLanguage ?? 'en'];
}
