import { currencyExponent, toDecimalString } from '@pitboss/core';

/** The locales Pitboss ships text for. Numbers, money and dates go through `Intl`. */
export type PbLocale = 'en' | 'pt-BR' | 'es';

export const LOCALES: readonly PbLocale[] = ['en', 'pt-BR', 'es'];

/** Picks the closest supported locale to a BCP 47 tag (`pt` → `pt-BR`, `es-MX` → `es`), else `en`. */
export function resolveLocale(tag: string | null | undefined): PbLocale {
  const lower = (tag ?? '').toLowerCase();
  if (lower.startsWith('pt')) return 'pt-BR';
  if (lower.startsWith('es')) return 'es';
  return 'en';
}

/** Date styles for `Formatter.date`. */
export type DateStyle = 'date' | 'datetime' | 'time';

/**
 * Locale-aware formatting for the components. `Intl` objects are costly to
 * build, so one `Formatter` per locale is cached and reused (`formatter()`).
 */
export class Formatter {
  readonly locale: PbLocale;
  readonly #numbers = new Map<string, Intl.NumberFormat>();
  readonly #dates = new Map<string, Intl.DateTimeFormat>();

  constructor(locale: PbLocale) {
    this.locale = locale;
  }

  /** A plain number, grouped, with at most `maximumFractionDigits` decimals. */
  number(value: number, maximumFractionDigits = 2): string {
    return this.#nf(`n${maximumFractionDigits}`, { maximumFractionDigits }).format(value);
  }

  /**
   * Money from integer minor units (cents, centavos; see `@pitboss/core`).
   * The decimal string is handed to `Intl` as is, so no float rounding occurs
   * even for amounts beyond 2^53 / 100.
   */
  money(minor: number, currency: string): string {
    const exp = currencyExponent(currency);
    const nf = this.#nf(`m${currency}`, { style: 'currency', currency, minimumFractionDigits: exp, maximumFractionDigits: exp });
    return nf.format(toDecimalString(minor, currency) as `${number}`);
  }

  /** A ratio as a percentage: `0.125` → `12.5%` (en) / `12,5%` (pt-BR). */
  percent(ratio: number, maximumFractionDigits = 1): string {
    return this.#nf(`p${maximumFractionDigits}`, { style: 'percent', maximumFractionDigits }).format(ratio);
  }

  /** A date from a `Date`, epoch milliseconds or an ISO 8601 string; `''` when it does not parse. */
  date(value: Date | number | string, style: DateStyle = 'date', timeZone?: string): string {
    const d = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    const options: Intl.DateTimeFormatOptions =
      style === 'date' ? { dateStyle: 'medium' } : style === 'time' ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    if (timeZone) options.timeZone = timeZone;
    const key = `${style}|${timeZone ?? ''}`;
    let df = this.#dates.get(key);
    if (!df) this.#dates.set(key, (df = new Intl.DateTimeFormat(this.locale, options)));
    return df.format(d);
  }

  #nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
    let nf = this.#numbers.get(key);
    if (!nf) this.#numbers.set(key, (nf = new Intl.NumberFormat(this.locale, options)));
    return nf;
  }
}

const cache = new Map<PbLocale, Formatter>();

/** The shared `Formatter` for a locale. */
export function formatter(locale: PbLocale): Formatter {
  let f = cache.get(locale);
  if (!f) cache.set(locale, (f = new Formatter(locale)));
  return f;
}
