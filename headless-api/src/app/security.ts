import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { authenticate } from './auth.js';
import { cors, tenantOrigin } from './cors.js';
import { EmbedTokens } from './embed.js';
import { JwtVerifier } from './jwt.js';
import type { JwtVerifierOptions } from './jwt.js';
import { DEFAULT_KEY_LIMIT, DEFAULT_TENANT_LIMIT, MemoryBucketStore, PostgresBucketStore, rateLimit } from './rate-limit.js';
import type { BucketStore } from './rate-limit.js';
import { registerEmbedRoutes } from './routes/embed.js';
import { registerKeyRoutes } from './routes/keys.js';
import type { KeyStore } from './routes/keys.js';
import { registerTenantRoutes } from './routes/tenants.js';
import { EMPTY_SETTINGS, TenantSettingsStore } from './tenant-settings.js';
import type { BucketLimit, TenantSettingsSource } from './tenant-settings.js';
import type { ApiStorage, AppEnv } from './types.js';
import type { Database } from '../storage/pool.js';

/** Authentication, CORS and rate-limit settings of an app (all optional). */
export interface SecurityOptions {
  /** HS256 secret (≥ 32 bytes) for embed tokens; every process accepting them needs the same. Default: random per process. */
  embedSecret?: string;
  jwt?: JwtVerifierOptions;
  /** Accept http: JWKS URLs in tenant settings (tests, local providers). */
  allowHttpJwks?: boolean;
  /**
   * Token buckets per credential and per tenant. **On by default**: absent or
   * `{}` means `DEFAULT_KEY_LIMIT` (100/s, burst 200) per key and
   * `DEFAULT_TENANT_LIMIT` (400/s, burst 800) per tenant, in this process's
   * memory (the embedded default); `store: 'postgres'` shares the buckets
   * between processes through the control database. Tenants may override
   * their limits in their settings. `false` turns rate limiting off (say so
   * explicitly: load tests, benchmarks).
   */
  rateLimit?: { perKey?: BucketLimit; perTenant?: BucketLimit; store?: 'memory' | 'postgres' | BucketStore } | false;
  /** How long tenant settings are cached per process. Default 10 s. */
  settingsCacheTtlMs?: number;
}

/**
 * The app's security options from the process configuration
 * (`PITBOSS_EMBED_SECRET`, `PITBOSS_RATE_LIMIT`, `PITBOSS_HSTS`);
 * `loadConfig` already resolved the rate-limit store's default per driver.
 *
 * @example
 * createApp({ storage, logger, config, security: securityFromConfig(loadConfig().security) });
 */
export function securityFromConfig(c: { embedSecret: string | undefined; rateLimit: 'memory' | 'postgres' | 'off'; hsts: boolean }): SecurityOptions & { hsts: boolean } {
  return {
    ...(c.embedSecret ? { embedSecret: c.embedSecret } : {}),
    rateLimit: c.rateLimit === 'off' ? false : { store: c.rateLimit },
    hsts: c.hsts,
  };
}

type ControlStorage = ApiStorage & KeyStore & { control: Database };

function hasControl(storage: ApiStorage): storage is ControlStorage {
  return 'control' in storage && 'createApiKey' in storage && 'listApiKeys' in storage && 'revokeApiKey' in storage;
}

const NO_SETTINGS: TenantSettingsSource = { get: async () => EMPTY_SETTINGS, cached: () => EMPTY_SETTINGS, anyTenantAllows: async () => false };

/**
 * The `/v1` security chain in its order (CORS, authentication, the tenant's
 * origin check, rate limits) and the routes that manage it (keys, tenant
 * settings, embed tokens). Without a control database (a custom
 * `ApiStorage`) only API keys work and the management routes are absent.
 *
 * @example
 * const security = createSecurity(storage, { embedSecret: process.env.PITBOSS_EMBED_SECRET });
 * app.use('/v1/*', ...security.middleware);
 * security.register(app, 1 << 20);
 */
export function createSecurity(storage: ApiStorage, options: SecurityOptions = {}): { middleware: MiddlewareHandler<AppEnv>[]; register(app: OpenAPIHono<AppEnv>, maxBodyBytes: number): void } {
  const store = hasControl(storage) ? new TenantSettingsStore(storage.control, options.settingsCacheTtlMs) : null;
  const settings = store ?? NO_SETTINGS;
  const embed = new EmbedTokens(options.embedSecret);
  const jwt = store ? new JwtVerifier(settings, options.jwt) : undefined;
  const auth = authenticate(storage, { embed, ...(jwt ? { jwt } : {}) });
  const middleware: MiddlewareHandler<AppEnv>[] = [
    cors(settings),
    auth,
    tenantOrigin(settings),
  ];
  if (options.rateLimit !== false) {
    const rl = options.rateLimit ?? {};
    const bucketStore: BucketStore = typeof rl.store === 'object' ? rl.store
      : rl.store === 'postgres' && hasControl(storage) ? new PostgresBucketStore(storage.control)
      : new MemoryBucketStore();
    middleware.push(rateLimit(settings, {
      store: bucketStore,
      perKey: rl.perKey ?? DEFAULT_KEY_LIMIT,
      perTenant: rl.perTenant ?? DEFAULT_TENANT_LIMIT,
    }));
  }
  return {
    middleware,
    register(app, maxBodyBytes) {
      if (!hasControl(storage) || !store) return;
      // A key revoked through this process is refused here at once (others: within the auth cache TTL).
      registerKeyRoutes(app, {
        createApiKey: (...a) => storage.createApiKey(...a),
        listApiKeys: (...a) => storage.listApiKeys(...a),
        revokeApiKey: async (tenant, keyId) => {
          const revoked = await storage.revokeApiKey(tenant, keyId);
          auth.forget(keyId);
          return revoked;
        },
      }, maxBodyBytes);
      registerTenantRoutes(app, store, { maxBodyBytes, ...(options.allowHttpJwks ? { allowHttpJwks: true } : {}) });
      registerEmbedRoutes(app, embed, settings, maxBodyBytes);
    },
  };
}
