/**
 * The messages of segment validation, in every locale Pitboss speaks. Each
 * issue carries a stable `code` and its `params`; the text is rendered from
 * the catalogues (`catalogue.ts` for English and the codes, one module per
 * other locale), so a missing translation is a type error.
 */
import type { Locale } from '../field-registry.js';
import { SEGMENT_MESSAGES_EN } from './catalogue.js';
import type { SegmentCatalogue, SegmentIssueCode, SegmentIssueParams } from './catalogue.js';
import { SEGMENT_MESSAGES_ES } from './messages-es.js';
import { SEGMENT_MESSAGES_PT_BR } from './messages-pt-BR.js';

export type { SegmentCatalogue, SegmentIssueCode, SegmentIssueParams } from './catalogue.js';

/** The UI locales of the field registry. */
export type SegmentLocale = Locale;

const CATALOGUES: { readonly [L in SegmentLocale]: SegmentCatalogue } = { en: SEGMENT_MESSAGES_EN, 'pt-BR': SEGMENT_MESSAGES_PT_BR, es: SEGMENT_MESSAGES_ES };

/**
 * The text of one issue code in one locale.
 *
 * @example
 * segmentMessage('es', 'expected_number', {}) // 'se esperaba un número'
 */
export function segmentMessage<C extends SegmentIssueCode>(locale: SegmentLocale, code: C, params: SegmentIssueParams[C]): string {
  const render = CATALOGUES[locale][code] as (p: SegmentIssueParams[C]) => string;
  return render(params);
}
