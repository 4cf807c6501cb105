import type { MiddlewareHandler } from 'hono';
import { hasCompleteHeaders } from './fast-json.js';
import type { AppEnv } from './types.js';

const REQUEST_ID = /^[\w.:=-]{1,128}$/;

/**
 * Sets `c.var.requestId`: the caller's `X-Request-Id` when it is a plain
 * token (letters, digits, `_.:=-`, at most 128), a new UUID otherwise; and
 * answers it in `x-request-id` on every response. One made by
 * `fastJsonResponse` (see `fast-json.ts`) already carries it; any other gets
 * it after the handler, so responses a handler builds itself carry it too.
 * Unlike `hono/request-id` it sets no header before the handler: that would
 * give every request a `Headers` object that every response is built on.
 *
 * @example
 * app.use(requestId(), observe({ logger, metrics }));
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function identifyRequest(c, next) {
    const header = c.req.header('x-request-id');
    const id = header && REQUEST_ID.test(header) ? header : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    if (!hasCompleteHeaders(c.res)) c.res.headers.set('x-request-id', id);
  };
}
