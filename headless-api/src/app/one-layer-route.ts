import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { assertPermission } from './auth.js';
import { validationFailed } from './errors.js';
import type { Permission } from './permissions.js';
import type { AppEnv } from './types.js';

/** A route whose only request part is its path parameters. */
type ParamsRoute<P extends z.ZodType> = RouteConfig & { request: { params: P; query?: never; headers?: never; cookies?: never; body?: never } };

/**
 * Registers a read route as `app.openapi` would, documented the same, but
 * as one Hono layer: the permission check (as `requirePermission`), the
 * path parameters checked against the route's schema (the same
 * `validation-failed` answer as the app's validation hook), then `handler`.
 *
 * Why: `app.openapi` makes each of these a layer of its own (the
 * permission, an async zod validator, the handler), and Hono runs each
 * layer in an `async` frame held across the database wait. On
 * `GET /v1/players/{id}`, the hottest route, that was two frames, an async
 * parse and a content-type lookup per request.
 *
 * @example
 * openapiOneLayer(app, getPlayerRoute, 'players:read', async (c, { id }) => respondJson(c, await read(id), 200));
 */
export function openapiOneLayer<P extends z.ZodType>(
  app: OpenAPIHono<AppEnv>,
  route: ParamsRoute<P>,
  permission: Permission,
  handler: (c: Context<AppEnv>, params: z.output<P>) => Response | Promise<Response>,
): void {
  const { middleware: _middleware, hide, ...documented } = route;
  if (!hide) app.openAPIRegistry.registerPath(documented);
  const schema = route.request.params;
  app.on([route.method], [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')], function oneLayer(c) {
    assertPermission(c, permission);
    const result = schema.safeParse(c.req.param());
    if (!result.success) throw validationFailed('param', result.error.issues);
    return handler(c, result.data);
  });
}
