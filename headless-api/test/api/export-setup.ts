import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';

/** Backends of the export and stream suites; Postgres databases are named `pb_ex_*`. */
export interface ExBackend {
  name: string;
  postgres: boolean;
  /** `urls`: the Postgres databases (absent for PGlite), for a second storage over the same data. */
  open(): Promise<{ storage: ShardedStorage; close(): Promise<void>; urls?: string[] }>;
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
    const dbs = await createDatabases(shards, 'pb_ex');
    const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4, featureRefresh: 'inline' });
    await storage.migrate();
    return { storage, urls: dbs.urls, close: async () => { await storage.close(); await dbs.drop(); } };
  },
});

export const EX_BACKENDS: ExBackend[] = [pgliteEx, postgresEx(4)];
