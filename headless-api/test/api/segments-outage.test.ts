import pg from 'pg';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';
import { deposit, ndjson, registered, testApp } from './fixtures.js';

/**
 * A segment read never answers from part of the players: with one shard
 * database unreachable, preview, members and export fail whole with 503
 * `shard-unavailable` (retryable), and an export fails before its first byte.
 */
describe('segments when a shard database is down (real Postgres)', () => {
  const names = [0, 1].map((i) => `pb_sg_down_${process.pid}_${Date.now().toString(36)}_${i}`);
  const url = (db: string) => Object.assign(new URL(PG_ADMIN_URL), { pathname: '/' + db }).toString();
  let healthy: ShardedStorage;
  let degraded: ShardedStorage;
  let key: string;
  let segmentId: string;
  const tenant = 'sg-outage';
  const everyone = { all: [{ field: 'registered_at', op: 'is_not_null' }] };

  async function admin(sql: (n: string) => string): Promise<void> {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      for (const n of names) await c.query(sql(n));
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    await admin((n) => `CREATE DATABASE ${n}`);
    healthy = await createStorage({ driver: 'pg', urls: names.map(url), poolSize: 2, featureRefresh: 'inline' });
    await healthy.migrate();
    key = (await healthy.createApiKey(tenant, 'admin')).key;
    const { app } = testApp(healthy);
    const players = Array.from({ length: 30 }, (_, i) => `down-${i}`);
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson(players.flatMap((p) => [registered(p), deposit(p)])), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    const saved = await app.request('/v1/segments', { method: 'POST', body: JSON.stringify({ name: 'all', segment: everyone, marketing: true }), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    segmentId = ((await saved.json()) as { id: string }).id;
    const down = new URL(url(names[1]!));
    down.port = '1';
    degraded = await createStorage({ driver: 'pg', urls: [url(names[0]!), down.toString()], poolSize: 2, timeouts: { connectMs: 500, shardReadMs: 1000, shardWriteMs: 2000 } });
  }, 60_000);
  afterAll(async () => {
    await degraded?.close();
    await healthy?.close();
    await admin((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  });

  it('the healthy storage sees every player on both shards', async () => {
    const { app } = testApp(healthy);
    const res = await app.request('/v1/segments/preview', { method: 'POST', body: JSON.stringify({ segment: everyone }), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    expect(((await res.json()) as { count: number }).count).toBe(30);
    for (const db of healthy.databases) {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [tenant]);
      expect(row!.n).toBeGreaterThan(0);
    }
  });

  it.each([
    ['POST', '/v1/segments/preview', { segment: everyone, marketing: true }],
    ['GET', '/members', undefined],
    ['GET', '/export?format=csv', undefined],
  ] as const)('%s %s answers 503 shard-unavailable, retryable, with no partial result', async (method, path, body) => {
    const { app } = testApp(degraded);
    const target = path.startsWith('/v1/') ? path : `/v1/segments/${segmentId}${path}`;
    const res = await app.request(target, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ type: 'https://pitboss.dev/problems/shard-unavailable', retryable: true });
  });
});
