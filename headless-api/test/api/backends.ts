import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';

/** Where the real Postgres of the test machine listens. */
export const PG_ADMIN_URL = process.env.PITBOSS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface OpenBackend {
  storage: ShardedStorage;
  /** Counts rows of a tenant in a shard table across every physical database. */
  count(table: 'events' | 'players', tenant: string): Promise<number>;
  close(): Promise<void>;
}

export interface Backend {
  name: string;
  open(): Promise<OpenBackend>;
}

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

/** Creates `count` fresh `<family>_*` databases (one family per test file keeps parallel files apart); `drop` removes them. */
export async function createDatabases(count: number, family = 'pb_api'): Promise<{ urls: string[]; drop(): Promise<void> }> {
  const prefix = `${family}_${process.pid}_${Date.now().toString(36)}`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
  } finally {
    await admin.end();
  }
  return {
    urls: names.map((n) => withDb(PG_ADMIN_URL, n)),
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

function counter(storage: ShardedStorage): OpenBackend['count'] {
  return async (table, tenant) => {
    let total = 0;
    for (const db of storage.databases) {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenant]);
      total += row!.n;
    }
    return total;
  };
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'pb-api-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    await storage.migrate();
    return {
      storage,
      count: counter(storage),
      close: async () => {
        await storage.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresBackend = (shards: number): Backend => ({
  name: `postgres×${shards}`,
  async open() {
    const dbs = await createDatabases(shards);
    const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4 });
    await storage.migrate();
    return {
      storage,
      count: counter(storage),
      close: async () => {
        await storage.close();
        await dbs.drop();
      },
    };
  },
});

/** Every backend the API suites run against. */
export const BACKENDS: Backend[] = [pgliteBackend, postgresBackend(4)];
