import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { AppEnv } from './types.js';

/**
 * Load shedding: past `maxInFlight` concurrent requests, answer 503
 * `overloaded` at once. Queueing without bound would only grow latency and
 * memory until everything times out; a fast 503 with `Retry-After` lets
 * clients and balancers back off or go elsewhere.
 *
 * @example
 * app.use('/v1/*', shedLoad(1024));
 */
export function shedLoad(maxInFlight: number): MiddlewareHandler<AppEnv> {
  let inFlight = 0;
  return async function shed(_c, next) {
    if (inFlight >= maxInFlight) {
      throw new ApiError('overloaded', { detail: `more than ${maxInFlight} requests in flight; retry shortly`, extensions: { retryable: true }, headers: { 'retry-after': '1' } });
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}
