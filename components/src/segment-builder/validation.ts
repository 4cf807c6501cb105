// The builder's validator: core's segment checker and its English messages
// (2.9 KB gzip). Nothing of the builder's first render needs it (the controls
// show a segment whether or not it validates), so it loads with import() when
// a builder first renders, and the issues, `valid` and the count follow when
// it arrives (`updateComplete` waits for it). Placing the issues at their
// controls (issues.ts) comes with it.
import { SEGMENT_MESSAGES_EN, checkSegment } from '@pitboss/core';
import type { SegmentCatalogue, SegmentFields, SegmentValidation } from '@pitboss/core';
import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

export { placeIssues } from './issues.js';

/** Core's validation messages in a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the builder does so itself). */
export function segmentIssueCatalogue(locale: PbLocale): SegmentCatalogue {
  return localeTables(locale)?.segmentIssues ?? SEGMENT_MESSAGES_EN;
}

/** Checks `segment` against `fields`, with messages from `catalogue`. */
export function validate(segment: unknown, fields: SegmentFields, catalogue: SegmentCatalogue): SegmentValidation {
  return checkSegment(segment, fields, (code, params) => (catalogue[code] as (p: typeof params) => string)(params));
}
