import { FEATURE_KEYS } from '@pitboss/core';
import { exportOnnx, matrixFromRows, modelCard, trainModel, withLabels } from '@pitboss/ml';
import type { FeatureMatrix, ModelKind, TrainedModel } from '@pitboss/ml';
import type { ShardedStorage } from '../storage/storage.js';

/** A model trained on a tenant's stored features, ready to upload. */
export interface TenantModel {
  bytes: Uint8Array;
  card: string;
  trained: TrainedModel;
}

/**
 * A tenant's stored player features (every shard) as a matrix in core's
 * feature order, one row per player, ordered by player id.
 *
 * @example
 * const m = await storedFeatureMatrix(storage, 'demo'); // m.ids: player ids
 */
export async function storedFeatureMatrix(storage: ShardedStorage, tenantId: string): Promise<FeatureMatrix> {
  const cols = FEATURE_KEYS.map((k) => `f.${k}`).join(', ');
  const rows = (
    await Promise.all(storage.databases.map((db) => db.query(`SELECT f.player_id, ${cols} FROM player_features f WHERE f.tenant_id = $1 ORDER BY f.player_id`, [tenantId])))
  ).flat();
  rows.sort((a, b) => (String(a.player_id) < String(b.player_id) ? -1 : 1));
  return matrixFromRows(rows, FEATURE_KEYS, 'player_id');
}

/**
 * Trains a risk model on a tenant's stored player features (every shard)
 * against labels given by player id (players without a label are left out),
 * and exports it as ONNX with its model card. Used by `pitboss start` to give
 * the demo a model trained on the seeded synthetic players (synth's planted
 * `at_risk` labels).
 *
 * @example
 * const { bytes, card } = await trainTenantModel(storage, 'demo', labels, { version: '1', synthetic: true, source: 'synth at_risk' });
 */
export async function trainTenantModel(
  storage: ShardedStorage,
  tenantId: string,
  labels: ReadonlyMap<string, boolean>,
  options: { version: string; kind?: ModelKind; seed?: number; name?: string; synthetic: boolean; source: string },
): Promise<TenantModel> {
  const labelled = withLabels(await storedFeatureMatrix(storage, tenantId), labels);
  const kind = options.kind ?? 'logistic';
  const trained = trainModel(labelled, { kind, target: 'risk', seed: options.seed ?? 42, version: options.version, name: options.name ?? `pitboss-risk-${kind}` });
  const bytes = exportOnnx(trained.artifact, { metrics: { test: trained.test, validation: trained.validation, data: trained.data } });
  const card = modelCard(trained, { description: `tenant ${tenantId}: stored player features, ${labelled.rows} players; labels: ${options.source}`, synthetic: options.synthetic });
  return { bytes, card, trained };
}
