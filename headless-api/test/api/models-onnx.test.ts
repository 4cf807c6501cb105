import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { readOnnxMetadata } from '@pitboss/ml';
import type { AppEnv } from '../../src/app/types.js';
import { trainTenantModel } from '../../src/scoring/default-model.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { SCORE_BACKENDS, scoringApp, seedSynth } from './scores-setup.js';

// GET /v1/models/{version}/onnx and /v1/models/active/onnx: the bytes an
// in-browser scorer loads (the SDK's LocalScorer), with ETag revalidation.

describe.each(SCORE_BACKENDS)('model ONNX download on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let main: ReturnType<typeof scoringApp>;
  const tenant = `mo${Date.now().toString(36)}`;
  let admin: string;
  let viewer: string;
  let other: string;
  let v1: Uint8Array;
  let v2: Uint8Array;

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    main = scoringApp(storage);
    app = main.app;
    admin = (await storage.createApiKey(tenant, 'admin')).key;
    viewer = (await storage.createApiKey(tenant, 'analyst')).key;
    other = (await storage.createApiKey(`${tenant}-other`, 'admin')).key;
    const labels = await seedSynth(storage, tenant, 120);
    v1 = (await trainTenantModel(storage, tenant, labels, { version: '1', seed: 1, synthetic: true, source: 'synth' })).bytes;
    v2 = (await trainTenantModel(storage, tenant, labels, { version: '2', seed: 2, synthetic: true, source: 'synth' })).bytes;
  }, 300_000);
  afterAll(async () => {
    await main?.scoring.close();
    await close?.();
  });

  const get = (path: string, key: string | null = viewer, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  const upload = async (bytes: Uint8Array) => {
    const res = await app.request('/v1/models', { method: 'POST', body: new Uint8Array(bytes), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' } });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  const activate = async (version: string) => {
    const res = await app.request(`/v1/models/${version}/activate`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('hex')}"`;
  const expectProblem = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as { detail?: string };
  };

  it('404 problem for the active model before any activation, and for an unknown version', async () => {
    expect((await expectProblem(await get('/v1/models/active/onnx'), 404)).detail).toMatch(/no model is active/);
    await upload(v1);
    await expectProblem(await get('/v1/models/9/onnx'), 404);
    await expectProblem(await get(`/v1/models/${'x'.repeat(65)}/onnx`), 404);
  });

  it('serves a version as uploaded, with ETag, version and feature order; 304 on If-None-Match', async () => {
    const res = await get('/v1/models/1/onnx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(etagOf(v1));
    expect(res.headers.get('pitboss-model-version')).toBe('1');
    expect(res.headers.get('pitboss-feature-order')!.split(',')).toEqual(JSON.parse(readOnnxMetadata(v1)['pitboss.feature_order']!));
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(v1))).toBe(true);
    const again = await get('/v1/models/1/onnx', viewer, { 'if-none-match': etagOf(v1) });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etagOf(v1));
    expect((await get('/v1/models/1/onnx', viewer, { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('active follows activations: new bytes, new ETag, Content-Location names the version', async () => {
    await activate('1');
    const a = await get('/v1/models/active/onnx');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-location')).toBe('/v1/models/1/onnx');
    expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(v1))).toBe(true);
    await upload(v2);
    await activate('2');
    const b = await get('/v1/models/active/onnx', viewer, { 'if-none-match': etagOf(v1) });
    expect(b.status).toBe(200);
    expect(b.headers.get('etag')).toBe(etagOf(v2));
    expect(b.headers.get('pitboss-model-version')).toBe('2');
    expect(Buffer.from(await b.arrayBuffer()).equals(Buffer.from(v2))).toBe(true);
    expect((await get('/v1/models/active/onnx', viewer, { 'if-none-match': etagOf(v2) })).status).toBe(304);
  });

  it('401 without a key; another tenant gets 404, never these bytes', async () => {
    await expectProblem(await get('/v1/models/active/onnx', null), 401);
    await expectProblem(await get('/v1/models/1/onnx', null), 401);
    await expectProblem(await get('/v1/models/1/onnx', other), 404);
    await expectProblem(await get('/v1/models/active/onnx', other), 404);
  });
});
