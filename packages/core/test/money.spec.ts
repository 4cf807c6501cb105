import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { currencyExponent, fromDecimalString, toDecimalString } from '@pitboss/core';

describe(`money in minor units (${runtime})`, () => {
  it('knows the exponent of each currency', () => {
    expect(currencyExponent('EUR')).to.equal(2);
    expect(currencyExponent('BRL')).to.equal(2);
    expect(currencyExponent('JPY')).to.equal(0);
    expect(currencyExponent('KWD')).to.equal(3);
  });

  it('renders minor units as decimal text', () => {
    expect(toDecimalString(123456, 'EUR')).to.equal('1234.56');
    expect(toDecimalString(5, 'BRL')).to.equal('0.05');
    expect(toDecimalString(-5, 'BRL')).to.equal('-0.05');
    expect(toDecimalString(0, 'GBP')).to.equal('0.00');
    expect(toDecimalString(500, 'JPY')).to.equal('500');
    expect(toDecimalString(1234, 'KWD')).to.equal('1.234');
    expect(toDecimalString(Number.MAX_SAFE_INTEGER, 'EUR')).to.equal('90071992547409.91');
  });

  it('parses decimal text exactly, without float rounding', () => {
    expect(fromDecimalString('1234.5', 'EUR')).to.equal(123450);
    expect(fromDecimalString('0.1', 'EUR') + fromDecimalString('0.2', 'EUR')).to.equal(fromDecimalString('0.3', 'EUR'));
    expect(fromDecimalString('19.99', 'BRL')).to.equal(1999);
    expect(fromDecimalString('-0.05', 'BRL')).to.equal(-5);
    expect(fromDecimalString(' 7 ', 'JPY')).to.equal(7);
  });

  it('round-trips', () => {
    for (const [minor, cur] of [[1, 'EUR'], [99, 'USD'], [100001, 'KWD'], [-42, 'JPY']] as const) {
      expect(fromDecimalString(toDecimalString(minor, cur), cur)).to.equal(minor);
    }
  });

  it('refuses more decimals than the currency has, non-numbers and unsafe integers', () => {
    expect(() => fromDecimalString('1.234', 'EUR')).to.throw(RangeError);
    expect(() => fromDecimalString('1.5', 'JPY')).to.throw(RangeError);
    expect(() => fromDecimalString('1e3', 'EUR')).to.throw(RangeError);
    expect(() => fromDecimalString('12,50', 'EUR')).to.throw(RangeError);
    expect(() => fromDecimalString('99999999999999999', 'EUR')).to.throw(RangeError);
    expect(() => toDecimalString(1.5, 'EUR')).to.throw(RangeError);
  });
});
