import { GUARDRAIL_REASONS, type GuardrailOptions, type GuardrailReason, type Segment, type SegmentFields } from '@pitboss/core';
import type { PitbossClient, SegmentAst } from '@pitboss/sdk';
import type { SegmentCounter, SegmentGuardrailRemovals } from './count.js';

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

/** A DuckDB result as far as the counter reads it (an apache-arrow `Table`). */
export interface LocalResult {
  get(index: number): { toJSON(): Record<string, unknown> } | null;
}

/** Options the counter passes to the engine's own segment counts (its `tables` and `fields` as given to the counter). */
export interface LocalSegmentCountOptions {
  signal?: AbortSignal;
  asOf?: Date;
  tables?: { players?: string; features?: string; events?: string } | undefined;
  fields?: SegmentFields | undefined;
}

/** What the DuckDB counter needs of `LocalAnalytics` (from `@pitboss/sdk`). */
export interface LocalSegmentEngine {
  /** SQL with `$n` placeholders bound to `params` (a prepared statement in the worker). */
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<LocalResult>;
  /** Counts a segment over the loaded exports; used for plain (non-marketing) counts when present. */
  segmentCount?: (segment: Segment, options: LocalSegmentCountOptions) => Promise<{ count: number }>;
  /** The guardrail's counts over a segment's members (`kept` is the count); used for marketing counts when present. */
  segmentGuardrail?: (segment: Segment, options: LocalSegmentCountOptions & { guardrail?: GuardrailOptions }) => Promise<SegmentGuardrailRemovals>;
}

export interface DuckDBCounterOptions {
  /** Segment view of the registry; default `registrySegmentFields(FIELDS)`. */
  fields?: SegmentFields;
  /** Anchor of relative dates and windows; default now. */
  asOf?: () => Date;
  /** Guardrail settings for marketing counts (risk band threshold, field keys). */
  guardrail?: GuardrailOptions;
  /** Names of the local tables holding the exports; default `players`, `features`, `events`. */
  tables?: { players?: string; features?: string; events?: string };
}

/**
 * A counter over local data in DuckDB-WASM (`LocalAnalytics` with the
 * `players` export loaded, plus `features` and `events` when conditions use
 * them). Counts run on the tables derived once from the exports (core's
 * `layout: 'local'`): a plain count goes to the engine's `segmentCount`, a
 * marketing count to its `segmentGuardrail` (the guardrail's removals per
 * reason, `withGuardrail(…).removals()`). An engine without them (only
 * `query()`) gets the SDK's `LocalSegments` over its `query()`. The marketing
 * and `query()`-only paths load with `import()` on their first count.
 *
 * @example
 * const local = await LocalAnalytics.open({ client });
 * await local.loadExport('players'); await local.loadExport('features');
 * builder.counter = duckdbSegmentCounter(local);
 */
export function duckdbSegmentCounter(engine: LocalSegmentEngine, options: DuckDBCounterOptions = {}): SegmentCounter {
  return async function countInDuckDB(segment, { signal, marketing }) {
    const passed = { ...options, signal, asOf: options.asOf?.() ?? new Date() };
    const guarded = marketing || segment.marketing === true;
    if (!guarded && engine.segmentCount) return { count: (await engine.segmentCount(segment, passed)).count };
    // The rest (a marketing count, or any count of an engine with only query()) is in duckdb-count.ts,
    // loaded on the first such count so that it stays out of the components' static graph (see the bundle bench).
    const { countCompiled } = await loadCompiler();
    return countCompiled(engine, segment, guarded, passed);
  };
}

let compiler: Promise<typeof import('./duckdb-count.js')> | null = null;
function loadCompiler(): Promise<typeof import('./duckdb-count.js')> {
  return (compiler ??= import('./duckdb-count.js').catch((error: unknown) => {
    compiler = null; // a failed chunk load is retried by the next count
    throw error;
  }));
}
