import { parseEvent } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFeatureAgeing } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { pgliteBackend, postgresBackend } from './backends.js';

/**
 * Windowed features change with time alone: the aged-features sweep must
 * recompute players whose features were computed long ago (and only those),
 * hand them to the re-score listener, and run on its own timer in a server.
 * "Long ago" is made by moving `computed_at` back and planting a value that
 * a recomputation must replace.
 */

const DAY = 86_400_000;
const NOW = Date.now();

function deposit(id: string, player: string, at: number): Event {
  const r = parseEvent(
    { schema_version: 1, event_id: id, player_id: player, occurred_at: new Date(at).toISOString(), type: 'payment', payment_id: `pay-${id}`, direction: 'deposit', status: 'approved', amount_minor: 5000, currency: 'EUR', method: 'card' },
    { now: NOW },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

describe.each([pgliteBackend(), postgresBackend(4)])('aged features on $name', (backend) => {
  let storage: ShardedStorage;
  const tenant = `age${Date.now().toString(36)}`;
  const other = `${tenant}x`;
  const refreshed: string[] = [];

  /** Makes `player`'s features look computed `hoursAgo` hours ago, holding a deposit sum no recomputation would give. */
  const age = async (t: string, player: string, hoursAgo: number, planted: number) => {
    for (const db of storage.databases) {
      await db.query(`UPDATE player_features SET computed_at = now() - $3::int * interval '1 hour', deposit_sum_30d = $4 WHERE tenant_id = $1 AND player_id = $2`, [t, player, hoursAgo, planted]);
    }
  };
  const features = async (t: string, player: string) => {
    for (const db of storage.databases) {
      const [row] = await db.query<{ deposit_sum_30d: string | number | null; age_s: number }>(
        'SELECT deposit_sum_30d, extract(epoch FROM now() - computed_at)::float8 AS age_s FROM player_features WHERE tenant_id = $1 AND player_id = $2',
        [t, player],
      );
      if (row) return { depositSum: row.deposit_sum_30d === null ? null : Number(row.deposit_sum_30d), ageS: Number(row.age_s) };
    }
    throw new Error(`no features for ${player}`);
  };

  beforeAll(async () => {
    storage = await backend.open();
    storage.onFeaturesRefreshed(async (t, players) => {
      if (t === tenant || t === other) refreshed.push(...players.map((p) => `${t}/${p}`));
    });
    const lines = [deposit('e1', 'old', NOW - 20 * DAY), deposit('e2', 'fresh', NOW - 2 * DAY), deposit('e3', 'quiet', NOW - 40 * DAY)].map((event, i) => ({ line: i + 1, event }));
    expect((await storage.ingest(tenant, lines)).accepted).toHaveLength(3);
    expect((await storage.ingest(other, [{ line: 1, event: deposit('e4', 'old', NOW - 20 * DAY) }])).accepted).toHaveLength(1);
    await storage.featuresSettled();
  }, 120_000);
  afterAll(async () => {
    await backend.cleanup();
  });

  it('recomputes the players whose features are older than the limit, of the tenant asked for, and hands them to the re-score listener', async () => {
    expect((await features(tenant, 'old')).depositSum).toBe(5000);
    expect((await features(tenant, 'quiet')).depositSum).toBe(0);
    await age(tenant, 'old', 48, 1);
    await age(tenant, 'quiet', 30, 5000); // as if computed while its deposit was still inside the 30 days
    await age(tenant, 'fresh', 1, 7);
    await age(other, 'old', 48, 3);
    refreshed.length = 0;

    const report = await storage.refreshAgedFeatures({ maxAgeMs: DAY, tenant });
    expect(report).toEqual({ queued: 2, errors: [] });
    await storage.featuresSettled();

    expect(await features(tenant, 'old')).toMatchObject({ depositSum: 5000 });
    expect(await features(tenant, 'quiet')).toMatchObject({ depositSum: 0 });
    expect((await features(tenant, 'quiet')).ageS).toBeLessThan(3600);
    // Younger than the limit, or another tenant: untouched, planted values and all.
    expect(await features(tenant, 'fresh')).toMatchObject({ depositSum: 7 });
    expect(await features(other, 'old')).toMatchObject({ depositSum: 3 });
    expect(refreshed.sort()).toEqual([`${tenant}/old`, `${tenant}/quiet`]);

    // Without a tenant, every tenant's aged players; a second sweep finds nothing left.
    expect(await storage.refreshAgedFeatures({ maxAgeMs: DAY })).toMatchObject({ queued: 1 });
    await storage.featuresSettled();
    expect(await features(other, 'old')).toMatchObject({ depositSum: 5000 });
    expect(await storage.refreshAgedFeatures({ maxAgeMs: DAY, tenant: other })).toEqual({ queued: 0, errors: [] });
  });

  it('queues the oldest first, at most `limit` per database', async () => {
    await age(tenant, 'old', 30, 1);
    await age(tenant, 'quiet', 50, 1);
    const report = await storage.refreshAgedFeatures({ maxAgeMs: DAY, tenant, limit: 1 });
    await storage.featuresSettled();
    const oldest = await features(tenant, 'quiet');
    const next = await features(tenant, 'old');
    if (storage.databases.length === 1) {
      expect(report.queued).toBe(1);
      expect(oldest.depositSum).toBe(0);
      expect(next.depositSum).toBe(1);
    } else {
      // One per database: both when they live on different ones.
      expect(report.queued).toBeGreaterThanOrEqual(1);
      expect(oldest.depositSum).toBe(0);
    }
    await storage.refreshAgedFeatures({ maxAgeMs: DAY, tenant });
    await storage.featuresSettled();
    expect((await features(tenant, 'old')).depositSum).toBe(5000);
  });

  it('a server sweeps on its own timer until stopped, and refuses a nonsensical age', async () => {
    await age(tenant, 'old', 30, 2);
    const ageing = startFeatureAgeing(storage, { maxAgeMs: DAY, everyMs: 50 });
    try {
      await vi.waitFor(async () => expect((await features(tenant, 'old')).depositSum).toBe(5000), { timeout: 20_000, interval: 100 });
    } finally {
      ageing.stop();
    }
    expect(await ageing.sweep()).toBeNull();
    await expect(storage.refreshAgedFeatures({ maxAgeMs: 0 })).rejects.toThrow(RangeError);
    await expect(storage.refreshAgedFeatures({ maxAgeMs: DAY, limit: 0 })).rejects.toThrow(RangeError);
  });
});

describe('the aged-features timer', () => {
  it('skips a sweep while the refresher is behind and sweeps again once it has caught up', async () => {
    let backlog = 50;
    let sweeps = 0;
    const storage = {
      featureStatus: () => ({ backlog }),
      refreshAgedFeatures: async () => (sweeps++, { queued: 0, errors: [] }),
    };
    const ageing = startFeatureAgeing(storage, { maxAgeMs: DAY, everyMs: 3_600_000, maxBacklog: 10 });
    try {
      expect(await ageing.sweep()).toBeNull();
      expect(sweeps).toBe(0);
      backlog = 0;
      expect(await ageing.sweep()).toEqual({ queued: 0, errors: [] });
      expect(sweeps).toBe(1);
      // Overlapping calls share the sweep in progress.
      const [a, b] = [ageing.sweep(), ageing.sweep()];
      expect(a).toBe(b);
      await a;
      expect(sweeps).toBe(2);
    } finally {
      ageing.stop();
    }
  });
});
