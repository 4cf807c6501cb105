import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';
import { deposit } from './fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/pitboss.mjs', import.meta.url));

async function pitboss(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('pitboss retention (real Postgres, 2 shards)', () => {
  const names = Array.from({ length: 2 }, (_, i) => `pb_pv_cli_${process.pid}_${Date.now().toString(36)}_${i}`);
  const urls = names.map((n) => Object.assign(new URL(PG_ADMIN_URL), { pathname: '/' + n }).toString());
  const env = { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: urls.join(','), PITBOSS_LOG_LEVEL: 'warn' };
  let storage: ShardedStorage;

  const count = async (tenant: string) => {
    let n = 0;
    for (const db of storage.databases) n += (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant]))[0]!.n;
    return n;
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
    } finally {
      await admin.end();
    }
    storage = await createStorage({ driver: 'pg', urls, poolSize: 2, featureRefresh: 'inline' });
    await storage.migrate();
    const day = 86_400_000;
    for (const tenant of ['cli-ret', 'cli-keep']) {
      const lines = Array.from({ length: 10 }, (_, i) => ({
        line: i + 1,
        event: deposit(`${tenant}-p${i % 5}`, 100 * (i + 1), { event_id: `${tenant}-e${i}`, occurred_at: new Date(Date.now() - (i < 4 ? 800 : 5) * day).toISOString() }),
      }));
      const outcome = await storage.ingest(tenant, lines as Parameters<ShardedStorage['ingest']>[1]);
      expect(outcome.accepted).toHaveLength(10);
    }
  }, 120_000);
  afterAll(async () => {
    await storage?.close();
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });

  it('sets a horizon, deletes only that tenant\'s older events, reports and audits it', async () => {
    expect((await pitboss(['retention', '--set-days', '30'], env)).code).toBe(2);
    expect((await pitboss(['retention', '--tenant', 'cli-ret', '--set-days', '-1'], env)).code).toBe(2);
    const r = await pitboss(['retention', '--tenant', 'cli-ret', '--set-days', '365'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cli-ret\t365d\t\S+\tevents=4\tdead_letters=0\n$/);
    expect(await count('cli-ret')).toBe(6);
    expect(await count('cli-keep')).toBe(10);
    const again = await pitboss(['retention'], env);
    expect(again.stdout).toMatch(/^cli-ret\t365d\t\S+\tevents=0\tdead_letters=0\n$/);
    const audit = await storage.privacy.queryAudit('cli-ret', { action: 'retention.run', limit: 10 });
    expect(audit.map((a) => a.details.events_deleted)).toEqual([0, 4]);
    expect((await pitboss(['retention', '--tenant', 'cli-ret', '--clear'], env)).code).toBe(0);
    expect(await storage.privacy.retention('cli-ret')).toBeNull();
    expect((await pitboss(['retention'], env)).stdout).toBe('');
  }, 120_000);
});
