import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { PERMISSIONS, PERMISSION_EXTENSION } from '../../src/app/permissions.js';
import { cudaProviderLibrary } from '@pitboss/ml/node';
import type { Logger } from '../../src/app/logger.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { scoringFromConfig } from '../../src/scoring/from-config.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { SCORE_BACKENDS, scoringApp } from './scores-setup.js';

type Operation = { responses: Record<string, { content?: Record<string, unknown> }>; [k: string]: unknown };

describe('model and score routes in the OpenAPI document; scorer config', () => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: ReturnType<typeof scoringApp>;

  beforeAll(async () => {
    ({ storage, close } = await SCORE_BACKENDS[0]!.open());
    app = scoringApp(storage);
  }, 120_000);
  afterAll(async () => {
    await app?.scoring.close();
    await close?.();
  });

  it('documents every scoring route with a permission and a 401 problem, in a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await app.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    const routes = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const scoring = [
      'POST /v1/models', 'GET /v1/models', 'GET /v1/models/compare', 'GET /v1/models/{version}', 'PUT /v1/models/{version}/card',
      'POST /v1/models/{version}/activate', 'POST /v1/models/rollback', 'PUT /v1/models/challenger',
      'GET /v1/models/{version}/onnx', 'GET /v1/models/active/onnx',
      'POST /v1/scores', 'GET /v1/players/{id}/score', 'POST /v1/labels', 'GET /v1/scoring/config', 'PUT /v1/scoring/config',
    ];
    expect(routes).toEqual(expect.arrayContaining(scoring));
    for (const r of scoring) {
      const [method, path] = r.split(' ') as [string, string];
      const op = doc.paths[path]![method.toLowerCase()]!;
      expect(PERMISSIONS).toContain(op[PERMISSION_EXTENSION]);
      expect(op.responses['401']?.content?.['application/problem+json']).toBeDefined();
      const writes = method !== 'GET';
      expect(op[PERMISSION_EXTENSION]).toBe(writes ? 'players:write' : 'players:read');
    }
  });

  it('exports the re-scoring backlog and failure gauges', async () => {
    const text = await (await app.app.request('/metrics')).text();
    expect(text).toMatch(/^pitboss_rescore_backlog 0$/m);
    expect(text).toMatch(/^pitboss_rescore_failing 0$/m);
  });

  it('asks for credentials on scoring routes', async () => {
    expect((await app.app.request('/v1/models')).status).toBe(401);
    expect((await app.app.request('/v1/scores', { method: 'POST' })).status).toBe(401);
  });

  it('scores in-process by default, over KServe with PITBOSS_SCORER_URL, and rejects a non-HTTP URL', () => {
    expect(loadConfig({ env: {} }).scorer).toEqual({ url: undefined, mode: 'binary', onnxMinBatch: undefined, provider: 'auto' });
    expect(loadConfig({ env: { PITBOSS_SCORER_URL: 'http://triton:8000', PITBOSS_SCORER_MODE: 'json' } }).scorer).toMatchObject({ url: 'http://triton:8000', mode: 'json' });
    expect(loadConfig({ argv: ['--scorer-onnx-min-batch', '1'], env: {} }).scorer.onnxMinBatch).toBe(1);
    expect(() => loadConfig({ env: { PITBOSS_SCORER_URL: 'ftp://x' } })).toThrow(/PITBOSS_SCORER_URL \(--scorer-url\): expected the http/);
    expect(() => loadConfig({ env: { PITBOSS_SCORER_MODE: 'grpc' } })).toThrow(/expected binary or json/);
  });

  it('runs onnxruntime-node on the configured provider; cuda without the CUDA provider installed fails at start', async () => {
    expect(loadConfig({ env: { PITBOSS_SCORER_PROVIDER: 'cpu' } }).scorer.provider).toBe('cpu');
    expect(loadConfig({ env: {}, argv: ['--scorer-provider', 'cuda'] }).scorer.provider).toBe('cuda');
    expect(() => loadConfig({ env: { PITBOSS_SCORER_PROVIDER: 'gpu' } })).toThrow(/PITBOSS_SCORER_PROVIDER \(--scorer-provider\): expected auto, cpu or cuda/);
    const lines: string[] = [];
    const logger = { debug() {}, info: (m: string) => lines.push(m), warn() {}, error() {}, child() { return logger; } } as unknown as Logger;
    const cuda = loadConfig({ env: { PITBOSS_SCORER_PROVIDER: 'cuda' } });
    if (cudaProviderLibrary() === null) {
      expect(() => scoringFromConfig(cuda, storage, logger)).toThrow(ConfigError);
      expect(() => scoringFromConfig(cuda, storage, logger)).toThrow(/no CUDA provider installed.*onnxruntime-node-install=cuda12/);
      const auto = scoringFromConfig(loadConfig({ env: {} }), storage, logger);
      expect(lines).toContain('scoring in process: onnxruntime-node on CPU (no CUDA provider installed)');
      await auto.close();
    }
  });
});
