import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from './pool.js';
import type { ApiKeyInfo, ApiKeyPrincipal, ApiKeyRole, CreatedApiKey } from './types.js';

/**
 * API keys: `pb_<id>_<secret>`. The id (12 base32 characters) is visible and
 * indexes the row; the secret (32 random bytes, base64url) is shown once and
 * only its SHA-256 is stored. A plain hash suffices: the secret has 256 bits
 * of entropy, so there is nothing for a slow hash to protect against.
 */
const KEY_FORMAT = /^pb_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;
const ROLES: readonly ApiKeyRole[] = ['admin', 'analyst', 'agent'];
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function newKeyId(): string {
  return [...randomBytes(12)].map((b) => ID_ALPHABET[b & 31]).join('');
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

export interface CreateApiKeyOptions {
  /** After this instant the key no longer verifies. */
  expiresAt?: Date;
  /** A label for people (“billing backend”). */
  name?: string;
}

/**
 * Creates a key for `tenantId` (creating the tenant if it does not exist).
 *
 * @example
 * const { id, key } = await createApiKey(control, 'acme', 'admin', { name: 'backend' });
 */
export async function createApiKey(control: Database, tenantId: string, role: ApiKeyRole, options: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
  if (!ROLES.includes(role)) throw new RangeError(`role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
  const id = newKeyId();
  const secret = randomBytes(32).toString('base64url');
  await control.transaction(async (tx) => {
    await tx.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $1) ON CONFLICT (tenant_id) DO NOTHING', [tenantId]);
    await tx.query('INSERT INTO api_keys (key_id, tenant_id, role, secret_sha256, name, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id, tenantId, role, sha256(secret), options.name ?? null, options.expiresAt?.toISOString() ?? null,
    ]);
  });
  return { id, key: `pb_${id}_${secret}` };
}

/**
 * The principal of a valid key: well-formed, known, secret matching, not
 * revoked, not expired. `null` for anything else (no reason given, on purpose).
 *
 * @example
 * const who = await verifyApiKey(control, request.headers.authorization.slice(7));
 */
export async function verifyApiKey(control: Database, key: string): Promise<ApiKeyPrincipal | null> {
  const match = KEY_FORMAT.exec(key);
  if (!match) return null;
  const [, id, secret] = match;
  const [row] = await control.query<{ tenant_id: string; role: ApiKeyRole; secret_sha256: string }>(
    `SELECT tenant_id, role, secret_sha256 FROM api_keys
     WHERE key_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [id],
    { name: 'pb_verify_api_key' },
  );
  if (!row) return null;
  const expected = Buffer.from(row.secret_sha256, 'hex');
  const actual = Buffer.from(sha256(secret!), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { tenant: row.tenant_id, role: row.role, keyId: id! };
}

/**
 * Revokes a key of `tenantId`; `false` when there is no such live key.
 *
 * @example
 * await revokeApiKey(control, 'acme', 'abcdefghijkl');
 */
export async function revokeApiKey(control: Database, tenantId: string, keyId: string): Promise<boolean> {
  const rows = await control.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND key_id = $2 AND revoked_at IS NULL RETURNING key_id', [tenantId, keyId]);
  return rows.length > 0;
}

/**
 * The keys of a tenant, newest first, without secrets.
 *
 * @example
 * (await listApiKeys(control, 'acme')).filter((k) => !k.revoked_at);
 */
export async function listApiKeys(control: Database, tenantId: string): Promise<ApiKeyInfo[]> {
  const rows = await control.query<{ key_id: string; tenant_id: string; role: ApiKeyRole; name: string | null; created_at: unknown; expires_at: unknown; revoked_at: unknown }>(
    'SELECT key_id, tenant_id, role, name, created_at, expires_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC, key_id',
    [tenantId],
  );
  return rows.map((r) => ({
    id: r.key_id, tenant: r.tenant_id, role: r.role, name: r.name,
    created_at: iso(r.created_at)!, expires_at: iso(r.expires_at), revoked_at: iso(r.revoked_at),
  }));
}
