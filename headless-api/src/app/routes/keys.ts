import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION, ROLES } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';
import type { ShardedStorage } from '../../storage/index.js';

/** What the key routes need from storage. */
export type KeyStore = Pick<ShardedStorage, 'createApiKey' | 'listApiKeys' | 'revokeApiKey'>;

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid credentials.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;

/** One API key as listed: never the secret. Shared by `/v1/keys` and `/v1/admin/tenants/{tenant}/keys`. */
export const KeyInfoSchema = z
  .object({
    id: z.string(), tenant: z.string(), role: z.enum(ROLES), name: z.string().nullable(),
    created_at: z.string(), expires_at: z.string().nullable(), revoked_at: z.string().nullable(),
  })
  .openapi('ApiKeyInfo');

/** A key id in a path: the visible 12-character prefix. */
export const keyIdParam = z.string().regex(/^[a-z2-7]{12}$/, 'a 12-character key id').openapi({ param: { name: 'id', in: 'path' }, example: 'abcdefghijkl' });

/** The body that creates a key, for a tenant's admin and for the platform admin alike. */
export const NewKeySchema = z
  .object({
    role: z.enum(ROLES),
    name: z.string().min(1).max(200).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'After this instant the key no longer verifies.' }),
  })
  .strict();

/** The response to a creation: `key` is shown this once. */
export const CreatedKeySchema = z.object({ id: z.string(), key: z.string() }).openapi('CreatedApiKey');

/**
 * The storage options for a validated creation body; an expiry that is
 * already past is a 400 rather than a key that never works.
 *
 * @example
 * await store.createApiKey(tenant, body.role, newKeyOptions(body));
 */
export function newKeyOptions(body: z.infer<typeof NewKeySchema>): { name?: string; expiresAt?: Date } {
  const expiresAt = body.expires_at ? new Date(body.expires_at) : undefined;
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new ApiError('validation-failed', { detail: 'expires_at is in the past', extensions: { errors: [{ in: 'json', pointer: '/expires_at', message: 'must be in the future' }] } });
  }
  return { ...(body.name ? { name: body.name } : {}), ...(expiresAt ? { expiresAt } : {}) };
}

const KeyIdParam = z.object({ id: keyIdParam });

/**
 * Admin API for the caller's tenant's API keys: create (the secret is in the
 * response once), list (no secrets), revoke. Revocation takes effect at once
 * in the process that revoked (see `createSecurity`) and in every other API
 * process within the auth cache TTL (10 s).
 *
 * @example
 * registerKeyRoutes(app, storage, 1 << 20);
 */
export function registerKeyRoutes(app: OpenAPIHono<AppEnv>, store: KeyStore, maxBodyBytes: number): void {
  const create = createRoute({
    method: 'post',
    path: '/v1/keys',
    tags: ['keys'],
    summary: "Create an API key for the caller's tenant (the key is shown once)",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'keys:manage',
    middleware: [requirePermission('keys:manage'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: NewKeySchema,
          },
        },
      },
    },
    responses: {
      201: { description: 'The new key; `key` is never shown again.', content: { 'application/json': { schema: CreatedKeySchema } } },
      ...errors,
    },
  });
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const created = await store.createApiKey(c.get('principal').tenant, body.role, newKeyOptions(body));
    return c.json(created, 201);
  });

  const list = createRoute({
    method: 'get',
    path: '/v1/keys',
    tags: ['keys'],
    summary: "List the caller's tenant's API keys (no secrets)",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'keys:manage',
    middleware: [requirePermission('keys:manage')] as const,
    responses: {
      200: { description: 'Keys, newest first.', content: { 'application/json': { schema: z.object({ keys: z.array(KeyInfoSchema) }) } } },
      ...errors,
    },
  });
  app.openapi(list, async (c) => c.json({ keys: await store.listApiKeys(c.get('principal').tenant) }, 200));

  const revoke = createRoute({
    method: 'delete',
    path: '/v1/keys/{id}',
    tags: ['keys'],
    summary: 'Revoke an API key',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'keys:manage',
    middleware: [requirePermission('keys:manage')] as const,
    request: { params: KeyIdParam },
    responses: {
      204: { description: 'Revoked.' },
      404: { description: 'No live key with this id for this tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await store.revokeApiKey(c.get('principal').tenant, id))) throw new ApiError('not-found', { detail: `no live key ${id}` });
    return c.body(null, 204);
  });
}
