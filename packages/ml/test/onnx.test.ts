import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import {
  META, ONNX_OPSET, ReferenceModel, artifactFromOnnx, exportOnnx, readOnnxMetadata, trainModel,
} from '../src/index.js';
import type { ModelArtifact } from '../src/index.js';
import { OnnxNodeScorer, cudaProviderLibrary } from '../src/node.js';
import { readFields } from '../src/protobuf.js';
import { plantedDataset } from './fixtures.js';

const data = plantedDataset(6000, 31);
const f = data.names.length;
const trainedAt = '2026-01-01T00:00:00.000Z';

/** Rows scored in the parity checks: real rows, then missing values and extremes. */
function probeRows(): Float32Array {
  const n = 2000;
  const x = Float32Array.from(data.values.subarray(0, n * f));
  const edge = [
    [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [1e9, 1, 40, 30, 5, 10000, 20, 600],
    [-5e6, 0, 0, 0, Number.NaN, 0, 0, 0.5],
  ].flat();
  const out = new Float32Array(x.length + edge.length);
  out.set(x);
  out.set(edge, x.length);
  return out;
}

async function compare(artifact: ModelArtifact, precision: 'float64' | 'float32'): Promise<{ maxProbability: number; maxContribution: number }> {
  const bytes = exportOnnx(artifact, { metrics: { note: 'test' }, precision });
  const session = await ort.InferenceSession.create(bytes);
  const x = probeRows();
  const rows = x.length / f;
  const out = await session.run({ features: new ort.Tensor('float32', x, [rows, f]) });
  const ref = new ReferenceModel(artifact);
  // The reference gets exactly the float32 values the graph gets.
  const expected = ref.predictValues(Float64Array.from(x), rows);
  const got = out.probability!.data as Float32Array;
  expect(out.probability!.dims).toEqual([rows, 1]);
  let maxProbability = 0;
  for (let r = 0; r < rows; r++) maxProbability = Math.max(maxProbability, Math.abs(got[r]! - expected[r]!));
  let maxContribution = 0;
  if (artifact.network.kind === 'logistic') {
    const c = out.contributions!.data as Float32Array;
    const z = new Float64Array(f);
    const g = ref.gradient(z);
    for (let r = 0; r < rows; r++) {
      ref.standardize(Float64Array.from(x.subarray(r * f, r * f + f)), z);
      for (let j = 0; j < f; j++) {
        const want = g[j]! * z[j]!;
        maxContribution = Math.max(maxContribution, Math.abs(c[r * f + j]! - want) / Math.max(1, Math.abs(want)));
      }
    }
  } else expect(out.contributions).toBeUndefined();
  await session.release();
  return { maxProbability, maxContribution };
}

describe('ONNX export', () => {
  for (const kind of ['logistic', 'mlp'] as const) {
    const t = trainModel(data, { kind, target: 'risk', seed: 9, trainedAt });
    it(`${kind}, float64 graph: onnxruntime-node gives the TypeScript reference's outputs to float32 rounding`, async () => {
      const { maxProbability, maxContribution } = await compare(t.artifact, 'float64');
      // Only the final float32 output rounding separates them.
      expect(maxProbability).toBeLessThanOrEqual(1e-7);
      expect(maxContribution).toBeLessThanOrEqual(1e-7);
    });
    it(`${kind}, float32 graph (folded): within 1e-6 of the TypeScript reference`, async () => {
      const { maxProbability, maxContribution } = await compare(t.artifact, 'float32');
      expect(maxProbability).toBeLessThanOrEqual(1e-6);
      expect(maxContribution).toBeLessThanOrEqual(1e-6);
    });
  }

  it('writes opset 17, metadata and the artifact, and reads them back', () => {
    const t = trainModel(data, { kind: 'mlp', target: 'churn', seed: 9, trainedAt, epochs: 3, name: 'churn-test', version: '7' });
    const bytes = exportOnnx(t.artifact, { metrics: t.test });
    const top = readFields(bytes);
    const opset = top.find((x) => x.field === 8 && x.wire === 2)!;
    const version = readFields(opset.value as Uint8Array).find((x) => x.field === 2);
    expect(version?.value).toBe(BigInt(ONNX_OPSET));
    const meta = readOnnxMetadata(bytes);
    expect(JSON.parse(meta[META.features]!)).toEqual(data.names);
    expect(meta[META.name]).toBe('churn-test');
    expect(meta[META.version]).toBe('7');
    expect(meta[META.target]).toBe('churn');
    expect(meta[META.trainedAt]).toBe(trainedAt);
    expect(JSON.parse(meta[META.metrics]!).rocAuc).toBeCloseTo(t.test.rocAuc, 12);
    expect(artifactFromOnnx(bytes)).toEqual(t.artifact);
  });

  it('OnnxNodeScorer scores a matrix and refuses a different feature order', async () => {
    const t = trainModel(data, { kind: 'logistic', target: 'risk', seed: 9, trainedAt, epochs: 3 });
    const scorer = await OnnxNodeScorer.open(exportOnnx(t.artifact));
    expect(scorer.features).toEqual(data.names);
    const m = { names: data.names, rows: 100, values: data.values.subarray(0, 100 * f) };
    const { probabilities, contributions, modelVersion } = await scorer.score(m);
    expect(probabilities).toHaveLength(100);
    expect(contributions).toHaveLength(100 * f);
    expect(modelVersion).toBe('1');
    await expect(scorer.score({ ...m, names: [...data.names].reverse() })).rejects.toThrow(/feature order differs/);
    await scorer.close();
  });

  // Which provider scores depends on the host: this one has onnxruntime-node's CPU binaries only
  // (.npmrc skips the CUDA download); a GPU host with the provider installed takes the other branch.
  it('execution providers: auto takes CUDA only where its provider is installed, cuda never falls back, cpu is CPU', async () => {
    const t = trainModel(data, { kind: 'logistic', target: 'risk', seed: 9, trainedAt, epochs: 3 });
    const bytes = exportOnnx(t.artifact);
    const m = { names: data.names, rows: 10, values: data.values.subarray(0, 10 * f) };
    const cpu = await OnnxNodeScorer.open(bytes, { executionProviders: 'cpu' });
    expect(cpu.executionProvider).toEqual({ provider: 'cpu', reason: 'cpu as configured' });
    const expected = (await cpu.score(m)).probabilities;
    const library = cudaProviderLibrary();
    const auto = await OnnxNodeScorer.open(bytes, { executionProviders: 'auto' });
    if (library === null) {
      expect(auto.executionProvider).toEqual({ provider: 'cpu', reason: 'auto: onnxruntime-node has no CUDA provider library installed' });
      await expect(OnnxNodeScorer.open(bytes, { executionProviders: 'cuda' })).rejects.toThrow(/CUDA execution provider is not installed.*onnxruntime-node-install=cuda12/);
    } else {
      expect(auto.executionProvider.reason).toMatch(/^auto: /);
      expect(auto.executionProvider.provider === 'cuda' || /did not open on it/.test(auto.executionProvider.reason)).toBe(true);
    }
    const got = (await auto.score(m)).probabilities;
    for (let i = 0; i < 10; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-6);
    await cpu.close();
    await auto.close();
  });
});
