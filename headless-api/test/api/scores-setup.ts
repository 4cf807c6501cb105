import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generate } from '@pitboss/synth';
import { createApp } from '../../src/app/app.js';
import { createJsonLogger } from '../../src/app/logger.js';
import { seedTenant } from '../../src/app/seed.js';
import { inProcessBackend } from '../../src/scoring/backends.js';
import type { ScorerBackend } from '../../src/scoring/backends.js';
import { ScoringService } from '../../src/scoring/service.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';
import { LIMITS } from './fixtures.js';

/** Storage for the scoring suites: PGlite, or fresh `pb_sc_*` Postgres databases. */
export interface ScoreBackend {
  name: string;
  open(): Promise<{ storage: ShardedStorage; close(): Promise<void> }>;
}

async function pgDatabases(count: number): Promise<{ urls: string[]; drop(): Promise<void> }> {
  const prefix = `pb_sc_${process.pid}_${Date.now().toString(36)}`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
  } finally {
    await admin.end();
  }
  const url = (n: string) => {
    const u = new URL(PG_ADMIN_URL);
    u.pathname = '/' + n;
    return u.toString();
  };
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

export const SCORE_BACKENDS: ScoreBackend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-sc-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres×4',
    async open() {
      const dbs = await pgDatabases(4);
      const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4 });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await dbs.drop(); } };
    },
  },
];

/** The app with scoring, attached to ingestion, as `pitboss serve` builds it. */
export function scoringApp(storage: ShardedStorage, backend: ScorerBackend = inProcessBackend()) {
  const logger = createJsonLogger({ level: 'warn', write: (line) => void process.stderr.write(line + '\n') });
  const scoring = new ScoringService(storage, { backend, logger });
  scoring.attach();
  // Rate limits off: the scoring suites fire many requests with one key.
  const { app } = createApp({ storage, logger, config: { limits: LIMITS }, scoring, security: { rateLimit: false } });
  return { app, scoring };
}

/** Synthetic players: seeded through the ingest path; returns synth's planted `at_risk` labels. */
export async function seedSynth(storage: ShardedStorage, tenant: string, players: number, days = 30, seed = 7): Promise<Map<string, boolean>> {
  const start = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  await seedTenant({ storage, maxDeadLetterChars: LIMITS.maxDeadLetterChars }, { tenant, players, days, seed, start });
  await storage.featuresSettled();
  const labels = new Map<string, boolean>();
  for (const p of generate({ players, days, seed, start })) labels.set(p.player_id, p.label.at_risk);
  return labels;
}
