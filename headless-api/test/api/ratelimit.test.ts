import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createApp } from '../../src/app/app.js';
import { createJsonLogger } from '../../src/app/logger.js';
import { DEFAULT_KEY_LIMIT, DEFAULT_TENANT_LIMIT } from '../../src/app/rate-limit.js';
import { authApp, authBackends } from './auth-helpers.js';
import { LIMITS } from './fixtures.js';

describe.each(authBackends)('rate limits on $name', (backend) => {
  let storage: ShardedStorage;
  let urls: string[] | null;
  let close: () => Promise<void>;
  const run = Date.now().toString(36);
  let n = 0;
  const newTenant = async (...roles: ('admin' | 'agent')[]) => {
    const tenant = `rl${run}${n++}`;
    return Promise.all(roles.map(async (r) => (await storage.createApiKey(tenant, r)).key));
  };
  const get = (app: ReturnType<typeof authApp>, key: string) => app.request('/v1/players', { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    ({ storage, urls, close } = await backend.open());
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('on by default: an app built without rate-limit options limits per key and per tenant in memory; false turns it off', async () => {
    const logger = createJsonLogger({ level: 'silent' });
    const [key] = await newTenant('admin');
    const { app } = createApp({ storage, logger, config: { limits: LIMITS } });
    const first = await get(app, key!);
    expect(first.status).toBe(200);
    // The key's bucket is the tighter one (200 < 800): its figures are in the headers.
    expect(first.headers.get('ratelimit-limit')).toBe(String(DEFAULT_KEY_LIMIT.burst));
    expect(first.headers.get('ratelimit-policy')).toBe(`${DEFAULT_KEY_LIMIT.burst};w=${DEFAULT_KEY_LIMIT.burst / DEFAULT_KEY_LIMIT.rate}`);
    expect(Number(first.headers.get('ratelimit-remaining'))).toBe(DEFAULT_KEY_LIMIT.burst - 1);
    expect(DEFAULT_TENANT_LIMIT.burst).toBeGreaterThan(DEFAULT_KEY_LIMIT.burst);
    // Past the burst (taken at once, before the bucket can refill much), 429.
    const statuses = await Promise.all(Array.from({ length: DEFAULT_KEY_LIMIT.burst + 60 }, async () => (await get(app, key!)).status));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const off = createApp({ storage, logger, config: { limits: LIMITS }, security: { rateLimit: false } }).app;
    const free = await get(off, key!);
    expect(free.status).toBe(200);
    expect(free.headers.get('ratelimit-limit')).toBeNull();
  }, 120_000);

  it('per key: a burst, then 429 with Retry-After and RateLimit headers; other keys unaffected; refills over time', async () => {
    const app = authApp(storage, { rateLimit: { perKey: { rate: 2, burst: 3 }, perTenant: { rate: 100, burst: 100 } } });
    const [k1, k2] = await newTenant('admin', 'agent');
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get(app, k1!);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await get(app, k1!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { type: string }).type).toBe('https://pitboss.dev/problems/rate-limited');
    expect((await get(app, k2!)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect((await get(app, k1!)).status).toBe(200);
  });

  it('per tenant: all keys of a tenant share one bucket; a tenant override in its settings wins', async () => {
    const app = authApp(storage, { rateLimit: { perKey: { rate: 100, burst: 100 }, perTenant: { rate: 0.5, burst: 4 } } });
    const [k1, k2] = await newTenant('admin', 'agent');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(app, k1!)).status, (await get(app, k2!)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);

    const [admin] = await newTenant('admin');
    const put = await app.request('/v1/tenant/settings', {
      method: 'PUT',
      body: JSON.stringify({ allowed_origins: [], jwt: null, rate_limit: { key: { rate: 0.5, burst: 2 }, tenant: null } }),
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    // The bucket that served the PUT under the default burst is capped at the new burst of 2.
    expect([(await get(app, admin!)).status, (await get(app, admin!)).status, (await get(app, admin!)).status]).toEqual([200, 200, 429]);
  });

  it('shared through the control database: two API processes draw from one bucket; in memory, each has its own', async (ctx) => {
    if (!urls) ctx.skip();
    const second = await createStorage({ driver: 'pg', urls: urls!, poolSize: 2 });
    try {
      const limits = { perKey: { rate: 0.2, burst: 4 }, perTenant: { rate: 100, burst: 100 } };
      const a = authApp(storage, { rateLimit: { ...limits, store: 'postgres' } });
      const b = authApp(second, { rateLimit: { ...limits, store: 'postgres' } });
      const [key] = await newTenant('admin');
      const shared = [];
      for (let i = 0; i < 3; i++) shared.push((await get(a, key!)).status, (await get(b, key!)).status);
      expect(shared).toEqual([200, 200, 200, 200, 429, 429]);

      const ma = authApp(storage, { rateLimit: { ...limits, store: 'memory' } });
      const mb = authApp(second, { rateLimit: { ...limits, store: 'memory' } });
      const [other] = await newTenant('admin');
      const separate = [];
      for (let i = 0; i < 5; i++) separate.push((await get(ma, other!)).status, (await get(mb, other!)).status);
      expect(separate).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await second.close();
    }
  });

  it('concurrent takes on the shared bucket never grant more than the burst', async (ctx) => {
    if (!urls) ctx.skip();
    const app = authApp(storage, { rateLimit: { perKey: { rate: 0.1, burst: 10 }, perTenant: { rate: 100, burst: 100 }, store: 'postgres' } });
    const [key] = await newTenant('admin');
    const statuses = await Promise.all(Array.from({ length: 30 }, async () => (await get(app, key!)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
  it('one statement takes both buckets: a request its tenant refuses leaves its key bucket alone; the shared table is unlogged', async (ctx) => {
    if (!urls) ctx.skip();
    const app = authApp(storage, { rateLimit: { perKey: { rate: 0.01, burst: 5 }, perTenant: { rate: 0.01, burst: 2 }, store: 'postgres' } });
    const tenant = `rl${run}${n}`;
    const [key] = await newTenant('admin');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(app, key!)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const rows = await storage.control.query<{ bucket: string; tokens: number }>(`SELECT bucket, tokens FROM rate_buckets WHERE bucket = $1 OR bucket LIKE $2 ORDER BY bucket`, [`t:${tenant}`, `k:${tenant}:%`]);
    expect(rows.map((r) => [r.bucket.split(':')[0], Math.floor(Number(r.tokens))])).toEqual([['k', 3], ['t', 0]]);
    const [persistence] = await storage.control.query<{ relpersistence: string }>(`SELECT relpersistence FROM pg_class WHERE relname = 'rate_buckets'`);
    expect(persistence!.relpersistence).toBe('u');
  });
});
