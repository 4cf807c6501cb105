// The v2 REST API from the outside (Hono's app.request): metadata, health,
// JSON and binary tensors, and every malformed request the server must refuse
// with a 4xx and a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceModel, Rng, exportOnnx, sigmoid, trainModel } from '@pitboss/ml';
import type { LabelledMatrix } from '@pitboss/ml';
import { ModelRepository, createApp } from '../src/index.js';
import type { ErrorResponse, InferenceRequest, InferenceResponse, ModelMetadataResponse } from '../src/index.js';

const F = 4;
const NAMES = ['deposit_sum_7d', 'night_play_share_30d', 'cancelled_withdrawals_30d', 'active_days_30d'];

function dataset(rows: number): LabelledMatrix {
  const rng = new Rng(11);
  const values = new Float64Array(rows * F);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = [Math.exp(6 + rng.normal()), rng.next(), Math.floor(3 * rng.next()), Math.floor(30 * rng.next())];
    values.set(x, r * F);
    labels[r] = rng.next() < sigmoid(-2 + 0.8 * (Math.log1p(x[0]!) - 6) + 2 * x[1]! + 0.5 * x[2]!) ? 1 : 0;
  }
  return { names: NAMES, rows, values, labels };
}

const artifact = trainModel(dataset(1200), { kind: 'logistic', target: 'risk', seed: 3, epochs: 15, trainedAt: '2026-01-01T00:00:00.000Z' }).artifact;
const reference = new ReferenceModel(artifact);
const rows = 5;
const x = Float32Array.from(dataset(rows).values);
const expected = reference.predictValues(Float64Array.from(x), rows);

let repo: ModelRepository;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  repo = await ModelRepository.open({ models: [{ name: 'risk', model: exportOnnx(artifact) }, { name: 'risk', version: '3', model: exportOnnx(artifact, { precision: 'float32' }) }], threads: 1 });
  app = createApp(repo, { maxBodyBytes: 64 * 1024 });
});
afterAll(async () => repo?.close());

const post = (path: string, body: BodyInit, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  app.request(path, { method: 'POST', body, headers });
const json = (request: unknown) => post('/v2/models/risk/infer', JSON.stringify(request));
const features = (over: Partial<InferenceRequest['inputs'][number]> = {}): InferenceRequest => ({
  inputs: [{ name: 'features', datatype: 'FP32', shape: [rows, F], data: Array.from(x), ...over }],
});

async function expectError(res: Response, status: number, message: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as ErrorResponse;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatch(message);
}

function binaryRequest(header: unknown, ...chunks: Uint8Array[]): { body: Uint8Array<ArrayBuffer>; length: number } {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const body = new Uint8Array(h.length + chunks.reduce((n, c) => n + c.length, 0));
  body.set(h);
  let at = h.length;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, length: h.length };
}

describe('health and metadata', () => {
  it('answers live, ready and server metadata', async () => {
    expect(await (await app.request('/v2/health/live')).json()).toEqual({ live: true });
    expect(await (await app.request('/v2/health/ready')).json()).toEqual({ ready: true });
    expect(await (await app.request('/v2')).json()).toEqual({ name: 'pitboss-model-server', version: '0.1.0', extensions: ['binary_tensor_data'] });
  });

  it('describes the model from the onnxruntime session, per version', async () => {
    const meta = (await (await app.request('/v2/models/risk')).json()) as ModelMetadataResponse;
    expect(meta.name).toBe('risk');
    expect(meta.versions).toEqual(['1', '3']);
    expect(meta.platform).toBe('onnxruntime_onnx');
    expect(meta.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, F] }]);
    expect(meta.outputs).toEqual([
      { name: 'probability', datatype: 'FP32', shape: [-1, 1] },
      { name: 'contributions', datatype: 'FP32', shape: [-1, F] },
    ]);
    expect(JSON.parse(String(meta.parameters?.['pitboss.feature_order']))).toEqual(NAMES);
    expect((await (await app.request('/v2/models/risk/versions/1')).json()).versions).toEqual(['1', '3']);
    expect(await (await app.request('/v2/models/risk/versions/3/ready')).json()).toEqual({ name: 'risk', version: '3', ready: true });
    await expectError(await app.request('/v2/models/risk/versions/2/ready'), 404, /unknown version '2' of model 'risk'/);
    await expectError(await app.request('/v2/models/other'), 404, /unknown model: 'other'/);
    await expectError(await app.request('/v2/nothing'), 404, /no route for GET \/v2\/nothing/);
  });
});

describe('inference', () => {
  it('JSON in, JSON out: the reference probabilities, nested data accepted, id echoed', async () => {
    const nested = Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * F, r * F + F)));
    const res = await json({ id: 'req-1', ...features({ data: nested }), outputs: [{ name: 'probability' }] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as InferenceResponse;
    expect(body).toMatchObject({ model_name: 'risk', model_version: '3', id: 'req-1' });
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0]).toMatchObject({ name: 'probability', datatype: 'FP32', shape: [rows, 1] });
    body.outputs[0]!.data!.forEach((p, i) => expect(Math.abs((p as number) - expected[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it('binary in, binary out (binary_data_output), with the header length', async () => {
    const { body, length } = binaryRequest(
      { inputs: [{ name: 'features', datatype: 'FP32', shape: [rows, F], parameters: { binary_data_size: x.byteLength } }], parameters: { binary_data_output: true } },
      new Uint8Array(x.buffer),
    );
    const res = await post('/v2/models/risk/versions/1/infer', body, { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(length) });
    expect(res.status).toBe(200);
    const n = Number(res.headers.get('Inference-Header-Content-Length'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, n))) as InferenceResponse;
    expect(header.model_version).toBe('1');
    expect(header.outputs.map((o) => [o.name, o.parameters?.binary_data_size, o.data])).toEqual([
      ['probability', rows * 4, undefined],
      ['contributions', rows * F * 4, undefined],
    ]);
    expect(bytes.length).toBe(n + rows * 4 + rows * F * 4);
    const p = new Float32Array(bytes.slice(n, n + rows * 4).buffer);
    p.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it('mixes: JSON input, one output binary (binary_data) and one JSON', async () => {
    const res = await json({ ...features(), outputs: [{ name: 'contributions' }, { name: 'probability', parameters: { binary_data: true } }] });
    const n = Number(res.headers.get('Inference-Header-Content-Length'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, n))) as InferenceResponse;
    expect(header.outputs[0]!.data).toHaveLength(rows * F);
    expect(header.outputs[1]!.parameters).toEqual({ binary_data_size: rows * 4 });
    expect(new Float32Array(bytes.slice(n).buffer)[2]).toBeCloseTo(expected[2]!, 6);
  });
});

describe('malformed requests', () => {
  it('bad JSON → 400', async () => {
    await expectError(await post('/v2/models/risk/infer', '{"inputs": ['), 400, /malformed request JSON/);
    await expectError(await json([1, 2]), 400, /must be a JSON object/);
    await expectError(await json({ inputs: [] }), 400, /'inputs' must be a non-empty array/);
  });

  it('wrong shape, count or values → 400', async () => {
    await expectError(await json(features({ shape: [rows, F + 1] })), 400, /shape \[5, 5\] does not match the model's \[-1, 4\]/);
    await expectError(await json(features({ shape: [rows * F] })), 400, /does not match the model's/);
    await expectError(await json(features({ shape: [rows + 1, F] })), 400, /needs 24 values, 'data' has 20/);
    await expectError(await json(features({ shape: [rows, -F] })), 400, /'shape' must be an array of non-negative integers/);
    await expectError(await json(features({ data: [...Array.from(x).slice(1), 'x' as unknown as number] })), 400, /data\[19\] = "x" is not a number/);
  });

  it('wrong datatype or names → 400', async () => {
    await expectError(await json(features({ datatype: 'FP64' })), 400, /datatype FP64 does not match the model's FP32/);
    await expectError(await json(features({ datatype: 'FLOAT' as 'FP32' })), 400, /unknown datatype "FLOAT"/);
    await expectError(await json(features({ name: 'x' })), 400, /unexpected input 'x' for model 'risk' \(inputs: features\)/);
    await expectError(await json({ ...features(), outputs: [{ name: 'score' }] }), 400, /unknown output 'score'/);
    await expectError(await json({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, F] }] }), 400, /needs 'data' or parameters.binary_data_size/);
  });

  it('binary extension errors → 400', async () => {
    const input = { name: 'features', datatype: 'FP32', shape: [rows, F], parameters: { binary_data_size: x.byteLength } };
    const short = binaryRequest({ inputs: [input] }, new Uint8Array(x.buffer).subarray(4));
    await expectError(await post('/v2/models/risk/infer', short.body, { 'Inference-Header-Content-Length': String(short.length) }), 400, /binary data ends at byte 76, before 80/);
    const extra = binaryRequest({ inputs: [input] }, new Uint8Array(x.buffer), new Uint8Array(8));
    await expectError(await post('/v2/models/risk/infer', extra.body, { 'Inference-Header-Content-Length': String(extra.length) }), 400, /8 bytes of binary data are not claimed/);
    const wrongSize = binaryRequest({ inputs: [{ ...input, parameters: { binary_data_size: 12 } }] }, new Uint8Array(12));
    await expectError(await post('/v2/models/risk/infer', wrongSize.body, { 'Inference-Header-Content-Length': String(wrongSize.length) }), 400, /binary_data_size 12 but shape \[5, 4\] of FP32 needs 80 bytes/);
    await expectError(await post('/v2/models/risk/infer', short.body, { 'Inference-Header-Content-Length': '99999' }), 400, /not a byte length within/);
  });

  it('unknown model or version → 404; oversized body → 413', async () => {
    await expectError(await post('/v2/models/nope/infer', JSON.stringify(features())), 404, /unknown model: 'nope'/);
    await expectError(await post('/v2/models/risk/versions/7/infer', JSON.stringify(features())), 404, /unknown version '7'.*available: 1, 3/);
    const big = features({ shape: [4000, F], data: new Array(4000 * F).fill(1.2345678) });
    await expectError(await json(big), 413, /exceeds the server's limit of 65536 bytes/);
  });
});
