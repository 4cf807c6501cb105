import type { PbLocale } from '../shared/format.js';
import type { ResultColumn } from './engine.js';

const NUMERIC = /^(Int|Uint|Float|Decimal)/;
const numberFormats = new Map<PbLocale, Intl.NumberFormat>();

function numberFormat(locale: PbLocale): Intl.NumberFormat {
  let nf = numberFormats.get(locale);
  if (!nf) numberFormats.set(locale, (nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 20 })));
  return nf;
}

/** Whether a result column holds numbers (shown right-aligned). */
export function isNumericColumn(column: ResultColumn): boolean {
  return NUMERIC.test(column.type);
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
}

/** An unscaled decimal integer (as Arrow hands decimals over) with its decimal point put back. */
function decimal(unscaled: string, scale: number): string {
  if (scale <= 0) return unscaled;
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * One result value as text. Numbers follow the locale; timestamps and dates
 * are ISO 8601 in UTC (what DuckDB stored, no time zone guessed); `NULL` is
 * spelled out; lists and structs are JSON. The table renders the text as
 * text, so a value holding markup shows as that markup, never as elements.
 *
 * @example
 * formatResultValue(1234.5, { key: 'c0', name: 'n', type: 'Float64', scale: 0 }, 'pt-BR'); // '1.234,5'
 */
export function formatResultValue(value: unknown, column: ResultColumn, locale: PbLocale): string {
  if (value === null || value === undefined) return 'NULL';
  const type = column.type;
  if (type.startsWith('Decimal')) return decimal(String(value), column.scale);
  if (typeof value === 'number') {
    if (type.startsWith('Timestamp')) return Number.isFinite(value) ? new Date(value).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '') : String(value);
    if (type.startsWith('Date')) return Number.isFinite(value) ? new Date(value).toISOString().slice(0, 10) : String(value);
    return Number.isFinite(value) ? numberFormat(locale).format(value) : String(value);
  }
  if (typeof value === 'bigint') return numberFormat(locale).format(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Array.from(value.subarray(0, 256), (b) => b.toString(16).padStart(2, '0')).join('')}${value.length > 256 ? '…' : ''}`;
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  return json(typeof toJSON === 'function' ? toJSON.call(value) : value);
}
