import type { Context, MiddlewareHandler, Next } from 'hono';
import { ApiError } from './errors.js';
import { hasCompleteHeaders } from './fast-json.js';
import type { TenantSettings, TenantSettingsSource } from './tenant-settings.js';
import type { AppEnv } from './types.js';

export interface CorsOptions {
  /** Seconds a browser may cache a preflight answer. Default 600. */
  maxAgeSec?: number;
}

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type, if-match, if-none-match, x-request-id';
const EXPOSE_HEADERS = 'etag, location, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, x-request-id, content-location, pitboss-model-version, pitboss-feature-order';

/**
 * CORS for `/v1`, allow-listed per tenant. A preflight carries no
 * credentials, so it is answered for an origin that some tenant allows; the
 * real request then passes `tenantOrigin` below, which checks the caller's own
 * tenant. The allowed origin is echoed (never `*`) with `Vary: Origin`, and no
 * `Access-Control-Allow-Credentials`: credentials are bearer tokens, never
 * cookies, so the browser must not attach cookies at all.
 *
 * @example
 * app.use('/v1/*', cors(settings));
 */
export function cors(settings: Pick<TenantSettingsSource, 'anyTenantAllows'>, options: CorsOptions = {}): MiddlewareHandler<AppEnv> {
  const maxAge = String(options.maxAgeSec ?? 600);
  // Not async: a request without `Origin` (a server, not a browser) goes straight on.
  return function corsHeaders(c, next) {
    const origin = c.req.header('origin');
    return origin ? withOrigin(c, next, origin) : next();
  };

  async function withOrigin(c: Context<AppEnv>, next: Next, origin: string): Promise<Response | void> {
    const known = await settings.anyTenantAllows(origin);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!known) throw new ApiError('forbidden', { detail: 'origin not allowed', headers: { vary: 'Origin' } });
      return c.body(null, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-max-age': maxAge,
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      });
    }
    await next();
    c.res.headers.append('vary', 'Origin');
    if (known) {
      c.res.headers.set('access-control-allow-origin', origin);
      c.res.headers.set('access-control-expose-headers', EXPOSE_HEADERS);
    }
  }
}

/**
 * After authentication: a request that names an `Origin` (a browser) must
 * come from one of the caller's tenant's allowed origins, whatever the
 * credential. Also sets `frame-ancestors` to those origins, so a tenant's
 * backoffice pages may frame what the API serves and no one else may.
 *
 * @example
 * app.use('/v1/*', authenticate(storage), tenantOrigin(settings));
 */
export function tenantOrigin(settings: Pick<TenantSettingsSource, 'get' | 'cached'>): MiddlewareHandler<AppEnv> {
  // Not async: with the tenant's settings cached and no origins to frame, the request goes straight on.
  return function checkTenantOrigin(c, next) {
    const principal = c.get('principal');
    if (!principal) return next();
    const cached = settings.cached?.(principal.tenant);
    return cached ? checkOrigin(c, next, cached) : settings.get(principal.tenant).then((s) => checkOrigin(c, next, s));
  };
}

function checkOrigin(c: Context<AppEnv>, next: Next, settings: TenantSettings): Promise<void> {
  const allowed = settings.allowedOrigins;
  const origin = c.req.header('origin');
  if (origin && !allowed.includes(origin)) throw new ApiError('forbidden', { detail: 'origin not allowed for this tenant' });
  if (allowed.length === 0) return next();
  const csp = `default-src 'none'; frame-ancestors ${allowed.join(' ')}`;
  // Into the request's header record too (fast-json.ts), where X-Frame-Options would contradict it.
  const planned = c.get('responseHeaders');
  if (planned) {
    planned['content-security-policy'] = csp;
    delete planned['x-frame-options'];
  }
  return next().then(() => {
    if (!hasCompleteHeaders(c.res)) c.res.headers.set('content-security-policy', csp);
  });
}
