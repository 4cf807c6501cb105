// The SQL-compiling half of `duckdbSegmentCounter` (counters.ts), loaded with
// import() on its first count: core's segment compiler, plan and guardrail stay
// out of the components' static graph.
import { FIELDS, compileSegment, readGuardrailCounts, registrySegmentFields, withGuardrail } from '@pitboss/core';
import type { Segment, SegmentFields, SegmentSql } from '@pitboss/core';
import type { SegmentCountResult } from './count.js';
import type { DuckDBCounterOptions, LocalSegmentEngine } from './counters.js';

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

let defaultFields: SegmentFields | null = null;

/** Compiles `segment` with core's DuckDB compiler and counts it over the exports (with the guardrail's removals when `guarded`). */
export async function countCompiled(
  engine: LocalSegmentEngine,
  segment: Segment,
  { signal, guarded, asOf, options }: { signal: AbortSignal; guarded: boolean; asOf: Date; options: DuckDBCounterOptions },
): Promise<SegmentCountResult> {
  const fields = options.fields ?? (defaultFields ??= registrySegmentFields(FIELDS));
  const compiled = compileSegment(segment, { dialect: 'duckdb', fields, asOf });
  if (!guarded) {
    const row = await runOverExports(engine, compiled.count(), compiled.source.joinFeatures, options.tables, signal);
    return { count: Number(row['count']) };
  }
  const withRules = withGuardrail(compiled, fields, options.guardrail ?? {});
  const counts = readGuardrailCounts(await runOverExports(engine, withRules.removals(), withRules.source.joinFeatures, options.tables, signal));
  return { count: counts.kept, guardrail: { ...counts, riskBandAtOrAbove: options.guardrail?.riskBandAtOrAbove ?? 'high' } };
}
