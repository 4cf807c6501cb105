import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { ScoringError } from '../src/errors.js';
import { openScorer, type Scorer } from '../src/scoring.client.js';
import { devScoringAssets } from '../src/dev-assets.js';

const scoringTestAssets = devScoringAssets();
import { mlpToOnnx, randomInputs, randomMlp, referenceScores } from './onnx-model.js';

const TOLERANCE = 1e-5;

function expectClose(actual: Float32Array, expected: Float64Array): void {
  expect(actual.length).to.equal(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst, 'largest difference from the JavaScript reference').to.be.at.most(TOLERANCE);
}

describe('scoring worker', () => {
  const mlp = randomMlp(6, 16);
  const rows = 257;
  let scorer: Scorer;

  beforeAll(async () => {
    scorer = await openScorer({ assets: scoringTestAssets });
  });
  afterAll(async () => {
    await scorer?.close();
  });

  it('finds the WebGPU adapter (SwiftShader with --enable-unsafe-webgpu) and says so', async () => {
    const d = await scorer.diagnostics();
    expect(d.engine).to.equal('onnxruntime-web');
    expect(d.webgpu.found, d.webgpu.reason ?? '').to.equal(true);
    expect(d.webgpu.adapter).to.be.a('string');
    expect(d.threads).to.equal(1);
    expect(d.threadsOffReason).to.equal('page is not cross-origin isolated');
    expect(d.provider, 'no model loaded yet').to.equal(null);
  });

  it('scores on WASM like the reference, inputs transferred', async () => {
    const model = mlpToOnnx(mlp);
    const info = await scorer.load(model, 'wasm');
    expect(model.byteLength, 'model bytes were transferred').to.equal(0);
    expect(info).to.include({ provider: 'wasm', inputName: 'features', outputName: 'probability', features: 6 });
    const x = randomInputs(rows, mlp.features);
    const expected = referenceScores(mlp, x, rows);
    const p = await scorer.score(x, rows);
    expect(x.byteLength, 'features were transferred').to.equal(0);
    expectClose(p, expected);
    const d = await scorer.diagnostics();
    expect(d).to.include({ provider: 'wasm', bundle: 'wasm' });
  });

  it('scores on WebGPU like the reference (auto picks WebGPU when an adapter exists)', async () => {
    const info = await scorer.load(mlpToOnnx(mlp), 'auto');
    expect(info.provider).to.equal('webgpu');
    const x = randomInputs(rows, mlp.features, 5);
    const expected = referenceScores(mlp, x, rows);
    expectClose(await scorer.score(x, rows), expected);
    expect(await scorer.diagnostics()).to.include({ provider: 'webgpu', bundle: 'webgpu' });
  });

  it('rejects a wrong feature count with a rebuilt ScoringError', async () => {
    await scorer.load(mlpToOnnx(mlp), 'wasm');
    const error = await scorer.score(new Float32Array(10), 2).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ScoringError);
    expect((error as Error).message).to.equal('the model takes 6 features per row, got 5');
    expect((error as Error).stack).to.match(/scoring\.engine\.ts/);
  });

  it('rejects bytes that are not a model', async () => {
    const error = await scorer.load(new TextEncoder().encode('not onnx'), 'wasm').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ScoringError);
    expect((error as Error).message).to.match(/^cannot load the ONNX model on wasm: /);
  });
});

describe('scoring worker, missing WebAssembly', () => {
  it('rejects load() with a ScoringError that names the failure', async () => {
    const missing = new URL('/wasm/missing-ort.wasm', location.href).href;
    const scorer = await openScorer({ assets: { ...scoringTestAssets, ortWasm: { wasm: missing } } });
    try {
      const error = await scorer.load(mlpToOnnx(randomMlp(2, 2)), 'wasm').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ScoringError);
      expect((error as Error).message).to.equal(`onnxruntime-web (wasm) could not start from ${missing}: HTTP 404`);
    } finally {
      await scorer.close();
    }
  });
});
