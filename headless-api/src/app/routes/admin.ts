import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler, Next } from 'hono';
import {
  TENANT_ID, appendPlatformAudit, createTenant, createTenantKey, getTenant, isPlatformKeyShape, listPlatformAudit, listTenants, revokeTenantKey, verifyPlatformKey,
} from '../../storage/platform.js';
import type { PlatformPrincipal } from '../../storage/platform.js';
import { listApiKeys } from '../../storage/api-keys.js';
import type { Database } from '../../storage/pool.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv } from '../types.js';
import { CreatedKeySchema, KeyInfoSchema, NewKeySchema, keyIdParam, newKeyOptions } from './keys.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set for a request authenticated with a platform key (`pbp_…`); such a request has no tenant `principal`. */
    platform?: PlatformPrincipal;
  }
}

/** What the admin API needs from storage: the control database. */
export interface PlatformStorage {
  readonly control: Database;
}

/**
 * Whether `storage` has a control database (the sharded storage does; a
 * custom `ApiStorage` may not, and then the admin API is absent).
 *
 * @example
 * if (hasPlatformStorage(storage)) registerAdminRoutes(app, storage, 1 << 20);
 */
export function hasPlatformStorage(storage: object): storage is PlatformStorage {
  const control = (storage as { control?: unknown }).control;
  return typeof control === 'object' && control !== null && typeof (control as { query?: unknown }).query === 'function';
}

const BEARER = /^Bearer\s+(\S{8,8192})\s*$/i;
const challenge = { 'www-authenticate': 'Bearer realm="pitboss-platform"' };

/** The only paths a platform key opens. */
export const ADMIN_PREFIX = '/v1/admin/';

/**
 * Authenticates platform keys (`Authorization: Bearer pbp_…`) before the
 * tenant chain: a valid one sets `c.var.platform` and is only accepted under
 * `/v1/admin/` (403 anywhere else: a platform key reads no tenant's data); an
 * invalid one is 401. Every other credential passes through untouched to the
 * tenant chain. Not cached: each request checks revocation in the database,
 * and platform traffic is a few requests, not a stream.
 *
 * @example
 * app.use('/v1/*', authenticatePlatform(storage.control));
 * app.use('/v1/*', except(isPlatformRequest, ...tenantChain));
 */
export function authenticatePlatform(control: Database): MiddlewareHandler<AppEnv> {
  // Not async: every request passes here, and all but a few carry no platform key.
  return function platformKey(c, next) {
    const key = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    return key && isPlatformKeyShape(key) ? withPlatformKey(c, next, key) : next();
  };

  async function withPlatformKey(c: Context<AppEnv>, next: Next, key: string): Promise<void> {
    const who = await verifyPlatformKey(control, key);
    if (!who) throw new ApiError('unauthorized', { detail: 'unknown, revoked or expired platform key', headers: challenge });
    if (!c.req.path.startsWith(ADMIN_PREFIX)) {
      throw new ApiError('forbidden', { detail: `a platform key manages tenants under ${ADMIN_PREFIX}; it cannot act as a tenant`, extensions: { permission: 'tenant credentials' } });
    }
    c.set('platform', who);
    await next();
  }
}

/**
 * Whether the request was authenticated with a platform key (skip the tenant chain).
 *
 * @example
 * app.use('/v1/*', except(isPlatformRequest, ...security.middleware));
 */
export const isPlatformRequest = (c: Context): boolean => c.get('platform') !== undefined;

/**
 * Route guard of the admin API: only a platform key. A tenant credential
 * (any role, admins included) is 403: managing tenants is a platform
 * permission no tenant role holds. No credential is 401 (the tenant chain
 * answers it first).
 */
function requirePlatform(): MiddlewareHandler<AppEnv> {
  return async function checkPlatform(c, next) {
    if (c.get('platform')) return next();
    const principal = c.get('principal');
    if (!principal) throw new ApiError('unauthorized', { detail: 'send Authorization: Bearer <platform key>', headers: challenge });
    throw new ApiError('forbidden', { detail: `role ${principal.role} lacks platform:tenants; the admin API takes a platform key (pitboss keys create --platform)`, extensions: { permission: 'platform:tenants' } });
  };
}

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid credentials.', content: problemContent },
  403: { description: 'Not a platform key.', content: problemContent },
} as const;

const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string().openapi({ description: 'ISO 8601.' }),
    active_keys: z.int().openapi({ description: 'Keys neither revoked nor expired.' }),
  })
  .openapi('Tenant');

// Existing tenants may predate the admin API (the CLI accepts any printable ASCII id); new ones get TENANT_ID.
const TenantParam = z.object({
  tenant: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'a tenant id').openapi({ param: { name: 'tenant', in: 'path' }, example: 'acme' }),
});
const KeyParam = TenantParam.extend({ id: keyIdParam });

/**
 * The platform admin API (issue 4): tenants and their keys, for whoever runs
 * the installation, authorised by a platform key (`pbp_…`, made with
 * `pitboss keys create --platform`), never by a tenant key. Every call is
 * audited in `platform_audit`, and calls about a tenant also in that
 * tenant's `audit_log` (actor `platform:<key id>`, action `platform.*`);
 * writes and their audit entries commit together.
 *
 * - `POST /v1/admin/tenants {id, name?}` → 201 (409 if the id is taken)
 * - `GET /v1/admin/tenants?limit=&cursor=` → a page in id order
 * - `GET /v1/admin/tenants/{tenant}` → 200 / 404
 * - `POST /v1/admin/tenants/{tenant}/keys {role, name?, expires_at?}` → 201 `{id, key}` (shown once)
 * - `GET /v1/admin/tenants/{tenant}/keys` → keys without secrets
 * - `DELETE /v1/admin/tenants/{tenant}/keys/{id}` → 204 / 404
 * - `GET /v1/admin/audit?action=&tenant=&limit=&cursor=` → the platform audit trail
 *
 * @example
 * app.use('/v1/*', authenticatePlatform(storage.control));
 * registerAdminRoutes(app, storage, 1 << 20);
 */
export function registerAdminRoutes(app: OpenAPIHono<AppEnv>, storage: PlatformStorage, maxBodyBytes: number): void {
  const { control } = storage;
  app.openAPIRegistry.registerComponent('securitySchemes', 'platform', {
    type: 'http',
    scheme: 'bearer',
    description: 'A platform key (`pbp_<id>_<secret>`, from `pitboss keys create --platform`): manages tenants and their keys, reads no tenant data.',
  });
  const actor = (c: Context<AppEnv>) => ({ actor: c.get('platform')!.keyId, requestId: c.get('requestId') });
  const common = { tags: ['admin'], security: [{ platform: [] as string[] }], [PERMISSION_EXTENSION]: 'platform:tenants' as const };

  const create = createRoute({
    ...common,
    method: 'post',
    path: '/v1/admin/tenants',
    summary: 'Create a tenant',
    middleware: [requirePlatform(), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                id: z.string().regex(TENANT_ID, 'lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters').openapi({ example: 'acme' }),
                name: z.string().trim().min(1).max(200).optional().openapi({ description: 'Display name; default the id.' }),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: { description: 'The new tenant (no keys yet).', content: { 'application/json': { schema: TenantSchema } } },
      409: { description: 'A tenant with this id exists.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const created = await createTenant(control, { id: body.id, name: body.name ?? body.id }, actor(c));
    if (!created) {
      await appendPlatformAudit(control, { ...actor(c), action: 'tenant.create', target: `tenant:${body.id}`, details: { outcome: 'exists' } });
      throw new ApiError('conflict', { detail: `tenant ${body.id} exists` });
    }
    return c.json(created, 201);
  });

  const list = createRoute({
    ...common,
    method: 'get',
    path: '/v1/admin/tenants',
    summary: 'List tenants (id order, cursor pagination)',
    middleware: [requirePlatform()] as const,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().regex(/^[\x21-\x7e]{1,128}$/).optional().openapi({ description: 'next_cursor of the previous page.' }),
      }),
    },
    responses: {
      200: { description: 'A page of tenants.', content: { 'application/json': { schema: z.object({ items: z.array(TenantSchema), next_cursor: z.string().nullable() }).openapi('TenantPage') } } },
      ...errors,
    },
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rows = await listTenants(control, { limit: q.limit + 1, ...(q.cursor ? { after: q.cursor } : {}) });
    const items = rows.slice(0, q.limit);
    await appendPlatformAudit(control, { ...actor(c), action: 'tenant.list', details: { rows: items.length, cursor: q.cursor ?? null } });
    return c.json({ items, next_cursor: rows.length > q.limit ? items.at(-1)!.id : null }, 200);
  });

  const notFound = async (c: Context<AppEnv>, action: string, tenant: string, detail: string): Promise<never> => {
    await appendPlatformAudit(control, { ...actor(c), action, target: `tenant:${tenant}`, details: { outcome: 'not-found' } });
    throw new ApiError('not-found', { detail });
  };

  const read = createRoute({
    ...common,
    method: 'get',
    path: '/v1/admin/tenants/{tenant}',
    summary: 'One tenant',
    middleware: [requirePlatform()] as const,
    request: { params: TenantParam },
    responses: {
      200: { description: 'The tenant.', content: { 'application/json': { schema: TenantSchema } } },
      404: { description: 'No such tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(read, async (c) => {
    const { tenant } = c.req.valid('param');
    const found = await getTenant(control, tenant);
    if (!found) return notFound(c, 'tenant.read', tenant, `no tenant ${tenant}`);
    await appendPlatformAudit(control, { ...actor(c), action: 'tenant.read', tenant, target: `tenant:${tenant}` });
    return c.json(found, 200);
  });

  const createKey = createRoute({
    ...common,
    method: 'post',
    path: '/v1/admin/tenants/{tenant}/keys',
    summary: "Create an API key for a tenant (the key is shown once)",
    middleware: [requirePlatform(), jsonBody(maxBodyBytes)] as const,
    request: {
      params: TenantParam,
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
      404: { description: 'No such tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(createKey, async (c) => {
    const { tenant } = c.req.valid('param');
    const body = c.req.valid('json');
    const created = await createTenantKey(control, tenant, body.role, newKeyOptions(body), actor(c));
    if (!created) return notFound(c, 'key.create', tenant, `no tenant ${tenant}`);
    return c.json(created, 201);
  });

  const listKeys = createRoute({
    ...common,
    method: 'get',
    path: '/v1/admin/tenants/{tenant}/keys',
    summary: "A tenant's API keys (no secrets)",
    middleware: [requirePlatform()] as const,
    request: { params: TenantParam },
    responses: {
      200: { description: 'Keys, newest first.', content: { 'application/json': { schema: z.object({ keys: z.array(KeyInfoSchema) }) } } },
      404: { description: 'No such tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(listKeys, async (c) => {
    const { tenant } = c.req.valid('param');
    if (!(await getTenant(control, tenant))) return notFound(c, 'key.list', tenant, `no tenant ${tenant}`);
    const keys = await listApiKeys(control, tenant);
    await appendPlatformAudit(control, { ...actor(c), action: 'key.list', tenant, target: `tenant:${tenant}`, details: { rows: keys.length } });
    return c.json({ keys }, 200);
  });

  const revoke = createRoute({
    ...common,
    method: 'delete',
    path: '/v1/admin/tenants/{tenant}/keys/{id}',
    summary: "Revoke a tenant's API key",
    middleware: [requirePlatform()] as const,
    request: { params: KeyParam },
    responses: {
      204: { description: 'Revoked (every API process stops accepting it within the 10 s auth cache).' },
      404: { description: 'No live key with this id for this tenant.', content: problemContent },
      ...errors,
    },
  });
  app.openapi(revoke, async (c) => {
    const { tenant, id } = c.req.valid('param');
    if (!(await revokeTenantKey(control, tenant, id, actor(c)))) return notFound(c, 'key.revoke', tenant, `no live key ${id} for tenant ${tenant}`);
    return c.body(null, 204);
  });

  const AuditSchema = z
    .object({
      id: z.int(),
      at: z.string(),
      actor: z.string().openapi({ description: 'A platform key id, or `cli`.' }),
      action: z.string().openapi({ description: '`tenant.create`, `tenant.list`, `tenant.read`, `key.create`, `key.list`, `key.revoke`, `platform_key.create`, `platform_key.revoke`, `audit.read`.' }),
      tenant: z.string().nullable(),
      target: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      request_id: z.string().nullable(),
    })
    .openapi('PlatformAuditEntry');
  const audit = createRoute({
    ...common,
    method: 'get',
    path: '/v1/admin/audit',
    summary: 'The platform audit trail (newest first, cursor pagination)',
    middleware: [requirePlatform()] as const,
    request: {
      query: z.object({
        action: z.string().max(128).optional(),
        tenant: z.string().max(128).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().regex(/^[1-9]\d{0,17}$/).optional().openapi({ description: 'next_cursor of the previous page.' }),
      }),
    },
    responses: {
      200: { description: 'A page of entries.', content: { 'application/json': { schema: z.object({ items: z.array(AuditSchema), next_cursor: z.string().nullable() }).openapi('PlatformAuditPage') } } },
      ...errors,
    },
  });
  app.openapi(audit, async (c) => {
    const q = c.req.valid('query');
    const rows = await listPlatformAudit(control, { limit: q.limit + 1, ...(q.action ? { action: q.action } : {}), ...(q.tenant ? { tenant: q.tenant } : {}), ...(q.cursor ? { beforeId: Number(q.cursor) } : {}) });
    const items = rows.slice(0, q.limit);
    // Reading the trail is itself recorded (after the page, so it does not list itself).
    await appendPlatformAudit(control, { ...actor(c), action: 'audit.read', details: { rows: items.length, query: c.req.query() } });
    return c.json({
      items: items.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, tenant: r.tenant, target: r.target, details: r.details, request_id: r.requestId })),
      next_cursor: rows.length > q.limit ? String(items.at(-1)!.id) : null,
    }, 200);
  });
}
