import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll } from './lib/procs.js';
import { DOWN_DB, databaseRestart, openFourShards, shardOutage } from './scenarios.js';
import type { FourShards } from './scenarios.js';

/**
 * Four physical shards: three databases on the main server, the fourth on a
 * second Postgres cluster owned by this file, stopped and restarted under
 * traffic. The API runs as a child process and is never restarted here.
 */
describe('faults: a shard database goes down and comes back (real processes)', () => {
  let env: FourShards;
  beforeAll(async () => {
    env = await openFourShards('shard', ['outage', 'restart']);
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    await cleanupAll();
  });

  it('other shards keep serving, the down shard answers 503 retryable, /readyz names it, and the API recovers without a restart; every event lands once', async () => {
    const r = await shardOutage(env, { events: 9000, batch: 300, concurrency: 3 });
    console.log(JSON.stringify({ ...r, stats: { ...r.stats, latencies: r.stats.latencies.length } }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(r.readyz).toEqual({ status: 503, type: 'https://pitboss.dev/problems/not-ready', unavailable: [DOWN_DB] });
    expect(r.healthyBatch).toEqual({ status: 200, accepted: r.healthyBatch.lines, lines: r.healthyBatch.lines });
    expect(r.mixedBatch.onDown).toBeGreaterThan(0);
    expect(r.mixedBatch).toMatchObject({ status: 503, type: 'https://pitboss.dev/problems/shard-unavailable', retryable: true, retryAfter: '1', retryLinesAllOnDown: true });
    expect(r.mixedBatch.committed).toBe(r.mixedBatch.lines - r.mixedBatch.onDown);
    expect(r.reads).toEqual({ healthy: 200, down: 503, downType: 'https://pitboss.dev/problems/shard-unavailable', downRetryable: true });
    // Refused connections fail fast; nothing waits for a deadline.
    expect(r.maxProbeMs).toBeLessThan(6000);
    // Traffic that flowed during the outage was told to retry, and its retries landed.
    expect(r.stats.retryLines).toBeGreaterThan(0);
    expect(r.stats.badRetryable).toBe(0);
    expect(r.stats.noResponse).toBe(0);
    expect(r.stats.unexpected).toEqual([]);
    expect(r.recoveryMs).toBeGreaterThanOrEqual(0);
    expect(r.apiRestarted).toBe(false);
    expect(r.stored).toEqual(r.source);
  }, 180_000);

  // Background work meets dead connections too (feature refresh → re-score → model lookup): none of it
  // may crash the process, and no ingest answer may be a 500 (the API's error lines explain one).
  it('database restarts under traffic: pools reconnect, the API survives, no request hangs, every event lands once', async () => {
    const r = await databaseRestart(env, { events: 12_000, batch: 300, concurrency: 3, stormRounds: 20, stormEveryMs: 150 });
    console.log(JSON.stringify({ ...r, errorLog: undefined, stats: { ...r.stats, latencies: r.stats.latencies.length } }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(r.terminated).toBeGreaterThan(0);
    // No request waited for its client timeout (45 s), nor close to the server's 30 s write deadline.
    expect(r.stats.noResponse).toBe(0);
    expect(r.maxMs).toBeLessThan(15_000);
    expect(r.stats.badRetryable).toBe(0);
    expect(r.stats.unexpected, r.errorLog).toEqual([]);
    expect(Object.keys(r.readStatuses).filter((s) => !['200', '404', '503'].includes(s))).toEqual([]);
    expect(r.after.total).toBeGreaterThan(0);
    expect(r.after.ok).toBe(r.after.total);
    expect(r.stored).toEqual(r.source);
  }, 180_000);
});
