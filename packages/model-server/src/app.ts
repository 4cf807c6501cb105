import { Hono } from 'hono';
import type { Context } from 'hono';
import { readBody } from './body.js';
import { InferenceError } from './errors.js';
import { decodeRequest, infer } from './infer.js';
import type { LoadedModel, ModelRepository } from './repository.js';
import { HEADER_CONTENT_LENGTH } from './protocol.js';
import type { ErrorResponse, ModelMetadataResponse, ServerMetadataResponse } from './protocol.js';

export interface AppOptions {
  /** Largest request body accepted, in bytes; default 64 MiB (a 64k × 21 FP64 batch in JSON is ~30 MB). */
  maxBodyBytes?: number;
  /** Readiness: false while the server drains on close. */
  isReady?: () => boolean;
  /** Where unexpected errors are reported; default `console.error`. */
  logError?: (error: unknown) => void;
}

export const SERVER_NAME = 'pitboss-model-server';
export const SERVER_VERSION = '0.1.0';
/** Protocol extensions this server implements. */
export const EXTENSIONS = ['binary_tensor_data'];

function metadata(repo: ModelRepository, model: LoadedModel): ModelMetadataResponse {
  return {
    name: model.name,
    versions: repo.versions(model.name),
    platform: 'onnxruntime_onnx',
    inputs: model.inputs.map((t) => ({ ...t, shape: [...t.shape] })),
    outputs: model.outputs.map((t) => ({ ...t, shape: [...t.shape] })),
    parameters: { ...model.properties },
  };
}

/**
 * The KServe v2 REST API as a Hono app over a loaded repository (serve it
 * with `createModelServer`, or call `app.request()` in tests).
 *
 * @example
 * const app = createApp(await ModelRepository.open({ directory: 'models' }));
 * const res = await app.request('/v2/health/ready');
 */
export function createApp(repo: ModelRepository, options: AppOptions = {}): Hono {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const isReady = options.isReady ?? (() => true);
  const logError = options.logError ?? ((error: unknown) => console.error(error));
  const app = new Hono();

  app.onError(function toErrorResponse(error, c) {
    if (error instanceof InferenceError) return c.json<ErrorResponse>({ error: error.message }, error.status);
    logError(error);
    return c.json<ErrorResponse>({ error: 'internal server error' }, 500);
  });
  app.notFound((c) => c.json<ErrorResponse>({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.get('/v2/health/live', (c) => c.json({ live: true }));
  app.get('/v2/health/ready', (c) => (isReady() ? c.json({ ready: true }) : c.json({ ready: false }, 503)));
  app.get('/v2', (c) => c.json<ServerMetadataResponse>({ name: SERVER_NAME, version: SERVER_VERSION, extensions: EXTENSIONS }));

  const model = (c: Context): LoadedModel => repo.get(c.req.param('name')!, c.req.param('version'));
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(base, (c) => c.json(metadata(repo, model(c))));
    app.get(`${base}/ready`, (c) => {
      const m = model(c);
      const ready = isReady();
      return c.json({ name: m.name, version: m.version, ready }, ready ? 200 : 503);
    });
    app.post(`${base}/infer`, async function inferRoute(c) {
      const m = model(c);
      const body = await readBody(c, maxBodyBytes);
      const { request, binary } = decodeRequest(body, c.req.header(HEADER_CONTENT_LENGTH));
      const { body: out, headerLength } = await infer(m, request, binary);
      if (headerLength === undefined) return c.body(out as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
      return c.body(out as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': 'application/octet-stream',
        [HEADER_CONTENT_LENGTH]: String(headerLength),
      });
    });
  }
  return app;
}
