import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll } from './lib/procs.js';
import { crashDuringIngest } from './scenarios.js';

describe('faults: the API process is SIGKILLed during ingest', () => {
  afterAll(cleanupAll);

  it('every event is stored exactly once after 3 kills and client retries (count and content checksum)', async () => {
    const r = await crashDuringIngest({ events: 24_000, batch: 400, concurrency: 4, kills: 3, shards: 2, seed: 11 });
    console.log(JSON.stringify({ ...r, stats: { ...r.stats, latencies: r.stats.latencies.length } }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(r.kills).toBe(3);
    // The kills hit requests in flight: otherwise this would prove nothing about lost responses.
    expect(r.stats.noResponse).toBeGreaterThan(0);
    expect(r.stats.unexpected).toEqual([]);
    expect(r.source.count).toBe(24_000);
    expect(r.stored.count).toBe(r.source.count);
    expect(r.stored.sum).toBe(r.source.sum);
  }, 240_000);
});
