import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PlayerProfile } from '@pitboss/core';
import { requirePermission } from '../auth.js';
import { jsonBody } from '../json-body.js';
import { openapiOneLayer } from '../one-layer-route.js';
import { respondJson } from '../masking.js';
import { ApiError } from '../errors.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { PlayerDetailSchema, PlayerIdParam, PlayerPageSchema, problemContent } from '../schemas.js';
import type { ApiStorage, AppEnv } from '../types.js';

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid API key.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;

/**
 * Player routes: list (keyset pages), read one, upsert a profile.
 *
 * @example
 * registerPlayerRoutes(app, storage, ['player_id', 'registered_at', 'last_event_at', 'net_loss_30d'], 1 << 20);
 */
export function registerPlayerRoutes(app: OpenAPIHono<AppEnv>, storage: ApiStorage, sortKeys: readonly string[], maxBodyBytes: number): void {
  const sortSet = new Set(sortKeys);

  const list = createRoute({
    method: 'get',
    path: '/v1/players',
    tags: ['players'],
    summary: 'List players (cursor pagination)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    request: {
      query: z.object({
        sort: z
          .string()
          .default('player_id')
          .refine((s) => sortSet.has(s), { message: `expected one of ${sortKeys.join(', ')}` })
          .openapi({ description: 'Sort key: a column or a feature key.', enum: [...sortKeys] }),
        order: z.enum(['asc', 'desc']).default('asc'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().max(2048).optional().openapi({ description: 'next_cursor of the previous page.' }),
        country: z.string().regex(/^[A-Z]{2}$/).optional(),
        currency: z.string().regex(/^[A-Z]{3}$/).optional().openapi({
          description: 'ISO 4217 code of the player account. Money features are in each player\'s own currency (minor units): filter by one to rank them.',
        }),
        brand: z.string().max(64).optional(),
        status: z.enum(['active', 'blocked', 'self_excluded']).optional(),
        test_account: z.enum(['true', 'false']).optional(),
      }),
    },
    responses: {
      200: { description: 'A page of players.', content: { 'application/json': { schema: PlayerPageSchema } } },
      ...errors,
    },
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const filters = {
      ...(q.country ? { country: q.country } : {}),
      ...(q.currency ? { currency: q.currency } : {}),
      ...(q.brand ? { brand: q.brand } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.test_account ? { test_account: q.test_account === 'true' } : {}),
    };
    const page = await storage.listPlayers(c.get('principal').tenant, {
      sort: q.sort, order: q.order, limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}), filters,
    });
    return respondJson(c, page, 200);
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/players/{id}',
    tags: ['players'],
    summary: 'Read a player: profile, features, latest score, recent events',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    request: { params: PlayerIdParam },
    responses: {
      200: { description: 'The player.', content: { 'application/json': { schema: PlayerDetailSchema } } },
      404: { description: 'No such player for this tenant.', content: problemContent },
      ...errors,
    },
  });
  // The hottest route: one Hono layer rather than three (see one-layer-route.ts).
  openapiOneLayer(app, get, 'players:read', async (c, { id }) => {
    const player = await storage.getPlayer(c.get('principal').tenant, id);
    if (!player) throw new ApiError('not-found', { detail: `no player ${JSON.stringify(id)}` });
    return respondJson(c, player, 200);
  });

  const put = createRoute({
    method: 'put',
    path: '/v1/players/{id}',
    tags: ['players'],
    summary: 'Create or update a player profile (fields merge into what is stored)',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:write',
    middleware: [requirePermission('players:write'), jsonBody(maxBodyBytes)] as const,
    request: {
      params: PlayerIdParam,
      body: { required: true, content: { 'application/json': { schema: PlayerProfile } } },
    },
    responses: {
      200: { description: 'The player after the update.', content: { 'application/json': { schema: PlayerDetailSchema } } },
      413: { description: 'Body over the size limit.', content: problemContent },
      415: { description: 'Body is not application/json.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(put, async (c) => {
    const { id } = c.req.valid('param');
    const profile = c.req.valid('json');
    const tenant = c.get('principal').tenant;
    await storage.upsertPlayer(tenant, id, profile);
    const player = await storage.getPlayer(tenant, id);
    if (!player) throw new Error(`player ${id} missing right after its upsert`);
    return respondJson(c, player, 200);
  });
}
