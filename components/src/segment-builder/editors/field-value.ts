import { html, nothing, type TemplateResult } from 'lit';
import type { FieldOp } from '@pitboss/core';
import type { FieldOption } from '../field-catalog.js';
import { formatList, formatValue, parseList, parseValue } from './codec.js';
import { multiSelectControl, selectControl, textControl, type EditorHost } from './controls.js';

function suffixOf(host: EditorHost, field: FieldOption): string | undefined {
  if (field.editor === 'money') return host.codec.currency;
  if (field.editor === 'percent') return '%';
  return undefined;
}

/** One scalar of a field: a select for enums and booleans, a date input for timestamps, text for the rest. */
function scalarControl(host: EditorHost, field: FieldOption, control: string, label: string, value: unknown, first = false): TemplateResult {
  switch (field.editor) {
    case 'enum':
      return selectControl(host, {
        control, label, first, value: typeof value === 'string' ? value : undefined, placeholder: host.msgs.chooseValue,
        choices: (field.values ?? []).map((v) => ({ value: v, label: v })),
        onChange: (v) => host.set(control, v === '' ? undefined : v),
      });
    case 'boolean':
      return selectControl(host, {
        control, label, first, value: typeof value === 'boolean' ? String(value) : undefined,
        choices: [{ value: 'true', label: host.msgs.yes }, { value: 'false', label: host.msgs.no }],
        onChange: (v) => host.set(control, v === '' ? undefined : v === 'true'),
      });
    case 'date':
      return textControl(host, {
        control, label, first, type: 'date', value, formatted: formatValue(value, 'date', host.codec),
        parse: (t) => (t === '' ? undefined : t),
      });
    default: {
      const kind = field.editor;
      const suffix = suffixOf(host, field);
      return textControl(host, {
        control, label, first, value, formatted: formatValue(value, kind, host.codec),
        inputmode: kind === 'text' ? 'text' : kind === 'integer' ? 'numeric' : 'decimal',
        parse: (t) => parseValue(t, kind, host.codec),
        ...(suffix ? { suffix } : {}),
      });
    }
  }
}

/**
 * The value part of a field condition, shaped by the operator: nothing for
 * `is_null`, whole days for the relative dates, two controls for `between`,
 * a list for `in` / `not_in`, one control otherwise.
 */
export function fieldValueEditor(host: EditorHost, field: FieldOption | undefined, op: FieldOp | undefined, value: unknown): TemplateResult | typeof nothing {
  if (!field || !op || op === 'is_null' || op === 'is_not_null') return nothing;
  const m = host.msgs;
  switch (op) {
    case 'within_last_days':
    case 'more_than_days_ago':
      return textControl(host, {
        control: 'value', label: m.days, value, formatted: formatValue(value, 'integer', host.codec), inputmode: 'numeric',
        suffix: m.daysSuffix, parse: (t) => parseValue(t, 'integer', host.codec),
      });
    case 'between': {
      const pair = Array.isArray(value) ? value : [];
      return html`${scalarControl(host, field, 'value[0]', m.low, pair[0])}${scalarControl(host, field, 'value[1]', m.high, pair[1])}`;
    }
    case 'in':
    case 'not_in': {
      if (field.editor === 'enum') {
        return multiSelectControl(host, {
          control: 'value', label: m.value, values: Array.isArray(value) ? value : [],
          choices: (field.values ?? []).map((v) => ({ value: v, label: v })),
          onChange: (vs) => host.set('value', vs.length > 0 ? vs : undefined),
        });
      }
      const kind = field.editor === 'date' || field.editor === 'boolean' ? 'text' : field.editor;
      const suffix = suffixOf(host, field);
      return textControl(host, {
        control: 'value', label: `${m.value} (${m.listHint})`, value, formatted: formatList(value, kind, host.codec),
        parse: (t) => parseList(t, kind, host.codec),
        ...(suffix ? { suffix } : {}),
      });
    }
    case 'contains':
    case 'starts_with':
      return textControl(host, { control: 'value', label: m.value, value, formatted: formatValue(value, 'text', host.codec), parse: (t) => (t === '' ? undefined : t) });
    default:
      return scalarControl(host, field, 'value', m.value, value);
  }
}

/**
 * A value that fits a new field or operator: the old one when its shape still
 * fits, else a default the validator accepts where there is an obvious one
 * (a boolean's `true`), else nothing (the control then says "required").
 */
export function adaptValue(field: FieldOption, op: FieldOp, previous: unknown, sameField: boolean): unknown {
  if (op === 'is_null' || op === 'is_not_null') return undefined;
  if (op === 'within_last_days' || op === 'more_than_days_ago') return sameField && typeof previous === 'number' ? previous : 30;
  const kept = sameField ? (Array.isArray(previous) ? previous[0] : previous) : undefined;
  // Whole days of a relative date are no timestamp.
  const scalar = field.editor === 'date' && typeof kept !== 'string' ? undefined : kept;
  const fallback = field.editor === 'boolean' ? true : undefined;
  if (op === 'between') return [scalar, Array.isArray(previous) && sameField ? previous[1] : undefined];
  if (op === 'in' || op === 'not_in') return sameField && Array.isArray(previous) ? previous : scalar === undefined ? undefined : [scalar];
  return scalar ?? fallback;
}
