import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { ShardHealthSchema, problemContent } from '../schemas.js';
import type { ApiStorage, AppEnv } from '../types.js';

export interface Lifecycle {
  /** True once shutdown began: `/readyz` answers 503 so load balancers stop sending. */
  draining(): boolean;
}

/**
 * `/healthz` (the process answers), `/readyz` (every shard reachable) and
 * `/metrics` (Prometheus). Unauthenticated: expose them to your network only.
 *
 * @example
 * registerOpsRoutes(app, storage, metrics, { draining: () => false });
 */
export function registerOpsRoutes(app: OpenAPIHono<AppEnv>, storage: ApiStorage, metrics: Metrics, lifecycle: Lifecycle): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/healthz', tags: ['operations'], summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/readyz', tags: ['operations'], summary: 'Readiness: every shard database reachable',
      responses: {
        200: { description: 'Ready.', content: { 'application/json': { schema: z.object({ status: z.literal('ready'), shards: z.array(ShardHealthSchema) }) } } },
        503: { description: 'A shard is unreachable (listed in `unavailable`) or the server is shutting down.', content: problemContent },
      },
    }),
    async (c) => {
      if (lifecycle.draining()) throw new ApiError('shutting-down', { detail: 'draining before shutdown' });
      const shards = await storage.health();
      const down = shards.filter((s) => !s.ok);
      if (down.length > 0) {
        throw new ApiError('not-ready', {
          detail: `database(s) ${down.map((s) => s.database).join(', ')} unreachable`,
          extensions: { unavailable: down.map((s) => s.database), shards },
        });
      }
      return c.json({ status: 'ready' as const, shards }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/metrics', tags: ['operations'], summary: 'Prometheus metrics',
      responses: { 200: { description: 'Text exposition format 0.0.4.', content: { 'text/plain': { schema: z.string() } } } },
    }),
    (c) => c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
}
