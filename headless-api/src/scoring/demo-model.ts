import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceModel, TrainingDataError, exportOnnx, modelCard, rocAuc, trainModel, withLabels } from '@pitboss/ml';
import type { LabelledMatrix, TrainedModel } from '@pitboss/ml';
import { loadSynthDataset } from '@pitboss/ml/node';
import { generate } from '@pitboss/synth';
import type { ShardedStorage } from '../storage/storage.js';
import { storedFeatureMatrix } from './default-model.js';
import type { ScoringService } from './service.js';

/**
 * Players in the synthetic population the demo model is trained on. Synth
 * plants `at_risk` in ~7% of players, so the 400 of a default demo tenant give
 * ~27 positives: ~16 to train on and ~5 in the test split, where a logistic
 * model over 21 features overfits and its test ROC-AUC is noise (0.535 at the
 * default seed). 3000 players give ~200 positives (~40 in the test split).
 */
export const DEMO_TRAINING_PLAYERS = 3000;

/** Seed offset of the training population: its players (ids carry the seed) are never the tenant's. */
const TRAINING_SEED_OFFSET = 1;

/**
 * Generates `players` synthetic players (synth, same period as the tenant)
 * and computes their features as `@pitboss/ml` does for a synth file: core's
 * compiled feature query in DuckDB, as of the last event. The events pass
 * through a temporary NDJSON file, removed before returning.
 */
async function trainingPopulation(synth: { players: number; days: number; seed: number; start: string }): Promise<LabelledMatrix> {
  const dir = await mkdtemp(join(tmpdir(), 'pitboss-demo-model-'));
  try {
    const eventsFile = join(dir, 'events.ndjson');
    const labelsFile = join(dir, 'events.labels.ndjson');
    const events = await open(eventsFile, 'w');
    const labels = await open(labelsFile, 'w');
    try {
      let ev: string[] = [];
      let lb: string[] = [];
      const flush = async () => {
        if (ev.length) await events.write(ev.join('\n') + '\n');
        if (lb.length) await labels.write(lb.join('\n') + '\n');
        ev = [];
        lb = [];
      };
      for (const p of generate(synth)) {
        for (const e of p.events) ev.push(JSON.stringify(e));
        lb.push(JSON.stringify(p.label));
        if (ev.length >= 20_000) await flush();
      }
      await flush();
    } finally {
      await events.close();
      await labels.close();
    }
    return (await loadSynthDataset({ eventsFile, labelsFile, target: 'risk' })).matrix;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What `demoModel` did. */
export type DemoModelResult =
  | {
      trained: true;
      version: string;
      /** ROC-AUC on the held-out test split of the training population. */
      auc: number;
      /** ROC-AUC on the tenant's stored players against their planted labels (players the model never saw); null without both classes. */
      storedAuc: number | null;
      trainingPlayers: number;
      scored: number;
    }
  | { trained: false; version: string | null; skipped?: string };

/**
 * Gives a seeded synthetic tenant an active risk model: when none is active,
 * trains a logistic model on a synthetic population generated in memory for
 * the tenant's period (`max(trainingPlayers, synth.players)` players, synth
 * seed `synth.seed + 1`, so none of them is a stored player), with the same
 * feature code as the stored features (core's feature query), against synth's
 * planted `at_risk` labels. Then it checks the model on the tenant's stored
 * features against their labels (regenerated from the seeding parameters,
 * which are deterministic), uploads it with its card, activates it and scores
 * every player. A later call finds the active model and does nothing.
 *
 * @example
 * await demoModel(scoring, storage, 'demo', { players: 400, days: 90, seed: 42, start: '2026-08-31' });
 */
export async function demoModel(
  scoring: ScoringService,
  storage: ShardedStorage,
  tenantId: string,
  synth: { players: number; days: number; seed: number; start: string },
  options: { trainingPlayers?: number } = {},
): Promise<DemoModelResult> {
  const { active } = await scoring.deployment(tenantId);
  if (active !== null) return { trained: false, version: active };
  const existing = await scoring.list(tenantId);
  const taken = new Set(existing.models.map((m) => m.version));
  let n = existing.models.length + 1;
  while (taken.has(String(n))) n++;
  const version = String(n);

  const population = { players: Math.max(options.trainingPlayers ?? DEMO_TRAINING_PLAYERS, synth.players), days: synth.days, seed: synth.seed + TRAINING_SEED_OFFSET, start: synth.start };
  const matrix = await trainingPopulation(population);
  let trained: TrainedModel;
  try {
    trained = trainModel(matrix, { kind: 'logistic', target: 'risk', seed: 42, version, name: 'pitboss-risk-logistic' });
  } catch (error) {
    // Only a population far smaller than the default can lack positives; the API still starts, without scores.
    if (error instanceof TrainingDataError) return { trained: false, version: null, skipped: error.message };
    throw error;
  }

  const labels = new Map<string, boolean>();
  for (const p of generate(synth)) labels.set(p.player_id, p.label.at_risk);
  const stored = withLabels(await storedFeatureMatrix(storage, tenantId), labels);
  const storedAucRaw = stored.rows > 0 ? rocAuc(new ReferenceModel(trained.artifact).predict(stored), stored.labels) : Number.NaN;
  const storedAuc = Number.isNaN(storedAucRaw) ? null : storedAucRaw;
  let storedPositives = 0;
  for (const y of stored.labels) storedPositives += y;

  const storedCheck = { rows: stored.rows, positives: storedPositives, rocAuc: storedAuc };
  const bytes = exportOnnx(trained.artifact, { metrics: { test: trained.test, validation: trained.validation, data: trained.data, storedPlayers: storedCheck } });
  const card = modelCard(trained, {
    description:
      `demo model for tenant ${tenantId}. Trained on ${population.players} synthetic players generated in memory ` +
      `(synth seed ${population.seed}, ${population.days} days from ${population.start}; none of them is a stored player), ` +
      `features by core's feature query as of each player's last event (the @pitboss/ml synth-file path), labels: synth's planted at_risk. ` +
      `The tenant's ${stored.rows} stored players (synth seed ${synth.seed}) are too few to train on (~7% at risk: ${storedPositives} positives); ` +
      `on their stored features against their planted labels, never seen in training, ROC-AUC ${storedAuc === null ? 'n/a' : storedAuc.toFixed(3)}.`,
    synthetic: true,
  });
  await scoring.upload(tenantId, bytes, card);
  await scoring.activate(tenantId, version);
  const scored = await scoring.scoreAll(tenantId);
  return { trained: true, version, auc: trained.test.rocAuc, storedAuc, trainingPlayers: population.players, scored };
}
