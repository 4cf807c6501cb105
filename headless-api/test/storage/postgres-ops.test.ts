import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageConfigError, createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { ADMIN_URL, postgresBackend } from './backends.js';
import { lines, round, tenant } from './fixtures.js';

describe('storage operations on Postgres ×2', () => {
  const backend = postgresBackend(2);
  let storage: ShardedStorage;
  beforeAll(async () => {
    storage = await backend.open();
  }, 120_000);
  afterAll(() => backend.cleanup(), 60_000);

  it('refuses shard URLs in another order than the databases were initialised with', async () => {
    const swapped = await createStorage({ driver: 'pg', urls: [...backend.urls!].reverse(), poolSize: 1 });
    try {
      await expect(swapped.migrate()).rejects.toBeInstanceOf(StorageConfigError);
    } finally {
      await swapped.close();
    }
  });

  it('refuses a shard map that names more databases than are configured', async () => {
    const fewer = await createStorage({ driver: 'pg', urls: [backend.urls![0]!], poolSize: 1 });
    try {
      await expect(fewer.ingest('t', lines([round('p1', 'e1', 1, 0, 1000)]))).rejects.toBeInstanceOf(StorageConfigError);
    } finally {
      await fewer.close();
    }
  });

  it('finishes queued feature refreshes before it closes', async () => {
    const t = tenant('drain');
    const players = Array.from({ length: 40 }, (_, i) => `d${i}`);
    const other = await createStorage({ driver: 'pg', urls: backend.urls!, poolSize: 2 });
    const outcome = await other.ingest(t, lines(players.map((p, i) => round(p, `dr${i}`, 100 + i, 0, 1000))));
    expect(outcome.accepted).toHaveLength(players.length);
    await other.close();
    const counts = await Promise.all(storage.databases.map((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM player_features WHERE tenant_id = $1', [t])));
    expect(counts.reduce((a, [r]) => a + r!.n, 0)).toBe(players.length);
    expect((await storage.getPlayer(t, 'd7'))?.features.stake_mean_30d).toBe(107);
  });

  it('keeps serving after the server kills its connections (a restart): pools reconnect', async () => {
    const t = tenant('restart');
    await storage.ingest(t, lines([round('p1', 'k1', 100, 0, 1000), round('p2', 'k2', 100, 0, 1000)]));
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      const names = backend.urls!.map((u) => new URL(u).pathname.slice(1));
      const killed = await admin.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = ANY($1)', [names]);
      expect(killed.rows[0].n).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Killed idle connections reach the pools as 'error' events (an unhandled one would crash this process);
    // the pools drop them and open new ones on the next checkout.
    await new Promise((r) => setTimeout(r, 200));
    expect((await storage.health()).every((h) => h.ok)).toBe(true);
    expect(await storage.getPlayer(t, 'p1')).toMatchObject({ player_id: 'p1' });
    const again = await storage.ingest(t, lines([round('p3', 'k3', 100, 0, 1000)]));
    expect(again.accepted).toEqual([1]);
  });
});

describe('PGlite data directory guard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-st-guard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a data directory that another live process holds', async () => {
    writeFileSync(join(dir, 'pitboss.lock'), String(process.ppid));
    await expect(createStorage({ driver: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(StorageConfigError);
    expect(readFileSync(join(dir, 'pitboss.lock'), 'utf8')).toBe(String(process.ppid));
    expect(existsSync(join(dir, 'pgdata'))).toBe(false);
  });

  it('opens it once the holder is gone, and refuses a second open in the same process', async () => {
    writeFileSync(join(dir, 'pitboss.lock'), '2147483646');
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    try {
      await expect(createStorage({ driver: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(StorageConfigError);
      expect(readFileSync(join(dir, 'pitboss.lock'), 'utf8')).toBe(String(process.pid));
    } finally {
      await storage.close();
    }
    expect(existsSync(join(dir, 'pitboss.lock'))).toBe(false);
  }, 60_000);
});
