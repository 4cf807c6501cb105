import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll } from './lib/procs.js';
import { gracefulShutdown } from './scenarios.js';

describe('faults: SIGTERM with ingests in flight', () => {
  afterAll(cleanupAll);

  it('stops accepting, completes in-flight ingests (even bodies still streaming), commits their events, closes pools and exits 0', async () => {
    const r = await gracefulShutdown({ requests: 6, lines: 1500 });
    // A new connection is refused, or answered 503 shutting-down: never served as if nothing happened.
    expect(r.newConnection.status === 0 ? r.newConnection.error : r.newConnection.type).toMatch(/ECONNREFUSED|shutting-down|not-ready/);
    expect(r.responses.map((x) => x.status)).toEqual(Array(6).fill(200));
    expect(r.responses.reduce((n, x) => n + x.accepted, 0)).toBe(6 * 1500);
    expect(r.responses.filter((x) => x.streamed).every((x) => x.finishedAfterSigterm)).toBe(true);
    expect(r.exit).toMatchObject({ code: 0, signal: null });
    expect(r.exit.ms).toBeLessThan(12_000);
    expect(r.cleanLog).toBe(true);
    expect(r.graceExceeded).toBe(false);
    expect(r.stored).toEqual(r.source);
  }, 180_000);
});
