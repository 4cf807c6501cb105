import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { EMPTY_SETTINGS, TenantSettingsStore } from '../../src/app/tenant-settings.js';
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

describe.each(authBackends)('tenant settings cache on $name', (backend) => {
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
});
