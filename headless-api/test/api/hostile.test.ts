import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../src/app/types.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { authBackends, authPitboss, bodyText, closeApp, v1Routes } from './auth-helpers.js';
import { bet, ndjson } from './fixtures.js';
import type { WalkRoute } from './auth-helpers.js';

/** Values an attacker tries; a lone surrogate cannot be percent-encoded as UTF-8, so URLs get its raw CESU bytes instead. */
const HOSTILE = [
  "' OR '1'='1", "'; DROP TABLE players; --", '" OR 1=1 --', "1) UNION SELECT tenant_id, secret_sha256 FROM api_keys --", '$1', '\\', '%',
  '../../etc/passwd', '..\\..\\windows\\win.ini', 'a\u0000b', '\ud800', 'x\udfffy', '\u202egnp.exe', '\u200b\ufeff\u2066', '𝕏💥👩‍👩‍👧', 'é'.normalize('NFD'), 'A'.repeat(5000),
];
const urlPart = (s: string) => (/[\ud800-\udfff]/.test(s) && !/[\ud800-\udbff][\udc00-\udfff]/.test(s) ? '%ED%A0%80' : encodeURIComponent(s));
/** Strings Postgres text/jsonb cannot hold (NUL, lone surrogates): ingestion does not reject them per line yet (known bugs below). */
const UNSTORABLE = ['a\u0000b', '\ud800', 'x\udfffy'];
const LEAKS = [/\n\s+at /, /node_modules/, /\/work\//, /\bSELECT\b[\s\S]*\bFROM\b/i, /syntax error/i, /pg_|postgres/i];

describe.each(authBackends)('hostile input on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  let pb: object;
  let routes: WalkRoute[];
  const run = Date.now().toString(36);
  const secretA = `hostile-secret-${run}@a.example`;
  const playerA = `hp-${run}`;
  let admin: string;
  let bAdmin: string;
  let checked = 0;

  const check = async (res: Response, what: string, { otherTenant = false, echo = '' } = {}) => {
    checked++;
    expect(res.status, what).toBeLessThan(500);
    const text = await bodyText(res);
    if (res.status >= 400) {
      expect(res.headers.get('content-type'), what).toBe('application/problem+json');
      // The caller's own input echoed back (`instance`, a detail naming the id) is not a leak.
      const { instance: _path, ...problem } = JSON.parse(text) as Record<string, unknown>;
      let own = JSON.stringify(problem);
      for (const e of echo ? [echo, JSON.stringify(echo).slice(1, -1), urlPart(echo)] : []) own = own.split(e).join('');
      for (const leak of LEAKS) expect(own, `${what} leaks internals`).not.toMatch(leak);
    }
    if (otherTenant) expect(text.includes(secretA), `${what} shows tenant A data`).toBe(false);
    return { status: res.status, text };
  };

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    const built = authPitboss(storage);
    pb = built;
    app = built.app;
    admin = (await storage.createApiKey(`ha${run}`, 'admin')).key;
    bAdmin = (await storage.createApiKey(`hb${run}`, 'admin')).key;
    const reg = { schema_version: 1, type: 'player.updated', event_id: `r-${run}`, player_id: playerA, occurred_at: new Date(Date.now() - 3600_000).toISOString(),
      profile: { registered_at: new Date(Date.now() - 7200_000).toISOString(), country: 'GB', currency: 'EUR', personal: { email: secretA } } };
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson([reg]), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    routes = await v1Routes(app);
  }, 120_000);
  afterAll(async () => {
    if (pb) closeApp(pb);
    await close?.();
  });

  it('every path parameter and every query parameter: no 5xx, problem+json, no internals, nothing of another tenant', async () => {
    for (const r of routes) {
      const params = (r.op.parameters ?? []) as { name: string; in: string }[];
      for (const value of HOSTILE) {
        for (const key of [admin, bAdmin]) {
          const path = r.path.replace(/\{(\w+)\}/g, () => urlPart(value));
          const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : JSON.stringify({ name: value, id: value, role: value, origins: [value] });
          const headers = { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) };
          if (path !== r.path) await check(await app.request(path, { method: r.method, headers, ...(body ? { body } : {}) }), `${r.method} ${r.path} with ${JSON.stringify(value).slice(0, 40)}`, { otherTenant: key === bAdmin, echo: value });
          for (const q of params.filter((p) => p.in === 'query')) {
            const url = `${r.path.replace(/\{(\w+)\}/g, playerA)}?${q.name}=${urlPart(value)}`;
            await check(await app.request(url, { method: r.method, headers, ...(body ? { body } : {}) }), `${r.method} ${r.path}?${q.name}=${JSON.stringify(value).slice(0, 40)}`, { otherTenant: key === bAdmin, echo: value });
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  }, 300_000);

  it('hostile strings inside JSON and NDJSON bodies: accepted lines are stored exactly, the rest are rejected per line', async () => {
    const before = await storage.databases.reduce(async (acc, db) => (await acc) + (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).reduce((a, r) => a + r.n, 0), Promise.resolve(0));
    const lines = HOSTILE.filter((v) => !UNSTORABLE.includes(v)).flatMap((v, i) => [
      bet(`hx-${run}-${i}`, { event_id: `hx-${run}-${i}`, bet_id: v }),
      bet(v.slice(0, 100), { event_id: `hy-${run}-${i}` }),
      bet(`hz-${run}-${i}`, { event_id: `hz-${run}-${i}`, legs: [{ sport: v, market: v, odds: 2 }] }),
    ]);
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson(lines), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' } });
    const { status, text } = await check(res, 'NDJSON with hostile strings');
    expect(status).toBe(200);
    const report = JSON.parse(text) as { accepted: number; rejected: number; retryable: number };
    expect(report.accepted + report.rejected).toBe(lines.length);
    expect(report.retryable).toBe(0);
    const after = await storage.databases.reduce(async (acc, db) => (await acc) + (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).reduce((a, r) => a + r.n, 0), Promise.resolve(0));
    expect(after - before).toBe(report.accepted);
    for (const v of HOSTILE.slice(0, 9)) {
      const got = await app.request(`/v1/players/${urlPart(v)}`, { headers: { authorization: `Bearer ${admin}` } });
      const { status: s } = await check(got, `player ${JSON.stringify(v)}`, { echo: v });
      expect([200, 400, 404]).toContain(s);
    }

    for (const name of HOSTILE) {
      const seg = await app.request('/v1/segments', { method: 'POST', body: JSON.stringify({ name, segment: { all: [{ field: 'country', op: 'eq', value: name }] } }), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } });
      const { status: s, text: t } = await check(seg, `segment named ${JSON.stringify(name).slice(0, 30)}`);
      if (s === 201) expect((JSON.parse(t) as { name: string }).name).toBe(name);
    }
  }, 120_000);

  // Regression: NUL and unpaired surrogates, which Postgres text cannot hold, once answered 503 in a player_id (the
  // dead-letter write failed) and 500 in a leg's sport (core let them through). Now: a per-line rejection.
  for (const v of UNSTORABLE) {
    for (const [field, line] of [
      ['player_id', () => bet(v, { event_id: `u-${run}-${Math.random()}` })],
      ['legs[0].sport', () => bet(`u-${run}`, { event_id: `u-${run}-${Math.random()}`, legs: [{ sport: v, market: 'm', odds: 2 }] })],
    ] as const) {
      it(`${JSON.stringify(v)} in ${field} of an event is a per-line rejection, kept as a dead letter`, async () => {
        const res = await app.request('/v1/events', { method: 'POST', body: ndjson([line()]), headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' } });
        const { status, text } = await check(res, `NDJSON with ${JSON.stringify(v)} in ${field}`);
        expect(status).toBe(200);
        expect(JSON.parse(text)).toMatchObject({ accepted: 0, rejected: 1 });
      });
    }
  }

  it('deeply nested JSON, malformed UTF-8, oversized headers and URLs, path traversal', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const deepObj = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    for (const r of routes.filter((x) => x.method !== 'GET' && x.method !== 'DELETE')) {
      for (const body of [deep, deepObj, '{"name":"\ud800"}', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]) {
        const path = r.path.replace(/\{(\w+)\}/g, playerA);
        await check(await app.request(path, { method: r.method, body, headers: { authorization: `Bearer ${admin}`, 'content-type': r.path === '/v1/events' ? 'application/x-ndjson' : 'application/json' } }), `${r.method} ${r.path} with a hostile body`);
      }
    }
    const big = await app.request('/v1/players', { headers: { authorization: `Bearer ${admin}`, cookie: 'c'.repeat(40_000) } });
    expect((await check(big, 'oversized header')).status).toBe(431);
    const many: Record<string, string> = { authorization: `Bearer ${admin}` };
    for (let i = 0; i < 400; i++) many[`x-h${i}`] = 'v'.repeat(60);
    expect((await check(await app.request('/v1/players', { headers: many }), 'many headers')).status).toBe(431);
    expect((await check(await app.request(`/v1/players/${'a'.repeat(10_000)}`, { headers: { authorization: `Bearer ${admin}` } }), 'long URL')).status).toBe(414);
    for (const p of ['/v1/players/..%2f..%2fetc%2fpasswd', '/v1/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/v1/players/%2e%2e', '/docs/../openapi.json', '/v1/players/%00', '/v1//players', '/v1/players/..%5c..%5cwin.ini']) {
      const { text } = await check(await app.request(p, { headers: { authorization: `Bearer ${admin}` } }), `traversal ${p}`);
      expect(text).not.toMatch(/root:|\[fonts\]/);
    }
  }, 120_000);
});
