import { FEATURE_KEYS } from '@pitboss/core';
import type { LabelledMatrix } from './matrix.js';
import { matrixFromRows, withLabels } from './matrix.js';
import type { Target } from './model.js';
import { TrainingDataError } from './pipeline.js';

/** One stored outcome: 1 = harm (risk) or churn confirmed, 0 = not. */
export interface StoredLabel {
  player_id: string;
  label: number | boolean;
}

/** A labelled matrix built from stored rows, with what was left out. */
export interface StoredDataset {
  matrix: LabelledMatrix;
  /** Players with features but no label (left out). */
  unlabelled: number;
  /** Labels of players without a features row (left out). */
  labelsWithoutFeatures: number;
}

/**
 * The training matrix from stored feature rows (the API's `player_features`,
 * one row per player with a column per core feature, from any number of
 * shards) and stored labels (`player_labels`, posted through
 * `POST /v1/labels`). Rows are put in player-id order first, so the matrix,
 * and with it the seeded split and the trained model, does not depend on
 * which shard answered first. Only players with both a features row and a
 * label are kept; throws `TrainingDataError` when there are none.
 *
 * @example
 * const { matrix } = datasetFromStoredRows(featureRows, [{ player_id: 'p1', label: 1 }], { target: 'risk', tenant: 'acme' });
 */
export function datasetFromStoredRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  labels: readonly StoredLabel[],
  where: { target: Target; tenant: string },
): StoredDataset {
  if (labels.length === 0) {
    throw new TrainingDataError(`tenant ${where.tenant} has no ${where.target} labels: post outcomes with POST /v1/labels {"target":"${where.target}","labels":[{"player_id":"…","label":1}]} first`);
  }
  if (rows.length === 0) throw new TrainingDataError(`tenant ${where.tenant} has no stored player features: ingest its events first`);
  const sorted = [...rows].sort((a, b) => (String(a.player_id) < String(b.player_id) ? -1 : String(a.player_id) > String(b.player_id) ? 1 : 0));
  const byPlayer = new Map<string, number>();
  for (const l of labels) {
    const y = l.label === true || l.label === 1 ? 1 : l.label === false || l.label === 0 ? 0 : Number.NaN;
    if (Number.isNaN(y)) throw new TrainingDataError(`label of player ${l.player_id} is ${JSON.stringify(l.label)}, expected 0 or 1`);
    byPlayer.set(l.player_id, y);
  }
  const matrix = withLabels(matrixFromRows(sorted, FEATURE_KEYS, 'player_id'), byPlayer);
  if (matrix.rows === 0) {
    throw new TrainingDataError(`none of the ${byPlayer.size} ${where.target} labels of tenant ${where.tenant} names a player with stored features`);
  }
  return { matrix, unlabelled: sorted.length - matrix.rows, labelsWithoutFeatures: byPlayer.size - matrix.rows };
}
