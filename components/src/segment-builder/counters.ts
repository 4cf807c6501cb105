import { tableFromArrays, type Table } from 'apache-arrow';
import { FIELDS, GUARDRAIL_REASONS, compileSegment, readGuardrailCounts, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type { GuardrailOptions, GuardrailReason, Segment, SegmentFields, SegmentLayout, SegmentSql } from '@pitboss/core';
import type { PitbossClient, SegmentAst } from '@pitboss/sdk';
import type { SegmentCountResult, SegmentCounter, SegmentGuardrailRemovals } from './count.js';

function count(row: Readonly<Record<string, unknown>>, key: string): number {
  const v = row[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TypeError(`segment preview: guardrail.${key} is not a count: ${JSON.stringify(v)}`);
  return v;
}

/**
 * Reads the `guardrail` object of `POST /v1/segments/preview`
 * (`{ matched, removed, kept, byReason, risk_band_at_or_above }`); throws on
 * any other shape rather than showing wrong numbers.
 */
export function readPreviewGuardrail(raw: Readonly<Record<string, unknown>>): SegmentGuardrailRemovals {
  const by = raw['byReason'];
  if (typeof by !== 'object' || by === null) throw new TypeError('segment preview: guardrail.byReason is missing');
  const byReason = Object.fromEntries(GUARDRAIL_REASONS.map((r) => [r, count(by as Record<string, unknown>, r)])) as Record<GuardrailReason, number>;
  const out: SegmentGuardrailRemovals = { matched: count(raw, 'matched'), removed: count(raw, 'removed'), kept: count(raw, 'kept'), byReason };
  const band = raw['risk_band_at_or_above'];
  if (typeof band === 'string') out.riskBandAtOrAbove = band;
  return out;
}

/**
 * A counter over the API: `POST /v1/segments/preview` with `limit: 1`. For a
 * marketing count the API applies the tenant's guardrail and reports its
 * removals (and writes them to its audit log).
 *
 * @example
 * builder.counter = apiSegmentCounter(new PitbossClient({ baseUrl, auth: apiKey(key) }));
 */
export function apiSegmentCounter(client: Pick<PitbossClient, 'previewSegment'>): SegmentCounter {
  return async function countViaApi(segment, { signal, marketing }) {
    // The SDK's `SegmentAst` spells out field conditions only; the API takes every node of core's AST (counts and sums too).
    const preview = await client.previewSegment(segment as unknown as SegmentAst, { signal, marketing, limit: 1 });
    return { count: preview.count, guardrail: preview.guardrail ? readPreviewGuardrail(preview.guardrail) : null };
  };
}

/** What the DuckDB counter needs of `LocalAnalytics` (from `@pitboss/sdk`). */
export interface LocalSegmentEngine {
  query(sql: string): Promise<Table>;
  loadArrow(table: string, data: Table, options?: { replace?: boolean }): Promise<number>;
  /** Used instead of compiling here when the engine counts segments itself. */
  segmentCount?: (segment: Segment, options: { signal?: AbortSignal; marketing?: boolean }) => Promise<number | SegmentCountResult>;
}

export interface DuckDBCounterOptions {
  /** Segment view of the registry; default `registrySegmentFields(FIELDS)`. */
  fields?: SegmentFields;
  /** `wide` (default): feature columns live in `players` itself, as in a local export joined once; `joined`: a `player_features` table. */
  layout?: SegmentLayout;
  /** Anchor of relative dates and windows; default now. */
  asOf?: () => Date;
  /** Guardrail settings for marketing counts (risk band threshold, field keys). */
  guardrail?: GuardrailOptions;
}

let paramTables = 0;

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('The count was aborted', 'AbortError');
}

/**
 * Runs compiled segment SQL in DuckDB-WASM. The worker protocol takes SQL
 * text only, and values never go into SQL text: each `$n` becomes a read of
 * column `pn` of a one-row parameter table loaded as Arrow, and the table is
 * dropped afterwards.
 */
async function runBound(engine: LocalSegmentEngine, { sql, params }: SegmentSql, signal: AbortSignal): Promise<Record<string, unknown>> {
  let text = sql;
  const table = `pb_segment_params_${++paramTables}`;
  if (params.length > 0) {
    const columns: Record<string, unknown[]> = {};
    params.forEach((p, i) => {
      if (Array.isArray(p)) throw new TypeError('DuckDB segment SQL binds scalars only');
      columns[`p${i + 1}`] = [p];
    });
    await engine.loadArrow(table, tableFromArrays(columns), { replace: true });
    // `$n` never appears in the generated text except as a placeholder (values are never printed).
    text = sql.replace(/\$(\d+)/g, (_, n: string) => `(SELECT p${n} FROM ${table})`);
  }
  try {
    aborted(signal);
    const result = await engine.query(text);
    const row = result.get(0)?.toJSON() as Record<string, unknown> | undefined;
    if (!row) throw new Error('segment count returned no row');
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
  } finally {
    if (params.length > 0) await engine.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

/**
 * A counter over local data in DuckDB-WASM (`LocalAnalytics`). Uses the
 * engine's own `segmentCount` when it has one; otherwise compiles the segment
 * with core's DuckDB compiler and counts in the worker. The tables must have
 * the shape core's SQL reads (`players`, with feature columns for the `wide`
 * layout, and `events` for behavioural conditions; see docs/segments.md).
 * Marketing counts apply the guardrail and report its removals.
 *
 * @example
 * const local = await LocalAnalytics.open();
 * builder.counter = duckdbSegmentCounter(local);
 */
export function duckdbSegmentCounter(engine: LocalSegmentEngine, options: DuckDBCounterOptions = {}): SegmentCounter {
  const fields = options.fields ?? registrySegmentFields(FIELDS);
  return async function countInDuckDB(segment, { signal, marketing }) {
    if (engine.segmentCount) {
      const r = await engine.segmentCount(segment, { signal, marketing });
      return typeof r === 'number' ? { count: r } : r;
    }
    const compiled = compileSegment(segment, { dialect: 'duckdb', fields, asOf: options.asOf?.() ?? new Date(), layout: options.layout ?? 'wide' });
    if (!marketing && segment.marketing !== true) {
      const row = await runBound(engine, compiled.count(), signal);
      return { count: Number(row['count']) };
    }
    const guarded = withGuardrail(compiled, fields, options.guardrail ?? {});
    const counts = readGuardrailCounts(await runBound(engine, guarded.removals(), signal));
    aborted(signal);
    const result: SegmentCountResult = { count: counts.kept, guardrail: { ...counts, riskBandAtOrAbove: options.guardrail?.riskBandAtOrAbove ?? 'high' } };
    return result;
  };
}
