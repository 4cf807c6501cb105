import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { bet, ndjson, testApp } from './fixtures.js';

/**
 * A real outage: two shard databases are migrated, then the API runs with the
 * second one's URL pointing at a port where nothing listens.
 */
describe('a shard database is down (real Postgres)', () => {
  let dbs: Awaited<ReturnType<typeof createDatabases>>;
  let healthy: ShardedStorage;
  let degraded: ShardedStorage;
  let key: string;
  const tenant = 'outage';

  beforeAll(async () => {
    dbs = await createDatabases(2);
    healthy = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 2 });
    await healthy.migrate();
    key = (await healthy.createApiKey(tenant, 'admin')).key;
    const down = new URL(dbs.urls[1]!);
    down.port = '1';
    degraded = await createStorage({ driver: 'pg', urls: [dbs.urls[0]!, down.toString()], poolSize: 2, timeouts: { connectMs: 500, shardReadMs: 1000, shardWriteMs: 2000 } });
  }, 60_000);
  afterAll(async () => {
    await degraded?.close();
    await healthy?.close();
    await dbs?.drop();
  });

  it('/readyz answers 503 naming the unreachable database', async () => {
    const { app } = testApp(degraded);
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'https://pitboss.dev/problems/not-ready', unavailable: [1] });
  });

  it('commits lines of the healthy shard and answers 503 retryable for the others; a retry later stores each once', async () => {
    const { app } = testApp(degraded);
    const events = Array.from({ length: 40 }, (_, i) => bet(`outage-${i}`));
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson(events), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const p = (await res.json()) as { type: string; retryable: boolean; report: { accepted: number; retryable: number; retry: { line: number; retryable: boolean }[] } };
    expect(p.type).toBe('https://pitboss.dev/problems/shard-unavailable');
    expect(p.retryable).toBe(true);
    expect(p.report.accepted).toBeGreaterThan(0);
    expect(p.report.retryable).toBeGreaterThan(0);
    expect(p.report.accepted + p.report.retryable).toBe(40);
    expect(p.report.retry.every((r) => r.retryable)).toBe(true);

    const [row] = await healthy.databases[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant]);
    expect(row!.n).toBe(p.report.accepted);

    const { app: recovered } = testApp(healthy);
    const again = await recovered.request('/v1/events', { method: 'POST', body: ndjson(events), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ accepted: p.report.retryable, duplicate: p.report.accepted, rejected: 0 });
  });

  it('a read of a player on the down shard answers 503 retryable', async () => {
    const { app } = testApp(degraded);
    let onDown: string | undefined;
    for (let i = 0; i < 40 && !onDown; i++) if ((await degraded.databaseOf(tenant, `outage-${i}`)) === 1) onDown = `outage-${i}`;
    const res = await app.request(`/v1/players/${onDown}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'https://pitboss.dev/problems/shard-unavailable', retryable: true });
  });
});
