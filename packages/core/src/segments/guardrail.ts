// The responsible-gambling guardrail of marketing segments: whoever is
// self-excluded, blocked, timed out or at or above a risk band is never a
// member. Each reason (guardrail-reasons.ts) is a separate predicate, so a
// preview can say how many players each one removed.
import type { SegmentNode } from './ast.js';
import { compiledFrom, fieldsForLayout } from './compile.js';
import type { CompiledSegment } from './compile.js';
import type { SegmentFields } from './fields.js';
import { generateSegmentSql } from './generate.js';
import type { SegmentSql } from './generate.js';
import { planSegment } from './plan.js';
import type { SqlExpr } from './sql-ast.js';
import { validateSegment, SegmentValidationError } from './validate.js';
import { GUARDRAIL_REASONS } from './guardrail-reasons.js';
import type { GuardrailReason } from './guardrail-reasons.js';

/** Registry keys the guardrail reads. */
export interface GuardrailFieldKeys {
  /** Timestamp; excluded while it lies after `asOf` (an indefinite exclusion is stored as `infinity`). */
  selfExcludedUntil: string;
  /** Boolean. */
  blocked: string;
  /** Timestamp; timed out while it lies after `asOf`. */
  timedOutUntil: string;
  /** Enum whose registry `values` run from lowest to highest risk. */
  riskBand: string;
}

export const DEFAULT_GUARDRAIL_FIELDS: GuardrailFieldKeys = {
  selfExcludedUntil: 'self_excluded_until',
  blocked: 'blocked',
  timedOutUntil: 'timed_out_until',
  riskBand: 'risk_band',
};

export interface GuardrailOptions {
  /** Lowest risk band that removes a player; default `high`. */
  riskBandAtOrAbove?: string;
  fieldKeys?: Partial<GuardrailFieldKeys>;
}

export interface GuardedSegment extends CompiledSegment {
  readonly reasons: readonly GuardrailReason[];
  /**
   * One row over the unguarded members: `matched`, one integer column per
   * reason (players that reason alone would remove; a player may count under
   * several), `removed` (players any reason removes) and `kept`.
   */
  removals(): SegmentSql;
}

export interface GuardrailCounts {
  matched: number;
  removed: number;
  kept: number;
  byReason: Record<GuardrailReason, number>;
}

/** The guardrail's predicates as segment conditions, checked against the registry like any segment. */
function reasonNodes(fields: SegmentFields, asOf: string, options: GuardrailOptions): Record<GuardrailReason, SegmentNode> {
  const keys = { ...DEFAULT_GUARDRAIL_FIELDS, ...options.fieldKeys };
  const band = fields.get(keys.riskBand);
  const threshold = options.riskBandAtOrAbove ?? 'high';
  const bands = band?.values ?? [];
  const from = bands.indexOf(threshold);
  if (band && from < 0) throw new RangeError(`risk band ${JSON.stringify(threshold)} is not one of ${bands.join(', ')}`);
  return {
    self_excluded: { field: keys.selfExcludedUntil, op: 'gt', value: asOf },
    blocked: { field: keys.blocked, op: 'eq', value: true },
    timed_out: { field: keys.timedOutUntil, op: 'gt', value: asOf },
    high_risk: { field: keys.riskBand, op: 'in', value: bands.slice(Math.max(from, 0)) },
  };
}

/**
 * Wraps a compiled segment with the guardrail: `members()` and `count()`
 * leave out every excluded player, and `removals()` counts who was left out
 * and why. Throws if the registry lacks a field the guardrail needs: a
 * guardrail that cannot be applied must not be skipped.
 *
 * @example
 * const guarded = withGuardrail(compileSegment(input, options), fields, { riskBandAtOrAbove: 'medium' });
 * const counts = readGuardrailCounts((await pool.query(guarded.removals().sql, guarded.removals().params)).rows[0]);
 */
export function withGuardrail(compiled: CompiledSegment, registry: SegmentFields, options: GuardrailOptions = {}): GuardedSegment {
  const fields = fieldsForLayout(registry, compiled.layout);
  const nodes = reasonNodes(fields, compiled.asOf, options);
  let joinFeatures = compiled.source.joinFeatures;
  const reasons = GUARDRAIL_REASONS.map((name) => {
    const r = validateSegment({ all: [nodes[name]] }, fields);
    if (!r.ok) throw new SegmentValidationError(r.issues.map((i) => ({ ...i, message: `guardrail ${name}: ${i.message}` })));
    const planned = planSegment(r.segment, fields);
    joinFeatures ||= planned.usesFeatures;
    return { name, when: planned.expr };
  });
  const source = { ...compiled.source, joinFeatures };
  const excluded: SqlExpr = { kind: 'or', args: reasons.map((r) => r.when) };
  const where: SqlExpr = { kind: 'and', args: [compiled.where, { kind: 'not', arg: excluded }] };
  const guarded = compiledFrom(compiled.segment, compiled.dialect, where, source, compiled.asOf, compiled.layout);
  return {
    ...guarded,
    reasons: GUARDRAIL_REASONS,
    removals: () => generateSegmentSql(compiled.dialect, { select: { kind: 'removals', reasons }, source, where: compiled.where }, compiled.asOf),
  };
}

function toCount(row: Readonly<Record<string, unknown>>, column: string): number {
  const v = row[column];
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`removals row: ${column} is not a count: ${String(v)}`);
  return n;
}

/**
 * Reads the row of `removals()` (numbers, bigints or numeric strings, as the driver returns them).
 *
 * @example
 * readGuardrailCounts({ matched: 120, self_excluded: 3, blocked: 1, timed_out: 0, high_risk: 5, removed: 8, kept: 112 }).byReason.high_risk // 5
 */
export function readGuardrailCounts(row: Readonly<Record<string, unknown>>): GuardrailCounts {
  const byReason = Object.fromEntries(GUARDRAIL_REASONS.map((r) => [r, toCount(row, r)])) as Record<GuardrailReason, number>;
  return { matched: toCount(row, 'matched'), removed: toCount(row, 'removed'), kept: toCount(row, 'kept'), byReason };
}
