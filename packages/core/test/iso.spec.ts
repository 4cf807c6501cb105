import { describe, expect, it, runtime } from '@pitboss/test/harness';
import { COUNTRIES, CURRENCIES, currencyExponent } from '@pitboss/core';

// iso.ts writes the lists grouped by first letter; these pin what the grouped text decodes to.
describe(`ISO country and currency codes (${runtime})`, () => {
  it('holds every assigned country code and nothing else', () => {
    expect(COUNTRIES.size).to.equal(249);
    for (const code of ['AD', 'AX', 'BR', 'GB', 'PT', 'ES', 'US', 'ZW']) expect(COUNTRIES.has(code), code).to.equal(true);
    for (const code of ['UK', 'EU', 'XK', 'ZZ', 'br', 'A', 'ADE']) expect(COUNTRIES.has(code), code).to.equal(false);
    expect([...COUNTRIES].every((c) => /^[A-Z]{2}$/.test(c))).to.equal(true);
    expect([...COUNTRIES]).to.deep.equal([...COUNTRIES].sort());
  });

  it('holds every active currency with its exponent', () => {
    expect(CURRENCIES.size).to.equal(166);
    expect([...CURRENCIES].every((c) => /^[A-Z]{3}$/.test(c))).to.equal(true);
    const byExponent = (exp: number) => [...CURRENCIES].filter((c) => currencyExponent(c) === exp);
    expect(byExponent(0)).to.deep.equal(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
    expect(byExponent(3)).to.deep.equal(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
    expect(byExponent(4)).to.deep.equal(['CLF', 'UYW']);
    expect(byExponent(2)).to.have.length(140);
    for (const code of ['AED', 'BRL', 'EUR', 'GBP', 'USD', 'ZWG']) expect(currencyExponent(code), code).to.equal(2);
    expect(() => currencyExponent('XXX')).to.throw(RangeError);
    expect(() => currencyExponent('eur')).to.throw(RangeError);
  });

  it('iterates currencies by exponent (0, 2, 3, 4), alphabetically within each', () => {
    const codes = [...CURRENCIES];
    const exps = codes.map(currencyExponent);
    expect(exps).to.deep.equal([...exps].sort((a, b) => a - b));
    expect(codes.slice(0, 3)).to.deep.equal(['BIF', 'CLP', 'DJF']);
    expect(codes.at(-1)).to.equal('UYW');
  });
});
