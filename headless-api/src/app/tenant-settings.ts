import type { Database } from '../storage/pool.js';

/** A tenant's token-bucket limit: `rate` requests per second refill, up to `burst` at once. */
export interface BucketLimit {
  rate: number;
  burst: number;
}

/** Per-tenant authentication settings (control table `tenant_auth`). */
export interface TenantSettings {
  /** Browser origins (`https://backoffice.example`) allowed to call the API for this tenant. */
  allowedOrigins: string[];
  /** The operator's OIDC provider; null when backoffice JWTs are not accepted. */
  jwt: { issuer: string; audience: string; jwksUrl: string } | null;
  /** Overrides of the server's default limits; null fields use the default. */
  rateLimit: { key: BucketLimit | null; tenant: BucketLimit | null };
}

/** What the auth, CORS and rate-limit middleware read; `TenantSettingsStore` implements it. */
export interface TenantSettingsSource {
  get(tenant: string): Promise<TenantSettings>;
  /** The settings if they are cached and fresh, without a read (a middleware on every request goes on synchronously); undefined otherwise. */
  cached?(tenant: string): TenantSettings | undefined;
  /** Whether any tenant allows `origin`: a CORS preflight carries no credentials, so no tenant is known yet. */
  anyTenantAllows(origin: string): Promise<boolean>;
}

export const EMPTY_SETTINGS: TenantSettings = Object.freeze({ allowedOrigins: [], jwt: null, rateLimit: { key: null, tenant: null } });

type Row = {
  tenant_id: string;
  allowed_origins: string[];
  jwt_issuer: string | null;
  jwt_audience: string | null;
  jwks_url: string | null;
  key_rate: number | null;
  key_burst: number | null;
  tenant_rate: number | null;
  tenant_burst: number | null;
};

function fromRow(r: Row): TenantSettings {
  return {
    allowedOrigins: r.allowed_origins,
    jwt: r.jwt_issuer && r.jwt_audience && r.jwks_url ? { issuer: r.jwt_issuer, audience: r.jwt_audience, jwksUrl: r.jwks_url } : null,
    rateLimit: {
      key: r.key_rate !== null && r.key_burst !== null ? { rate: Number(r.key_rate), burst: r.key_burst } : null,
      tenant: r.tenant_rate !== null && r.tenant_burst !== null ? { rate: Number(r.tenant_rate), burst: r.tenant_burst } : null,
    },
  };
}

/**
 * Reads and writes `tenant_auth` on the control database, with a short cache:
 * every authenticated request needs the settings, and they change rarely.
 * A change made through this store is visible at once in this process and
 * within `cacheTtlMs` in the others.
 *
 * @example
 * const settings = new TenantSettingsStore(storage.control);
 * await settings.put('acme', { ...EMPTY_SETTINGS, allowedOrigins: ['https://bo.acme.example'] });
 */
export class TenantSettingsStore implements TenantSettingsSource {
  readonly #cache = new Map<string, { value: TenantSettings; until: number }>();
  /** One read per tenant at a time: when an entry expires under load, every request in flight would otherwise read it. */
  readonly #pending = new Map<string, Promise<TenantSettings>>();
  /** Bumped by `put`: a read that began before a change may hold the old row, so its answer is not cached. */
  #generation = 0;
  #origins: { value: Promise<Set<string>>; until: number } | null = null;

  constructor(
    private readonly control: Database,
    private readonly cacheTtlMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached settings while fresh. In the last fifth of an entry's life it also starts one read in the
   * background that replaces it, so that under load requests do not all wait for it when it expires.
   */
  cached(tenant: string): TenantSettings | undefined {
    const hit = this.#cache.get(tenant);
    if (!hit) return undefined;
    const t = this.now();
    if (hit.until <= t) return undefined;
    if (hit.until - t < this.cacheTtlMs / 5 && !this.#pending.has(tenant)) {
      // Not lost: the entry expires as it would have, and the first request after that reads in the
      // foreground, where a failure reaches the client and the error handler.
      this.#load(tenant).catch(() => undefined);
    }
    return hit.value;
  }

  get(tenant: string): Promise<TenantSettings> {
    const hit = this.cached(tenant);
    if (hit) return Promise.resolve(hit);
    return this.#pending.get(tenant) ?? this.#load(tenant);
  }

  #load(tenant: string): Promise<TenantSettings> {
    const read: Promise<TenantSettings> = this.#read(tenant).finally(() => {
      if (this.#pending.get(tenant) === read) this.#pending.delete(tenant);
    });
    this.#pending.set(tenant, read);
    return read;
  }

  async #read(tenant: string): Promise<TenantSettings> {
    const generation = this.#generation;
    const [row] = await this.control.query<Row>('SELECT * FROM tenant_auth WHERE tenant_id = $1', [tenant], { name: 'pb_tenant_auth' });
    const value = row ? fromRow(row) : EMPTY_SETTINGS;
    if (generation === this.#generation) {
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(tenant, { value, until: this.now() + this.cacheTtlMs });
    }
    return value;
  }

  async anyTenantAllows(origin: string): Promise<boolean> {
    if (!this.#origins || this.#origins.until <= this.now()) {
      const value = this.control
        .query<{ origin: string }>('SELECT DISTINCT unnest(allowed_origins) AS origin FROM tenant_auth')
        .then((rows) => new Set(rows.map((r) => r.origin)));
      this.#origins = { value, until: this.now() + this.cacheTtlMs };
      // A failed read must not stay cached for the whole TTL.
      value.catch((err: unknown) => {
        if (this.#origins?.value === value) this.#origins = null;
        return err;
      });
    }
    return (await this.#origins.value).has(origin);
  }

  /** Replaces a tenant's settings; the tenant must exist. Returns false when it does not. */
  async put(tenant: string, s: TenantSettings): Promise<boolean> {
    const [exists] = await this.control.query('SELECT 1 FROM tenants WHERE tenant_id = $1', [tenant]);
    if (!exists) return false;
    await this.control.query(
      `INSERT INTO tenant_auth (tenant_id, allowed_origins, jwt_issuer, jwt_audience, jwks_url, key_rate, key_burst, tenant_rate, tenant_burst, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (tenant_id) DO UPDATE SET allowed_origins = EXCLUDED.allowed_origins, jwt_issuer = EXCLUDED.jwt_issuer,
         jwt_audience = EXCLUDED.jwt_audience, jwks_url = EXCLUDED.jwks_url, key_rate = EXCLUDED.key_rate, key_burst = EXCLUDED.key_burst,
         tenant_rate = EXCLUDED.tenant_rate, tenant_burst = EXCLUDED.tenant_burst, updated_at = now()`,
      [tenant, s.allowedOrigins, s.jwt?.issuer ?? null, s.jwt?.audience ?? null, s.jwt?.jwksUrl ?? null,
        s.rateLimit.key?.rate ?? null, s.rateLimit.key?.burst ?? null, s.rateLimit.tenant?.rate ?? null, s.rateLimit.tenant?.burst ?? null],
    );
    this.#generation++;
    this.#cache.delete(tenant);
    this.#pending.delete(tenant);
    this.#origins = null;
    return true;
  }
}
