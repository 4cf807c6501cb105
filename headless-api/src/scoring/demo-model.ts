import { TrainingDataError } from '@pitboss/ml';
import { generate } from '@pitboss/synth';
import type { ShardedStorage } from '../storage/storage.js';
import { trainTenantModel } from './default-model.js';
import type { ScoringService } from './service.js';

/**
 * Gives a seeded synthetic tenant an active risk model: when none is active,
 * trains a logistic model on its stored features against synth's planted
 * `at_risk` labels (regenerated from the seeding parameters, which are
 * deterministic), uploads it with its card, activates it and scores every
 * player. A later call finds the active model and does nothing; with too
 * few labelled players to train on, it skips training and says why.
 *
 * @example
 * await demoModel(scoring, storage, 'demo', { players: 400, days: 90, seed: 42, start: '2026-08-31' });
 */
export async function demoModel(
  scoring: ScoringService,
  storage: ShardedStorage,
  tenantId: string,
  synth: { players: number; days: number; seed: number; start: string },
): Promise<{ trained: true; version: string; auc: number; scored: number } | { trained: false; version: string | null; skipped?: string }> {
  const { active } = await scoring.deployment(tenantId);
  if (active !== null) return { trained: false, version: active };
  const labels = new Map<string, boolean>();
  for (const p of generate(synth)) labels.set(p.player_id, p.label.at_risk);
  const existing = await scoring.list(tenantId);
  const taken = new Set(existing.models.map((m) => m.version));
  let n = existing.models.length + 1;
  while (taken.has(String(n))) n++;
  const version = String(n);
  let model: Awaited<ReturnType<typeof trainTenantModel>>;
  try {
    model = await trainTenantModel(storage, tenantId, labels, { version, synthetic: true, source: `synth seed ${synth.seed}, planted at_risk` });
  } catch (error) {
    // A demo seeded with a handful of players has too few at-risk ones to train on; the API still starts, without scores.
    if (error instanceof TrainingDataError) return { trained: false, version: null, skipped: error.message };
    throw error;
  }
  await scoring.upload(tenantId, model.bytes, model.card);
  await scoring.activate(tenantId, version);
  const scored = await scoring.scoreAll(tenantId);
  return { trained: true, version, auc: model.trained.test.rocAuc, scored };
}
