// The half of `duckdbSegmentCounter` (counters.ts) for an engine that only
// runs SQL, loaded with import() on its first count: the SDK's LocalSegments
// (core's segment compiler, guardrail and local layout) stays out of the
// components' static graph.
import { LocalSegments } from '@pitboss/sdk';
import type { Segment } from '@pitboss/core';
import type { SegmentCountResult } from './count.js';
import type { DuckDBCounterOptions, LocalSegmentEngine } from './counters.js';

/** One LocalSegments (and so one derivation of the exports) per engine. */
const runners = new WeakMap<LocalSegmentEngine, LocalSegments>();

function runnerFor(engine: LocalSegmentEngine): LocalSegments {
  let runner = runners.get(engine);
  if (!runner) {
    runner = new LocalSegments(async (sql, params) => {
      const result = await engine.query(sql, params);
      const rows: Record<string, unknown>[] = [];
      for (let i = 0, row = result.get(0); row; row = result.get(++i)) rows.push(row.toJSON());
      return rows;
    });
    runners.set(engine, runner);
  }
  return runner;
}

/**
 * Counts `segment` over the exports `engine` holds, as `LocalAnalytics.segmentCount` does: on tables
 * derived from them once (core's `localSegmentTables`, `layout: 'local'`), with the guardrail's removals
 * when `guarded`. The derivation is made again when the exports' names, sizes or column counts change.
 */
export async function countCompiled(
  engine: LocalSegmentEngine,
  segment: Segment,
  { signal, guarded, asOf, options }: { signal: AbortSignal; guarded: boolean; asOf: Date; options: DuckDBCounterOptions },
): Promise<SegmentCountResult> {
  const runner = runnerFor(engine);
  const passed = { signal, asOf, ...(options.tables ? { tables: options.tables } : {}), ...(options.fields ? { fields: options.fields } : {}) };
  if (!guarded) return runner.count(segment, passed);
  const { riskBandAtOrAbove, ...counts } = await runner.guardrail(segment, { ...passed, ...(options.guardrail ? { guardrail: options.guardrail } : {}) });
  return { count: counts.kept, guardrail: { ...counts, riskBandAtOrAbove } };
}
