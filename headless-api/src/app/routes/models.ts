import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../auth.js';
import { readAll } from '../body.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';
import type { ScoringService } from '../../scoring/service.js';
import { scoringProblem } from './scores.js';

const ModelSchema = z
  .object({
    version: z.string(),
    name: z.string(),
    target: z.string(),
    kind: z.string(),
    feature_order: z.array(z.string()),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    trained_at: z.string().nullable(),
    card: z.string().nullable().openapi({ description: 'Model card (markdown), when one was sent.' }),
    sha256: z.string(),
    size_bytes: z.int(),
    uploaded_at: z.string(),
  })
  .openapi('Model');

const DeploymentSchema = z
  .object({
    active: z.string().nullable().openapi({ description: 'The champion version: scores every player outside the challenger share.' }),
    activated_at: z.string().nullable(),
    challenger: z.object({ version: z.string(), share: z.number() }).nullable(),
  })
  .openapi('Deployment');

const DistributionSchema = z.object({
  players: z.int(),
  mean: z.number().nullable(),
  quantiles: z.record(z.string(), z.number()).nullable(),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.int() })),
  labelled: z.int(),
  positives: z.int(),
  auc: z.number().nullable().openapi({ description: 'ROC-AUC of the probability against posted labels; null without both classes.' }),
});

const VersionParam = z.object({
  version: z.string().min(1).max(64).openapi({ param: { name: 'version', in: 'path' }, example: '2' }),
});

const errors = {
  401: { description: 'Missing or invalid API key.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;

const MAX_MODEL_BYTES = 64 << 20;

/**
 * Model registry routes: upload an ONNX file, list, read, activate, roll
 * back, set a challenger, compare two versions. Writes need `players:write`
 * (admin); reads `players:read`.
 *
 * @example
 * registerModelRoutes(app, scoring, 1 << 20);
 */
export function registerModelRoutes(app: OpenAPIHono<AppEnv>, scoring: ScoringService, maxBodyBytes: number): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/models',
    tags: ['models'],
    summary: 'Upload an ONNX model exported by @pitboss/ml',
    description: `The body is the .onnx file (application/octet-stream, at most ${MAX_MODEL_BYTES} bytes). It must load in onnxruntime and carry \`pitboss.model_version\` and \`pitboss.feature_order\` (core feature keys). Versions are immutable: 409 if the version exists. Optional query \`card\`-less: send the model card later with PUT /v1/models/{version}/card.`,
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    request: { body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } } },
    responses: {
      201: { description: 'Registered (not active yet).', content: { 'application/json': { schema: ModelSchema } } },
      400: { description: 'Not a usable Pitboss model.', content: problemContent },
      409: { description: 'The version is already registered.', content: problemContent },
      413: { description: 'File too large.', content: problemContent },
      415: { description: 'Not application/octet-stream.', content: problemContent },
      ...errors,
    },
  });
  app.post('/v1/models', requirePermission('players:write'), async function uploadModel(c) {
    const media = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (media !== 'application/octet-stream') throw new ApiError('unsupported-media-type', { detail: 'send the .onnx file as application/octet-stream' });
    const body = c.req.raw.body;
    if (!body) throw new ApiError('empty-body', { detail: 'send the .onnx file' });
    const bytes = await readAll(body, MAX_MODEL_BYTES);
    if (bytes.length === 0) throw new ApiError('empty-body', { detail: 'send the .onnx file' });
    const info = await scoringProblem(() => scoring.upload(c.get('principal').tenant, bytes));
    return c.json(info, 201);
  });

  const list = createRoute({
    method: 'get',
    path: '/v1/models',
    tags: ['models'],
    summary: 'List model versions and the serving state',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    responses: {
      200: { description: 'Versions, newest first (without cards), and the deployment.', content: { 'application/json': { schema: z.object({ items: z.array(ModelSchema), deployment: DeploymentSchema }) } } },
      ...errors,
    },
  });
  app.openapi(list, async (c) => {
    const { models, deployment } = await scoring.list(c.get('principal').tenant);
    return c.json({ items: models.map((m) => ({ ...m, card: null })), deployment }, 200);
  });

  const compare = createRoute({
    method: 'get',
    path: '/v1/models/compare',
    tags: ['models'],
    summary: 'Compare two versions: score distributions and, where labels exist, ROC-AUC',
    description: 'Over the latest score of each player each version scored. Labels come from POST /v1/labels for the versions\' target.',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: { query: z.object({ a: z.string().min(1).max(64), b: z.string().min(1).max(64) }) },
    responses: {
      200: {
        description: 'Both versions with their distributions.',
        content: { 'application/json': { schema: z.object({ a: ModelSchema.extend({ distribution: DistributionSchema }), b: ModelSchema.extend({ distribution: DistributionSchema }) }) } },
      },
      400: { description: 'Invalid parameters.', content: problemContent },
      404: { description: 'Unknown version.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(compare, async (c) => {
    const { a, b } = c.req.valid('query');
    const result = await scoringProblem(() => scoring.compare(c.get('principal').tenant, a, b));
    return c.json(result, 200);
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/models/{version}',
    tags: ['models'],
    summary: 'One model version: metadata, metrics, model card',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: { params: VersionParam },
    responses: {
      200: { description: 'The version.', content: { 'application/json': { schema: ModelSchema } } },
      404: { description: 'No such version for this tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(get, async (c) => {
    const { version } = c.req.valid('param');
    const info = await scoring.model(c.get('principal').tenant, version);
    if (!info) throw new ApiError('not-found', { detail: `no model version ${JSON.stringify(version)}` });
    return c.json(info, 200);
  });

  // The ONNX bytes, for clients that score locally (the SDK's LocalScorer in
  // onnxruntime-web). `active` is registered first: it resolves the champion.
  const onnxHeaders = {
    ETag: { description: 'The quoted SHA-256 of the file; send it back in If-None-Match for a 304.', schema: { type: 'string' as const } },
    'Pitboss-Model-Version': { description: 'The version served.', schema: { type: 'string' as const } },
    'Pitboss-Feature-Order': { description: 'Core feature keys in input column order, comma-separated (also in the file metadata `pitboss.feature_order`).', schema: { type: 'string' as const } },
  };
  for (const active of [true, false]) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path: active ? '/v1/models/active/onnx' : '/v1/models/{version}/onnx',
      tags: ['models'],
      summary: active ? "The active (champion) model's ONNX file" : "A version's ONNX file",
      description: 'The file as uploaded (application/octet-stream), for scoring in the browser or elsewhere. `Cache-Control: private, no-cache`: revalidate with If-None-Match.' +
        (active ? ' Content-Location names the version; 404 when no model is active.' : ''),
      security: [{ bearer: [] }],
      [PERMISSION_EXTENSION]: 'players:read',
      ...(active ? {} : { request: { params: VersionParam } }),
      responses: {
        200: { description: 'The ONNX file.', headers: onnxHeaders, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
        304: { description: 'Not modified (If-None-Match matched the ETag).', headers: onnxHeaders },
        404: { description: active ? 'No model is active for this tenant.' : 'No such version for this tenant.', content: problemContent },
        ...errors,
      },
    });
  }
  async function serveOnnx(c: Context<AppEnv>, tenant: string, version: string, contentLocation: boolean): Promise<Response> {
    const info = await scoring.model(tenant, version);
    if (!info) throw new ApiError('not-found', { detail: `no model version ${JSON.stringify(version)}` });
    const etag = `"${info.sha256}"`;
    const headers: Record<string, string> = {
      ETag: etag,
      'Cache-Control': 'private, no-cache',
      'Pitboss-Model-Version': info.version,
      'Pitboss-Feature-Order': info.feature_order.join(','),
      ...(contentLocation ? { 'Content-Location': `/v1/models/${encodeURIComponent(info.version)}/onnx` } : {}),
    };
    const match = c.req.header('if-none-match');
    if (match !== undefined && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) return c.body(null, 304, headers);
    const bytes = await scoring.modelBytes(tenant, version);
    if (!bytes) throw new ApiError('not-found', { detail: `no model version ${JSON.stringify(version)}` });
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) });
  }
  app.get('/v1/models/active/onnx', requirePermission('players:read'), async function activeOnnx(c) {
    const tenant = c.get('principal').tenant;
    const { active } = await scoring.deployment(tenant);
    if (active === null) throw new ApiError('not-found', { detail: 'no model is active for this tenant' });
    return serveOnnx(c, tenant, active, true);
  });
  app.get('/v1/models/:version/onnx', requirePermission('players:read'), async function versionOnnx(c) {
    const version = c.req.param('version');
    if (version.length < 1 || version.length > 64) throw new ApiError('not-found', { detail: `no model version ${JSON.stringify(version)}` });
    return serveOnnx(c, c.get('principal').tenant, version, false);
  });

  const card = createRoute({
    method: 'put',
    path: '/v1/models/{version}/card',
    tags: ['models'],
    summary: 'Attach the model card (markdown, e.g. the `.card.md` written by `pitboss train`)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: { params: VersionParam, body: { required: true, content: { 'application/json': { schema: z.object({ card: z.string().max(1 << 20) }) } } } },
    responses: {
      200: { description: 'The version with its card.', content: { 'application/json': { schema: ModelSchema } } },
      404: { description: 'No such version.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(card, async (c) => {
    const { version } = c.req.valid('param');
    const info = await scoring.setCard(c.get('principal').tenant, version, c.req.valid('json').card);
    if (!info) throw new ApiError('not-found', { detail: `no model version ${JSON.stringify(version)}` });
    return c.json(info, 200);
  });

  const activate = createRoute({
    method: 'post',
    path: '/v1/models/{version}/activate',
    tags: ['models'],
    summary: 'Make a version the active model (champion)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write')] as const,
    request: { params: VersionParam },
    responses: {
      200: { description: 'The deployment after activation.', content: { 'application/json': { schema: DeploymentSchema } } },
      404: { description: 'No such version.', content: problemContent },
      503: { description: 'The configured scorer cannot load the version.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(activate, async (c) => {
    const { version } = c.req.valid('param');
    return c.json(await scoringProblem(() => scoring.activate(c.get('principal').tenant, version)), 200);
  });

  const rollback = createRoute({
    method: 'post',
    path: '/v1/models/rollback',
    tags: ['models'],
    summary: 'Undo the latest activation: the previously active version serves again',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write')] as const,
    responses: {
      200: { description: 'The deployment after the rollback (active may be null).', content: { 'application/json': { schema: DeploymentSchema } } },
      409: { description: 'Nothing to roll back.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(rollback, async (c) => c.json(await scoringProblem(() => scoring.rollback(c.get('principal').tenant)), 200));

  const challenger = createRoute({
    method: 'put',
    path: '/v1/models/challenger',
    tags: ['models'],
    summary: 'Set (or with version null, clear) the challenger and its share of players',
    description: 'A player is scored by the challenger when the first 32 bits of SHA-256(tenant \\0 player), as a fraction of 2^32, is below `share`: the same players every time.',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: z.object({ version: z.string().min(1).max(64).nullable(), share: z.number().min(0).max(1).default(0.1) }) } } },
    },
    responses: {
      200: { description: 'The deployment.', content: { 'application/json': { schema: DeploymentSchema } } },
      404: { description: 'No such version.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(challenger, async (c) => {
    const { version, share } = c.req.valid('json');
    const tenant = c.get('principal').tenant;
    return c.json(await scoringProblem(() => scoring.setChallenger(tenant, version === null ? null : { version, share })), 200);
  });
}
