import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PERMISSION_EXTENSION, ROLES } from '../../src/app/permissions.js';
import type { Role } from '../../src/app/permissions.js';
import type { AppEnv } from '../../src/app/types.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createPlatformKey, listPlatformAudit, revokePlatformKey } from '../../src/storage/platform.js';
import { authBackends, authPitboss, bodyText, closeApp, v1Routes } from './auth-helpers.js';
import type { WalkRoute } from './auth-helpers.js';
import { createDatabases } from './backends.js';
import { bet, ndjson } from './fixtures.js';

const json = (key: string | null, body?: unknown, method = body === undefined ? 'GET' : 'POST'): RequestInit => ({
  method,
  headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function expectProblem(res: Response, status: number, slug: string, what = ''): Promise<Record<string, unknown>> {
  expect(res.status, what).toBe(status);
  expect(res.headers.get('content-type'), what).toBe('application/problem+json');
  const p = (await res.json()) as Record<string, unknown>;
  expect(p.type, what).toBe(`https://pitboss.dev/problems/${slug}`);
  return p;
}

describe.each(authBackends)('platform admin API on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let pb: object;
  let platform: string;
  let platformId: string;
  const run = Date.now().toString(36);
  const tenant = `adm-${run}`;
  const other = `oth-${run}`;
  const player = `ap-${run}`;
  const email = `admin-walk-${run}@other.example`;
  const otherKeys = {} as Record<Role, string>;

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    pb = authPitboss(storage);
    app = (pb as { app: OpenAPIHono<AppEnv> }).app;
    ({ id: platformId, key: platform } = await createPlatformKey(storage.control, { name: 'test operator' }, 'test'));
    for (const role of ROLES) otherKeys[role] = (await storage.createApiKey(other, role)).key;
    const profile = { schema_version: 1, type: 'player.updated', event_id: `reg-${run}`, player_id: player, occurred_at: new Date(Date.now() - 3600_000).toISOString(),
      profile: { registered_at: new Date(Date.now() - 7200_000).toISOString(), country: 'GB', currency: 'EUR', personal: { first_name: 'Ada', last_name: 'Admin', email } } };
    const ingest = await app.request('/v1/events', { method: 'POST', body: ndjson([profile, bet(player)]), headers: { authorization: `Bearer ${otherKeys.admin}`, 'content-type': 'application/x-ndjson' } });
    expect(ingest.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    if (pb) closeApp(pb);
    await close?.();
  });

  it('creates a tenant, issues it a key that works on /v1, lists and revokes it; every call audited', async () => {
    const created = await app.request('/v1/admin/tenants', json(platform, { id: tenant, name: 'Acme Bets' }));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: tenant, name: 'Acme Bets', active_keys: 0 });
    await expectProblem(await app.request('/v1/admin/tenants', json(platform, { id: tenant })), 409, 'conflict');

    const k = await app.request(`/v1/admin/tenants/${tenant}/keys`, json(platform, { role: 'admin', name: 'backend' }));
    expect(k.status).toBe(201);
    const { id, key } = (await k.json()) as { id: string; key: string };
    expect(key).toMatch(/^pb_[a-z2-7]{12}_[\w-]{43}$/);
    // The key is a tenant key of the new tenant: it reads (an empty) player list there.
    expect(await storage.verifyApiKey(key)).toMatchObject({ tenant, role: 'admin', keyId: id });
    const players = await app.request('/v1/players', { headers: { authorization: `Bearer ${key}` } });
    expect(players.status).toBe(200);
    expect(((await players.json()) as { items: unknown[] }).items).toEqual([]);

    const one = await app.request(`/v1/admin/tenants/${tenant}`, json(platform));
    expect(await one.json()).toMatchObject({ id: tenant, active_keys: 1 });
    const keys = (await (await app.request(`/v1/admin/tenants/${tenant}/keys`, json(platform))).json()) as { keys: { id: string; role: string; revoked_at: string | null }[] };
    expect(keys.keys).toEqual([expect.objectContaining({ id, role: 'admin', revoked_at: null })]);
    expect(JSON.stringify(keys)).not.toContain(key.slice(-43));

    const revoked = await app.request(`/v1/admin/tenants/${tenant}/keys/${id}`, json(platform, undefined, 'DELETE'));
    expect(revoked.status).toBe(204);
    expect(await storage.verifyApiKey(key)).toBeNull();
    await expectProblem(await app.request(`/v1/admin/tenants/${tenant}/keys/${id}`, json(platform, undefined, 'DELETE')), 404, 'not-found');
    // A key of another tenant cannot be revoked through this tenant's path.
    const otherId = (await storage.listApiKeys(other))[0]!.id;
    await expectProblem(await app.request(`/v1/admin/tenants/${tenant}/keys/${otherId}`, json(platform, undefined, 'DELETE')), 404, 'not-found');
    expect((await storage.listApiKeys(other)).every((x) => x.revoked_at === null)).toBe(true);
    await expectProblem(await app.request('/v1/admin/tenants/no-such-tenant/keys', json(platform, { role: 'agent' })), 404, 'not-found');

    // The platform trail has every call, newest first, never a secret.
    const trail = await listPlatformAudit(storage.control, { limit: 50 });
    const mine = trail.filter((e) => e.actor === platformId).map((e) => `${e.action}:${e.details.outcome ?? 'ok'}`).reverse();
    expect(mine).toEqual(['tenant.create:ok', 'tenant.create:exists', 'key.create:ok', 'tenant.read:ok', 'key.list:ok', 'key.revoke:ok', 'key.revoke:not-found', 'key.revoke:not-found', 'key.create:not-found']);
    expect(JSON.stringify(trail)).not.toContain(key.slice(-43));
    // And the tenant's own audit log shows what the platform did to it.
    const own = await storage.privacy.queryAudit(tenant, { limit: 20 });
    expect(own.map((e) => `${e.actor}:${e.action}`).reverse()).toEqual([
      `platform:${platformId}:platform.tenant.create`, `platform:${platformId}:platform.key.create`, `platform:${platformId}:platform.tenant.read`,
      `platform:${platformId}:platform.key.list`, `platform:${platformId}:platform.key.revoke`,
    ]);
    const page = (await (await app.request('/v1/admin/audit?action=key.create&limit=1', json(platform))).json()) as { items: unknown[]; next_cursor: string | null };
    expect(page.items).toEqual([expect.objectContaining({ action: 'key.create', actor: platformId, tenant: null, target: 'tenant:no-such-tenant', details: { outcome: 'not-found' } })]);
    const next = (await (await app.request(`/v1/admin/audit?action=key.create&limit=1&cursor=${page.next_cursor}`, json(platform))).json()) as { items: unknown[] };
    expect(next.items).toEqual([expect.objectContaining({ action: 'key.create', tenant, target: `key:${id}`, details: { role: 'admin', name: 'backend', expires_at: null } })]);
  });

  it('pages tenants in id order and validates input with problem+json', async () => {
    for (const suffix of ['a', 'b', 'c']) expect((await app.request('/v1/admin/tenants', json(platform, { id: `pg-${run}-${suffix}` }))).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await app.request(`/v1/admin/tenants?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, json(platform));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { id: string }[]; next_cursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((t) => t.id));
      cursor = body.next_cursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    for (const t of [other, `pg-${run}-a`, `pg-${run}-b`, `pg-${run}-c`]) expect(seen).toContain(t);

    const bad = await expectProblem(await app.request('/v1/admin/tenants', json(platform, { id: 'Not Valid!' })), 400, 'validation-failed');
    expect(JSON.stringify(bad.errors)).toContain('/id');
    await expectProblem(await app.request('/v1/admin/tenants', json(platform, { id: `x${run}`, extra: 1 })), 400, 'validation-failed');
    await expectProblem(await app.request(`/v1/admin/tenants/${tenant}/keys`, json(platform, { role: 'root' })), 400, 'validation-failed');
    await expectProblem(await app.request(`/v1/admin/tenants/${tenant}/keys`, json(platform, { role: 'agent', expires_at: '2001-01-01T00:00:00Z' })), 400, 'validation-failed');
    await expectProblem(await app.request('/v1/admin/tenants', { method: 'POST', headers: { authorization: `Bearer ${platform}`, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported-media-type');
    await expectProblem(await app.request('/v1/admin/tenants', { method: 'POST', headers: { authorization: `Bearer ${platform}`, 'content-type': 'application/json' }, body: '{"id":' }), 400, 'bad-request');
  });

  it('platform scope walk: every /v1 route in /openapi.json', async () => {
    const routes: WalkRoute[] = await v1Routes(app);
    const admin = routes.filter((r) => r.path.startsWith('/v1/admin/'));
    const tenantRoutes = routes.filter((r) => !r.path.startsWith('/v1/admin/'));
    expect(admin.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /v1/admin/tenants/{tenant}/keys/{id}', 'GET /v1/admin/audit', 'GET /v1/admin/tenants', 'GET /v1/admin/tenants/{tenant}',
      'GET /v1/admin/tenants/{tenant}/keys', 'POST /v1/admin/tenants', 'POST /v1/admin/tenants/{tenant}/keys',
    ]);
    for (const r of admin) expect(r.op[PERMISSION_EXTENSION], `${r.method} ${r.path}`).toBe('platform:tenants');
    expect(tenantRoutes.length).toBeGreaterThan(20);
    const fill = (name: string) => (name === 'tenant' ? other : name === 'id' ? 'abcdefghijkl' : name === 'version' ? '1' : player);
    const urlOf = (r: WalkRoute) => r.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fill(name)));
    const call = (r: WalkRoute, key: string | null) => app.request(urlOf(r), json(key, r.method === 'GET' || r.method === 'DELETE' ? undefined : {}, r.method));
    const markers = [email, player];
    for (const r of tenantRoutes) {
      // A platform key acts as no tenant: 403 on every tenant route, none of any tenant's data.
      const res = await call(r, platform);
      const what = `${r.method} ${r.path} with a platform key`;
      expect(res.status, what).toBe(403);
      expect(res.headers.get('content-type'), what).toBe('application/problem+json');
      const text = await bodyText(res);
      // An id the caller put in the URL may be echoed (`instance`); that reveals nothing.
      for (const m of markers) if (!urlOf(r).includes(m)) expect(text.includes(m), `${what} leaks ${m}`).toBe(false);
    }
    for (const r of admin) {
      // Tenant credentials, admins included, never manage tenants: 403 (the route walk in tenancy.test.ts does every role too).
      for (const role of ROLES) await expectProblem(await call(r, otherKeys[role]), 403, 'forbidden', `${r.method} ${r.path} as ${role}`);
      await expectProblem(await call(r, null), 401, 'unauthorized', `${r.method} ${r.path} without credentials`);
      await expectProblem(await call(r, 'pbp_aaaaaaaaaaaa_' + 'A'.repeat(43)), 401, 'unauthorized', `${r.method} ${r.path} with a made-up platform key`);
      // With the platform key: never 401/403/5xx, and the admin API lists keys and tenants, not players' data.
      const res = await call(r, platform);
      expect([200, 201, 204, 400, 404, 409], `${r.method} ${r.path} with the platform key`).toContain(res.status);
      const text = await bodyText(res);
      for (const m of markers) expect(text.includes(m), `${r.method} ${r.path} leaks ${m}`).toBe(false);
    }
  });

  it('a revoked or expired platform key is refused at once (no cache)', async () => {
    const { id, key } = await createPlatformKey(storage.control, { name: 'short-lived' }, 'test');
    expect((await app.request('/v1/admin/tenants?limit=1', json(key))).status).toBe(200);
    expect(await revokePlatformKey(storage.control, id, 'test')).toBe(true);
    await expectProblem(await app.request('/v1/admin/tenants?limit=1', json(key)), 401, 'unauthorized');
    const expired = await createPlatformKey(storage.control, { expiresAt: new Date(Date.now() + 1500) }, 'test');
    expect((await app.request('/v1/admin/tenants?limit=1', json(expired.key))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    await expectProblem(await app.request('/v1/admin/tenants?limit=1', json(expired.key)), 401, 'unauthorized');
    // A platform key is not a tenant key, even where both formats would parse.
    expect(await storage.verifyApiKey(key)).toBeNull();
    await expect(storage.control.query('DELETE FROM platform_audit')).rejects.toThrow(/append-only/);
  });
});

const BIN = fileURLToPath(new URL('../../bin/pitboss.mjs', import.meta.url));
const exec = promisify(execFile);

async function pitboss(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('pitboss keys --platform (real Postgres)', () => {
  let dbs: Awaited<ReturnType<typeof createDatabases>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    dbs = await createDatabases(2);
    env = { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: dbs.urls.join(','), PITBOSS_LOG_LEVEL: 'warn' };
  }, 60_000);
  afterAll(async () => {
    await dbs?.drop();
  });

  it('creates a platform key stored hashed, lists and revokes it, each audited with actor cli', async () => {
    const made = await pitboss(['keys', 'create', '--platform', '--name', 'ops'], env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^pbp_[a-z2-7]{12}_[\w-]{43}\n$/);
    const key = made.stdout.trim();
    const id = key.slice(4, 16);
    expect((await pitboss(['keys', 'create', '--platform', '--tenant', 'x'], env)).code).toBe(2);
    const storage = await createStorage({ driver: 'pg', urls: dbs.urls });
    try {
      const [row] = await storage.control.query<{ secret_sha256: string }>('SELECT secret_sha256 FROM platform_keys WHERE key_id = $1', [id]);
      expect(row!.secret_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.secret_sha256).not.toContain(key.slice(17));
      const { app } = authPitboss(storage);
      const res = await app.request('/v1/admin/tenants', json(key, { id: 'from-cli' }));
      expect(res.status).toBe(201);
      const list = await pitboss(['keys', 'list', '--platform'], env);
      expect(list.stdout).toContain(`${id}\tplatform\tactive`);
      expect(list.stdout).not.toContain(key.slice(17));
      const rev = await pitboss(['keys', 'revoke', '--platform', '--id', id], env);
      expect(rev.code, rev.stderr).toBe(0);
      expect((await app.request('/v1/admin/tenants', json(key))).status).toBe(401);
      expect((await listPlatformAudit(storage.control)).map((e) => `${e.actor}:${e.action}`).reverse()).toEqual([`cli:platform_key.create`, `${id}:tenant.create`, `cli:platform_key.revoke`]);
    } finally {
      await storage.close();
    }
  });
});
