import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requirePermission } from '../auth.js';
import { PERMISSION_EXTENSION, PERMISSIONS, ROLES, ROLE_PERMISSIONS } from '../permissions.js';
import { problemContent } from '../schemas.js';
import type { AppEnv, Principal } from '../types.js';

/** How the caller authenticated. */
export type PrincipalKind = 'api_key' | 'jwt' | 'embed_token';

const Me = z
  .object({
    tenant: z.string(),
    kind: z.enum(['api_key', 'jwt', 'embed_token']).openapi({ description: 'An API key (`pb_…`), a backoffice user JWT, or an embed token.' }),
    key_id: z.string().nullable().openapi({ description: "The API key's id; null for tokens." }),
    subject: z.string().nullable().openapi({ description: "The token's subject (`sub`); null for API keys." }),
    role: z.enum(ROLES),
    permissions: z.array(z.enum(PERMISSIONS)).openapi({ description: "Everything the caller's role may do (permissions.ts)." }),
  })
  .strict()
  .openapi('Me');

/** The caller as `GET /v1/me` describes it: the kind follows the principal's key id (`jwt:<sub>`, `embed:<sub>`, else an API key's id). */
export function describePrincipal(p: Principal): z.infer<typeof Me> {
  const [kind, keyId, subject]: [PrincipalKind, string | null, string | null] = p.keyId.startsWith('jwt:')
    ? ['jwt', null, p.keyId.slice('jwt:'.length)]
    : p.keyId.startsWith('embed:')
      ? ['embed_token', null, p.keyId.slice('embed:'.length)]
      : ['api_key', p.keyId, null];
  return { tenant: p.tenant, kind, key_id: keyId, subject, role: p.role, permissions: [...ROLE_PERMISSIONS[p.role]] };
}

/**
 * `GET /v1/me`: who the caller is (tenant, how it authenticated, key id or
 * token subject, role) and what its role may do, so a UI shows only what
 * will be allowed (the player card's note and interaction forms). Any
 * authenticated caller may ask: the route declares `players:read`, which
 * every role holds. Reads nothing from storage.
 *
 * @example
 * registerMeRoutes(app);
 * // GET /v1/me → { tenant: 'acme', kind: 'api_key', key_id: 'k1', subject: null, role: 'agent', permissions: ['players:read', …] }
 */
export function registerMeRoutes(app: OpenAPIHono<AppEnv>): void {
  const route = createRoute({
    method: 'get',
    path: '/v1/me',
    tags: ['auth'],
    summary: 'The caller: tenant, credential kind, role and permissions',
    security: [{ bearer: [] }],
    [PERMISSION_EXTENSION]: 'players:read',
    middleware: [requirePermission('players:read')] as const,
    responses: {
      200: { description: 'The caller.', content: { 'application/json': { schema: Me } } },
      401: { description: 'Missing or invalid credentials.', content: problemContent },
      403: { description: 'Role lacks the permission.', content: problemContent },
    },
  });
  app.openapi(route, (c) => {
    c.header('cache-control', 'no-store');
    return c.json(describePrincipal(c.get('principal')), 200);
  });
}
