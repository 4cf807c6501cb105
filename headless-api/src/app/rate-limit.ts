import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { BucketLimit, TenantSettingsSource } from './tenant-settings.js';
import type { AppEnv } from './types.js';
import type { Database } from '../storage/pool.js';

/** The state of a bucket after one take. */
export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
  /** Seconds until one token is available (0 when allowed). */
  retryAfterSec: number;
}

/** One bucket to take a token from. */
export interface BucketTake {
  bucket: string;
  limit: BucketLimit;
}

/** Where token buckets live: this process, or a database every API process shares. */
export interface BucketStore {
  take(bucket: string, limit: BucketLimit, nowMs: number): Promise<TakeResult>;
  /**
   * Takes from `first`, and from `second` only if `first` allowed it (a
   * request its tenant refuses does not also drain its key's bucket). The
   * Postgres store does both in one statement.
   */
  takeBoth(first: BucketTake, second: BucketTake, nowMs: number): Promise<[TakeResult, TakeResult | null]>;
}

function result(tokensAfter: number, allowed: boolean, limit: BucketLimit): TakeResult {
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokensAfter)),
    resetSec: Math.max(0, Math.ceil((limit.burst - tokensAfter) / limit.rate)),
    retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil((1 - tokensAfter) / limit.rate)),
  };
}

/**
 * Token buckets in this process's memory: the default of the embedded mode,
 * where one process serves everything.
 *
 * @example
 * const store = new MemoryBucketStore();
 * await store.take('key:abc', { rate: 10, burst: 20 }, Date.now());
 */
export class MemoryBucketStore implements BucketStore {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly maxBuckets = 100_000) {}

  async take(bucket: string, limit: BucketLimit, nowMs: number): Promise<TakeResult> {
    const b = this.#buckets.get(bucket);
    let tokens = b ? Math.min(limit.burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * limit.rate) : limit.burst;
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    if (!b && this.#buckets.size >= this.maxBuckets) this.#buckets.delete(this.#buckets.keys().next().value as string);
    this.#buckets.set(bucket, { tokens, at: nowMs });
    return result(tokens, allowed, limit);
  }

  async takeBoth(first: BucketTake, second: BucketTake, nowMs: number): Promise<[TakeResult, TakeResult | null]> {
    const a = await this.take(first.bucket, first.limit, nowMs);
    return [a, a.allowed ? await this.take(second.bucket, second.limit, nowMs) : null];
  }
}

// One statement: refill by elapsed time, cap at burst, take one if there is one. The row lock of
// the upsert serialises concurrent takes on a bucket across every process sharing the database;
// the database clock, not each process's, measures the elapsed time.
// The table is unlogged (control migration 0008): a take writes no WAL, so its commit does not wait
// for a flush while other takes queue on the row lock.
const refilled = (rate: string, burst: string): string => `LEAST(${burst}::float8, b.tokens + GREATEST(0, n.ms - b.updated_at) / 1000 * ${rate}::float8)`;
const upsert = (rate: string, burst: string): string => `ON CONFLICT (bucket) DO UPDATE SET
  tokens = (SELECT ${refilled(rate, burst)} - CASE WHEN ${refilled(rate, burst)} >= 1 THEN 1 ELSE 0 END FROM n),
  allowed = (SELECT ${refilled(rate, burst)} >= 1 FROM n),
  updated_at = (SELECT GREATEST(b.updated_at, n.ms) FROM n)`;
const NOW_MS = 'n AS (SELECT extract(epoch FROM clock_timestamp())::float8 * 1000 AS ms)';
const TAKE_SQL = `
WITH ${NOW_MS}
INSERT INTO rate_buckets AS b (bucket, tokens, updated_at, allowed) SELECT $1, $3::float8 - 1, n.ms, true FROM n
${upsert('$2', '$3')}
RETURNING tokens, allowed`;
// Both buckets in one statement (one round trip, one commit): the second insert reads the first's
// RETURNING row, so it takes nothing when the first refused. Rows: 1 = first, 2 = second (absent
// when refused).
const TAKE_BOTH_SQL = `
WITH ${NOW_MS},
first AS (
  INSERT INTO rate_buckets AS b (bucket, tokens, updated_at, allowed) SELECT $1, $3::float8 - 1, n.ms, true FROM n
  ${upsert('$2', '$3')}
  RETURNING tokens, allowed),
second AS (
  INSERT INTO rate_buckets AS b (bucket, tokens, updated_at, allowed) SELECT $4, $6::float8 - 1, n.ms, true FROM n, first WHERE first.allowed
  ${upsert('$5', '$6')}
  RETURNING tokens, allowed)
SELECT 1 AS which, tokens, allowed FROM first UNION ALL SELECT 2, tokens, allowed FROM second`;

/**
 * Token buckets in the control database (table `rate_buckets`), so every API
 * process in front of it draws from the same bucket. One statement per
 * request (`takeBoth`: the tenant's and the credential's bucket).
 *
 * @example
 * const store = new PostgresBucketStore(storage.control);
 */
export class PostgresBucketStore implements BucketStore {
  constructor(private readonly control: Database) {}

  async take(bucket: string, limit: BucketLimit): Promise<TakeResult> {
    const [row] = await this.control.query<{ tokens: number; allowed: boolean }>(TAKE_SQL, [bucket, limit.rate, limit.burst], { name: 'pb_rate_take' });
    return result(Number(row!.tokens), row!.allowed, limit);
  }

  async takeBoth(first: BucketTake, second: BucketTake): Promise<[TakeResult, TakeResult | null]> {
    if (first.bucket === second.bucket) throw new RangeError('takeBoth needs two different buckets');
    const rows = await this.control.query<{ which: number; tokens: number; allowed: boolean }>(
      TAKE_BOTH_SQL,
      [first.bucket, first.limit.rate, first.limit.burst, second.bucket, second.limit.rate, second.limit.burst],
      { name: 'pb_rate_take_both' },
    );
    const a = rows.find((r) => r.which === 1)!;
    const b = rows.find((r) => r.which === 2);
    return [result(Number(a.tokens), a.allowed, first.limit), b ? result(Number(b.tokens), b.allowed, second.limit) : null];
  }
}

/**
 * Default buckets when rate limiting is on and neither the app nor the
 * tenant's settings name others: per credential 100 requests/s with bursts of
 * 200 (a backoffice page fans out to a dozen reads; embed tokens draw from
 * their key's bucket), per tenant 400/s with bursts of 800 (every key and user
 * of an operator together). An ingest request carries up to 10k events, so
 * these bound requests, not events.
 */
export const DEFAULT_KEY_LIMIT: BucketLimit = Object.freeze({ rate: 100, burst: 200 });
export const DEFAULT_TENANT_LIMIT: BucketLimit = Object.freeze({ rate: 400, burst: 800 });

/** Where buckets live: `memory` (one process; the embedded default) or `postgres` (shared by every process on the control database). */
export type RateLimitStore = 'memory' | 'postgres';

/**
 * The store a deployment gets unless it names one: in memory for the embedded
 * PGlite (one process owns the data directory), in the control database for
 * node-postgres and Neon (several API processes share one database, so they
 * must share the buckets).
 *
 * @example
 * defaultRateLimitStore('pglite'); // 'memory'
 */
export function defaultRateLimitStore(driver: 'pglite' | 'pg' | 'neon'): RateLimitStore {
  return driver === 'pglite' ? 'memory' : 'postgres';
}

export interface RateLimitOptions {
  store: BucketStore;
  /** Default per-key bucket, unless the tenant's settings name one. */
  perKey: BucketLimit;
  /** Default per-tenant bucket (all keys and users of a tenant together). */
  perTenant: BucketLimit;
  now?: () => number;
}

/**
 * Token buckets per credential (API key, user, embed token's key) and per
 * tenant, after authentication. Every answer carries `RateLimit-Limit`,
 * `-Remaining` and `-Reset` (draft-ietf-httpapi-ratelimit-headers) of the
 * tighter bucket; past it, `429 rate-limited` with `Retry-After`.
 *
 * @example
 * app.use('/v1/*', rateLimit({ store: new MemoryBucketStore(), perKey: { rate: 50, burst: 100 }, perTenant: { rate: 200, burst: 400 }, settings }));
 */
export function rateLimit(settings: Pick<TenantSettingsSource, 'get'>, options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const now = options.now ?? Date.now;
  return async function limitRate(c, next) {
    const principal = c.get('principal');
    if (!principal) return next();
    const own = (await settings.get(principal.tenant)).rateLimit;
    const keyLimit = own.key ?? options.perKey;
    const tenantLimit = own.tenant ?? options.perTenant;
    const t = now();
    // The tenant bucket first: a key refused by its tenant's bucket should not also drain its own.
    const [tenant, key] = await options.store.takeBoth({ bucket: `t:${principal.tenant}`, limit: tenantLimit }, { bucket: `k:${principal.tenant}:${principal.keyId}`, limit: keyLimit }, t);
    const [worst, limit] = !key || tenant.remaining <= key.remaining ? [tenant, tenantLimit] as const : [key, keyLimit] as const;
    const headers = {
      'ratelimit-limit': String(limit.burst),
      'ratelimit-remaining': String(worst.remaining),
      'ratelimit-reset': String(worst.resetSec),
      'ratelimit-policy': `${limit.burst};w=${Math.ceil(limit.burst / limit.rate)}`,
    };
    const refused = !tenant.allowed ? tenant : key && !key.allowed ? key : null;
    if (refused) {
      throw new ApiError('rate-limited', {
        detail: `rate limit of ${refused === tenant ? 'the tenant' : 'this credential'} exceeded; retry after ${refused.retryAfterSec} s`,
        extensions: { retryable: true },
        headers: { ...headers, 'ratelimit-remaining': '0', 'retry-after': String(refused.retryAfterSec) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
