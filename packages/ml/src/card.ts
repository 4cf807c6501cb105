import type { Evaluation } from './metrics.js';
import type { TrainedModel } from './pipeline.js';
import { FEATURE_INFO } from './reasons.js';
import { IG_STEPS } from './explain.js';

const fmt = (v: number, digits = 3): string => (Number.isNaN(v) ? 'n/a' : v.toFixed(digits));

function metricsTable(e: Evaluation): string {
  return [
    '| metric | value |',
    '| --- | --- |',
    `| rows (positives) | ${e.rows} (${e.positives}) |`,
    `| ROC-AUC | ${fmt(e.rocAuc)} |`,
    `| PR-AUC (average precision) | ${fmt(e.prAuc)} |`,
    `| expected calibration error (10 bins) | ${fmt(e.ece, 4)} |`,
    `| log loss | ${fmt(e.logLoss, 4)} |`,
    `| Brier score | ${fmt(e.brier, 4)} |`,
  ].join('\n');
}

function bandTable(e: Evaluation): string {
  return [
    '| band | rows | positive rate | precision (band or above) | recall (band or above) |',
    '| --- | --- | --- | --- | --- |',
    ...e.bands.map((b) => `| ${b.band} | ${b.count} | ${fmt(b.positiveRate)} | ${fmt(b.precisionAtOrAbove)} | ${fmt(b.recallAtOrAbove)} |`),
  ].join('\n');
}

/** Where the training data came from, for the card. */
export interface CardSource {
  /** e.g. 'synth NDJSON events.ndjson (labels: events.labels.ndjson)'. */
  description: string;
  /** Whether the labels are synthetic (planted) rather than observed outcomes. */
  synthetic: boolean;
  /** Arithmetic of the exported graph (see `ExportOptions.precision`); default float64. */
  precision?: 'float64' | 'float32';
}

/**
 * The model card (markdown): data, features, training, metrics, limits.
 *
 * @example
 * await writeFile('model.card.md', modelCard(trained, { description: 'synth seed 1', synthetic: true }));
 */
export function modelCard(t: TrainedModel, source: CardSource): string {
  const a = t.artifact;
  const pre = a.preprocessing;
  const net = a.network;
  const arch = net.kind === 'logistic' ? 'logistic regression' : `MLP ${pre.features.length} → ${net.hidden} (tanh) → 1`;
  const opts = t.training.options;
  const features = pre.features.map(
    (name, j) => `| ${name} | ${FEATURE_INFO[name]?.label.en ?? ''} | ${a.categories[j]} | ${pre.transforms[j]} | ${fmt(pre.mean[j]!)} | ${fmt(pre.std[j]!)} |`,
  );
  const target = a.target === 'risk' ? 'responsible-gambling risk (harm indicators planted or observed)' : 'churn: no activity within 30 days';
  return `# Model card: ${a.name} v${a.version}

- **Target**: ${target}
- **Model**: ${arch}, Platt-calibrated (a = ${fmt(a.calibration.a, 4)}, b = ${fmt(a.calibration.b, 4)})
- **Trained**: ${a.trainedAt}, seed ${t.training.seed}, best epoch ${t.training.bestEpoch} of ${t.training.epochsRun}
- **Format**: ONNX opset 17; input \`features\` float32 [N, ${pre.features.length}] in the order below (NaN = missing); output \`probability\` float32 [N, 1]${net.kind === 'logistic' ? ', `contributions` float32 [N, F]' : ''}. Normalisation and calibration are inside the graph, computed in ${source.precision === 'float32' ? 'float32 (folded into the weights)' : 'float64'}.

## Data

${source.description}. ${t.data.rows} rows, ${t.data.positives} positives (${fmt((100 * t.data.positives) / Math.max(1, t.data.rows), 1)}%). Stratified split with seed ${t.training.seed}: ${t.data.train} train / ${t.data.validation} validation (early stopping, calibration) / ${t.data.test} test (metrics below only).

## Features

Missing values are imputed with the training mean; \`slog\` = sign(x)·ln(1+|x|). Mean and std are of the transformed training values.

| feature | meaning | UKGC category | transform | mean | std |
| --- | --- | --- | --- | --- | --- |
${features.join('\n')}

## Training

Adam (learning rate ${opts.learningRate ?? (net.kind === 'logistic' ? 0.01 : 0.005)}, batch ${opts.batchSize ?? 256}, L2 ${opts.l2 ?? 1e-4}), class weights ${opts.classWeights ?? 'balanced'}, at most ${opts.epochs ?? 200} epochs, early stopping after ${opts.patience ?? 12} epochs without a lower validation loss.

## Metrics (held-out test split)

${metricsTable(t.test)}

Before calibration: ROC-AUC ${fmt(t.testUncalibrated.rocAuc)}, ECE ${fmt(t.testUncalibrated.ece, 4)}.

### Per risk band (score = calibrated probability × 100)

${bandTable(t.test)}

## Explanations

Every score carries signed per-feature contributions in calibrated-logit space, relative to the training mean: ${
    net.kind === 'logistic'
      ? 'exact for this logistic model (a·w_i·z_i).'
      : `integrated gradients, trapezoid rule with ${IG_STEPS} steps; contributions add up to logit(x) − logit(baseline) within 1e-3.`
  } Each feature maps to a UK Gambling Commission customer-interaction indicator category.

## Limits

${source.synthetic ? '- Trained on **synthetic** data with planted labels: the metrics say the pipeline recovers planted structure, not that the model detects harm in real players. Retrain and re-validate on an operator\'s own outcomes before any use.\n' : ''}- A score is a prompt for a human review under the operator's customer-interaction policy, never an automated decision about a person.
- Calibration holds for the population it was fitted on; a new market, product mix or marketing campaign shifts it. Re-check the calibration error after such changes.
- Features describe the last 7-90 days of activity; a player with little history scores near the baseline.
- Per-band precision and recall depend on the tenant's band thresholds; the table uses the defaults.
`;
}
