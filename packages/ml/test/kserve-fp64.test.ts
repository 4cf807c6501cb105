// FP64 end to end: a float64-in, float64-out graph (written here with ml's
// protobuf writer) through @pitboss/model-server and KServeScorer, JSON and binary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelServer } from '@pitboss/model-server';
import type { ModelServer } from '@pitboss/model-server';
import { KServeScorer, META, sigmoid } from '../src/index.js';
import { ProtoWriter } from '../src/protobuf.js';

const DOUBLE = 11;
const W = [0.75, -1.25, 2e-9];
const NAMES = ['a', 'b', 'c'];

/** probability = sigmoid(features · W), all float64: [N, 3] → [N, 1]. */
function float64Model(): Uint8Array {
  const valueInfo = (v: ProtoWriter, name: string, dims: (number | string)[]) =>
    v.string(1, name).message(2, (t) => t.message(1, (tensor) => tensor.int(1, DOUBLE).message(2, (shape) => {
      for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
    })));
  const w = new ProtoWriter().int(1, 8).string(2, 'kserve-fp64-test');
  w.message(7, (g) => {
    g.message(1, (n) => n.string(1, 'features').string(1, 'w').string(2, 'z').string(3, 'matmul').string(4, 'MatMul'));
    g.message(1, (n) => n.string(1, 'z').string(2, 'probability').string(3, 'sigmoid').string(4, 'Sigmoid'));
    g.string(2, 'fp64');
    g.message(5, (t) => t.int(1, W.length).int(1, 1).int(2, DOUBLE).string(8, 'w').bytes(9, new Uint8Array(Float64Array.from(W).buffer)));
    g.message(11, (v) => valueInfo(v, 'features', ['N', W.length]));
    g.message(12, (v) => valueInfo(v, 'probability', ['N', 1]));
  });
  w.message(8, (o) => o.string(1, '').int(2, 17));
  w.message(14, (m) => m.string(1, META.features).string(2, JSON.stringify(NAMES)));
  return w.finish();
}

let server: ModelServer;
beforeAll(async () => {
  server = await createModelServer({ repository: { models: [{ name: 'fp64', model: float64Model() }], threads: 1 } });
});
afterAll(async () => server?.close());

describe('FP64 tensors', () => {
  it.each(['json', 'binary'] as const)('%s mode: float64 in and out, to float64 rounding', async (mode) => {
    const scorer = await KServeScorer.connect({ url: server.url, model: 'fp64', mode });
    expect(scorer.datatype).toBe('FP64');
    expect(scorer.features).toEqual(NAMES);
    // Values float32 cannot hold: an FP32 path would lose them.
    const values = Float64Array.from([0.1, 0.2, 1e9 + 0.5, -3.000000001, 1 / 3, 0, 5, 5, 5]);
    const got = await scorer.score({ names: NAMES, rows: 3, values });
    expect(got.probabilities).toBeInstanceOf(Float64Array);
    for (let r = 0; r < 3; r++) {
      const z = W.reduce((s, w, j) => s + w * values[r * 3 + j]!, 0);
      expect(Math.abs(got.probabilities[r]! - sigmoid(z))).toBeLessThanOrEqual(1e-15);
    }
    expect(got.modelVersion).toBe('1');
  });
});
