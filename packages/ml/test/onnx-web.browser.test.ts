// onnxruntime-web (WASM) in Chromium runs the file the TypeScript exporter
// writes and gives the reference's probabilities within 1e-6. Training runs
// here too: the whole of `@pitboss/ml`'s index is browser-safe.
import * as ort from 'onnxruntime-web/wasm';
import { describe, expect, it } from '@pitboss/test/harness';
import { ReferenceModel, exportOnnx, trainModel } from '../src/index.js';
import { plantedDataset } from './fixtures.js';

// The .wasm binary is served by web-test-runner from the repository's
// node_modules (never a CDN). Only the binary: the default `onnxruntime-web/wasm`
// build already bundles its JS glue, and a separately loaded glue .mjs would go
// through the dev server's import rewriting, which fails on its Node branch.
ort.env.wasm.wasmPaths = { wasm: new URL('/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm', import.meta.url).href };
ort.env.wasm.numThreads = 1;

const data = plantedDataset(3000, 41);
const f = data.names.length;

describe('ONNX export in onnxruntime-web (WASM)', () => {
  for (const [kind, precision] of [['logistic', 'float64'], ['mlp', 'float64'], ['logistic', 'float32'], ['mlp', 'float32']] as const) {
    it(`${kind}, ${precision} graph: probabilities match the TypeScript reference within 1e-6`, async () => {
      const t = trainModel(data, { kind, target: 'risk', seed: 2, trainedAt: '2026-01-01T00:00:00.000Z', epochs: 30 });
      const session = await ort.InferenceSession.create(exportOnnx(t.artifact, { precision }), { executionProviders: ['wasm'] });
      const rows = 1000;
      const x = new Float32Array(rows * f);
      x.set(data.values.subarray(0, (rows - 2) * f));
      x.fill(Number.NaN, (rows - 2) * f, (rows - 1) * f);
      x.set([5e8, 1, 30, 30, 3, 5000, 10, 400], (rows - 1) * f);
      const out = await session.run({ features: new ort.Tensor('float32', x, [rows, f]) });
      const got = out.probability!.data as Float32Array;
      const want = new ReferenceModel(t.artifact).predictValues(Float64Array.from(x), rows);
      let worst = 0;
      for (let r = 0; r < rows; r++) worst = Math.max(worst, Math.abs(got[r]! - want[r]!));
      expect(got.length).to.equal(rows);
      expect(worst).to.be.at.most(1e-6);
      expect(Object.keys(out).sort()).to.deep.equal(kind === 'logistic' ? ['contributions', 'probability'] : ['probability']);
      await session.release();
    });
  }
});
