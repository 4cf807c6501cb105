import { FIELD_LABELS_EN, fieldMetaByKey } from '@pitboss/core';
import type { FieldLabels, FieldValueType, SegmentField, SegmentFields } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

/**
 * How a value is typed in: which editor a field gets. `money` is typed in
 * major units and stored in minor units; `percent` is typed as a percentage
 * and stored as a ratio.
 */
export type EditorKind = 'integer' | 'number' | 'money' | 'percent' | 'enum' | 'boolean' | 'date' | 'text';

/** A field as the builder offers it: registry label in the builder's locale and its editor. */
export interface FieldOption {
  key: string;
  type: FieldValueType;
  values?: readonly string[];
  label: string;
  /** Player attribute (`players`) or computed feature (`player_features`). */
  group: 'attribute' | 'feature';
  editor: EditorKind;
}

/**
 * The editor of a field. Money is recognised by the registry's unit
 * (`minor_units`, which also covers `stake_mean_30d`, a `number`); shares
 * and ratios that live in 0..1 (`*_share_*`, `*_ratio_*`) are shown as
 * percentages, while unbounded ratios (escalation, variability) stay numbers.
 */
export function editorKind(field: SegmentField): EditorKind {
  const def = fieldMetaByKey(field.key);
  if (def?.unit === 'minor_units' || field.type === 'money') return 'money';
  if (def?.unit === 'ratio' && /_(share|ratio)_/.test(field.key)) return 'percent';
  switch (field.type) {
    case 'integer': return 'integer';
    case 'number': return 'number';
    case 'enum': return 'enum';
    case 'boolean': return 'boolean';
    case 'timestamp': return 'date';
    case 'string':
    case 'tags':
      return 'text';
  }
}

/** Core's field labels in a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the builder does so itself). */
export function fieldLabels(locale: PbLocale): FieldLabels {
  return localeTables(locale)?.fieldLabels ?? FIELD_LABELS_EN;
}

/** Every field of `fields`, with its label from `labels` (the key itself for a field the registry does not label). */
export function fieldOptions(fields: SegmentFields, labels: FieldLabels): FieldOption[] {
  const out: FieldOption[] = [];
  for (const key of fields.keys()) {
    const f = fields.get(key);
    if (!f) continue;
    const label = labels[key] ?? key;
    const option: FieldOption = { key, type: f.type, label, group: f.table === 'players' ? 'attribute' : 'feature', editor: editorKind(f) };
    if (f.values) option.values = f.values;
    out.push(option);
  }
  return out;
}
