import { FIELDS, GUARDRAIL_REASONS, compileSegment, readGuardrailCounts, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type { GuardrailOptions, GuardrailReason, Segment, SegmentFields, SegmentSql } from '@pitboss/core';
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

/** What the DuckDB counter needs of `LocalAnalytics` (from `@pitboss/sdk`). */
export interface LocalSegmentEngine {
  /** SQL with `$n` placeholders bound to `params` (a prepared statement in the worker). */
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<LocalResult>;
  /** Counts a segment over the loaded exports; used for plain (non-marketing) counts when present. */
  segmentCount?: (segment: Segment, options: { signal?: AbortSignal; asOf?: Date }) => Promise<{ count: number }>;
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

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('The count was aborted', 'AbortError');
}

/**
 * Runs core's DuckDB SQL over tables shaped like the exports, as
 * `LocalAnalytics.segmentCount` does: the exports hold one tenant and no
 * `tenant_id`, so views named as core's SQL expects (`players`,
 * `player_features`, `events`) add a constant one. Values stay parameters.
 */
async function runOverExports(engine: LocalSegmentEngine, { sql, params }: SegmentSql, joinFeatures: boolean, tables: DuckDBCounterOptions['tables'], signal: AbortSignal): Promise<Record<string, unknown>> {
  const names = { players: 'players', features: 'features', events: 'events', ...tables };
  for (const n of Object.values(names)) if (!IDENT.test(n)) throw new TypeError(`table name ${JSON.stringify(n)} is not a plain identifier`);
  const views = [`players AS (SELECT '' AS tenant_id, * FROM main.${names.players})`];
  if (joinFeatures) views.push(`player_features AS (SELECT '' AS tenant_id, * FROM main.${names.features})`);
  if (/\bevents e\b/.test(sql)) views.push(`events AS (SELECT '' AS tenant_id, * FROM main.${names.events})`);
  aborted(signal);
  const result = await engine.query(`WITH ${views.join(', ')} ${sql}`, params as (string | number | boolean)[]);
  aborted(signal);
  const row = result.get(0)?.toJSON();
  if (!row) throw new Error('segment count returned no row');
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

/**
 * A counter over local data in DuckDB-WASM (`LocalAnalytics` with the
 * `players` export loaded, plus `features` and `events` when conditions use
 * them). A plain count goes to the engine's own `segmentCount` when it has
 * one; a marketing count (and a plain one without `segmentCount`) is compiled
 * here with core's DuckDB compiler, with `withGuardrail(…).removals()` for the
 * guardrail's removals per reason.
 *
 * @example
 * const local = await LocalAnalytics.open({ client });
 * await local.loadExport('players'); await local.loadExport('features');
 * builder.counter = duckdbSegmentCounter(local);
 */
export function duckdbSegmentCounter(engine: LocalSegmentEngine, options: DuckDBCounterOptions = {}): SegmentCounter {
  const fields = options.fields ?? registrySegmentFields(FIELDS);
  return async function countInDuckDB(segment, { signal, marketing }) {
    const asOf = options.asOf?.() ?? new Date();
    const guarded = marketing || segment.marketing === true;
    if (!guarded && engine.segmentCount) return { count: (await engine.segmentCount(segment, { signal, asOf })).count };
    const compiled = compileSegment(segment, { dialect: 'duckdb', fields, asOf });
    if (!guarded) {
      const row = await runOverExports(engine, compiled.count(), compiled.source.joinFeatures, options.tables, signal);
      return { count: Number(row['count']) };
    }
    const withRules = withGuardrail(compiled, fields, options.guardrail ?? {});
    const counts = readGuardrailCounts(await runOverExports(engine, withRules.removals(), withRules.source.joinFeatures, options.tables, signal));
    return { count: counts.kept, guardrail: { ...counts, riskBandAtOrAbove: options.guardrail?.riskBandAtOrAbove ?? 'high' } };
  };
}
