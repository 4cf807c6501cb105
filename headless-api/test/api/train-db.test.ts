import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FEATURE_KEYS } from '@pitboss/core';
import { META, readOnnxMetadata } from '@pitboss/ml';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { scoringApp, seedSynth } from './scores-setup.js';

const BIN = fileURLToPath(new URL('../../bin/pitboss.mjs', import.meta.url));
const exec = promisify(execFile);

async function pitboss(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Backend {
  name: string;
  /** Storage for seeding; `env` points the CLI at the same databases; `release` lets the CLI in (PGlite: one process per data dir). */
  open(dir: string): Promise<{ storage: ShardedStorage; env: Record<string, string>; release(): Promise<void>; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'pglite',
    async open(dir) {
      const data = join(dir, 'data');
      const storage = await createStorage({ driver: 'pglite', dataDir: data });
      await storage.migrate();
      let open = true;
      const release = async () => {
        if (open) await storage.close();
        open = false;
      };
      return { storage, env: { PITBOSS_DRIVER: 'pglite', PITBOSS_DATA_DIR: data }, release, close: release };
    },
  },
  {
    name: 'postgres×2',
    async open() {
      const dbs = await createDatabases(2, 'pb_trn');
      const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4 });
      await storage.migrate();
      return {
        storage,
        env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: dbs.urls.join(',') },
        release: async () => undefined,
        close: async () => {
          await storage.close();
          await dbs.drop();
        },
      };
    },
  },
];

describe.each(backends)('pitboss train --from db on $name', (backend) => {
  let dir: string;
  let env: Record<string, string>;
  let close: () => Promise<void>;
  let labelled = 0;
  let positives = 0;
  const tenant = 'trn';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-trn-'));
    const b = await backend.open(dir);
    env = { ...b.env, PITBOSS_LOG_LEVEL: 'warn' };
    close = b.close;
    // A seeded tenant (synth through the ingest path), its planted at_risk outcomes posted as labels over HTTP.
    // Features are computed as of now: seeding sees one fixed instant, so the model's metrics do not depend on the time of day.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T12:00:00Z'));
    let planted: Map<string, boolean>;
    try {
      planted = await seedSynth(b.storage, tenant, 200);
    } finally {
      vi.useRealTimers();
    }
    const { app, scoring } = scoringApp(b.storage);
    const { key } = await b.storage.createApiKey(tenant, 'admin');
    await b.storage.createApiKey('nolabels', 'admin');
    const labels = [...planted].map(([player_id, atRisk]) => ({ player_id, label: atRisk ? 1 : 0 }));
    labelled = labels.length;
    positives = labels.filter((l) => l.label === 1).length;
    const res = await app.request('/v1/labels', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ target: 'risk', labels }) });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ stored: labels.length });
    await scoring.close();
    await b.release();
  }, 300_000);
  afterAll(async () => {
    await close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains a risk model from the stored features and posted labels, with progress; the ONNX file carries its metrics and metadata', async () => {
    const out = join(dir, 'risk.onnx');
    const r = await pitboss(['train', '--target', 'risk', '--from', 'db', '--tenant', tenant, '--out', out, '--seed', '3', '--trained-at', '2026-11-01T00:00:00Z'], env);
    expect(r.code, r.stderr).toBe(0);
    // Progress on stderr: per database, the matrix, epochs, the file.
    expect(r.stderr).toMatch(/train: reading tenant trn from \d+ databases? \((pglite|pg)\)/);
    expect(r.stderr).toMatch(/train: database 0: \d+ players with features, \d+ risk labels/);
    expect(r.stderr).toContain(`train: ${labelled} labelled players`);
    expect(r.stderr).toMatch(/train: epoch 1: train loss/);
    expect(r.stderr).toMatch(/train: test: ROC-AUC 0\.\d+/);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { from: string; rows: number; positives: number; rocAuc: number; model: string };
    expect(summary).toMatchObject({ from: 'db', rows: labelled, positives, model: out });
    // Planted at-risk players are found better than by chance.
    expect(summary.rocAuc).toBeGreaterThan(0.55);

    const meta = readOnnxMetadata(new Uint8Array(await readFile(out)));
    expect(meta[META.target]).toBe('risk');
    expect(meta[META.kind]).toBe('logistic');
    expect(meta[META.trainedAt]).toBe('2026-11-01T00:00:00Z');
    expect(JSON.parse(meta[META.features]!)).toEqual([...FEATURE_KEYS]);
    const metrics = JSON.parse(meta[META.metrics]!) as { test: { rocAuc: number; prAuc: number; ece: number }; data: { rows: number; positives: number } };
    expect(metrics.data).toMatchObject({ rows: labelled, positives });
    expect(metrics.test.rocAuc).toBeCloseTo(summary.rocAuc, 12);
    expect(metrics.test.ece).toBeGreaterThanOrEqual(0);
    const card = await readFile(join(dir, 'risk.card.md'), 'utf8');
    expect(card).toContain('Tenant `trn`');
    expect(card).toContain('POST /v1/labels');
    expect(card).toContain('| ROC-AUC |');
  }, 300_000);

  it('fails clearly, exit 1, for a tenant without labels or a target nobody labelled; usage errors exit 2', async () => {
    const none = await pitboss(['train', '--target', 'risk', '--from', 'db', '--tenant', 'nolabels', '--out', join(dir, 'x.onnx')], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('pitboss train: tenant nolabels has no risk labels: post outcomes with POST /v1/labels');
    const churn = await pitboss(['train', '--target', 'churn', '--from', 'db', '--tenant', tenant, '--out', join(dir, 'x.onnx')], env);
    expect(churn.code).toBe(1);
    expect(churn.stderr).toContain('tenant trn has no churn labels');
    const noTenant = await pitboss(['train', '--target', 'risk', '--from', 'db'], env);
    expect(noTenant.code).toBe(2);
    expect(noTenant.stderr).toContain('--from db needs --tenant');
  }, 300_000);
});
