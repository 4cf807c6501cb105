import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.js';
import type { AppEnv } from './types.js';

/**
 * Guards a JSON body before validation: 415 unless `application/json`
 * (UTF-8), 413 past `maxBytes` (checked while reading, not after).
 *
 * @example
 * createRoute({ ..., middleware: [jsonBody(1 << 20)] });
 */
export function jsonBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('payload-too-large', { detail: `body exceeds ${maxBytes} bytes`, extensions: { max_body_bytes: maxBytes } });
    },
  });
  return async function checkJsonBody(c, next) {
    const type = c.req.header('content-type');
    const [media = '', ...params] = (type ?? '').split(';').map((s) => s.trim().toLowerCase());
    if (media !== 'application/json') throw new ApiError('unsupported-media-type', { detail: 'send application/json' });
    const charset = params.find((p) => p.startsWith('charset='))?.slice(8);
    if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new ApiError('unsupported-media-type', { detail: `charset ${charset} is not supported; send UTF-8` });
    return limit(c, next);
  };
}
