import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';

/** Backends of the export and stream suites; Postgres databases are named `pb_ex_*`. */
export interface ExBackend {
  name: string;
  postgres: boolean;
  /** `urls`: the Postgres databases (absent for PGlite), for a second storage over the same data. */
  open(): Promise<{ storage: ShardedStorage; close(): Promise<void>; urls?: string[] }>;
}

async function postgresShards(count: number): Promise<{ urls: string[]; drop(): Promise<void> }> {
  const prefix = `pb_ex_${process.pid}_${Date.now().toString(36)}`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  const url = (db: string) => Object.assign(new URL(PG_ADMIN_URL), { pathname: '/' + db }).toString();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
  } finally {
    await admin.end();
  }
  return {
    urls: names.map(url),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const pgliteEx: ExBackend = {
  name: 'pglite',
  postgres: false,
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'pb-ex-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
    await storage.migrate();
    return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
  },
};

export const postgresEx = (shards: number): ExBackend => ({
  name: `postgres×${shards}`,
  postgres: true,
  async open() {
    const dbs = await postgresShards(shards);
    const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4, featureRefresh: 'inline' });
    await storage.migrate();
    return { storage, urls: dbs.urls, close: async () => { await storage.close(); await dbs.drop(); } };
  },
});

export const EX_BACKENDS: ExBackend[] = [pgliteEx, postgresEx(4)];
