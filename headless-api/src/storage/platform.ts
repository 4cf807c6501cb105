import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CreateApiKeyOptions } from './api-keys.js';
import type { Database, Tx } from './pool.js';
import type { ApiKeyRole, CreatedApiKey } from './types.js';

/**
 * The platform level (issue 4): platform keys, tenants, and the platform
 * audit trail, all in the control database (migration control/0007).
 *
 * A platform key is `pbp_<id>_<secret>`: its own prefix, so it can never be
 * mistaken for a tenant key (`pb_…`) by the API or by a secret scanner. Like
 * tenant keys, the secret (32 random bytes) is shown once and only its
 * SHA-256 is stored; verification is one primary-key lookup and a
 * constant-time compare, and expiry and revocation are checked in SQL.
 */
const PLATFORM_KEY = /^pbp_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Tenant ids the admin API creates: lower-case letters, digits, `.`, `_`, `-`; starting with a letter or digit. */
export const TENANT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const newKeyId = (): string => [...randomBytes(12)].map((b) => ID_ALPHABET[b & 31]).join('');
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : (value instanceof Date ? value : new Date(String(value))).toISOString());

/** Who is calling with a platform key. */
export interface PlatformPrincipal {
  /** The key's visible id (for logs and audit). */
  keyId: string;
}

/** A platform key as listed (never its secret). */
export interface PlatformKeyInfo {
  id: string;
  name: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** A tenant as the admin API shows it. */
export interface TenantInfo {
  id: string;
  name: string;
  created_at: string;
  /** Keys neither revoked nor expired. */
  active_keys: number;
}

/** One line of the platform audit trail. */
export interface PlatformAuditEntry {
  /** A platform key id, or `cli` for the command line. */
  actor: string;
  /** `tenant.create`, `tenant.list`, `tenant.read`, `key.create`, `key.list`, `key.revoke`, `platform_key.create`, `platform_key.revoke`. */
  action: string;
  tenant?: string | null;
  target?: string | null;
  details?: Readonly<Record<string, unknown>>;
  requestId?: string | null;
}

type Queryable = Pick<Tx, 'query'>;

/**
 * Appends to `platform_audit` and, when the entry concerns a tenant, to that
 * tenant's `audit_log` (actor `platform:<key id>`), so a tenant's admins see
 * what the platform operator did to their tenant. Both tables refuse UPDATE,
 * DELETE and TRUNCATE.
 *
 * @example
 * await appendPlatformAudit(control, { actor: 'abcdefghijkl', action: 'tenant.create', tenant: 'acme', target: 'tenant:acme' });
 */
export async function appendPlatformAudit(db: Queryable, entry: PlatformAuditEntry): Promise<void> {
  const details = JSON.stringify(entry.details ?? {});
  await db.query('INSERT INTO platform_audit (actor, action, tenant_id, target, details, request_id) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [
    entry.actor, entry.action, entry.tenant ?? null, entry.target ?? null, details, entry.requestId ?? null,
  ]);
  if (entry.tenant) {
    await db.query('INSERT INTO audit_log (tenant_id, actor, action, target, details, request_id) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [
      entry.tenant, `platform:${entry.actor}`, `platform.${entry.action}`, entry.target ?? null, details, entry.requestId ?? null,
    ]);
  }
}

/** A platform audit entry as stored. */
export interface PlatformAuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  tenant: string | null;
  target: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
}

/**
 * The platform audit trail, newest first; page with `beforeId` (the last id
 * of the previous page).
 *
 * @example
 * const [last] = await listPlatformAudit(control, { action: 'tenant.create', limit: 1 });
 */
export async function listPlatformAudit(db: Database, query: { action?: string; tenant?: string; beforeId?: number; limit?: number } = {}): Promise<PlatformAuditRecord[]> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1001);
  const rows = await db.query<{ id: string | number; actor: string; action: string; tenant_id: string | null; target: string | null; details: Record<string, unknown>; request_id: string | null; at: unknown }>(
    `SELECT id, actor, action, tenant_id, target, details, request_id, at FROM platform_audit
     WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR tenant_id = $2) AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT ${limit}`,
    [query.action ?? null, query.tenant ?? null, query.beforeId ?? null],
  );
  return rows.map((r) => ({ id: Number(r.id), at: iso(r.at)!, actor: r.actor, action: r.action, tenant: r.tenant_id, target: r.target, details: r.details, requestId: r.request_id }));
}

/**
 * Creates a platform key; the secret is in `key` and nowhere else. Audited
 * (`platform_key.create`) in the same transaction.
 *
 * @example
 * const { id, key } = await createPlatformKey(control, { name: 'ops console' }, 'cli');
 */
export async function createPlatformKey(control: Database, options: CreateApiKeyOptions = {}, actor = 'cli'): Promise<CreatedApiKey> {
  const id = newKeyId();
  const secret = randomBytes(32).toString('base64url');
  await control.transaction(async (tx) => {
    await tx.query('INSERT INTO platform_keys (key_id, secret_sha256, name, expires_at) VALUES ($1, $2, $3, $4)', [id, sha256(secret), options.name ?? null, options.expiresAt?.toISOString() ?? null]);
    await appendPlatformAudit(tx, { actor, action: 'platform_key.create', target: `platform_key:${id}`, details: { name: options.name ?? null, expires_at: options.expiresAt?.toISOString() ?? null } });
  });
  return { id, key: `pbp_${id}_${secret}` };
}

/**
 * Whether `key` looks like a platform key (`pbp_…`); says nothing about validity.
 *
 * @example
 * isPlatformKeyShape('pb_abc…'); // false
 */
export function isPlatformKeyShape(key: string): boolean {
  return key.startsWith('pbp_');
}

/**
 * The principal of a valid platform key (well-formed, known, secret matching,
 * not revoked, not expired); `null` for anything else.
 *
 * @example
 * const who = await verifyPlatformKey(control, bearer);
 */
export async function verifyPlatformKey(control: Database, key: string): Promise<PlatformPrincipal | null> {
  const match = PLATFORM_KEY.exec(key);
  if (!match) return null;
  const [, id, secret] = match;
  const [row] = await control.query<{ secret_sha256: string }>(
    'SELECT secret_sha256 FROM platform_keys WHERE key_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
    [id],
    { name: 'pb_verify_platform_key' },
  );
  if (!row) return null;
  const expected = Buffer.from(row.secret_sha256, 'hex');
  const actual = Buffer.from(sha256(secret!), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { keyId: id! };
}

/**
 * Revokes a platform key (audited); `false` when there is no such live key.
 *
 * @example
 * await revokePlatformKey(control, 'abcdefghijkl', 'cli');
 */
export async function revokePlatformKey(control: Database, keyId: string, actor = 'cli'): Promise<boolean> {
  return control.transaction(async (tx) => {
    const rows = await tx.query('UPDATE platform_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id', [keyId]);
    if (rows.length === 0) return false;
    await appendPlatformAudit(tx, { actor, action: 'platform_key.revoke', target: `platform_key:${keyId}` });
    return true;
  });
}

/**
 * Platform keys, newest first, without secrets.
 *
 * @example
 * (await listPlatformKeys(control)).filter((k) => !k.revoked_at);
 */
export async function listPlatformKeys(control: Database): Promise<PlatformKeyInfo[]> {
  const rows = await control.query<{ key_id: string; name: string | null; created_at: unknown; expires_at: unknown; revoked_at: unknown }>(
    'SELECT key_id, name, created_at, expires_at, revoked_at FROM platform_keys ORDER BY created_at DESC, key_id',
  );
  return rows.map((r) => ({ id: r.key_id, name: r.name, created_at: iso(r.created_at)!, expires_at: iso(r.expires_at), revoked_at: iso(r.revoked_at) }));
}

const TENANT_SELECT = `SELECT t.tenant_id, t.name, t.created_at,
  (SELECT count(*)::int FROM api_keys k WHERE k.tenant_id = t.tenant_id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS active_keys
FROM tenants t`;

type TenantRow = { tenant_id: string; name: string; created_at: unknown; active_keys: number };
const tenantInfo = (r: TenantRow): TenantInfo => ({ id: r.tenant_id, name: r.name, created_at: iso(r.created_at)!, active_keys: Number(r.active_keys) });

/**
 * Creates a tenant; `null` when one with this id exists. Audited
 * (`tenant.create`) in the same transaction, with `audit` naming the caller.
 *
 * @example
 * await createTenant(control, { id: 'acme', name: 'Acme Bets' }, { actor: keyId, requestId });
 */
export async function createTenant(control: Database, tenant: { id: string; name: string }, audit: { actor: string; requestId?: string | null }): Promise<TenantInfo | null> {
  if (!TENANT_ID.test(tenant.id)) throw new RangeError(`tenant id must match ${TENANT_ID}`);
  return control.transaction(async (tx) => {
    const [row] = await tx.query<{ tenant_id: string; name: string; created_at: unknown }>(
      'INSERT INTO tenants (tenant_id, name) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING RETURNING tenant_id, name, created_at',
      [tenant.id, tenant.name],
    );
    if (!row) return null;
    await appendPlatformAudit(tx, { ...audit, action: 'tenant.create', tenant: tenant.id, target: `tenant:${tenant.id}`, details: { name: tenant.name } });
    return tenantInfo({ ...row, active_keys: 0 });
  });
}

/**
 * One tenant, or `null`.
 *
 * @example
 * const t = await getTenant(control, 'acme');
 */
export async function getTenant(control: Database, id: string): Promise<TenantInfo | null> {
  const [row] = await control.query<TenantRow>(`${TENANT_SELECT} WHERE t.tenant_id = $1`, [id]);
  return row ? tenantInfo(row) : null;
}

/**
 * Tenants in id order (byte order), `limit` after the id `after`.
 *
 * @example
 * const first = await listTenants(control, { limit: 100 });
 */
export async function listTenants(control: Database, page: { after?: string; limit: number }): Promise<TenantInfo[]> {
  const rows = await control.query<TenantRow>(`${TENANT_SELECT} WHERE $1::text IS NULL OR t.tenant_id > $1 ORDER BY t.tenant_id LIMIT ${Math.min(Math.max(Math.trunc(page.limit), 1), 1001)}`, [page.after ?? null]);
  return rows.map(tenantInfo);
}

/**
 * Creates a key for an existing tenant (never creates the tenant, unlike the
 * CLI's `createApiKey`); `null` when there is no such tenant. The key has the
 * tenant-key format (`pb_<id>_<secret>`, SHA-256 of the secret stored) and is
 * audited (`key.create`, never the secret) in the same transaction.
 *
 * @example
 * const created = await createTenantKey(control, 'acme', 'admin', { name: 'backend' }, { actor: keyId });
 */
export async function createTenantKey(
  control: Database,
  tenantId: string,
  role: ApiKeyRole,
  options: CreateApiKeyOptions,
  audit: { actor: string; requestId?: string | null },
): Promise<CreatedApiKey | null> {
  return control.transaction(async (tx) => {
    const [tenant] = await tx.query('SELECT tenant_id FROM tenants WHERE tenant_id = $1 FOR SHARE', [tenantId]);
    if (!tenant) return null;
    const id = newKeyId();
    const secret = randomBytes(32).toString('base64url');
    await tx.query('INSERT INTO api_keys (key_id, tenant_id, role, secret_sha256, name, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id, tenantId, role, sha256(secret), options.name ?? null, options.expiresAt?.toISOString() ?? null,
    ]);
    await appendPlatformAudit(tx, {
      ...audit, action: 'key.create', tenant: tenantId, target: `key:${id}`,
      details: { role, name: options.name ?? null, expires_at: options.expiresAt?.toISOString() ?? null },
    });
    return { id, key: `pb_${id}_${secret}` };
  });
}

/**
 * Revokes a key of a tenant (audited `key.revoke`); `false` when the tenant
 * has no such live key.
 *
 * @example
 * await revokeTenantKey(control, 'acme', 'abcdefghijkl', { actor: keyId });
 */
export async function revokeTenantKey(control: Database, tenantId: string, keyId: string, audit: { actor: string; requestId?: string | null }): Promise<boolean> {
  return control.transaction(async (tx) => {
    const rows = await tx.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND key_id = $2 AND revoked_at IS NULL RETURNING key_id', [tenantId, keyId]);
    if (rows.length === 0) return false;
    await appendPlatformAudit(tx, { ...audit, action: 'key.revoke', tenant: tenantId, target: `key:${keyId}` });
    return true;
  });
}
