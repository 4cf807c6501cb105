import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PERMISSION_EXTENSION, ROLE_PERMISSIONS, ROLES } from '../../src/app/permissions.js';
import type { AppEnv } from '../../src/app/types.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { LocalIssuer, authApp, authBackends, v1Routes } from './auth-helpers.js';

interface Problem { type: string; status: number }
interface Me { tenant: string; kind: string; key_id: string | null; subject: string | null; role: string; permissions: string[] }
const SECRET = 'test-embed-secret-me-0123456789-abcdefghij';
const BO = 'https://bo.me.example';
const pglite = authBackends.find((b) => b.name === 'pglite')!;

describe('GET /v1/me on PGlite', () => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let idp: LocalIssuer;
  const tenant = `me${Date.now().toString(36)}`;
  const keys: Record<string, { key: string; id: string }> = {};

  const me = (credential: string | null, headers: Record<string, string> = {}) =>
    app.request('/v1/me', { headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers } });

  beforeAll(async () => {
    ({ storage, close } = await pglite.open());
    idp = await LocalIssuer.start();
    await idp.addKey('k1');
    app = authApp(storage, { embedSecret: SECRET, allowHttpJwks: true });
    for (const role of ROLES) {
      const created = await storage.createApiKey(tenant, role);
      keys[role] = { key: created.key, id: created.id };
    }
    const settings = { allowed_origins: [BO], jwt: { issuer: idp.issuer, audience: 'pitboss', jwks_url: idp.jwksUrl }, rate_limit: { key: null, tenant: null } };
    const put = await app.request('/v1/tenant/settings', { method: 'PUT', body: JSON.stringify(settings), headers: { authorization: `Bearer ${keys.admin!.key}`, 'content-type': 'application/json' } });
    expect(put.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await idp?.close();
    await close?.();
  });

  it('describes an API key of every role: tenant, key id, role and exactly its permissions', async () => {
    for (const role of ROLES) {
      const res = await me(keys[role]!.key);
      expect(res.status, role).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ tenant, kind: 'api_key', key_id: keys[role]!.id, subject: null, role, permissions: [...ROLE_PERMISSIONS[role]] } satisfies Me);
    }
  });

  it('describes a backoffice JWT by its subject', async () => {
    const token = await idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'analyst', sub: 'alice' });
    const res = await me(token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Me;
    expect(body).toEqual({ tenant, kind: 'jwt', key_id: null, subject: 'alice', role: 'analyst', permissions: [...ROLE_PERMISSIONS.analyst] });
    expect(body.permissions).not.toContain('notes:write');
  });

  it('describes an embed token (from its origin) with the role it was issued for', async () => {
    const exchange = await app.request('/v1/embed-tokens', { method: 'POST', body: JSON.stringify({ origins: [BO], ttl_seconds: 120 }), headers: { authorization: `Bearer ${keys.agent!.key}`, 'content-type': 'application/json' } });
    expect(exchange.status).toBe(201);
    const { token } = (await exchange.json()) as { token: string };
    const res = await me(token, { origin: BO });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Me;
    expect(body.kind).toBe('embed_token');
    expect(body.tenant).toBe(tenant);
    expect(body.role).toBe('agent');
    expect(body.key_id).toBeNull();
    expect(body.subject).toEqual(expect.any(String));
    expect(body.permissions).toEqual([...ROLE_PERMISSIONS.agent]);
    expect((await me(token, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('answers 401 problem+json without credentials or with an unknown key', async () => {
    for (const res of [await me(null), await me('pb_not_a_real_key_0000000000')]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as Problem).type).toBe('https://pitboss.dev/problems/unauthorized');
    }
  });

  it('is in the OpenAPI document with a permission every role holds', async () => {
    const route = (await v1Routes(app)).find((r) => r.method === 'GET' && r.path === '/v1/me');
    expect(route).toBeDefined();
    const permission = route!.op[PERMISSION_EXTENSION]!;
    for (const role of ROLES) expect(ROLE_PERMISSIONS[role]).toContain(permission);
  });
});
