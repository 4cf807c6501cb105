import { checkSegment } from './check.js';
import type { SegmentIssue, SegmentValidation } from './check.js';
import type { SegmentFields } from './fields.js';
import { segmentMessage } from './messages.js';
import type { SegmentLocale } from './messages.js';
import type { Segment } from './ast.js';

export { canonicalTimestamp } from './check.js';
export type { SegmentIssue, SegmentValidation } from './check.js';

export interface SegmentValidateOptions {
  /** Language of `message`; default `en`. */
  locale?: SegmentLocale;
}

/** Thrown by the compilers when handed a segment that does not validate. */
export class SegmentValidationError extends Error {
  override readonly name = 'SegmentValidationError';
  constructor(readonly issues: readonly SegmentIssue[]) {
    super(issues.map(formatSegmentIssue).join('; '));
  }
}

/**
 * An issue as one line: `path: message`.
 *
 * @example
 * formatSegmentIssue(issue) // 'all[2].any[0].value: expected a number'
 */
export function formatSegmentIssue(issue: SegmentIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * Checks a segment against the field registry: shape, fields, operators per
 * field type, values and limits. Returns every issue, each with the path of
 * the offending node and a message in `locale`; on success, a normalised copy
 * (timestamps in UTC ISO form, no unknown keys) that the compilers accept.
 *
 * @example
 * const r = validateSegment({ all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] }, fields, { locale: 'pt-BR' });
 * if (!r.ok) console.log(r.issues.map(formatSegmentIssue)); // ['all[0].value: esperava um número']
 */
export function validateSegment(input: unknown, fields: SegmentFields, options: SegmentValidateOptions = {}): SegmentValidation {
  const locale = options.locale ?? 'en';
  return checkSegment(input, fields, (code, params) => segmentMessage(locale, code, params));
}

/**
 * Like `validateSegment`, but throws `SegmentValidationError` on any issue.
 *
 * @example
 * const segment = parseSegment(JSON.parse(body), fields);
 */
export function parseSegment(input: unknown, fields: SegmentFields, options: SegmentValidateOptions = {}): Segment {
  const r = validateSegment(input, fields, options);
  if (!r.ok) throw new SegmentValidationError(r.issues);
  return r.segment;
}
