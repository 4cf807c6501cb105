// The half of `duckdbSegmentCounter` (counters.ts) for marketing counts and
// for an engine that only runs SQL, loaded with import() on its first such
// count: the SDK's LocalSegments (core's segment compiler, guardrail and local
// layout) stays out of the components' static graph.
import { LocalSegments } from '@pitboss/sdk';
import type { GuardrailOptions, Segment } from '@pitboss/core';
import type { SegmentCountResult } from './count.js';
import type { LocalSegmentCountOptions, LocalSegmentEngine } from './counters.js';

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
 * A marketing count through the engine's `segmentGuardrail` when it has one; otherwise (and for a plain
 * count of an engine without `segmentCount`) counts `segment` over the exports `engine` holds as
 * `LocalAnalytics` does, with a `LocalSegments` over its `query()`: on tables derived from them once
 * (core's `localSegmentTables`, `layout: 'local'`), with the guardrail's removals when `guarded`. The
 * derivation is made again when the exports' names, sizes, column counts or oids change (a write in
 * place made around the engine is not noticed).
 */
export async function countCompiled(
  engine: LocalSegmentEngine,
  segment: Segment,
  guarded: boolean,
  options: LocalSegmentCountOptions & { guardrail?: GuardrailOptions | undefined },
): Promise<SegmentCountResult> {
  if (!guarded) return runnerFor(engine).count(segment, options);
  const removals = engine.segmentGuardrail ? await engine.segmentGuardrail(segment, options) : await runnerFor(engine).guardrail(segment, options);
  return { count: removals.kept, guardrail: removals };
}
