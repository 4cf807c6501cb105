import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PitbossApp } from '../../src/app/app.js';
import { MASK, maskResponse } from '../../src/app/masking.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { PG_ADMIN_URL } from './backends.js';
import { deposit, ndjson, testApp } from './fixtures.js';

/**
 * Analysts never see personal data: every route of `/openapi.json` is called
 * as an analyst after a player with distinctive personal data was stored, and
 * no response body may contain any of it. The same walk as an admin must find
 * it, so the seed and the grep are known to work.
 */

interface Opened { storage: ShardedStorage; close(): Promise<void> }

async function openPostgres(count: number): Promise<Opened> {
  const prefix = `pb_pv_m${process.pid}_${Date.now().toString(36)}`;
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    for (const n of names) await admin.query(`CREATE DATABASE ${n}`);
  } finally {
    await admin.end();
  }
  const urls = names.map((n) => Object.assign(new URL(PG_ADMIN_URL), { pathname: '/' + n }).toString());
  const storage = await createStorage({ driver: 'pg', urls, poolSize: 4, featureRefresh: 'inline' });
  await storage.migrate();
  return {
    storage,
    close: async () => {
      await storage.close();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const BACKENDS: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-pv-m-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  { name: 'postgres×4', open: () => openPostgres(4) },
];

const TENANT = 'pv-mask';
const P = 'pv-masked-1';
const PERSONAL = { first_name: 'Wolfgangina', last_name: 'Xylophonesque', email: 'wolfgangina.x@example.org', phone: '+5511987654321' };
const IP = '192.0.2.201';
const UA = 'WolfgangBrowser/7.7';
const SECRETS = [...Object.values(PERSONAL), IP, UA];
const SEGMENT = { name: 'GB players', segment: { all: [{ field: 'country', op: 'eq', value: 'GB' }] } };

interface Operation { method: string; requestBody?: { content?: Record<string, unknown> } }
type OpenApi = { paths: Record<string, Record<string, Operation>> };

const ORDER = ['get', 'head', 'post', 'put', 'patch', 'delete'];

/** The body as text; an endless one (an event stream) is read for a moment, then cancelled. */
async function bodyText(res: Response): Promise<string> {
  if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const until = Date.now() + 500;
  while (Date.now() < until) {
    const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), until - Date.now()))]);
    if (next === null || next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch((error: unknown) => {
    // routes/stream.ts closes its controller inside cancel(), which throws once the stream is cancelled (reported); that is not what this suite checks.
    if (!(error instanceof TypeError && /already closed/.test(error.message))) throw error;
  });
  return text;
}

describe.each(BACKENDS)('analyst masking over every route ($name)', (backend) => {
  let b: Opened;
  let app: PitbossApp['app'];
  let admin: string;
  let analyst: string;
  let segmentId: string;

  const call = (key: string, method: string, path: string, body?: { type: string; text: string }) =>
    app.request(path, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': body.type } : {}) },
      ...(body ? { body: body.text } : {}),
    });

  beforeAll(async () => {
    b = await backend.open();
    app = testApp(b.storage).app;
    admin = (await b.storage.createApiKey(TENANT, 'admin')).key;
    analyst = (await b.storage.createApiKey(TENANT, 'analyst')).key;
    const put = await call(admin, 'put', `/v1/players/${P}`, { type: 'application/json', text: JSON.stringify({ country: 'GB', registered_at: new Date(Date.now() - 86_400_000).toISOString(), personal: PERSONAL }) });
    expect(put.status).toBe(200);
    const lines = [
      { schema_version: 1, type: 'session.started', event_id: 'm-ses-1', player_id: P, occurred_at: new Date(Date.now() - 60_000).toISOString(), session_id: 's1', device: 'desktop', ip: IP, user_agent: UA },
      deposit(P, 4200),
      { type: 'payment', player_id: P, event_id: 'm-bad-1', email: PERSONAL.email, phone: PERSONAL.phone },
    ];
    const ingest = await call(admin, 'post', '/v1/events', { type: 'application/x-ndjson', text: ndjson(lines) });
    expect(ingest.status).toBe(200);
    const seg = await call(admin, 'post', '/v1/segments', { type: 'application/json', text: JSON.stringify(SEGMENT) });
    expect(seg.status).toBe(201);
    segmentId = ((await seg.json()) as { id: string }).id;
  }, 180_000);
  afterAll(async () => {
    await b?.close();
  });

  /** Calls every operation of the OpenAPI document; returns status and body text per `METHOD path`. */
  async function walk(key: string): Promise<Map<string, { status: number; text: string }>> {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApi;
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => ORDER.includes(m)).map(([method, op]) => ({ path, method, op })));
    ops.sort((x, y) => ORDER.indexOf(x.method) - ORDER.indexOf(y.method));
    const seen = new Map<string, { status: number; text: string }>();
    for (const { path, method, op } of ops) {
      const url = path
        .replace('{id}', encodeURIComponent(path.startsWith('/v1/segments/') ? segmentId : P))
        .replace(/\{[^}]+\}/g, 'x');
      const content = op.requestBody?.content ?? {};
      let body: { type: string; text: string } | undefined;
      if ('application/json' in content) body = { type: 'application/json', text: JSON.stringify(path.startsWith('/v1/segments') ? SEGMENT : {}) };
      else if ('application/x-ndjson' in content) body = { type: 'application/x-ndjson', text: ndjson([deposit(P, 1)]) };
      const res = await call(key, method, url, body);
      seen.set(`${method.toUpperCase()} ${path}`, { status: res.status, text: await bodyText(res) });
    }
    return seen;
  }

  it('no response to an analyst carries a personal value', async () => {
    const seen = await walk(analyst);
    expect(seen.size).toBeGreaterThan(10);
    for (const [route, { status, text }] of seen) {
      expect(status, `${route} answered ${status}: ${text.slice(0, 200)}`).toBeLessThan(500);
      for (const s of SECRETS) expect(text, `${route} leaks ${s}`).not.toContain(s);
    }
    const detail = seen.get('GET /v1/players/{id}')!;
    expect(detail.status).toBe(200);
    expect((JSON.parse(detail.text) as { personal: unknown }).personal).toEqual({ first_name: MASK, last_name: MASK, email: MASK, phone: MASK });
    expect(seen.get('GET /v1/players')!.status).toBe(200);
    expect(seen.get('GET /v1/players/{id}/personal-data')!.status).toBe(403);
    expect(seen.get('DELETE /v1/players/{id}/personal-data')!.status).toBe(403);
    const ok = [...seen.values()].filter((r) => r.status < 300).length;
    expect(ok).toBeGreaterThan(5);
  });

  it('the same walk as an admin does find the personal values (the seed and the grep work)', async () => {
    const seen = await walk(admin);
    const all = [...seen.values()].map((r) => r.text).join('\n');
    for (const s of SECRETS) expect(all, `admin never sees ${s}`).toContain(s);
  });
});

describe('maskResponse', () => {
  const json = (value: unknown, type = 'application/json') => new Response(JSON.stringify(value), { headers: { 'content-type': type, 'content-length': '999' } });

  it('masks personal keys at any depth, the personal block whole, and dead-letter raw lines; keeps nulls and other fields', async () => {
    const res = await maskResponse(json({
      items: [{ player_id: 'p1', personal: { email: 'a@b.co', first_name: null }, recent_events: [{ payload: { ip: '10.0.0.1', amount_minor: 5 } }] }],
      dead_letters: [{ raw: '{"email":"a@b.co"}', line: 3 }],
    }));
    expect(res.headers.get('content-length')).toBeNull();
    expect(await res.json()).toEqual({
      items: [{ player_id: 'p1', personal: { email: MASK, first_name: null }, recent_events: [{ payload: { ip: MASK, amount_minor: 5 } }] }],
      dead_letters: [{ raw: MASK, line: 3 }],
    });
  });

  it('masks problem+json, NDJSON line by line, and CSV columns by header', async () => {
    expect(await (await maskResponse(json({ report: { email: 'x@y.z' } }, 'application/problem+json'))).json()).toEqual({ report: { email: MASK } });
    const nd = new Response('{"player_id":"p1","email":"x@y.z"}\n{"player_id":"p2","phone":"+15550001"}\n', { headers: { 'content-type': 'application/x-ndjson' } });
    expect(await (await maskResponse(nd)).text()).toBe(`{"player_id":"p1","email":"${MASK}"}\n{"player_id":"p2","phone":"${MASK}"}\n`);
    const csv = new Response('player_id,email,country\r\np1,"x@y.z",GB\r\n"p,2",,PT\r\n', { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(await (await maskResponse(csv)).text()).toBe(`player_id,email,country\r\np1,${MASK},GB\r\n"p,2",,PT\r\n`);
  });

  it('masks the data lines of an event stream as it flows', async () => {
    const sse = new Response('retry: 2000\n: connected\n\nid: 1\nevent: event\ndata: {"player_id":"p1","ip":"10.1.2.3"}\n\ndata: not json a@b.co\n\n', { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    expect(await (await maskResponse(sse)).text()).toBe(`retry: 2000\n: connected\n\nid: 1\nevent: event\ndata: {"player_id":"p1","ip":"${MASK}"}\n\ndata: "${MASK}"\n\n`);
  });

  it('passes bodies that cannot carry personal fields unchanged', async () => {
    const bin = new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } });
    expect(await maskResponse(bin)).toBe(bin);
  });
});
