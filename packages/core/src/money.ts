import { currencyExponent } from './iso.js';

/**
 * Money in Pitboss is never a float. Every amount is an integer count of the
 * currency's minor unit (cents for EUR, centavos for BRL, yen for JPY), held in
 * a field whose name ends in `_minor`, next to an ISO 4217 `currency`.
 * In JSON it is a number that must be a safe integer (|n| ≤ 2^53 − 1); in SQL a
 * `bigint`. Conversions to and from decimal text live here.
 */
export type MinorUnits = number;

/**
 * Renders minor units as a plain decimal string in major units.
 *
 * @example toDecimalString(123456, 'EUR') // '1234.56'
 * @example toDecimalString(-5, 'BRL')     // '-0.05'
 * @example toDecimalString(500, 'JPY')    // '500'
 */
export function toDecimalString(minor: MinorUnits, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`minor units must be a safe integer, got ${minor}`);
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor).toString().padStart(exp + 1, '0');
  if (exp === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/**
 * Parses a decimal string in major units into minor units, exactly (no float
 * arithmetic). More decimals than the currency has is an error, not a rounding.
 *
 * @example fromDecimalString('1234.5', 'EUR') // 123450
 */
export function fromDecimalString(text: string, currency: string): MinorUnits {
  const exp = currencyExponent(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > exp) throw new RangeError(`${currency} has ${exp} decimals; got ${JSON.stringify(text)}`);
  const minor = Number(whole! + frac.padEnd(exp, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${JSON.stringify(text)}`);
  return sign === '-' ? -minor : minor;
}
