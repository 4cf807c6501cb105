import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { Hono } from 'hono';
import { authenticate } from '../../src/app/auth.js';
import { errorHandler } from '../../src/app/errors.js';
import { EMPTY_SETTINGS, TenantSettingsStore } from '../../src/app/tenant-settings.js';
import type { AppEnv, Principal } from '../../src/app/types.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import type { Database } from '../../src/storage/pool.js';
import { authBackends } from './auth-helpers.js';

/**
 * The control database, with its reads of `tenant_auth` counted; every call
 * still reaches the database. While `hold` is set, a read's answer is kept
 * until it resolves (a read that is slow to come back).
 */
function counted(control: Database): { db: Database; reads: () => number; hold: Promise<void> | null } {
  const state = { reads: 0, hold: null as Promise<void> | null };
  const db = new Proxy(control, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
      return async (sql: string, params?: unknown[], options?: { name?: string; timeoutMs?: number }) => {
        if (options?.name !== 'pb_tenant_auth') return target.query(sql, params, options);
        state.reads++;
        const hold = state.hold;
        const rows = await target.query(sql, params, options);
        await hold;
        return rows;
      };
    },
  });
  return {
    db,
    reads: () => state.reads,
    get hold() {
      return state.hold;
    },
    set hold(p) {
      state.hold = p;
    },
  };
}

describe.each(authBackends)('tenant settings and API key caches on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  const tenant = `ts${Date.now().toString(36)}`;

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    await storage.createApiKey(tenant, 'admin');
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('an expired entry is read once, however many requests wait for it', async () => {
    let clock = 0;
    const { db, reads } = counted(storage.control);
    const store = new TenantSettingsStore(db, 1000, () => clock);
    const first = await Promise.all(Array.from({ length: 50 }, () => store.get(tenant)));
    expect(reads()).toBe(1);
    expect(first.every((s) => s === first[0])).toBe(true);
    expect(store.cached(tenant)).toBe(first[0]);
    clock = 1001;
    expect(store.cached(tenant)).toBeUndefined();
    await Promise.all(Array.from({ length: 50 }, () => store.get(tenant)));
    expect(reads()).toBe(2);
  });

  it('in the last fifth of its life an entry is served while one read in the background replaces it', async () => {
    let clock = 0;
    const control = counted(storage.control);
    const store = new TenantSettingsStore(control.db, 1000, () => clock);
    const first = await store.get(tenant);
    clock = 850;
    const served = await Promise.all(Array.from({ length: 20 }, () => store.get(tenant)));
    expect(served.every((s) => s === first)).toBe(true);
    expect(control.reads()).toBe(2);
    // Past the first entry's end: only the entry the background read stored can answer.
    clock = 1500;
    await vi.waitFor(() => expect(store.cached(tenant)).toBeDefined());
    await store.get(tenant);
    expect(control.reads()).toBe(2);
  });

  it('a change made through the store wins over a read that began before it and answers after it', async () => {
    const control = counted(storage.control);
    const store = new TenantSettingsStore(control.db, 60_000);
    let release!: () => void;
    control.hold = new Promise<void>((r) => (release = r));
    const before = store.get(tenant);
    const origins = ['https://bo.example'];
    expect(await store.put(tenant, { ...EMPTY_SETTINGS, allowedOrigins: origins })).toBe(true);
    control.hold = null;
    release();
    await before;
    expect((await store.get(tenant)).allowedOrigins).toEqual(origins);
    expect(store.cached(tenant)?.allowedOrigins).toEqual(origins);
  });

  it('an API key in the last fifth of its cache life is served while one lookup in the background renews it; a revoked key is dropped by it', async () => {
    let clock = 0;
    let lookups = 0;
    let lastLookup: Promise<unknown> = Promise.resolve();
    const verifying = {
      verifyApiKey: (key: string): Promise<Principal | null> => {
        lookups++;
        const lookup = storage.verifyApiKey(key);
        lastLookup = lookup.catch(() => undefined);
        return lookup;
      },
    };
    const app = new Hono<AppEnv>();
    app.onError(errorHandler());
    app.use('*', authenticate(verifying, { cacheTtlMs: 1000, now: () => clock }));
    app.get('/who', (c) => c.text(c.get('principal').tenant));
    const { key, id } = await storage.createApiKey(tenant, 'analyst');
    const who = () => app.request('/who', { headers: { authorization: `Bearer ${key}` } });
    expect((await who()).status).toBe(200);
    expect(lookups).toBe(1);
    clock = 850;
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await who()).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(lookups).toBe(2);
    // The renewal must have read the key before it is revoked, or it sees the revocation itself.
    await lastLookup;
    await storage.revokeApiKey(tenant, id);
    clock = 1700;
    // Still within the renewed entry's life (until 1850): only the lookup in the background can see the revocation.
    await vi.waitFor(async () => expect((await who()).status).toBe(401));
    expect(lookups).toBeGreaterThanOrEqual(3);
  });
});
