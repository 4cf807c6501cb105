import { currencyExponent, fromDecimalString, toDecimalString } from '@pitboss/core';
import type { PbLocale } from '../../shared/format.js';
import type { EditorKind } from '../field-catalog.js';

/** What a text control needs to turn typed text into an AST value and back. */
export interface CodecContext {
  locale: PbLocale;
  /** ISO 4217 code money is typed in (major units), stored as minor units. */
  currency: string;
}

const decimalSeparators = new Map<PbLocale, string>();

function decimalSeparator(locale: PbLocale): string {
  let sep = decimalSeparators.get(locale);
  if (sep === undefined) {
    sep = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
    decimalSeparators.set(locale, sep);
  }
  return sep;
}

/** `1,5` and `1.5` both read as 1.5 (a comma is the decimal separator in pt-BR and es); spaces are dropped. */
function normalise(text: string): string {
  const t = text.trim().replace(/\s+/g, '');
  return t.includes(',') && !t.includes('.') ? t.replace(',', '.') : t;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

// Float noise from ×100 / ÷100 (0.07 × 100 = 7.000000000000001) is cut at 12 significant digits.
const tidy = (n: number): number => Number(n.toPrecision(12));

/**
 * Typed text to an AST value. Empty text is `undefined` (the validator says
 * "required"); text that is not a number of the right form is kept as typed,
 * so the validator reports it at the control ("expected a number") instead of
 * the builder dropping it.
 *
 * @example parseValue('12,5', 'percent', ctx) // 0.125
 * @example parseValue('10.50', 'money', { locale: 'en', currency: 'EUR' }) // 1050
 */
export function parseValue(text: string, kind: EditorKind, ctx: CodecContext): unknown {
  if (text.trim() === '') return undefined;
  switch (kind) {
    case 'integer':
    case 'number': {
      const t = normalise(text);
      return DECIMAL.test(t) ? Number(t) : text;
    }
    case 'percent': {
      const t = normalise(text.replace(/%$/, ''));
      return DECIMAL.test(t) ? tidy(Number(t) / 100) : text;
    }
    case 'money': {
      const t = normalise(text);
      if (!DECIMAL.test(t)) return text;
      try {
        return fromDecimalString(t, ctx.currency);
      } catch {
        // More decimals than the currency has (or beyond 2^53): left as typed, and the validator flags it.
        return text;
      }
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'enum':
    case 'date':
    case 'text':
      return text;
  }
}

/** An AST value as the control shows it; text the user typed that did not parse is shown as is. */
export function formatValue(value: unknown, kind: EditorKind, ctx: CodecContext): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'number') {
    if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T00:00(:00(\.0+)?)?(Z|[+-]00:00)$/.test(value)) return value.slice(0, 10);
    return String(value);
  }
  const sep = decimalSeparator(ctx.locale);
  switch (kind) {
    case 'percent':
      return String(tidy(value * 100)).replace('.', sep);
    case 'money': {
      const text = Number.isSafeInteger(value) ? toDecimalString(value, ctx.currency) : String(tidy(value / 10 ** currencyExponent(ctx.currency)));
      return text.replace('.', sep);
    }
    default:
      return String(value).replace('.', sep);
  }
}

/** Parses a comma-separated list, one value per item; `undefined` for empty text. */
export function parseList(text: string, kind: EditorKind, ctx: CodecContext): unknown[] | undefined {
  if (text.trim() === '') return undefined;
  // Where the decimal separator is a comma (pt-BR, es), numbers are separated by a semicolon or a comma and a space.
  const items = kind === 'text' || kind === 'enum' ? text.split(',') : text.split(decimalSeparator(ctx.locale) === ',' ? /;|,\s+/ : /[,;]/);
  return items.map((s) => s.trim()).filter((s) => s !== '').map((s) => parseValue(s, kind, ctx));
}

export function formatList(value: unknown, kind: EditorKind, ctx: CodecContext): string {
  if (!Array.isArray(value)) return value === undefined ? '' : String(value);
  const joiner = kind === 'text' || kind === 'enum' ? ', ' : decimalSeparator(ctx.locale) === ',' ? '; ' : ', ';
  return value.map((v) => formatValue(v, kind, ctx)).join(joiner);
}
