import { describe, expect, it, runtime } from '@pitboss/test/harness';
import {
  FIELDS, SEGMENT_MESSAGES_EN, SEGMENT_MESSAGES_ES, SEGMENT_MESSAGES_PT_BR, checkSegment, registrySegmentFields, validateSegment,
} from '@pitboss/core';
import type { SegmentCatalogue, SegmentIssueRenderer, SegmentLocale } from '@pitboss/core';

const fields = registrySegmentFields(FIELDS);
const CATALOGUES: Record<SegmentLocale, SegmentCatalogue> = { en: SEGMENT_MESSAGES_EN, 'pt-BR': SEGMENT_MESSAGES_PT_BR, es: SEGMENT_MESSAGES_ES };
const from = (catalogue: SegmentCatalogue): SegmentIssueRenderer => (code, params) => (catalogue[code] as (p: typeof params) => string)(params);

// Segments with many kinds of issue at once: shape, unknown field and key, operator, value, pair order, enum.
const BROKEN: unknown[] = [
  { all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }, { field: 'nope', op: 'eq', value: 1 }, { field: 'country', op: 'eq', value: 'XX', extra: 1 }] },
  { any: [{ field: 'deposit_count_30d', op: 'between', value: [5, 1] }, { did: 'bet.placed', op: 'often', times: 1.5, days: 0 }] },
  { all: [], marketing: 'yes' },
  [],
];

describe(`checkSegment: validation with the caller's messages (${runtime})`, () => {
  it('gives validateSegment\'s issues, rendered from the catalogue it is handed', () => {
    for (const locale of ['en', 'pt-BR', 'es'] as const) {
      for (const input of BROKEN) {
        const checked = checkSegment(input, fields, from(CATALOGUES[locale]));
        expect(checked, JSON.stringify(input)).to.deep.equal(validateSegment(input, fields, { locale }));
        expect(checked.ok).to.equal(false);
      }
    }
  });

  it('returns the normalised segment when it validates', () => {
    const input = { all: [{ field: 'registered_at', op: 'gte', value: '2026-03-01T09:00:00-03:00' }] };
    const checked = checkSegment(input, fields, () => 'unused');
    expect(checked).to.deep.equal(validateSegment(input, fields));
    expect(checked.ok && checked.segment).to.deep.equal({ all: [{ field: 'registered_at', op: 'gte', value: '2026-03-01T12:00:00.000Z' }], marketing: false });
  });

  it('renders with any function of code and parameters', () => {
    const checked = checkSegment({ all: [{ field: 'nope', op: 'eq', value: 1 }] }, fields, (code, params) => `${code} ${JSON.stringify(params)}`);
    expect(checked.ok ? [] : checked.issues.map((i) => i.message)).to.deep.equal(['unknown_field {"field":"nope"}']);
  });

  it('has a text for every issue code in every locale', () => {
    for (const catalogue of Object.values(CATALOGUES)) expect(Object.keys(catalogue).sort()).to.deep.equal(Object.keys(SEGMENT_MESSAGES_EN).sort());
  });
});
