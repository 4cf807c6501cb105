import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import { can } from './permissions.js';
import type { Permission } from './permissions.js';
import type { ApiStorage, AppEnv, Principal } from './types.js';

export interface AuthOptions {
  /**
   * How long a verified key is trusted without asking storage again. Keys are
   * stored hashed in the control database; re-checking on every request would
   * double the cost of a player read. Revocation takes effect within this time.
   */
  cacheTtlMs?: number;
  cacheSize?: number;
  now?: () => number;
}

const BEARER = /^Bearer\s+(\S{8,512})\s*$/i;

/**
 * Resolves `Authorization: Bearer <key>` to a principal (tenant, role) through
 * `storage.verifyApiKey`, and sets it as `c.var.principal`. 401 otherwise.
 *
 * @example
 * app.use('/v1/*', authenticate(storage));
 */
export function authenticate(storage: Pick<ApiStorage, 'verifyApiKey'>, options: AuthOptions = {}): MiddlewareHandler<AppEnv> {
  const ttl = options.cacheTtlMs ?? 10_000;
  const max = options.cacheSize ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  // One lookup per key at a time: when a cached entry expires under load, every request in flight would otherwise ask storage at once.
  const pending = new Map<string, Promise<Principal | null>>();
  const challenge = { 'www-authenticate': 'Bearer realm="pitboss"' };

  return async function authenticateRequest(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw new ApiError('unauthorized', { detail: 'send Authorization: Bearer <api key>', headers: challenge });
    const key = BEARER.exec(header)?.[1];
    if (!key) throw new ApiError('unauthorized', { detail: 'malformed Authorization header; expected Bearer <api key>', headers: challenge });
    const t = now();
    let hit = cache.get(key);
    if (!hit || hit.until < t) {
      let lookup = pending.get(key);
      if (!lookup) {
        lookup = storage.verifyApiKey(key).finally(() => pending.delete(key));
        pending.set(key, lookup);
      }
      const principal = await lookup;
      if (!principal) {
        cache.delete(key);
        throw new ApiError('unauthorized', { detail: 'unknown, revoked or expired API key', headers: challenge });
      }
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      hit = { principal, until: t + ttl };
      cache.set(key, hit);
    }
    c.set('principal', hit.principal);
    await next();
  };
}

/**
 * Route guard: 403 unless the caller's role holds `permission`. Every route
 * under /v1 declares one (see `permissions.ts`).
 *
 * @example
 * createRoute({ ..., middleware: [requirePermission('players:read')] });
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async function checkPermission(c, next) {
    const principal = c.get('principal');
    if (!principal) throw new ApiError('unauthorized', { detail: 'no credentials' });
    if (!can(principal.role, permission)) {
      throw new ApiError('forbidden', { detail: `role ${principal.role} lacks ${permission}`, extensions: { permission } });
    }
    await next();
  };
}
