import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { TenantSettings, TenantSettingsStore } from '../tenant-settings.js';
import type { AppEnv } from '../types.js';

const errors = {
  400: { description: 'Invalid parameters.', content: problemContent },
  401: { description: 'Missing or invalid credentials.', content: problemContent },
  403: { description: 'Role lacks the permission.', content: problemContent },
} as const;

/** A browser origin exactly as browsers send it: scheme, host, optional port; no path, no wildcard. */
export const OriginSchema = z
  .string()
  .max(253)
  .refine((o) => {
    // WHATWG URL parsing accepts `*` in hosts; an allow-list entry must be one literal origin.
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(o) || !URL.canParse(o)) return false;
    const u = new URL(o);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
  }, 'expected an origin such as https://backoffice.example.com (scheme, host, port; no path or wildcard)');

const Limit = z.object({ rate: z.number().positive().max(1e6), burst: z.int().min(1).max(1e7) }).strict().nullable();

export interface TenantRouteOptions {
  /** Accept `http:` JWKS URLs (tests, local identity providers). Production providers serve JWKS over https. */
  allowHttpJwks?: boolean;
  maxBodyBytes: number;
}

/**
 * `GET/PUT /v1/tenant/settings`: the caller's tenant's allowed browser
 * origins (CORS, embed tokens, frame-ancestors), OIDC provider for
 * backoffice JWTs, and rate limits. Tenants themselves are created with the
 * CLI (`pitboss keys create --tenant`); there is no cross-tenant admin API.
 *
 * @example
 * registerTenantRoutes(app, new TenantSettingsStore(storage.control), { maxBodyBytes: 1 << 20 });
 */
export function registerTenantRoutes(app: OpenAPIHono<AppEnv>, settings: TenantSettingsStore, options: TenantRouteOptions): void {
  const jwksUrl = z.string().max(2048).refine((u) => {
    if (!URL.canParse(u)) return false;
    const p = new URL(u).protocol;
    return p === 'https:' || (options.allowHttpJwks === true && p === 'http:');
  }, options.allowHttpJwks ? 'expected an http(s) URL' : 'expected an https URL');
  const Settings = z
    .object({
      allowed_origins: z.array(OriginSchema).max(50),
      jwt: z.object({ issuer: z.string().min(1).max(2048), audience: z.string().min(1).max(2048), jwks_url: jwksUrl }).strict().nullable(),
      rate_limit: z.object({ key: Limit, tenant: Limit }).strict(),
    })
    .strict()
    .openapi('TenantSettings');
  type Wire = z.infer<typeof Settings>;
  const toWire = (s: TenantSettings): Wire => ({
    allowed_origins: s.allowedOrigins,
    jwt: s.jwt ? { issuer: s.jwt.issuer, audience: s.jwt.audience, jwks_url: s.jwt.jwksUrl } : null,
    rate_limit: s.rateLimit,
  });

  const get = createRoute({
    method: 'get',
    path: '/v1/tenant/settings',
    tags: ['tenant'],
    summary: "The caller's tenant's authentication settings",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'tenant:settings',
    middleware: [requirePermission('tenant:settings')] as const,
    responses: { 200: { description: 'Settings.', content: { 'application/json': { schema: Settings } } }, ...errors },
  });
  app.openapi(get, async (c) => c.json(toWire(await settings.get(c.get('principal').tenant)), 200));

  const put = createRoute({
    method: 'put',
    path: '/v1/tenant/settings',
    tags: ['tenant'],
    summary: "Replace the caller's tenant's authentication settings",
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'tenant:settings',
    middleware: [requirePermission('tenant:settings'), jsonBody(options.maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: Settings } } } },
    responses: { 200: { description: 'Settings as stored.', content: { 'application/json': { schema: Settings } } }, ...errors },
  });
  app.openapi(put, async (c) => {
    const w = c.req.valid('json');
    const tenant = c.get('principal').tenant;
    const next: TenantSettings = {
      allowedOrigins: [...new Set(w.allowed_origins)],
      jwt: w.jwt ? { issuer: w.jwt.issuer, audience: w.jwt.audience, jwksUrl: w.jwt.jwks_url } : null,
      rateLimit: { key: w.rate_limit.key, tenant: w.rate_limit.tenant },
    };
    if (!(await settings.put(tenant, next))) throw new ApiError('not-found', { detail: 'tenant not found' });
    return c.json(toWire(next), 200);
  });
}
