import { describe, expect, it, runtime } from '@pitboss/test/harness';
import {
  FIELDS, SegmentSchema, SegmentValidationError, compileSegment, formatSegmentIssue, registrySegmentFields, validateSegment,
} from '@pitboss/core';
import type { SegmentIssue, SegmentLocale } from '@pitboss/core';

const fields = registrySegmentFields(FIELDS);
const LOCALES: readonly SegmentLocale[] = ['en', 'pt-BR', 'es'];

function issues(input: unknown, locale: SegmentLocale = 'en'): SegmentIssue[] {
  const r = validateSegment(input, fields, { locale });
  if (r.ok) throw new Error(`expected issues for ${JSON.stringify(input)}`);
  return r.issues;
}

const lines = (input: unknown, locale: SegmentLocale = 'en'): string[] => issues(input, locale).map(formatSegmentIssue);
const codes = (input: unknown): string[] => issues(input).map((i) => `${i.path} ${i.code}`);

const ok = { field: 'country', op: 'eq', value: 'BR' };

describe(`segment validation (${runtime})`, () => {
  it('points at the offending value, in three languages', () => {
    const input = { all: [ok, ok, { any: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] }] };
    expect(lines(input)).to.deep.equal(['all[2].any[0].value: expected a number']);
    expect(lines(input, 'pt-BR')).to.deep.equal(['all[2].any[0].value: esperava um número']);
    expect(lines(input, 'es')).to.deep.equal(['all[2].any[0].value: se esperaba un número']);
  });

  it('reports every issue at once', () => {
    expect(codes({
      marketing: 'yes',
      all: [
        { field: 'nope', op: 'eq', value: 1 },
        { field: 'country', op: 'gt', value: 'BR' },
        { field: 'birth_year', op: 'between', value: [1990, 1980] },
        { not: { field: 'tags', op: 'contains' } },
      ],
    })).to.deep.equal([
      'all[0].field unknown_field',
      'all[1].op op_not_for_type',
      'all[2].value pair_order',
      'all[3].not.value missing',
      'marketing expected_boolean',
    ]);
  });

  it('checks fields, operators and values per field type', () => {
    const one = (c: unknown): string[] => codes({ all: [c] });
    expect(one({ field: 'country', op: 'eq', value: 'XX' })).to.deep.equal(['all[0].value expected_one_of']);
    expect(one({ field: 'country', op: 'like', value: 'B%' })).to.deep.equal(['all[0].op unknown_op']);
    expect(one({ field: 'country', op: 'eq' })).to.deep.equal(['all[0].value missing']);
    expect(one({ field: 'country', value: 'BR' })).to.deep.equal(['all[0].op missing']);
    expect(one({ field: 'country', op: 'in', value: [] })).to.deep.equal(['all[0].value empty_list']);
    expect(one({ field: 'country', op: 'in', value: ['BR', 7] })).to.deep.equal(['all[0].value[1] expected_one_of']);
    expect(one({ field: 'country', op: 'is_null', value: null })).to.deep.equal(['all[0].value unexpected_value']);
    expect(one({ field: 'birth_year', op: 'eq', value: 1980.5 })).to.deep.equal(['all[0].value expected_integer']);
    expect(one({ field: 'birth_year', op: 'eq', value: '1980' })).to.deep.equal(['all[0].value expected_number']);
    expect(one({ field: 'net_loss_30d', op: 'gt', value: Number.NaN })).to.deep.equal(['all[0].value expected_number']);
    expect(one({ field: 'stake_cv_30d', op: 'between', value: [1] })).to.deep.equal(['all[0].value expected_pair']);
    expect(one({ field: 'blocked', op: 'eq', value: 'true' })).to.deep.equal(['all[0].value expected_boolean']);
    expect(one({ field: 'blocked', op: 'gt', value: true })).to.deep.equal(['all[0].op op_not_for_type']);
    expect(one({ field: 'tags', op: 'eq', value: 'vip' })).to.deep.equal(['all[0].op op_not_for_type']);
    expect(one({ field: 'brand', op: 'starts_with', value: 'x'.repeat(257) })).to.deep.equal(['all[0].value string_too_long']);
    expect(one({ field: 'brand', op: 'eq', value: 'a\u0000b' })).to.deep.equal(['all[0].value expected_string']);
    expect(one({ field: 'registered_at', op: 'gt', value: '2026-02-30' })).to.deep.equal(['all[0].value expected_timestamp']);
    expect(one({ field: 'registered_at', op: 'gt', value: '2026-02-01T10:00:00' })).to.deep.equal(['all[0].value expected_timestamp']);
    expect(one({ field: 'registered_at', op: 'within_last_days', value: -1 })).to.deep.equal(['all[0].value out_of_range']);
    expect(one({ field: 'registered_at', op: 'eq', value: '2026-01-01' })).to.deep.equal(['all[0].op op_not_for_type']);
    expect(one({ field: 'country', op: 'eq', value: 'BR', extra: 1 })).to.deep.equal(['all[0].extra unknown_key']);
  });

  it('checks behavioural conditions', () => {
    const one = (c: unknown): string[] => codes({ all: [c] });
    expect(one({ did: { type: 'bet.won' }, op: 'at_least', times: 1, days: 7 })).to.deep.equal(['all[0].did.type expected_one_of']);
    expect(one({ did: { type: 'payment' }, op: 'at_least', times: -1, days: 0 })).to.deep.equal(['all[0].times out_of_range', 'all[0].days out_of_range']);
    expect(one({ did: { type: 'payment' }, op: 'more_than', times: 1, days: 7 })).to.deep.equal(['all[0].op expected_one_of']);
    expect(one({ did: { type: 'payment', amount: { op: 'gt', value: 'x' } }, op: 'at_least', times: 1, days: 7 })).to.deep.equal(['all[0].did.amount.value expected_number']);
    expect(one({ did: { type: 'bet.placed', product: ['poker'] }, op: 'at_least', times: 1, days: 7 })).to.deep.equal(['all[0].did.product[0] expected_one_of']);
    expect(one({ did: { type: 'payment', status: 'approved' }, op: 'at_least', times: 1, days: 7 })).to.deep.equal(['all[0].did.status expected_list']);
    expect(one({ sum: 'stake', of: { type: 'bet.placed' }, op: 'gt', value: 1, days: 7 })).to.deep.equal(['all[0].sum expected_one_of']);
    expect(one({ sum: 'amount_minor', of: { type: 'bet.placed' }, op: 'gt', value: 1.5, days: 7 })).to.deep.equal(['all[0].value expected_integer']);
    expect(one({ sum: 'amount_minor', of: { type: 'bet.placed' }, op: 'gt', value: 1, days: 7, did: {} })).to.deep.equal(['all[0] ambiguous_node']);
  });

  it('checks groups and limits', () => {
    expect(codes([ok])).to.deep.equal([' expected_group']);
    expect(codes({ field: 'country', op: 'eq', value: 'BR' })).to.deep.equal([' expected_group']);
    expect(codes({ all: [ok], any: [ok] })).to.deep.equal([' ambiguous_node']);
    expect(codes({ all: [] })).to.deep.equal(['all empty_list']);
    expect(codes({ any: [ok, 42, {}] })).to.deep.equal(['any[1] expected_node', 'any[2] expected_node']);
    let deep: unknown = ok;
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect(codes({ all: [deep] })).to.deep.equal(['all[0].not.not.not.not.not.not.not.not too_deep']);
    expect(codes({ all: Array.from({ length: 101 }, () => ok) })).to.deep.equal(['all[100] too_many_conditions']);
  });

  it('knows only registry fields, and not personal data', () => {
    for (const field of ['email', 'first_name', '__proto__', 'constructor', 'country; DROP TABLE players', 'p.country']) {
      expect(codes({ all: [{ field, op: 'is_null' }] }), field).to.deep.equal(['all[0].field unknown_field']);
    }
  });

  it('has every message in every language', () => {
    const input = {
      marketing: 1,
      all: [
        { field: 'nope', op: 'eq', value: 1 }, { field: 'country', op: 'gt', value: 'BR' }, { field: 'country', op: 'x' },
        { field: 'birth_year', op: 'between', value: [2, 1] }, { field: 'birth_year', op: 'in', value: [] },
        { field: 'stake_cv_30d', op: 'eq', value: 'a' }, { field: 'birth_year', op: 'eq', value: 1.5 },
        { field: 'brand', op: 'eq', value: 3 }, { field: 'blocked', op: 'eq', value: 1 }, { field: 'kyc_verified_at', op: 'gt', value: 'x' },
        { field: 'country', op: 'eq', value: 'XX' }, { field: 'net_loss_30d', op: 'between', value: 1 },
        { field: 'brand', op: 'eq', value: 'x'.repeat(300) }, { field: 'registered_at', op: 'within_last_days', value: 1e9 },
        { field: 'country', op: 'is_null', value: 1 }, { field: 'country', op: 'eq' }, { field: 'country', op: 'eq', value: 'BR', z: 1 },
        { did: 5, op: 'at_least', times: 1, days: 1 }, { field: 'country', op: 'in', value: 'BR' }, 7, { all: [], any: [] },
      ],
    };
    const byLocale = LOCALES.map((l) => issues(input, l));
    const seen = new Set(byLocale[0]!.map((i) => i.code));
    expect(seen.size).to.be.greaterThan(18);
    for (let k = 0; k < byLocale[0]!.length; k++) {
      const [en, pt, es] = byLocale.map((list) => list[k]!);
      expect(pt!.code).to.equal(en!.code);
      expect(pt!.message, en!.code).to.not.equal(en!.message);
      expect(es!.message, en!.code).to.not.equal(en!.message);
      expect(es!.message, en!.code).to.not.equal(pt!.message);
    }
  });

  it('returns a normalised copy the compilers take', () => {
    const r = validateSegment({ any: [{ field: 'registered_at', op: 'between', value: ['2026-01-01', '2026-03-01T09:00:00-03:00'] }] }, fields);
    expect(r.ok).to.equal(true);
    if (!r.ok) return;
    expect(r.segment).to.deep.equal({
      marketing: false,
      any: [{ field: 'registered_at', op: 'between', value: ['2026-01-01T00:00:00.000Z', '2026-03-01T12:00:00.000Z'] }],
    });
    expect(SegmentSchema.safeParse(r.segment).success).to.equal(true);
  });

  it('refuses to compile what does not validate', () => {
    const bad = { all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] };
    expect(() => compileSegment(bad, { dialect: 'postgres', fields, asOf: '2026-06-01T00:00:00Z', locale: 'es' }))
      .to.throw(SegmentValidationError, 'all[0].value: se esperaba un número');
    expect(() => compileSegment({ all: [ok] }, { dialect: 'duckdb', fields, asOf: 'yesterday' })).to.throw(RangeError);
  });
});
