import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../src/app/types.js';
import { PERMISSION_EXTENSION, ROLES, can } from '../../src/app/permissions.js';
import type { Role } from '../../src/app/permissions.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { authBackends, authPitboss, bodyText, closeApp, v1Routes } from './auth-helpers.js';
import type { WalkRoute } from './auth-helpers.js';
import { bet, ndjson } from './fixtures.js';

describe.each(authBackends)('route walk on $name: every /v1 route in /openapi.json', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let pb: object;
  let routes: WalkRoute[];
  const run = Date.now().toString(36);
  const tenantA = `walka${run}`;
  const tenantB = `walkb${run}`;
  const player = `wp-${run}`;
  const email = `secret-${run}@tenant-a.example`;
  const segName = `seg-of-a-${run}`;
  const keys = {} as Record<Role, string>;
  let bAdmin: string;
  let segId: string;
  let keyIdA: string;
  let keyA: string;

  const call = (r: WalkRoute, key: string | null, fill: (name: string, path: string) => string) => {
    const url = r.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fill(name, r.path)));
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    let body: string | undefined;
    if (r.method !== 'GET' && r.method !== 'DELETE') {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
    return app.request(url, { method: r.method, headers, ...(body !== undefined ? { body } : {}) });
  };
  const fillA = (name: string, path: string) => (path.startsWith('/v1/segments/') ? segId : path.startsWith('/v1/keys/') ? keyIdA : name === 'version' ? '1' : player);
  const expectProblem = async (res: Response, status: number, what: string) => {
    expect(res.status, what).toBe(status);
    expect(res.headers.get('content-type'), what).toBe('application/problem+json');
    await res.text();
  };

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    const built = authPitboss(storage);
    pb = built;
    app = built.app;
    for (const role of ROLES) keys[role] = (await storage.createApiKey(tenantA, role)).key;
    bAdmin = (await storage.createApiKey(tenantB, 'admin')).key;
    ({ id: keyIdA, key: keyA } = await storage.createApiKey(tenantA, 'agent', { name: 'walk target' }));
    const profile = { schema_version: 1, type: 'player.updated', event_id: `reg-${run}`, player_id: player, occurred_at: new Date(Date.now() - 3600_000).toISOString(),
      profile: { registered_at: new Date(Date.now() - 7200_000).toISOString(), country: 'GB', currency: 'EUR', brand: 'acme', personal: { first_name: 'Ada', last_name: 'Walker', email } } };
    const ingest = await app.request('/v1/events', { method: 'POST', body: ndjson([profile, bet(player)]), headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson' } });
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: 2 });
    const seg = await app.request('/v1/segments', { method: 'POST', body: JSON.stringify({ name: segName, segment: { all: [{ field: 'country', op: 'eq', value: 'GB' }] } }), headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' } });
    expect(seg.status).toBe(201);
    segId = ((await seg.json()) as { id: string }).id;
    routes = await v1Routes(app);
  }, 120_000);
  afterAll(async () => {
    if (pb) closeApp(pb);
    await close?.();
  });

  it('finds the routes, each declaring a permission', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) expect(r.op[PERMISSION_EXTENSION], `${r.method} ${r.path}`).toBeDefined();
  });

  it('no credentials, or a made-up one → 401 problem+json everywhere', async () => {
    for (const r of routes) {
      await expectProblem(await call(r, null, fillA), 401, `${r.method} ${r.path} without credentials`);
      await expectProblem(await call(r, 'pb_aaaaaaaaaaaa_' + 'A'.repeat(43), fillA), 401, `${r.method} ${r.path} with a made-up key`);
    }
  });

  it('a role without the permission → 403 problem+json', async () => {
    let checked = 0;
    for (const r of routes) {
      for (const role of ROLES) {
        if (can(role, r.op[PERMISSION_EXTENSION]!)) continue;
        await expectProblem(await call(r, keys[role], fillA), 403, `${r.method} ${r.path} as ${role}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("another tenant's admin: 404 on this tenant's resources, none of its data anywhere, nothing of it changed", async () => {
    const markers = [tenantA, email, segName, segId, keyIdA];
    // Reads and deletes first: B's own PUT /v1/players/{id} would create B's player of that id, found by later reads.
    const order = (m: string) => ['GET', 'DELETE'].indexOf(m) + 1 || 3;
    for (const r of [...routes].sort((x, y) => order(x.method) - order(y.method))) {
      const what = `${r.method} ${r.path} as tenant B`;
      const res = await call(r, bAdmin, fillA);
      expect(res.status, what).toBeLessThan(500);
      const text = await bodyText(res);
      // An id B itself put in the URL may be echoed back (`instance`, "no segment <id>"); that reveals nothing.
      const url = r.path.replace(/\{(\w+)\}/g, (_, name: string) => fillA(name, r.path));
      for (const m of markers) if (!url.includes(m)) expect(text.includes(m), `${what} leaks ${m}`).toBe(false);
      const hasParam = r.path.includes('{');
      // Platform routes (/v1/admin, routes/admin.ts) take a platform key; no tenant role, admin included, holds their permission.
      if (r.op[PERMISSION_EXTENSION] === 'platform:tenants') expect(res.status, what).toBe(403);
      else if (hasParam && (r.method === 'GET' || r.method === 'DELETE')) expect(res.status, what).toBe(404);
      if (res.status >= 400) expect(res.headers.get('content-type'), what).toBe('application/problem+json');
    }
    const asA = (path: string) => app.request(path, { headers: { authorization: `Bearer ${keys.admin}` } });
    const p = await asA(`/v1/players/${player}`);
    expect(p.status).toBe(200);
    expect(await p.text()).toContain(email);
    expect((await asA(`/v1/segments/${segId}`)).status).toBe(200);
    expect(await storage.verifyApiKey(keyA)).not.toBeNull();
    expect(await (await asA('/v1/players')).text()).toContain(player);
  });
});
