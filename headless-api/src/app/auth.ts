import type { Context, MiddlewareHandler, Next } from 'hono';
import { decodeJwt } from 'jose';
import type { JWTPayload } from 'jose';
import { looksLikeEmbed, EmbedRejected } from './embed.js';
import type { EmbedTokens } from './embed.js';
import { ApiError } from './errors.js';
import { JwksUnavailable, JwtRejected } from './jwt.js';
import type { JwtVerifier } from './jwt.js';
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
  /** Accept backoffice users' JWTs from each tenant's OIDC provider. */
  jwt?: JwtVerifier;
  /** Accept embed tokens (browsers), each bound to its origins. */
  embed?: EmbedTokens;
}

// Signed JWTs with RSA-4096 keys and a few claims run past 1 KiB; the header-size limit bounds the rest.
const BEARER = /^Bearer\s+(\S{8,8192})\s*$/i;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The authentication middleware, and a way to drop a revoked key from its cache. */
export type Authenticator = MiddlewareHandler<AppEnv> & {
  /** Forgets the cached principal of key `keyId` (revoked here): refused at once in this process. */
  forget(keyId: string): void;
};

/**
 * Resolves `Authorization: Bearer <credential>` to a principal (tenant, role)
 * and sets it as `c.var.principal`; 401 otherwise. The credential is an API
 * key (`pb_…`, checked by `storage.verifyApiKey`), an embed token (only from
 * one of the origins it names; 403 from any other), or a backoffice user's
 * JWT (see `jwt.ts`). Verified keys are cached for `cacheTtlMs`; `forget`
 * drops a key revoked through this process at once.
 *
 * @example
 * const auth = authenticate(storage);
 * app.use('/v1/*', auth);
 * await storage.revokeApiKey('acme', id); auth.forget(id);
 */
export function authenticate(storage: Pick<ApiStorage, 'verifyApiKey'>, options: AuthOptions = {}): Authenticator {
  const ttl = options.cacheTtlMs ?? 10_000;
  const max = options.cacheSize ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  // One lookup per key at a time: when a cached entry expires under load, every request in flight would otherwise ask storage at once.
  const pending = new Map<string, { lookup: Promise<Principal | null>; generation: number }>();
  // Bumped by `forget`: a lookup that began before a revocation may have read the key as live, so its answer is not cached.
  let generation = 0;
  const challenge = { 'www-authenticate': 'Bearer realm="pitboss"' };

  // Not async: a key found in the cache (nearly every request) goes straight on, without a promise of its own.
  const middleware: MiddlewareHandler<AppEnv> = function authenticateRequest(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw new ApiError('unauthorized', { detail: 'send Authorization: Bearer <api key>', headers: challenge });
    const key = BEARER.exec(header)?.[1];
    if (!key) throw new ApiError('unauthorized', { detail: 'malformed Authorization header; expected Bearer <api key>', headers: challenge });
    if (!key.startsWith('pb_') && JWT_SHAPE.test(key)) return withToken(c, next, key);
    const hit = cache.get(key);
    const t = now();
    if (!hit || hit.until < t) return withLookup(c, next, key);
    // Refresh ahead: in the last fifth of an entry's life one lookup in the background replaces it, so that
    // under load the requests do not all wait for it when it expires. The entry stays valid only until
    // `until` either way: a revoked key is still refused within the TTL (and at once if the refresh sees it).
    if (hit.until - t < ttl / 5 && !pending.has(key)) refresh(key, t);
    c.set('principal', hit.principal);
    return next();
  };

  /** The lookup of `key` in flight, or a new one. */
  function lookup(key: string): { lookup: Promise<Principal | null>; generation: number } {
    let inFlight = pending.get(key);
    if (!inFlight) {
      inFlight = { lookup: storage.verifyApiKey(key).finally(() => pending.delete(key)), generation };
      pending.set(key, inFlight);
    }
    return inFlight;
  }

  /** Caches what a lookup begun at `t` found, unless a key was forgotten since it began. */
  function remember(key: string, principal: Principal | null, started: number, t: number): void {
    if (!principal) {
      cache.delete(key);
      return;
    }
    if (started !== generation) return;
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    cache.set(key, { principal, until: t + ttl });
  }

  function refresh(key: string, t: number): void {
    const inFlight = lookup(key);
    inFlight.lookup.then(
      (principal) => remember(key, principal, inFlight.generation, t),
      // Not lost: the entry expires as it would have, and the first request after that looks the key
      // up in the foreground, where a failure reaches the client and the error handler.
      () => undefined,
    );
  }

  async function withToken(c: Context<AppEnv>, next: Next, token: string): Promise<void> {
    c.set('principal', await verifyToken(token, c.req.header('origin')));
    await next();
  }

  async function withLookup(c: Context<AppEnv>, next: Next, key: string): Promise<void> {
    const t = now();
    const inFlight = lookup(key);
    const principal = await inFlight.lookup;
    remember(key, principal, inFlight.generation, t);
    if (!principal) throw new ApiError('unauthorized', { detail: 'unknown, revoked or expired API key', headers: challenge });
    c.set('principal', principal);
    await next();
  }

  return Object.assign(middleware, {
    forget(keyId: string): void {
      generation++;
      for (const [key, entry] of cache) if (entry.principal.keyId === keyId) cache.delete(key);
    },
  });

  async function verifyToken(token: string, origin: string | undefined): Promise<Principal> {
    let claimed: JWTPayload;
    try {
      claimed = decodeJwt(token);
    } catch (err) {
      throw new ApiError('unauthorized', { detail: 'malformed token', headers: challenge, cause: err });
    }
    if (looksLikeEmbed(claimed.iss) && options.embed) {
      let verified;
      try {
        verified = await options.embed.verify(token);
      } catch (err) {
        if (err instanceof EmbedRejected) throw new ApiError('unauthorized', { detail: err.message, headers: challenge, cause: err });
        throw err;
      }
      if (!origin || !verified.origins.includes(origin)) {
        throw new ApiError('forbidden', { detail: 'this embed token is not valid from this origin' });
      }
      return verified.principal;
    }
    if (!options.jwt) throw new ApiError('unauthorized', { detail: 'tokens are not accepted here; use an API key', headers: challenge });
    try {
      return await options.jwt.verify(token);
    } catch (err) {
      if (err instanceof JwtRejected) throw new ApiError('unauthorized', { detail: err.message, headers: challenge, cause: err });
      if (err instanceof JwksUnavailable) {
        throw new ApiError('not-ready', { detail: "the tenant's identity provider key set could not be fetched; retry later", headers: { 'retry-after': '5' }, cause: err });
      }
      throw err;
    }
  }
}

/**
 * Route guard: 403 unless the caller's role holds `permission`. Every route
 * under /v1 declares one (see `permissions.ts`).
 *
 * @example
 * createRoute({ ..., middleware: [requirePermission('players:read')] });
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return function checkPermission(c, next) {
    assertPermission(c, permission);
    return next();
  };
}

/**
 * What `requirePermission` checks, for a handler that checks it itself
 * (see `one-layer-route.ts`): 401 without a principal, 403 unless its role
 * holds `permission`.
 *
 * @example
 * assertPermission(c, 'players:read');
 */
export function assertPermission(c: Context<AppEnv>, permission: Permission): void {
  const principal = c.get('principal');
  if (!principal) throw new ApiError('unauthorized', { detail: 'no credentials' });
  if (!can(principal.role, permission)) {
    throw new ApiError('forbidden', { detail: `role ${principal.role} lacks ${permission}`, extensions: { permission } });
  }
}
