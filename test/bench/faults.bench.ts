// Faults at full size: the scenarios of test/faults (real API child process,
// real Postgres, a second cluster for the fourth shard) with bigger numbers.
// Each scenario is a long, destructive run, so it runs once per bench (not a
// median of `repeats`); `--quick` uses the test sizes.
//
// For iteration: PITBOSS_BENCH_FAULTS=crash,outage,overload,shutdown picks
// scenarios (default all; `outage` covers the database restart too), and
// PITBOSS_BENCH_CRASH_EVENTS=N sizes the crash run (default 1M, 24k quick).
import { DOWN_DB, crashDuringIngest, databaseRestart, gracefulShutdown, openFourShards, overload, shardOutage } from '../faults/scenarios.js';
import { quantile } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';

const same = (a: { count: number; sum: bigint }, b: { count: number; sum: bigint }): boolean => a.count === b.count && a.sum === b.sum;

function sizeFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1000) throw new RangeError(`${name} must be an integer ≥ 1000, got ${JSON.stringify(raw)}`);
  return n;
}

async function run(ctx: BenchContext): Promise<Figure[]> {
  const q = ctx.quick;
  const figures: Figure[] = [];
  const only = (process.env.PITBOSS_BENCH_FAULTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const wanted = (name: string): boolean => only.length === 0 || only.includes(name);

  if (wanted('crash')) {
    const events = sizeFromEnv('PITBOSS_BENCH_CRASH_EVENTS') ?? (q ? 24_000 : 1_000_000);
    const big = events >= 200_000;
    const crash = { events, batch: big ? 2000 : 400, concurrency: 4, kills: big ? 5 : 3, shards: 4, onProgress: ctx.log };
    ctx.log(`crash during ingest: ${crash.events} events in batches of ${crash.batch}, ${crash.kills} SIGKILLs, ${crash.shards} shards`);
    const c = await crashDuringIngest(crash);
    const once = same(c.stored, c.source) && c.source.count === events;
    figures.push(
      { name: `crash: ${events} events stored exactly once after ${c.kills} SIGKILLs (count; checksum ${same(c.stored, c.source) ? 'matches' : 'DIFFERS'})`, value: c.stored.count, unit: 'events', higherIsBetter: true, goal: `= ${events} and same checksum`, met: once && c.kills === crash.kills },
      { name: 'crash: ingest throughput including kills, restarts and retries', value: c.eventsPerSecond, unit: 'events/s', higherIsBetter: true },
      { name: 'crash: requests without a response (re-sent)', value: c.stats.noResponse, unit: 'requests', higherIsBetter: false, goal: '> 0 (the kills hit requests in flight)', met: c.stats.noResponse > 0 },
      { name: 'crash: SIGKILL to restarted API healthy (median)', value: quantile(c.restartMs, 0.5), unit: 'ms', higherIsBetter: false, samples: c.restartMs },
      { name: 'crash: SIGKILL to next committed batch (median; client-visible outage)', value: c.recoveryMs.length ? quantile(c.recoveryMs, 0.5) : -1, unit: 'ms', higherIsBetter: false, samples: c.recoveryMs },
    );
    ctx.log(`crash: ${c.source.count} events in ${c.seconds.toFixed(1)} s (${c.eventsPerSecond.toFixed(0)} events/s), ${c.stats.requests} requests, ${c.stats.noResponse} without response, restarts ${c.restartMs.map((m) => m.toFixed(0)).join('/')} ms, recoveries ${c.recoveryMs.map((m) => m.toFixed(0)).join('/')} ms, fingerprints ${c.fingerprintSeconds.toFixed(1)} s`);
  }

  if (wanted('outage')) {
    const size = { events: q ? 9000 : 200_000, batch: q ? 300 : 1000, concurrency: q ? 3 : 4 };
    ctx.log(`shard outage and database restart: ${size.events} events each`);
    const env = await openFourShards('bench', ['outage', 'restart']);
    try {
      const o = await shardOutage(env, size);
      const outageOk =
        o.readyz.status === 503 && o.readyz.unavailable.includes(DOWN_DB) && o.healthyBatch.status === 200 && o.mixedBatch.status === 503 &&
        o.mixedBatch.retryable && o.mixedBatch.retryLinesAllOnDown && o.reads.healthy === 200 && o.reads.down === 503 && !o.apiRestarted && same(o.stored, o.source);
      figures.push(
        { name: 'shard outage: healthy shards serve, down shard 503 retryable, exactly once after recovery', value: outageOk ? 1 : 0, unit: 'pass', higherIsBetter: true, goal: '1', met: outageOk },
        { name: 'shard outage: slowest answer while the shard is down', value: o.maxProbeMs, unit: 'ms', higherIsBetter: false, goal: '< 6000 (read deadline 5 s)', met: o.maxProbeMs < 6000 },
        { name: 'shard outage: shard back to /readyz 200, no API restart', value: o.recoveryMs, unit: 'ms', higherIsBetter: false, goal: '< 30000', met: o.recoveryMs >= 0 && o.recoveryMs < 30_000 },
      );
      const r = await databaseRestart(env, { ...size, stormRounds: q ? 20 : 100, stormEveryMs: 150 });
      const restartOk = r.stats.noResponse === 0 && r.after.ok === r.after.total && same(r.stored, r.source);
      figures.push(
        { name: 'database restart: slowest request (2 restarts + pg_terminate_backend)', value: r.maxMs, unit: 'ms', higherIsBetter: false, goal: '< 15000', met: r.maxMs < 15_000, samples: r.stats.latencies },
        { name: 'database restart: pools reconnect, exactly once', value: restartOk ? 1 : 0, unit: 'pass', higherIsBetter: true, goal: '1', met: restartOk },
      );
    } finally {
      await env.close();
    }
  }

  if (wanted('overload')) {
    const seconds = q ? 10 : 30;
    ctx.log(`overload: ${seconds} s at twice the measured peak`);
    const v = await overload({ maxInFlight: 32, linesPerRequest: 20, peakSeconds: q ? 3 : 10, overloadSeconds: seconds, peakConcurrency: 32, maxOutstanding: 512 });
    const shed = (v.statuses[503] ?? 0) + (v.statuses[429] ?? 0);
    figures.push(
      { name: `overload: p99 of accepted ingests at 2× peak (${v.offeredRps.toFixed(0)} req/s offered)`, value: v.acceptedP99Ms, unit: 'ms', baseline: { name: 'p99 at peak', value: v.peakP99Ms }, ratio: v.peakP99Ms / v.acceptedP99Ms, higherIsBetter: false, goal: `< ${(seconds * 1000) / 2} ms (unbounded queueing: ~${seconds * 1000} ms)`, met: v.acceptedP99Ms < (seconds * 1000) / 2, samples: v.acceptedSamples },
      { name: 'overload: share of requests shed (503 overloaded)', value: shed / (shed + (v.statuses[200] ?? 0)), unit: 'ratio', higherIsBetter: false, goal: '> 0', met: shed > 0 && v.badShed === 0 },
      { name: 'overload: goodput at 2× peak', value: v.goodputRps, unit: 'req/s', baseline: { name: 'peak', value: v.peakRps }, ratio: v.goodputRps / v.peakRps, higherIsBetter: true },
      { name: 'overload: RSS growth', value: v.rssMaxMiB - v.rssBaseMiB, unit: 'MiB', higherIsBetter: false, goal: '< 256', met: v.rssMaxMiB - v.rssBaseMiB < 256 },
    );
  }

  if (wanted('shutdown')) {
    const sd = { requests: q ? 6 : 8, lines: q ? 1500 : 5000 };
    ctx.log(`graceful shutdown: ${sd.requests} ingests of ${sd.lines} lines in flight`);
    const s = await gracefulShutdown(sd);
    const shutdownOk = s.responses.every((x) => x.status === 200) && s.exit.code === 0 && s.cleanLog && !s.graceExceeded && same(s.stored, s.source) && s.newConnection.status !== 200;
    figures.push({ name: 'graceful shutdown: SIGTERM to exit 0, in-flight ingests completed and committed', value: s.exit.ms, unit: 'ms', higherIsBetter: false, goal: '< 12000 and all committed', met: shutdownOk && s.exit.ms < 12_000 });
  }
  return figures;
}

const bench: Bench = { name: 'faults', run };
export default bench;
