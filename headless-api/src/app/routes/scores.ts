import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { BANDS, LOCALES, UKGC_CATEGORIES } from '@pitboss/ml';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { PlayerIdParam, problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';
import { ScoringError } from '../../scoring/service.js';
import type { ScoringService } from '../../scoring/service.js';

/**
 * Runs a scoring call, turning `ScoringError` into the API's problems
 * (400 invalid model/config, 404 unknown version, 409 no active model or
 * version exists, 503 scorer unavailable).
 *
 * @example
 * const info = await scoringProblem(() => scoring.upload(tenant, bytes));
 */
export async function scoringProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ScoringError)) throw error;
    const extensions = { code: error.code };
    switch (error.code) {
      case 'invalid-model':
      case 'invalid-config':
        throw new ApiError('bad-request', { detail: error.message, extensions, cause: error });
      case 'unknown-version':
        throw new ApiError('not-found', { detail: error.message, extensions, cause: error });
      case 'version-exists':
      case 'no-active-model':
        throw new ApiError('bad-request', { status: 409, detail: error.message, extensions, cause: error });
      case 'scorer-unavailable':
        throw new ApiError('not-ready', { detail: error.message, extensions, cause: error, headers: { 'retry-after': '5' } });
    }
  }
}

const text = z.object(Object.fromEntries(LOCALES.map((l) => [l, z.string()])) as Record<(typeof LOCALES)[number], z.ZodString>);

const ReasonSchema = z
  .object({
    feature: z.string(),
    category: z.enum(UKGC_CATEGORIES).openapi({ description: 'UK Gambling Commission indicator category.' }),
    contribution: z.number().openapi({ description: 'Share of the score in calibrated-logit units (> 0 raises it).' }),
    direction: z.enum(['above', 'below', 'missing']),
    text,
  })
  .openapi('ScoreReason');

const ScoreSchema = z
  .object({
    player_id: z.string(),
    score: z.int().min(0).max(100),
    probability: z.number(),
    band: z.enum(BANDS),
    model_version: z.string(),
    role: z.enum(['champion', 'challenger']),
    reasons: z.array(ReasonSchema),
  })
  .openapi('Score');

const StoredScoreSchema = ScoreSchema.extend({ scored_at: z.string() }).openapi('StoredScore');

const PlayerIds = z.array(PlayerIdParam.shape.id).min(1).max(10_000);

const ConfigSchema = z
  .object({
    thresholds: z.object({ low: z.number(), medium: z.number(), high: z.number(), very_high: z.number() }).openapi({ description: 'Lowest score (0-100) of each band.' }),
    topReasons: z.int().min(0).max(21),
  })
  .openapi('ScoringConfig');

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid API key.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;

/**
 * Scoring routes: score players now, read a player's latest score, post
 * outcome labels, read and set the tenant's band thresholds.
 *
 * @example
 * registerScoreRoutes(app, scoring, 1 << 20);
 */
export function registerScoreRoutes(app: OpenAPIHono<AppEnv>, scoring: ScoringService, maxBodyBytes: number): void {
  const score = createRoute({
    method: 'post',
    path: '/v1/scores',
    tags: ['scores'],
    summary: 'Score players now (stored with the model version; sets players.risk_score/risk_band)',
    description: 'Features come from the stored player features. The challenger, when set, scores its share of players (by hash); the active model the rest.',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: z.object({ player_ids: PlayerIds }) } } } },
    responses: {
      200: {
        description: 'Scores, sorted by player id; players without features are listed in `missing`.',
        content: { 'application/json': { schema: z.object({ scores: z.array(ScoreSchema), missing: z.array(z.string()) }) } },
      },
      409: { description: 'No active model.', content: problemContent },
      503: { description: 'The scorer (e.g. the KServe server) is unavailable.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(score, async (c) => {
    const { player_ids } = c.req.valid('json');
    return c.json(await scoringProblem(() => scoring.score(c.get('principal').tenant, player_ids)), 200);
  });

  const latest = createRoute({
    method: 'get',
    path: '/v1/players/{id}/score',
    tags: ['scores'],
    summary: "A player's latest score: band, reasons, model version, when",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: { params: PlayerIdParam },
    responses: {
      200: { description: 'The latest score.', content: { 'application/json': { schema: StoredScoreSchema } } },
      404: { description: 'Never scored (or no such player for this tenant).', content: problemContent },
      ...errors,
    },
  });
  app.openapi(latest, async (c) => {
    const { id } = c.req.valid('param');
    const s = await scoring.latest(c.get('principal').tenant, id);
    if (!s) throw new ApiError('not-found', { detail: `player ${JSON.stringify(id)} has no score` });
    return c.json(StoredScoreSchema.parse(s), 200);
  });

  const labels = createRoute({
    method: 'post',
    path: '/v1/labels',
    tags: ['scores'],
    summary: 'Post confirmed outcomes (1 = harm / churn confirmed, 0 = not) for model comparison',
    description: 'A later label for the same player and target replaces the earlier one. Used by GET /v1/models/compare for ROC-AUC.',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              target: z.enum(['risk', 'churn']).default('risk'),
              labels: z.array(z.object({ player_id: PlayerIdParam.shape.id, label: z.union([z.literal(0), z.literal(1)]) })).min(1).max(10_000),
            }),
          },
        },
      },
    },
    responses: {
      200: { description: 'Stored.', content: { 'application/json': { schema: z.object({ stored: z.int() }) } } },
      ...errors,
    },
  });
  app.openapi(labels, async (c) => {
    const body = c.req.valid('json');
    await scoring.label(c.get('principal').tenant, body.target, body.labels);
    return c.json({ stored: body.labels.length }, 200);
  });

  const getConfig = createRoute({
    method: 'get',
    path: '/v1/scoring/config',
    tags: ['scores'],
    summary: "The tenant's band thresholds and reasons per score",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    responses: { 200: { description: 'The config (defaults unless set).', content: { 'application/json': { schema: ConfigSchema } } }, ...errors },
  });
  app.openapi(getConfig, async (c) => c.json(await scoring.config(c.get('principal').tenant), 200));

  const putConfig = createRoute({
    method: 'put',
    path: '/v1/scoring/config',
    tags: ['scores'],
    summary: "Set the tenant's band thresholds (partial, over the defaults 10/25/50/75); applies to scores computed from now on",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              thresholds: z.object({ low: z.number(), medium: z.number(), high: z.number(), very_high: z.number() }).partial().optional(),
              topReasons: z.int().min(0).max(21).optional(),
            }),
          },
        },
      },
    },
    responses: { 200: { description: 'The stored config.', content: { 'application/json': { schema: ConfigSchema } } }, ...errors },
  });
  app.openapi(putConfig, async (c) => {
    const body = c.req.valid('json');
    const overrides = { ...(body.thresholds ? { thresholds: body.thresholds } : {}), ...(body.topReasons !== undefined ? { topReasons: body.topReasons } : {}) };
    return c.json(await scoringProblem(() => scoring.setConfig(c.get('principal').tenant, overrides)), 200);
  });
}
