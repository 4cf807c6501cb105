import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll } from './lib/procs.js';
import { overload } from './scenarios.js';

describe('faults: twice the peak request rate', () => {
  afterAll(cleanupAll);

  it('sheds load with 503 overloaded + Retry-After instead of queueing; p99 of accepted requests and RSS stay bounded', async () => {
    const r = await overload({ maxInFlight: 32, linesPerRequest: 20, peakSeconds: 3, overloadSeconds: 10, peakConcurrency: 32, maxOutstanding: 512 });
    console.log(JSON.stringify({ ...r, acceptedSamples: r.acceptedSamples.length }));
    const seconds = 10;
    expect(r.peakRps).toBeGreaterThan(0);
    // The client offered well past the peak (2× is the target; a shared 2-core machine may fall a little short).
    expect(r.offeredRps).toBeGreaterThan(1.5 * r.peakRps);
    const shed = (r.statuses[503] ?? 0) + (r.statuses[429] ?? 0);
    expect(shed).toBeGreaterThan(0);
    expect(Object.keys(r.statuses).filter((s) => !['200', '429', '503'].includes(s))).toEqual([]);
    expect(r.badShed).toBe(0);
    expect(r.noResponse).toBe(0);
    expect(r.statuses[200] ?? 0).toBeGreaterThan(0);
    // Queueing without bound at 2× would grow latency by one second per second of overload, to about
    // 10 s at the end of the run; the bound is half of that, or twice the p99 at peak when the
    // shared machine is so busy that the peak itself is that slow.
    const bound = Math.max((seconds * 1000) / 2, 2 * r.peakP99Ms);
    expect(r.acceptedP99Ms).toBeLessThan(bound);
    expect(r.shedP99Ms).toBeLessThan(bound);
    expect(r.rssMaxMiB).toBeLessThan(r.rssBaseMiB + 256);
    expect(r.afterStatus).toBe(200);
  }, 180_000);
});
