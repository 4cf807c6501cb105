// The demo risk model `pitboss start` trains must be worth showing: at the
// default seed, period (90 days, ending today as on a first start) and
// training population, its held-out ROC-AUC is well above chance, and it ranks
// the tenant's stored players (which it never saw) by their planted labels.
// It once scored 0.535: 400 players hold ~27 at-risk ones, ~5 in the test split.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, createStorage, seedTenant } from '../../src/index.js';
import type { ShardedStorage } from '../../src/storage/storage.js';
import { inProcessBackend } from '../../src/scoring/backends.js';
import { DEMO_TRAINING_PLAYERS, demoModel } from '../../src/scoring/demo-model.js';
import type { DemoModelResult } from '../../src/scoring/demo-model.js';
import { ScoringService } from '../../src/scoring/service.js';

const TENANT = 'demo';
const DAYS = 90;
// What `pitboss start` seeds by default (400 players, seed 42, the 90 days before today).
const synth = { players: 400, days: DAYS, seed: 42, start: new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10) };

describe('demoModel (what pitboss start trains on its first start)', () => {
  let dir: string;
  let storage: ShardedStorage;
  let scoring: ScoringService;
  let model: DemoModelResult;

  // Seeding 400 players and training on 3000 takes ~20 s alone; minutes on two busy cores.
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-demo-model-'));
    storage = await createStorage({ driver: 'pglite', dataDir: dir });
    await storage.migrate();
    await seedTenant({ storage, maxDeadLetterChars: 8192 }, { tenant: TENANT, ...synth });
    await storage.featuresSettled();
    scoring = new ScoringService(storage, { backend: inProcessBackend(), logger: createJsonLogger({ level: 'error', write: () => undefined }) });
    model = await demoModel(scoring, storage, TENANT, synth);
  }, 480_000);

  afterAll(async () => {
    await scoring?.close();
    await storage?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has a held-out ROC-AUC of at least 0.75 and ranks the stored players by their planted labels', () => {
    if (!model.trained) throw new Error(`no model: ${JSON.stringify(model)}`);
    expect(model.trainingPlayers).toBe(DEMO_TRAINING_PLAYERS);
    expect(model.auc).toBeGreaterThanOrEqual(0.75);
    expect(model.storedAuc).not.toBeNull();
    expect(model.storedAuc!).toBeGreaterThanOrEqual(0.7);
    expect(model.scored).toBe(synth.players);
  });

  it('uploads and activates it with a card and metrics that say what it was trained on', async () => {
    if (!model.trained) throw new Error(`no model: ${JSON.stringify(model)}`);
    expect((await scoring.deployment(TENANT)).active).toBe(model.version);
    const info = (await scoring.model(TENANT, model.version))!;
    expect(info.card).toContain(`Trained on ${DEMO_TRAINING_PLAYERS} synthetic players generated in memory`);
    expect(info.card).toContain(`ROC-AUC ${model.storedAuc!.toFixed(3)}`);
    const metrics = info.metrics as { test: { rocAuc: number }; storedPlayers: { rows: number; rocAuc: number } };
    expect(metrics.test.rocAuc).toBe(model.auc);
    expect(metrics.storedPlayers).toMatchObject({ rows: synth.players, rocAuc: model.storedAuc });
  });

  it('does nothing when the tenant already has an active model', async () => {
    if (!model.trained) throw new Error(`no model: ${JSON.stringify(model)}`);
    expect(await demoModel(scoring, storage, TENANT, synth)).toEqual({ trained: false, version: model.version });
  });
});
