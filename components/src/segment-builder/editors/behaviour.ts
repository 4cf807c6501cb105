import { html, nothing, type TemplateResult } from 'lit';
import { COUNT_OPS, EVENT_PRODUCTS, EVENT_TYPES, NUMBER_OPS, SUM_COLUMNS } from '@pitboss/core';
import type { NumberOp } from '@pitboss/core';
import { formatList, formatValue, parseList, parseValue } from './codec.js';
import { selectControl, textControl, type Choice, type EditorHost } from './controls.js';
import { behaviourMessages } from './behaviour.messages.js';

export { behaviourMessages };

type Rec = Readonly<Record<string, unknown>>;

/** `direction` values by event type (payments and limit changes carry one). */
const DIRECTIONS: Readonly<Record<string, readonly string[]>> = {
  payment: ['deposit', 'withdrawal'],
  'limit.changed': ['increase', 'decrease', 'set', 'removed'],
};

const asRecord = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** A fieldset of checkboxes; none checked is `undefined` (no filter). Here, not in controls.ts, as only these editors use it: it loads with them. */
function checkboxGroup(
  host: EditorHost,
  o: { control: string; label: string; values: readonly unknown[]; choices: readonly Choice[]; onChange: (values: string[] | undefined) => void },
): TemplateResult {
  const id = host.id(o.control);
  return html`<fieldset class="ctl checks" part="control checkbox-group" aria-describedby=${host.describedBy(o.control) ?? nothing}>
    <legend part="control-label">${o.label}</legend>
    ${o.choices.map((c, i) => html`<label class="check"><input type="checkbox" id=${`${id}-${i}`} .checked=${o.values.includes(c.value)}
      @change=${(e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        const next = o.choices.map((x) => x.value).filter((v) => (v === c.value ? on : o.values.includes(v)));
        o.onChange(next.length > 0 ? next : undefined);
      }} />${c.label}</label>`)}
  </fieldset>`;
}

/** An amount in minor units, typed in major units of the builder's currency. */
function moneyControl(host: EditorHost, control: string, label: string, value: unknown): TemplateResult {
  return textControl(host, {
    control, label, value, inputmode: 'decimal', suffix: host.codec.currency,
    formatted: formatValue(value, 'money', host.codec), parse: (t) => parseValue(t, 'money', host.codec),
  });
}

/** `X` or `[low, high]` for a number operator. */
function numberOpValue(host: EditorHost, control: string, label: string, op: NumberOp | undefined, value: unknown): TemplateResult {
  if (op !== 'between') return moneyControl(host, control, label, value);
  const pair = asList(value);
  return html`${moneyControl(host, `${control}[0]`, host.msgs.low, pair[0])}${moneyControl(host, `${control}[1]`, host.msgs.high, pair[1])}`;
}

function adaptNumber(op: NumberOp, previous: unknown): unknown {
  const scalar = Array.isArray(previous) ? previous[0] : previous;
  return op === 'between' ? [scalar, Array.isArray(previous) ? previous[1] : undefined] : scalar;
}

function daysControl(host: EditorHost, control: string, value: unknown): TemplateResult {
  return textControl(host, {
    control, label: behaviourMessages(host.codec.locale).inLastDays, value, inputmode: 'numeric', suffix: host.msgs.daysSuffix,
    formatted: formatValue(value, 'integer', host.codec), parse: (t) => parseValue(t, 'integer', host.codec),
  });
}

/** The filters of a behavioural condition's `did` / `of`: event type, products, direction, status, method, amount. */
function eventMatchEditor(host: EditorHost, prefix: 'did' | 'of', raw: unknown, first: boolean): TemplateResult {
  const m = behaviourMessages(host.codec.locale);
  const match = asRecord(raw);
  const type = typeof match['type'] === 'string' ? match['type'] : undefined;
  const directions = type ? DIRECTIONS[type] : undefined;
  const amount = match['amount'] === undefined ? undefined : asRecord(match['amount']);
  const amountOp = typeof amount?.['op'] === 'string' ? (amount['op'] as NumberOp) : undefined;
  const text = (key: 'status' | 'method', label: string) => textControl(host, {
    control: `${prefix}.${key}`, label: `${label} (${host.msgs.listHint})`, value: match[key],
    formatted: formatList(match[key], 'text', host.codec), parse: (t) => parseList(t, 'text', host.codec),
  });
  return html`
    ${selectControl(host, {
      control: `${prefix}.type`, label: m.eventType, value: type, first,
      choices: EVENT_TYPES.map((t) => ({ value: t, label: m.eventTypes[t] })),
      onChange: (t) => {
        const keep = DIRECTIONS[t]?.includes(String(match['direction'])) ? {} : { direction: undefined };
        host.set(prefix, { ...match, type: t, ...keep });
      },
    })}
    ${checkboxGroup(host, {
      control: `${prefix}.product`, label: m.products, values: asList(match['product']),
      choices: EVENT_PRODUCTS.map((p) => ({ value: p, label: m.products_[p] })),
      onChange: (ps) => host.set(`${prefix}.product`, ps),
    })}
    ${directions
      ? selectControl(host, {
        control: `${prefix}.direction`, label: m.direction, value: typeof match['direction'] === 'string' ? match['direction'] : '',
        choices: [{ value: '', label: m.anyDirection }, ...directions.map((d) => ({ value: d, label: d }))],
        onChange: (d) => host.set(`${prefix}.direction`, d === '' ? undefined : d),
      })
      : nothing}
    ${text('status', m.status)}
    ${text('method', m.method)}
    ${selectControl(host, {
      control: `${prefix}.amount.op`, label: m.amount, value: amountOp ?? '',
      choices: [{ value: '', label: m.anyAmount }, ...NUMBER_OPS.map((o) => ({ value: o, label: m.numberOps[o] }))],
      onChange: (o) => host.set(`${prefix}.amount`, o === '' ? undefined : { op: o, value: adaptNumber(o as NumberOp, amount?.['value']) }),
    })}
    ${amount ? numberOpValue(host, `${prefix}.amount.value`, m.amountValue, amountOp, amount['value']) : nothing}
  `;
}

/** "did EVENT at least / at most N times in the last D days". */
export function countConditionEditor(host: EditorHost, node: Rec): TemplateResult {
  const m = behaviourMessages(host.codec.locale);
  return html`<span class="lead" part="lead">${m.did}</span>
    ${eventMatchEditor(host, 'did', node['did'], true)}
    ${selectControl(host, {
      control: 'op', label: m.countOp, value: typeof node['op'] === 'string' ? node['op'] : undefined,
      choices: COUNT_OPS.map((o) => ({ value: o, label: m.countOps[o] })), onChange: (o) => host.set('op', o),
    })}
    ${textControl(host, {
      control: 'times', label: m.times, value: node['times'], inputmode: 'numeric',
      formatted: formatValue(node['times'], 'integer', host.codec), parse: (t) => parseValue(t, 'integer', host.codec),
    })}
    ${daysControl(host, 'days', node['days'])}`;
}

/** "sum of COLUMN of EVENT in the last D days op X". */
export function sumConditionEditor(host: EditorHost, node: Rec): TemplateResult {
  const m = behaviourMessages(host.codec.locale);
  const op = typeof node['op'] === 'string' ? (node['op'] as NumberOp) : undefined;
  return html`<span class="lead" part="lead">${m.sumOf}</span>
    ${selectControl(host, {
      control: 'sum', label: m.sumColumn, value: typeof node['sum'] === 'string' ? node['sum'] : undefined, first: true,
      choices: SUM_COLUMNS.map((c) => ({ value: c, label: m.sumColumns[c] })), onChange: (c) => host.set('sum', c),
    })}
    ${eventMatchEditor(host, 'of', node['of'], false)}
    ${daysControl(host, 'days', node['days'])}
    ${selectControl(host, {
      control: 'op', label: m.sumOp, value: op,
      choices: NUMBER_OPS.map((o) => ({ value: o, label: m.numberOps[o] })),
      onChange: (o) => {
        host.set('op', o);
        host.set('value', adaptNumber(o as NumberOp, node['value']));
      },
    })}
    ${numberOpValue(host, 'value', host.msgs.value, op, node['value'])}`;
}
