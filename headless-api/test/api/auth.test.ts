import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SignJWT } from 'jose';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../src/app/types.js';
import { EmbedTokens } from '../../src/app/embed.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { LocalIssuer, authApp, authBackends } from './auth-helpers.js';
import { bet, ndjson, registered } from './fixtures.js';

interface Problem { type: string; status: number; detail?: string }
const SECRET = 'test-embed-secret-0123456789-abcdefghij';
const BO = 'https://bo.acme.example';

describe.each(authBackends)('authentication on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let idp: LocalIssuer;
  const tenant = `au${Date.now().toString(36)}`;
  const other = `${tenant}-b`;
  let admin: string;
  let agent: string;
  let analyst: string;
  let otherAdmin: string;

  const req = (path: string, key: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const expectProblem = async (res: Response, status: number, slug: string): Promise<Problem> => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = (await res.json()) as Problem;
    expect(p.type).toBe(`https://pitboss.dev/problems/${slug}`);
    return p;
  };

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    idp = await LocalIssuer.start();
    await idp.addKey('k1');
    app = authApp(storage, { embedSecret: SECRET, allowHttpJwks: true, jwt: { cooldownMs: 400, cacheMaxAgeMs: 1500 } });
    admin = (await storage.createApiKey(tenant, 'admin')).key;
    agent = (await storage.createApiKey(tenant, 'agent')).key;
    analyst = (await storage.createApiKey(tenant, 'analyst')).key;
    otherAdmin = (await storage.createApiKey(other, 'admin')).key;
    const settings = { allowed_origins: [BO], jwt: { issuer: idp.issuer, audience: 'pitboss', jwks_url: idp.jwksUrl }, rate_limit: { key: null, tenant: null } };
    const put = await req('/v1/tenant/settings', admin, { method: 'PUT', ...json(settings), headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(200);
    expect(await (await req('/v1/tenant/settings', admin)).json()).toEqual(settings);
    const ingest = await req('/v1/events', admin, { method: 'POST', body: ndjson([registered('p-1'), bet('p-1')]), headers: { 'content-type': 'application/x-ndjson' } });
    expect(ingest.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await idp?.close();
    await close?.();
  });

  describe('tenant settings', () => {
    it('refuses wildcard or path origins, http JWKS without the flag, and non-admins', async () => {
      for (const origin of ['*', 'https://bo.acme.example/', 'https://*.acme.example', 'null', 'javascript:alert(1)']) {
        const res = await req('/v1/tenant/settings', admin, { method: 'PUT', ...json({ allowed_origins: [origin], jwt: null, rate_limit: { key: null, tenant: null } }), headers: { 'content-type': 'application/json' } });
        await expectProblem(res, 400, 'validation-failed');
      }
      const strict = authApp(storage);
      const res = await strict.request('/v1/tenant/settings', { method: 'PUT', body: JSON.stringify({ allowed_origins: [], jwt: { issuer: 'x', audience: 'y', jwks_url: 'http://127.0.0.1:1/jwks' }, rate_limit: { key: null, tenant: null } }), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } });
      await expectProblem(res, 400, 'validation-failed');
      await expectProblem(await req('/v1/tenant/settings', agent), 403, 'forbidden');
    });
  });

  describe('backoffice JWTs against a real JWKS on loopback', () => {
    it('maps pitboss_tenant and pitboss_role; role permissions apply', async () => {
      const token = await idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'agent', sub: 'alice' });
      const res = await req('/v1/players/p-1', token);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { player_id: string }).player_id).toBe('p-1');
      const write = await req('/v1/events', token, { method: 'POST', body: ndjson([bet('p-1')]), headers: { 'content-type': 'application/x-ndjson' } });
      await expectProblem(write, 403, 'forbidden');
    });

    it('refuses expired tokens, wrong issuer or audience, a foreign tenant, bad roles, alg confusion and unsigned tokens', async () => {
      const cases: [string, Promise<string>, RegExp][] = [
        ['expired', idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'admin' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /expired/],
        ['wrong audience', idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'admin' }, { audience: 'someone-else' }), /aud/],
        ['wrong issuer', idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'admin' }, { issuer: 'https://evil.example' }), /iss/],
        ['a tenant without a provider', idp.sign('k1', { pitboss_tenant: other, pitboss_role: 'admin' }), /no user tokens/],
        ['no tenant claim', idp.sign('k1', { pitboss_role: 'admin' }), /pitboss_tenant/],
        ['an unknown role', idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'root' }), /pitboss_role/],
        ['HS256 with the public key as secret', new SignJWT({ pitboss_tenant: tenant, pitboss_role: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(idp.issuer).setAudience('pitboss').setSubject('x').setExpirationTime('5m').sign(new TextEncoder().encode(idp.jwksUrl.padEnd(32, 'x'))), /./],
        ['alg none', Promise.resolve(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ pitboss_tenant: tenant, pitboss_role: 'admin', iss: idp.issuer, aud: 'pitboss', sub: 'x', exp: 9e9 })).toString('base64url')}.sig`), /./],
      ];
      for (const [name, token, detail] of cases) {
        const p = await expectProblem(await req('/v1/players', await token), 401, 'unauthorized');
        expect(p.detail, name).toMatch(detail);
      }
    });

    it('rotation: a new kid refetches the JWKS once per cooldown; old tokens verify until their key is removed', async () => {
      const old = await idp.sign('k1', { pitboss_tenant: tenant, pitboss_role: 'analyst' });
      expect((await req('/v1/players', old)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 450));
      await idp.addKey('k2');
      const fresh = await idp.sign('k2', { pitboss_tenant: tenant, pitboss_role: 'analyst' });
      const before = idp.fetches;
      const fetchedAt = performance.now();
      expect((await req('/v1/players', fresh)).status).toBe(200);
      expect(idp.fetches).toBe(before + 1);

      // Made-up kids right after a fetch: refused without hammering the provider. At most one
      // refetch per 400 ms cooldown: on a busy machine the 20 requests may outlast a cooldown or
      // two, while a missing cooldown would refetch 20 times.
      await idp.addKey('forged', false);
      for (let i = 0; i < 20; i++) {
        await expectProblem(await req('/v1/players', await idp.sign('forged', { pitboss_tenant: tenant, pitboss_role: 'admin' })), 401, 'unauthorized');
      }
      const cooldowns = Math.floor((performance.now() - fetchedAt) / 400);
      expect(idp.fetches - before).toBeGreaterThanOrEqual(1);
      expect(idp.fetches - before, `refetches in ${cooldowns} cooldowns`).toBeLessThanOrEqual(1 + cooldowns);

      expect((await req('/v1/players', old)).status).toBe(200);
      idp.unpublish('k1');
      await new Promise((r) => setTimeout(r, 1600));
      await expectProblem(await req('/v1/players', old), 401, 'unauthorized');
      expect((await req('/v1/players', fresh)).status).toBe(200);
    });

    it('answers 503, not 401, when the provider is unreachable', async () => {
      const down = authApp(storage, { allowHttpJwks: true });
      const lonely = `${tenant}-down`;
      const key = (await storage.createApiKey(lonely, 'admin')).key;
      const put = await down.request('/v1/tenant/settings', { method: 'PUT', body: JSON.stringify({ allowed_origins: [], jwt: { issuer: idp.issuer, audience: 'pitboss', jwks_url: 'http://127.0.0.1:9/jwks' }, rate_limit: { key: null, tenant: null } }), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
      expect(put.status).toBe(200);
      const token = await idp.sign('k2', { pitboss_tenant: lonely, pitboss_role: 'admin' });
      const res = await down.request('/v1/players', { headers: { authorization: `Bearer ${token}` } });
      await expectProblem(res, 503, 'not-ready');
    });
  });

  describe('embed tokens', () => {
    const exchange = (key: string, body: unknown) => req('/v1/embed-tokens', key, { method: 'POST', ...json(body), headers: { 'content-type': 'application/json' } });

    it('an API key gets a token bound to its tenant, role and origins; browsers use it from those origins only', async () => {
      const res = await exchange(agent, { origins: [BO], ttl_seconds: 120 });
      expect(res.status).toBe(201);
      const { token, role, expires_at } = (await res.json()) as { token: string; role: string; expires_at: string };
      expect(role).toBe('agent');
      expect(Date.parse(expires_at) - Date.now()).toBeLessThanOrEqual(121_000);
      const ok = await req('/v1/players/p-1', token, { headers: { origin: BO } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(BO);
      await expectProblem(await req('/v1/players/p-1', token, { headers: { origin: 'https://evil.example' } }), 403, 'forbidden');
      await expectProblem(await req('/v1/players/p-1', token), 403, 'forbidden');
      await expectProblem(await req('/v1/events', token, { method: 'POST', body: ndjson([bet('p-1')]), headers: { origin: BO, 'content-type': 'application/x-ndjson' } }), 403, 'forbidden');
      await expectProblem(await req('/v1/embed-tokens', token, { method: 'POST', ...json({ origins: [BO] }), headers: { origin: BO, 'content-type': 'application/json' } }), 403, 'forbidden');
    });

    it('roles never rise above the key; origins must be the tenant’s', async () => {
      await expectProblem(await exchange(agent, { origins: [BO], role: 'admin' }), 403, 'forbidden');
      await expectProblem(await exchange(analyst, { origins: [BO], role: 'agent' }), 403, 'forbidden');
      await expectProblem(await exchange(agent, { origins: ['https://evil.example'] }), 400, 'validation-failed');
      await expectProblem(await exchange(otherAdmin, { origins: [BO] }), 400, 'validation-failed');
      const down = await exchange(admin, { origins: [BO], role: 'analyst' });
      expect(down.status).toBe(201);
      const { token } = (await down.json()) as { token: string };
      await expectProblem(await req('/v1/keys', token, { headers: { origin: BO } }), 403, 'forbidden');
    });

    it('refuses tampered, expired and foreign-secret tokens', async () => {
      const { token } = (await (await exchange(agent, { origins: [BO] })).json()) as { token: string };
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin', tenant: other })).toString('base64url')}.${s}`;
      await expectProblem(await req('/v1/players', forged, { headers: { origin: BO } }), 401, 'unauthorized');
      const principal = { tenant, role: 'agent' as const, keyId: 'abcdefghijkl' };
      const past = await new EmbedTokens(SECRET, () => Date.now() - 7200_000).issue(principal, [BO], 600);
      expect((await expectProblem(await req('/v1/players', past.token, { headers: { origin: BO } }), 401, 'unauthorized')).detail).toMatch(/expired/);
      const foreign = await new EmbedTokens('another-secret-0123456789-abcdefghijkl').issue(principal, [BO], 600);
      await expectProblem(await req('/v1/players', foreign.token, { headers: { origin: BO } }), 401, 'unauthorized');
    });
  });

  describe('key admin API', () => {
    it('creates (secret once), lists without secrets, revokes; another tenant cannot touch them', async () => {
      const created = await req('/v1/keys', admin, { method: 'POST', ...json({ role: 'analyst', name: 'reporting' }), headers: { 'content-type': 'application/json' } });
      expect(created.status).toBe(201);
      const { id, key } = (await created.json()) as { id: string; key: string };
      expect((await req('/v1/players', key)).status).toBe(200);
      const listed = await (await req('/v1/keys', admin)).text();
      expect(listed).toContain(id);
      expect(listed).not.toContain(key.slice(-43));
      expect(await (await req('/v1/keys', otherAdmin)).text()).not.toContain(id);
      await expectProblem(await req(`/v1/keys/${id}`, otherAdmin, { method: 'DELETE' }), 404, 'not-found');
      expect(await storage.verifyApiKey(key)).not.toBeNull();
      await expectProblem(await req('/v1/keys', agent), 403, 'forbidden');
      expect((await req(`/v1/keys/${id}`, admin, { method: 'DELETE' })).status).toBe(204);
      await expectProblem(await req(`/v1/keys/${id}`, admin, { method: 'DELETE' }), 404, 'not-found');
      // The process that revoked it, whose auth cache held it (the read above), refuses it at once;
      // a fresh process (no auth cache) too; other running ones within the 10 s cache TTL.
      await expectProblem(await req('/v1/players', key), 401, 'unauthorized');
      await expectProblem(await authApp(storage).request('/v1/players', { headers: { authorization: `Bearer ${key}` } }), 401, 'unauthorized');
    });
  });

  describe('CORS and security headers', () => {
    it('answers preflights for allowed origins only, echoing the origin without credentials', async () => {
      const pre = await app.request('/v1/players', { method: 'OPTIONS', headers: { origin: BO, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(BO);
      expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      expect(pre.headers.get('vary')).toContain('Origin');
      const evil = await app.request('/v1/players', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('refuses a browser origin the caller’s tenant does not allow, even with a valid key', async () => {
      await expectProblem(await req('/v1/players', otherAdmin, { headers: { origin: BO } }), 403, 'forbidden');
      const ok = await req('/v1/players', admin, { headers: { origin: BO } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-security-policy')).toBe(`default-src 'none'; frame-ancestors ${BO}`);
    });

    it('sets security headers on successes and errors; CSP with a script hash on /docs; 414 and 431', async () => {
      for (const res of [await req('/v1/players', admin), await app.request('/v1/players'), await app.request('/nowhere'), await app.request('/healthz')]) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
      const docs = await app.request('/docs');
      expect(docs.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(docs.headers.get('content-security-policy')).not.toContain('unsafe-inline\'; connect-src *');
      const tls = authApp(storage, { hsts: true });
      expect((await tls.request('/healthz')).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      const long = await req(`/v1/players?brand=${'a'.repeat(9000)}`, admin);
      await expectProblem(long, 414, 'uri-too-long');
      expect(long.headers.get('x-content-type-options')).toBe('nosniff');
      await expectProblem(await req('/v1/players', admin, { headers: { 'x-junk': 'j'.repeat(20_000) } }), 431, 'headers-too-large');
    });
  });
});

describe('security configuration', () => {
  it('reads PITBOSS_EMBED_SECRET, PITBOSS_RATE_LIMIT and PITBOSS_HSTS, never echoing the secret in errors', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const { securityFromConfig } = await import('../../src/app/security.js');
    // Rate limits default on: in memory for the embedded PGlite, shared in Postgres for pg/neon; off only when asked.
    expect(loadConfig({ env: {} }).security).toEqual({ embedSecret: undefined, rateLimit: 'memory', hsts: false });
    expect(loadConfig({ env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://u@h/db' } }).security.rateLimit).toBe('postgres');
    expect(loadConfig({ env: { PITBOSS_DRIVER: 'neon', PITBOSS_DATABASE_URLS: 'postgres://u@h/db' } }).security.rateLimit).toBe('postgres');
    expect(loadConfig({ env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://u@h/db', PITBOSS_RATE_LIMIT: 'off' } }).security.rateLimit).toBe('off');
    expect(securityFromConfig(loadConfig({ env: {}, argv: ['--rate-limit', 'off'] }).security).rateLimit).toBe(false);
    expect(securityFromConfig(loadConfig({ env: {} }).security).rateLimit).toEqual({ store: 'memory' });
    const c = loadConfig({ env: { PITBOSS_EMBED_SECRET: SECRET, PITBOSS_RATE_LIMIT: 'postgres' }, argv: ['--hsts', 'true'] });
    expect(securityFromConfig(c.security)).toEqual({ embedSecret: SECRET, rateLimit: { store: 'postgres' }, hsts: true });
    expect(() => loadConfig({ env: { PITBOSS_EMBED_SECRET: 'short-secret-value' } })).toThrow(/PITBOSS_EMBED_SECRET \(--embed-secret\): needs at least 32 bytes$/m);
    expect(() => loadConfig({ env: { PITBOSS_EMBED_SECRET: 'short-secret-value' } })).not.toThrow(/short-secret-value/);
    expect(() => loadConfig({ env: { PITBOSS_RATE_LIMIT: 'redis' } })).toThrow(/expected memory, postgres or off/);
  });
});
