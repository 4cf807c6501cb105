// The remote scoring path for real: models trained and exported here, served by
// @pitboss/model-server on a loopback port, scored through KServeScorer (JSON and
// binary) and compared with onnxruntime-node in process and the TypeScript reference.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelServer } from '@pitboss/model-server';
import type { ModelServer } from '@pitboss/model-server';
import { KServeError, KServeScorer, META, ReferenceScorer, exportOnnx, readOnnxMetadata, trainModel } from '../src/index.js';
import type { FeatureMatrix, KServeMode, ModelArtifact } from '../src/index.js';
import { OnnxNodeScorer } from '../src/node.js';
import { plantedDataset } from './fixtures.js';

const data = plantedDataset(3000, 17);
const trainedAt = '2026-01-01T00:00:00.000Z';
const train = (kind: 'logistic' | 'mlp', version: string): ModelArtifact =>
  trainModel(data, { kind, target: 'risk', seed: 5, trainedAt, epochs: 25, version }).artifact;
const v1 = train('logistic', 'risk-v1');
const v2 = train('mlp', 'risk-v2');
const v1Bytes = exportOnnx(v1, { precision: 'float64' });
const v2Bytes = exportOnnx(v2, { precision: 'float64' });
const v2Float32 = exportOnnx(v2, { precision: 'float32' });

/** 1,000 planted rows plus missing values and extremes: everything a scorer must carry. */
const probe: FeatureMatrix = (() => {
  const f = data.names.length;
  const edge = [
    [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [1e9, 1, 40, 30, 5, 10000, 20, 600],
  ].flat();
  const values = new Float64Array(1000 * f + edge.length);
  values.set(data.values.subarray(0, 1000 * f));
  values.set(edge, 1000 * f);
  // The graphs take float32: round once here so every path sees the same numbers.
  return { names: data.names, rows: values.length / f, values: Float64Array.from(Float32Array.from(values)) };
})();
const finite: FeatureMatrix = { names: probe.names, rows: 500, values: probe.values.subarray(0, 500 * probe.names.length).map((x) => (Number.isNaN(x) ? 0.5 : x)) };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let dir: string;
let server: ModelServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pitboss-kserve-'));
  for (const [version, bytes] of [['1', v1Bytes], ['2', v2Bytes]] as const) {
    await mkdir(join(dir, 'risk', version), { recursive: true });
    await writeFile(join(dir, 'risk', version, 'model.onnx'), bytes);
  }
  server = await createModelServer({
    repository: { directory: dir, models: [{ name: 'risk32', model: v2Float32 }], threads: 1 },
    maxBodyBytes: 4 * 1024 * 1024,
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('KServeScorer against @pitboss/model-server', () => {
  it.each<[KServeMode, string, Uint8Array, ModelArtifact]>([
    ['json', '1', v1Bytes, v1],
    ['binary', '1', v1Bytes, v1],
    ['json', '2', v2Bytes, v2],
    ['binary', '2', v2Bytes, v2],
  ])('%s mode, version %s (float64 graph): the in-process scores, and the reference within 1e-6', async (mode, version, bytes, artifact) => {
    const remote = await KServeScorer.connect({ url: server.url, model: 'risk', version, mode });
    const local = await OnnxNodeScorer.open(bytes, { threads: 1 });
    const reference = new ReferenceScorer(artifact);
    expect(remote.features).toEqual(data.names);
    expect(remote.datatype).toBe('FP32');
    expect(remote.parameters[META.version]).toBe(artifact.version);
    expect(await remote.ready()).toBe(true);
    for (const m of [probe, finite]) {
      const got = await remote.score(m);
      expect(got.modelVersion).toBe(version);
      expect(got.probabilities).toHaveLength(m.rows);
      expect(maxDiff(got.probabilities, (await local.score(m)).probabilities)).toBe(0);
      expect(maxDiff(got.probabilities, (await reference.score(m)).probabilities)).toBeLessThanOrEqual(1e-6);
    }
    await local.close();
    await remote.close();
  });

  it('routes by version: no version means the highest; each version gives its own model', async () => {
    const latest = await KServeScorer.connect({ url: server.url, model: 'risk' });
    const one = await KServeScorer.connect({ url: server.url, model: 'risk', version: '1' });
    expect(latest.version).toBe('2');
    const a = await latest.score(finite);
    const b = await one.score(finite);
    expect(a.modelVersion).toBe('2');
    expect(b.modelVersion).toBe('1');
    expect(maxDiff(a.probabilities, (await new ReferenceScorer(v2).score(finite)).probabilities)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(a.probabilities, b.probabilities)).toBeGreaterThan(1e-3);
  });

  it('float32 graph registered from bytes: within 1e-6 of the reference in both modes', async () => {
    for (const mode of ['json', 'binary'] as const) {
      const remote = await KServeScorer.connect({ url: server.url, model: 'risk32', mode });
      expect(maxDiff((await remote.score(probe)).probabilities, (await new ReferenceScorer(v2).score(probe)).probabilities)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('takes the feature order from the caller when the server has none (as with Triton)', async () => {
    const features = JSON.parse(readOnnxMetadata(v1Bytes)[META.features]!) as string[];
    const remote = await KServeScorer.connect({ url: server.url, model: 'risk', version: '1', features: [...features].reverse() });
    expect(remote.features[0]).toBe(features[features.length - 1]);
    await expect(remote.score(finite)).rejects.toThrow(/feature/i);
    await expect(KServeScorer.connect({ url: server.url, model: 'risk', features: ['only_one'] })).rejects.toThrow(/takes 8 features, 1 named/);
  });

  it('keeps the status and the server message of a refusal', async () => {
    const unknown = await KServeScorer.connect({ url: server.url, model: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(KServeError);
    expect((unknown as KServeError).status).toBe(404);
    expect((unknown as KServeError).serverMessage).toMatch(/unknown model: 'nope'/);
    const badVersion = await KServeScorer.connect({ url: server.url, model: 'risk', version: '9' }).catch((e: unknown) => e);
    expect((badVersion as KServeError).status).toBe(404);
    expect((badVersion as KServeError).serverMessage).toMatch(/unknown version '9'.*available: 1, 2/);
    // 4 MiB limit: ~140k rows of 8 FP32 values in binary is over it.
    const remote = await KServeScorer.connect({ url: server.url, model: 'risk', mode: 'binary' });
    const rows = 140_000;
    const big = await remote.infer(new Float32Array(rows * 8), rows).catch((e: unknown) => e);
    expect((big as KServeError).status).toBe(413);
    expect((big as KServeError).serverMessage).toMatch(/exceeds the server's limit of 4194304 bytes/);
  });

  it('times out with AbortSignal and says so', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const t0 = performance.now();
    const error = await KServeScorer.connect({ url, model: 'risk', timeoutMs: 300 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(error).toBeInstanceOf(KServeError);
    expect((error as KServeError).status).toBe(0);
    expect((error as KServeError).message).toMatch(/no response within 300 ms/);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('reports a server that is not there as status 0 with the cause kept', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await KServeScorer.connect({ url, model: 'risk', timeoutMs: 5000 }).catch((e: unknown) => e)) as KServeError;
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/request failed/);
    expect(error.cause).toBeDefined();
  });

  it('retries once on a connection reset (the keep-alive race), not twice', async () => {
    const meta = { name: 'm', versions: ['1'], inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 2] }], outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }] };
    let seen = 0;
    let resetsLeft = 1;
    const flaky = createServer((req, res) => {
      seen++;
      if (resetsLeft-- > 0) req.socket.destroy();
      else res.end(JSON.stringify(meta));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const scorer = await KServeScorer.connect({ url, model: 'm', features: ['a', 'b'] });
    expect(scorer.features).toEqual(['a', 'b']);
    expect(seen).toBe(2);
    seen = 0;
    resetsLeft = 2;
    const error = (await KServeScorer.connect({ url, model: 'm', features: ['a', 'b'] }).catch((e: unknown) => e)) as KServeError;
    expect(seen).toBe(2);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/request failed: .*\((ECONNRESET|UND_ERR_SOCKET)\)/);
    flaky.closeAllConnections();
    await new Promise<void>((resolve) => flaky.close(() => resolve()));
  });
});
