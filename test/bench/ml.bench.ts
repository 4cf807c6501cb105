// Scoring throughput of an exported model: onnxruntime-node in process
// (`OnnxNodeScorer`) against the pure-TypeScript reference forward pass, on the
// same rows, in the same run. Model: core's 21 features, MLP 21→16→1 (and the
// logistic model at the largest batch), exported with the float32 (folded) and
// the float64 (step-for-step) graph.
import { FEATURE_KEYS } from '@pitboss/core';
import { ReferenceModel, Rng, exportOnnx, sigmoid, trainModel } from '@pitboss/ml';
import type { LabelledMatrix, ModelArtifact, ModelKind } from '@pitboss/ml';
import { OnnxNodeScorer } from '@pitboss/ml/node';
import type { Bench, BenchContext, Figure } from './types.js';
import { median } from './types.js';

function dataset(rows: number): LabelledMatrix {
  const rng = new Rng(99);
  const f = FEATURE_KEYS.length;
  const values = new Float64Array(rows * f);
  const labels = new Uint8Array(rows);
  const w = Array.from({ length: f }, () => rng.normal());
  for (let r = 0; r < rows; r++) {
    let s = -2;
    for (let j = 0; j < f; j++) {
      const v = j % 3 === 0 ? Math.exp(5 + 2 * rng.normal()) : rng.normal();
      values[r * f + j] = v;
      s += 0.3 * w[j]! * (j % 3 === 0 ? (Math.log1p(v) - 5) / 2 : v);
    }
    labels[r] = rng.next() < sigmoid(s) ? 1 : 0;
  }
  return { names: FEATURE_KEYS, rows, values, labels };
}

/** Predictions per second of `fn` scoring `batch` rows, `calls` times per sample. */
async function rate(ctx: BenchContext, batch: number, calls: number, fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < ctx.repeats; i++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    samples.push((batch * calls) / ((performance.now() - t0) / 1000));
  }
  return median(samples);
}

async function figuresFor(
  ctx: BenchContext,
  artifact: ModelArtifact,
  precision: 'float64' | 'float32',
  pool: LabelledMatrix,
  batches: number[],
): Promise<Figure[]> {
  const f = FEATURE_KEYS.length;
  const scorer = await OnnxNodeScorer.open(exportOnnx(artifact, { precision }));
  const ref = new ReferenceModel(artifact);
  const out: Figure[] = [];
  for (const batch of batches) {
    const x32 = new Float32Array(batch * f);
    for (let i = 0; i < x32.length; i++) x32[i] = pool.values[i % pool.values.length]!;
    const x64 = Float64Array.from(x32);
    // ~0.2 M predictions per sample (fewer calls at batch 1, where a call costs far more than a row).
    const calls = Math.max(3, Math.round((ctx.quick ? 5e4 : 2e5) / batch / (batch === 1 ? 50 : 1)));
    const onnx = await rate(ctx, batch, calls, () => scorer.run(x32, batch));
    const ts = await rate(ctx, batch, calls, () => ref.predictValues(x64, batch));
    const kind = artifact.network.kind === 'mlp' ? `MLP ${f}→16→1` : `logistic (${f})`;
    const name = `${kind} predictions/s, onnxruntime-node in process, ${precision} graph, batch ${batch.toLocaleString('en')}`;
    ctx.log(`${name}: ${Math.round(onnx).toLocaleString('en')} vs TS reference ${Math.round(ts).toLocaleString('en')}`);
    const figure: Figure = {
      name,
      value: onnx,
      unit: 'predictions/s',
      baseline: { name: 'TypeScript reference forward pass (float64)', value: ts },
      ratio: onnx / ts,
      higherIsBetter: true,
    };
    if (batch >= 65536) {
      figure.goal = '≥ 2,000,000 predictions/s';
      figure.met = onnx >= 2e6;
    }
    out.push(figure);
  }
  await scorer.close();
  return out;
}

const bench: Bench = {
  name: 'ml scoring',
  async run(ctx) {
    const pool = dataset(ctx.quick ? 5000 : 20000);
    const train = (kind: ModelKind): ModelArtifact =>
      trainModel(pool, { kind, target: 'risk', seed: 1, epochs: ctx.quick ? 2 : 10, trainedAt: '2026-01-01T00:00:00.000Z' }).artifact;
    const mlp = train('mlp');
    const logistic = train('logistic');
    return [
      ...(await figuresFor(ctx, mlp, 'float32', pool, [1, 1000, 65536])),
      ...(await figuresFor(ctx, mlp, 'float64', pool, [1, 1000, 65536])),
      ...(await figuresFor(ctx, logistic, 'float32', pool, [65536])),
      ...(await figuresFor(ctx, logistic, 'float64', pool, [65536])),
    ];
  },
};

export default bench;
