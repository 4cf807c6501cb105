import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import { EMBED_MAX_TTL_SEC } from '../embed.js';
import type { EmbedTokens } from '../embed.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { PERMISSION_EXTENSION, ROLES } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { TenantSettingsSource } from '../tenant-settings.js';
import type { AppEnv } from '../types.js';
import { OriginSchema } from './tenants.js';

/**
 * `POST /v1/embed-tokens`: an operator's server exchanges its API key for a
 * short-lived token a browser page sends as `Bearer`. The token's role is the
 * key's own, or any role for an admin key; its origins must be among the
 * tenant's allowed origins. Only API keys may exchange: a token cannot mint
 * tokens, so a leaked browser token cannot outlive its expiry.
 *
 * @example
 * registerEmbedRoutes(app, new EmbedTokens(secret), settings, 1 << 20);
 */
export function registerEmbedRoutes(app: OpenAPIHono<AppEnv>, embed: EmbedTokens, settings: TenantSettingsSource, maxBodyBytes: number): void {
  const route = createRoute({
    method: 'post',
    path: '/v1/embed-tokens',
    tags: ['embed'],
    summary: 'Exchange an API key for a short-lived browser token bound to origins',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'embed-tokens:create',
    middleware: [requirePermission('embed-tokens:create'), jsonBody(maxBodyBytes)] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                origins: z.array(OriginSchema).min(1).max(10),
                role: z.enum(ROLES).optional().openapi({ description: "Default: the key's role. Only admin keys may ask for another role." }),
                ttl_seconds: z.int().min(30).max(EMBED_MAX_TTL_SEC).default(600),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The token.',
        content: { 'application/json': { schema: z.object({ token: z.string(), expires_at: z.string(), role: z.enum(ROLES), origins: z.array(z.string()) }).openapi('EmbedToken') } },
      },
      400: { description: 'Invalid parameters, or an origin the tenant does not allow.', content: problemContent },
      401: { description: 'Missing or invalid credentials.', content: problemContent },
      403: { description: 'Not an API key, or a role above the key.', content: problemContent },
    },
  });
  app.openapi(route, async (c) => {
    const principal = c.get('principal');
    if (principal.keyId.includes(':')) throw new ApiError('forbidden', { detail: 'only an API key can be exchanged for an embed token' });
    const body = c.req.valid('json');
    const role = body.role ?? principal.role;
    if (role !== principal.role && principal.role !== 'admin') throw new ApiError('forbidden', { detail: `a ${principal.role} key cannot issue ${role} tokens` });
    const allowed = new Set((await settings.get(principal.tenant)).allowedOrigins);
    const refused = body.origins.filter((o) => !allowed.has(o));
    if (refused.length > 0) {
      throw new ApiError('validation-failed', {
        detail: 'origins must be among the tenant allowed_origins (PUT /v1/tenant/settings)',
        extensions: { errors: refused.map((o) => ({ in: 'json', pointer: `/origins/${body.origins.indexOf(o)}`, message: `${o} is not allowed for this tenant` })) },
      });
    }
    const { token, expiresAt } = await embed.issue({ ...principal, role }, body.origins, body.ttl_seconds);
    return c.json({ token, expires_at: expiresAt.toISOString(), role, origins: body.origins }, 201);
  });
}
