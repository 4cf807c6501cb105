import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { AppEnv } from './types.js';

/**
 * Per-request logger (carrying the request id), access log line, and the
 * per-route request counter and latency histogram. Routes are labelled by
 * their pattern (`/v1/players/:id`), never the raw path, to bound cardinality.
 *
 * @example
 * app.use(requestId(), observe({ logger, metrics }));
 */
export function observe(options: { logger: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  const { logger, metrics } = options;
  const logAccess = logger.level === 'debug' || logger.level === 'info';
  return async function observeRequest(c, next) {
    const start = performance.now();
    const requestId = c.get('requestId');
    c.set('logger', logger.child({ request_id: requestId }));
    try {
      await next();
    } finally {
      const seconds = (performance.now() - start) / 1000;
      const route = matchedRoute(c);
      const status = String(c.res.status);
      metrics.requests.inc({ method: c.req.method, route, status });
      metrics.latency.observe({ method: c.req.method, route }, seconds);
      if (logAccess) {
        logger.info('request', {
          request_id: requestId, method: c.req.method, path: c.req.path, route, status: c.res.status,
          duration_ms: Math.round(seconds * 1e4) / 10, tenant: c.get('principal')?.tenant,
        });
      }
    }
  };
}

function matchedRoute(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const path = routePath(c, -1);
  return path === '/*' || path === '*' || path === '' ? 'unmatched' : path;
}
