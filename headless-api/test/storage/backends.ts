import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage, StorageConfig } from '../../src/storage/index.js';
import { blackHole, closedPort, startWsProxy } from './ws-proxy.js';
import type { WsProxy } from './ws-proxy.js';

/**
 * The environments the one storage suite runs in. Each opens a fresh,
 * migrated storage; tests isolate themselves by tenant, so one storage
 * serves a whole file (PGlite must never open a data directory twice).
 */
export interface Backend {
  name: string;
  databases: number;
  open(): Promise<ShardedStorage>;
  /**
   * A second storage over the same databases in which physical database
   * `index` is unreachable (`refused`: a closed port; `hung`: a server that
   * never answers). Absent where an outage cannot happen (embedded PGlite).
   */
  openWithOutage?(index: number, kind: 'refused' | 'hung'): Promise<ShardedStorage>;
  /** Postgres backends: the shard URLs in configuration order, and the admin connection string. */
  urls?: string[];
  cleanup(): Promise<void>;
}

/** The server the Postgres suites run against (`PITBOSS_TEST_PG`, default the local one). */
export const ADMIN_URL = process.env.PITBOSS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A storage over one fresh database `name` on the Postgres server, and a cleanup that closes the storage
 * and drops the database.
 *
 * @example
 * const { storage, cleanup } = await freshPostgresStorage(`pb_fx_${process.pid}`, { featureRefresh: 'inline' });
 */
export async function freshPostgresStorage(name: string, config: Partial<Omit<StorageConfig, 'driver' | 'urls'>> = {}): Promise<{ storage: ShardedStorage; cleanup(): Promise<void> }> {
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const storage = await createStorage({ ...config, driver: 'pg', urls: [databaseUrl(name)] });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export function pgliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'pb-st-pglite-'));
  let storage: ShardedStorage | undefined;
  return {
    name: 'PGlite',
    databases: 1,
    async open() {
      storage = await createStorage({ driver: 'pglite', dataDir: dir });
      await storage.migrate();
      return storage;
    },
    async cleanup() {
      await storage?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` fresh `pb_st_*` databases on the Postgres server, through node-postgres or Neon (WebSocket via a local proxy). */
export function postgresBackend(n: number, driver: 'pg' | 'neon' = 'pg', featureRefresh: 'inline' | 'background' = 'background'): Backend {
  const prefix = `pb_st_${driver}${n}_${process.pid}_${Date.now().toString(36)}`;
  const names = Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
  const storages: ShardedStorage[] = [];
  const closers: (() => Promise<void>)[] = [];
  let neon: StorageConfig['neon'];
  const config = (urls: string[]): StorageConfig => ({
    driver,
    urls,
    poolSize: 4,
    featureRefresh,
    timeouts: { connectMs: 1500, statementMs: 20_000, shardReadMs: 3000, shardWriteMs: 20_000 },
    ...(neon ? { neon } : {}),
  });
  return {
    urls: names.map(databaseUrl),
    name: `Postgres ×${n} (${driver === 'pg' ? 'node-postgres' : 'Neon over WebSocket'}, features ${featureRefresh})`,
    databases: n,
    async open() {
      await admin(async (c) => {
        for (const name of names) await c.query(`CREATE DATABASE ${name}`);
      });
      let proxy: WsProxy | undefined;
      if (driver === 'neon') {
        proxy = await startWsProxy();
        const started = proxy;
        closers.push(() => started.close());
        neon = { webSocketConstructor: WebSocket, wsProxy: started.wsProxy, useSecureWebSocket: false };
      }
      const storage = await createStorage(config(names.map(databaseUrl)));
      storages.push(storage);
      await storage.migrate();
      if (proxy && proxy.connections === 0) throw new Error('the Neon driver did not go through the WebSocket proxy');
      return storage;
    },
    async openWithOutage(index, kind) {
      let url: string;
      if (kind === 'refused') {
        url = `postgres://postgres@127.0.0.1:${await closedPort()}/${names[index]}`;
      } else {
        const hole = await blackHole();
        closers.push(() => hole.close());
        url = `postgres://postgres@127.0.0.1:${hole.port}/${names[index]}`;
      }
      const storage = await createStorage(config(names.map((name, i) => (i === index ? url : databaseUrl(name)))));
      storages.push(storage);
      return storage;
    },
    async cleanup() {
      for (const s of storages) await s.close({ drainMs: 5000 });
      for (const close of closers) await close();
      await admin(async (c) => {
        for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}
