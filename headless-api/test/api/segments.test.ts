import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FIELDS, registrySegmentFields, validateSegment } from '@pitboss/core';
import type { SegmentLocale } from '@pitboss/core';
import type { AppEnv } from '../../src/app/types.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { ndjson, testApp } from './fixtures.js';

/**
 * Segments over HTTP, black box: synthetic players loaded through
 * `POST /v1/events`, then preview, saved segments, members, exports and the
 * marketing guardrail, on PGlite and on 4 Postgres shards.
 */

interface Backend { name: string; open(): Promise<{ storage: ShardedStorage; close(): Promise<void> }> }

const BACKENDS: Backend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-sg-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres×4',
    async open() {
      const dbs = await createDatabases(4, 'pb_sg');
      const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await dbs.drop(); } };
    },
  },
];

const DAY = 86_400_000;
const at = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The synthetic population, and what each player should be. */
interface Model {
  id: string;
  country: string;
  registeredDaysAgo: number;
  deposit: number;
  brand: string;
  blocked: boolean;
  selfExcluded: boolean;
  timedOut: boolean;
  risk: 'none' | 'low' | 'medium' | 'high' | 'very_high' | null;
}

const IDS = [...Array.from({ length: 45 }, (_, i) => `p${String(i).padStart(3, '0')}`), 'Zed', 'a-1', '_x', 'p~1'];
const MODEL: Model[] = IDS.map((id, i) => ({
  id,
  country: ['BR', 'PT', 'GB'][i % 3]!,
  registeredDaysAgo: i * 3 + 1,
  deposit: i % 2 === 0 ? 10_000 * ((i % 7) + 1) : 0,
  brand: i % 5 === 0 ? 'Acme, "Gold"\nVIP' : 'acme',
  blocked: i % 11 === 1,
  selfExcluded: i % 13 === 2,
  timedOut: i % 17 === 3 || i === 20,
  risk: i % 9 === 4 ? 'high' : i % 19 === 5 ? 'very_high' : i % 7 === 6 ? 'medium' : null,
}));

let seq = 0;
function eventsOf(m: Model, i: number): Record<string, unknown>[] {
  const base = (type: string, occurred: string) => ({ schema_version: 1, type, event_id: `${type}-${m.id}-${++seq}`, player_id: m.id, occurred_at: occurred });
  const out: Record<string, unknown>[] = [
    { ...base('player.updated', at(-2 * 3600_000)), profile: { registered_at: at(-m.registeredDaysAgo * DAY), country: m.country, currency: 'EUR', brand: m.brand, ...(m.blocked ? { blocked: true } : {}) } },
  ];
  if (m.deposit > 0) {
    out.push({ ...base('payment', at(-3600_000)), payment_id: `pm-${seq}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: m.deposit, currency: 'EUR' });
  }
  if (m.selfExcluded) out.push({ ...base('exclusion.started', at(-600_000)), kind: 'self_exclusion', scope: 'operator', until: at(30 * DAY) });
  // An exclusion that has ended removes no one.
  if (i === 16) out.push({ ...base('exclusion.started', at(-40 * DAY)), kind: 'self_exclusion', scope: 'operator', until: at(-10 * DAY) });
  if (m.timedOut) out.push({ ...base('exclusion.started', at(-600_000)), kind: 'time_out', scope: 'operator', until: i === 20 ? null : at(2 * DAY) });
  return out;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

interface Problem { type: string; status: number; errors?: { path: string; pointer: string; code: string; message: string }[] }
interface Member { player_id: string; country: string | null; brand: string | null; risk_band: string | null }
interface Preview { count: number; items: Member[]; next_cursor: string | null; guardrail: null | { matched: number; removed: number; kept: number; byReason: Record<string, number>; risk_band_at_or_above: string } }
interface Saved { id: string; name: string; version: number; marketing: boolean; segment: Record<string, unknown> }

const SEGMENT = {
  all: [
    { field: 'country', op: 'in', value: ['BR', 'PT'] },
    { field: 'registered_at', op: 'more_than_days_ago', value: 11 },
    { did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 30 },
  ],
};
const expectedA = MODEL.filter((m) => ['BR', 'PT'].includes(m.country) && m.registeredDaysAgo > 11 && m.deposit > 0).map((m) => m.id).sort(bytes);

const BANDS = ['none', 'low', 'medium', 'high', 'very_high'];
function guardrailExpectation(threshold: string) {
  const from = BANDS.indexOf(threshold);
  const reasons = (m: Model) => ({
    self_excluded: m.selfExcluded, blocked: m.blocked, timed_out: m.timedOut, high_risk: m.risk !== null && BANDS.indexOf(m.risk) >= from,
  });
  const byReason = { self_excluded: 0, blocked: 0, timed_out: 0, high_risk: 0 };
  const kept: string[] = [];
  for (const m of MODEL) {
    const r = reasons(m);
    for (const k of Object.keys(byReason) as (keyof typeof byReason)[]) if (r[k]) byReason[k]++;
    if (!Object.values(r).some(Boolean)) kept.push(m.id);
  }
  return { byReason, kept: kept.sort(bytes), removed: MODEL.length - kept.length };
}

describe.each(BACKENDS)('segments API on $name', (backend) => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let app: OpenAPIHono<AppEnv>;
  const tenant = `sg${Date.now().toString(36)}`;
  const keys = { admin: '', analyst: '', agent: '', other: '' };

  const call = (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function directCount(sql: string, params: unknown[]): Promise<number> {
    let n = 0;
    for (const db of storage.databases) n += (await db.query<{ n: number }>(sql, params))[0]!.n;
    return n;
  }

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    app = testApp(storage).app;
    keys.admin = (await storage.createApiKey(tenant, 'admin')).key;
    keys.analyst = (await storage.createApiKey(tenant, 'analyst')).key;
    keys.agent = (await storage.createApiKey(tenant, 'agent')).key;
    keys.other = (await storage.createApiKey(`${tenant}-other`, 'admin')).key;
    const lines = MODEL.flatMap((m, i) => eventsOf(m, i));
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson(lines), headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { accepted: number; errors: unknown[] };
    expect(report, JSON.stringify(report.errors)).toMatchObject({ accepted: lines.length, rejected: 0 });
    // Another tenant with the same player ids: never counted for ours.
    const theirs = MODEL.slice(0, 10).flatMap((m, i) => eventsOf({ ...m, country: 'BR', registeredDaysAgo: 100, deposit: 5000, blocked: false, selfExcluded: false, timedOut: false }, i + 100));
    const res2 = await app.request('/v1/events', { method: 'POST', body: ndjson(theirs), headers: { authorization: `Bearer ${keys.other}`, 'content-type': 'application/x-ndjson' } });
    expect(res2.status).toBe(200);
    // Scores are written by the scoring service; here straight into the column it writes.
    for (const band of BANDS) {
      const ids = MODEL.filter((m) => m.risk === band).map((m) => m.id);
      for (const db of storage.databases) await db.query('UPDATE players SET risk_band = $2, risk_score = 0.5 WHERE tenant_id = $1 AND player_id = ANY($3)', [tenant, band, ids]);
    }
  }, 180_000);
  afterAll(async () => {
    await close?.();
  });

  it('ingest sets self_excluded_until and timed_out_until from exclusion.started, and never shortens them', async () => {
    const row = async (id: string) => {
      const db = storage.databases[await storage.databaseOf(tenant, id)]!;
      const [r] = await db.query<{ se: boolean; to: boolean; inf: boolean }>(
        `SELECT self_excluded_until > now() AS se, timed_out_until > now() AS to, timed_out_until = 'infinity'::timestamptz AS inf FROM players WHERE tenant_id = $1 AND player_id = $2`, [tenant, id]);
      return r!;
    };
    expect(await row(IDS[2]!)).toMatchObject({ se: true, to: null });
    expect(await row(IDS[3]!)).toMatchObject({ se: null, to: true, inf: false });
    expect(await row(IDS[20]!)).toMatchObject({ to: true, inf: true });
    expect(await row(IDS[16]!)).toMatchObject({ se: false });
    const shorter = { schema_version: 1, type: 'exclusion.started', event_id: `shorter-${tenant}`, player_id: IDS[2], occurred_at: at(-1000), kind: 'self_exclusion', scope: 'operator', until: at(DAY) };
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson([shorter]), headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/x-ndjson' } });
    expect(await res.json()).toMatchObject({ accepted: 1 });
    const db = storage.databases[await storage.databaseOf(tenant, IDS[2]!)]!;
    const [r] = await db.query<{ days: number }>('SELECT extract(epoch FROM self_excluded_until - now()) / 86400 AS days FROM players WHERE tenant_id = $1 AND player_id = $2', [tenant, IDS[2]]);
    expect(Number(r!.days)).toBeGreaterThan(29);
  });

  it('preview: the count equals a direct count, the first page is the first members in order', async () => {
    const res = await call('POST', '/v1/segments/preview', keys.analyst, { segment: SEGMENT, limit: 5 });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Preview;
    const direct = await directCount(
      `SELECT count(*)::int AS n FROM players p WHERE p.tenant_id = $1 AND p.country = ANY($2) AND p.registered_at <= now() - interval '11 days'
       AND EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = p.tenant_id AND e.player_id = p.player_id AND e.type = 'payment' AND e.direction = 'deposit' AND e.occurred_at > now() - interval '30 days')`,
      [tenant, ['BR', 'PT']],
    );
    expect(expectedA.length).toBeGreaterThan(5);
    expect(p.count).toBe(direct);
    expect(p.count).toBe(expectedA.length);
    expect(p.items.map((m) => m.player_id)).toEqual(expectedA.slice(0, 5));
    expect(p.next_cursor).not.toBeNull();
    expect(p.guardrail).toBeNull();
  });

  it('preview with a feature condition matches a direct count over player_features', async () => {
    const res = await call('POST', '/v1/segments/preview', keys.agent, { segment: { all: [{ field: 'deposit_sum_30d', op: 'gte', value: 30_000 }] } });
    const p = (await res.json()) as Preview;
    const direct = await directCount('SELECT count(*)::int AS n FROM player_features WHERE tenant_id = $1 AND deposit_sum_30d >= 30000', [tenant]);
    expect(p.count).toBe(direct);
    expect(p.count).toBe(MODEL.filter((m) => m.deposit >= 30_000).length);
  });

  it('CRUD: create, read, list, update with ETag, 412 on a stale one, delete; another tenant gets 404', async () => {
    const created = await call('POST', '/v1/segments', keys.analyst, { name: 'BR/PT depositors', description: 'first deposit', segment: SEGMENT });
    expect(created.status).toBe(201);
    const saved = (await created.json()) as Saved;
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/v1/segments/${saved.id}`);
    expect(saved).toMatchObject({ name: 'BR/PT depositors', version: 1, marketing: false });

    const read = await call('GET', `/v1/segments/${saved.id}`, keys.agent);
    expect(read.status).toBe(200);
    expect(((await read.json()) as Saved).segment).toMatchObject({ all: SEGMENT.all });
    const listed = (await (await call('GET', '/v1/segments?limit=100', keys.agent)).json()) as { items: Saved[] };
    expect(listed.items.map((s) => s.id)).toContain(saved.id);

    for (const [method, path, body] of [
      ['GET', `/v1/segments/${saved.id}`, undefined], ['GET', `/v1/segments/${saved.id}/members`, undefined], ['GET', `/v1/segments/${saved.id}/export`, undefined],
      ['PUT', `/v1/segments/${saved.id}`, { name: 'stolen', segment: SEGMENT }], ['DELETE', `/v1/segments/${saved.id}`, undefined],
    ] as const) {
      const res = await call(method, path, keys.other, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(((await (await call('GET', '/v1/segments', keys.other)).json()) as { items: Saved[] }).items.map((s) => s.id)).not.toContain(saved.id);

    expect((await call('POST', '/v1/segments', keys.agent, { name: 'x', segment: SEGMENT })).status).toBe(403);
    const updated = await call('PUT', `/v1/segments/${saved.id}`, keys.analyst, { name: 'renamed', segment: SEGMENT, marketing: true }, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    expect((await updated.json()) as Saved).toMatchObject({ name: 'renamed', version: 2, marketing: true });
    const stale = await call('PUT', `/v1/segments/${saved.id}`, keys.analyst, { name: 'lost update', segment: SEGMENT }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as Problem).type).toMatch(/precondition-failed$/);
    expect((await call('DELETE', `/v1/segments/${saved.id}`, keys.analyst, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await call('DELETE', `/v1/segments/${saved.id}`, keys.analyst)).status).toBe(204);
    expect((await call('GET', `/v1/segments/${saved.id}`, keys.analyst)).status).toBe(404);
    const trail = await storage.listAudit(tenant, { target: `segment:${saved.id}` });
    expect(trail.map((e) => e.action)).toEqual(['segment.delete', 'segment.update', 'segment.create']);
  });

  it('members: paging returns every member exactly once, in order, across shards', async () => {
    const saved = (await (await call('POST', '/v1/segments', keys.analyst, { name: 'everyone', segment: { all: [{ field: 'registered_at', op: 'is_not_null' }] } })).json()) as Saved;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call('GET', `/v1/segments/${saved.id}/members?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, keys.agent);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Member[]; next_cursor: string | null };
      seen.push(...page.items.map((m) => m.player_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(MODEL.map((m) => m.id).sort(bytes));
    expect(pages).toBe(Math.ceil(MODEL.length / 7));
    expect((await call('GET', `/v1/segments/${saved.id}/members?cursor=not-a-cursor`, keys.agent)).status).toBe(400);
  });

  it('export: NDJSON and CSV carry every member in order, CSV correctly quoted, as an attachment', async () => {
    const saved = (await (await call('POST', '/v1/segments', keys.analyst, { name: 'A', segment: SEGMENT })).json()) as Saved;
    const nd = await call('GET', `/v1/segments/${saved.id}/export?format=ndjson`, keys.analyst);
    expect(nd.status).toBe(200);
    expect(nd.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(nd.headers.get('content-disposition')).toBe(`attachment; filename="segment-${saved.id}.ndjson"`);
    const rows = (await nd.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Member);
    expect(rows.map((r) => r.player_id)).toEqual(expectedA);
    for (const r of rows) expect(r.brand).toBe(MODEL.find((m) => m.id === r.player_id)!.brand);

    const csv = await call('GET', `/v1/segments/${saved.id}/export?format=csv`, keys.analyst);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="segment-${saved.id}.csv"`);
    const text = await csv.text();
    expect(text).toContain('"Acme, ""Gold""\nVIP"');
    const [header, ...body] = parseCsv(text);
    expect(header).toEqual(['player_id', 'country', 'currency', 'brand', 'registered_at', 'last_event_at', 'risk_band']);
    expect(body.map((r) => r[0])).toEqual(expectedA);
    expect(body.map((r) => r[3])).toEqual(expectedA.map((id) => MODEL.find((m) => m.id === id)!.brand));
    expect(body.every((r) => r.length === 7)).toBe(true);
    expect((await storage.listAudit(tenant, { action: 'segment.export', target: `segment:${saved.id}` })).map((e) => e.details.format)).toEqual(['csv', 'ndjson']);
  });

  it('export streams page by page: a segment larger than one shard chunk comes out whole and in order', async () => {
    const saved = (await (await call('POST', '/v1/segments', keys.analyst, { name: 'all', segment: { all: [{ field: 'registered_at', op: 'is_not_null' }] } })).json()) as Saved;
    const rows: string[] = [];
    for await (const r of storage.segments.exportMembers(tenant, saved.segment, { chunk: 3 })) rows.push(r.player_id);
    expect(rows).toEqual(MODEL.map((m) => m.id).sort(bytes));
  });

  it('guardrail: a marketing segment leaves out blocked, self-excluded, timed-out and high-risk players, says why, and audits it', async () => {
    const everyone = { all: [{ field: 'registered_at', op: 'is_not_null' }] };
    const expected = guardrailExpectation('high');
    for (const n of Object.values(expected.byReason)) expect(n).toBeGreaterThan(0);
    const res = await call('POST', '/v1/segments/preview', keys.analyst, { segment: everyone, marketing: true, limit: 1000 }, { 'x-request-id': `rq-${tenant}` });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Preview;
    expect(p.guardrail).toEqual({ matched: MODEL.length, removed: expected.removed, kept: expected.kept.length, byReason: expected.byReason, risk_band_at_or_above: 'high' });
    expect(p.count).toBe(expected.kept.length);
    expect(p.items.map((m) => m.player_id)).toEqual(expected.kept);

    const [entry] = await storage.listAudit(tenant, { action: 'segment.guardrail', limit: 1 });
    expect(entry).toMatchObject({ target: 'segment:preview', requestId: `rq-${tenant}`, details: { removed: expected.removed, by_reason: expected.byReason, risk_band_at_or_above: 'high' } });
    expect(entry!.actor).toMatch(/\S/);
    await expect(storage.control.query('DELETE FROM audit_log WHERE tenant_id = $1', [tenant])).rejects.toThrow(/append-only/);
    await expect(storage.control.query("UPDATE audit_log SET action = 'x' WHERE tenant_id = $1", [tenant])).rejects.toThrow(/append-only/);

    // The rule's own marketing flag cannot be switched off by the request.
    const viaAst = (await (await call('POST', '/v1/segments/preview', keys.analyst, { segment: { ...everyone, marketing: true }, marketing: false })).json()) as Preview;
    expect(viaAst.count).toBe(expected.kept.length);

    // Saved marketing segments: members and export apply it too.
    const saved = (await (await call('POST', '/v1/segments', keys.analyst, { name: 'promo', segment: everyone, marketing: true })).json()) as Saved;
    const page = (await (await call('GET', `/v1/segments/${saved.id}/members?limit=1000`, keys.analyst)).json()) as { items: Member[] };
    expect(page.items.map((m) => m.player_id)).toEqual(expected.kept);
    const exported = (await (await call('GET', `/v1/segments/${saved.id}/export`, keys.analyst)).text()).trimEnd().split('\n').map((l) => (JSON.parse(l) as Member).player_id);
    expect(exported).toEqual(expected.kept);
    const trail = await storage.listAudit(tenant, { action: 'segment.guardrail', target: `segment:${saved.id}` });
    expect(trail).toHaveLength(2);
    for (const e of trail) expect(e.details).toMatchObject({ removed: expected.removed, by_reason: expected.byReason });
  });

  it('guardrail band is per tenant: admins lower it, analysts may not, and previews follow', async () => {
    expect((await call('PUT', '/v1/segment-settings', keys.analyst, { risk_band_at_or_above: 'very_high' })).status).toBe(403);
    expect((await call('PUT', '/v1/segment-settings', keys.admin, { risk_band_at_or_above: 'extreme' })).status).toBe(400);
    expect((await call('PUT', '/v1/segment-settings', keys.admin, { risk_band_at_or_above: 'medium' })).status).toBe(200);
    expect(await (await call('GET', '/v1/segment-settings', keys.agent)).json()).toEqual({ risk_band_at_or_above: 'medium' });
    expect(await (await call('GET', '/v1/segment-settings', keys.other)).json()).toEqual({ risk_band_at_or_above: 'high' });
    const expected = guardrailExpectation('medium');
    const p = (await (await call('POST', '/v1/segments/preview', keys.analyst, { segment: { all: [{ field: 'registered_at', op: 'is_not_null' }] }, marketing: true })).json()) as Preview;
    expect(p.guardrail).toMatchObject({ byReason: expected.byReason, kept: expected.kept.length, risk_band_at_or_above: 'medium' });
    expect(expected.byReason.high_risk).toBeGreaterThan(guardrailExpectation('high').byReason.high_risk);
    expect((await call('PUT', '/v1/segment-settings', keys.admin, { risk_band_at_or_above: 'high' })).status).toBe(200);
  });

  it.each([
    ['en', 'en-GB,en;q=0.9'],
    ['pt-BR', 'pt-BR,pt;q=0.9'],
    ['es', 'es-MX, es;q=0.9, en;q=0.1'],
  ] as const)('validation errors: 422 with each issue, its path and a message in %s', async (locale: SegmentLocale, header) => {
    const bad = { all: [{ field: 'country', op: 'eq', value: 'BR' }, { any: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }, { field: 'nope', op: 'eq', value: 1 }] }] };
    const expected = validateSegment(bad, registrySegmentFields(FIELDS), { locale });
    if (expected.ok) throw new Error('the bad segment validated');
    for (const [method, path] of [['POST', '/v1/segments/preview'], ['POST', '/v1/segments']] as const) {
      const res = await call(method, path, keys.analyst, { name: 'bad', segment: bad }, { 'accept-language': header });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('content-language')).toBe(locale);
      const problem = (await res.json()) as Problem;
      expect(problem.errors!.map((e) => [e.path, e.message])).toEqual(expected.issues.map((i) => [i.path, i.message]));
      expect(problem.errors!.map((e) => e.path)).toEqual(expect.arrayContaining(['all[1].any[0].value', 'all[1].any[1].field']));
      expect(problem.errors!.find((e) => e.path === 'all[1].any[0].value')!.pointer).toBe('/segment/all/1/any/0/value');
    }
    const en = validateSegment(bad, registrySegmentFields(FIELDS), { locale: 'en' });
    if (locale !== 'en' && !en.ok) expect(expected.issues[0]!.message).not.toBe(en.issues[0]!.message);
  });

  it('injection strings in values and ids are bound, match literally and harm nothing', async () => {
    const before = await directCount('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [tenant]);
    for (const value of ["'; DROP TABLE players; --", "acme' OR '1'='1", '$1', 'acme%', '\\', 'Acme, "Gold"\nVIP']) {
      const res = await call('POST', '/v1/segments/preview', keys.analyst, { segment: { all: [{ field: 'brand', op: 'eq', value }] } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Preview).count).toBe(MODEL.filter((m) => m.brand === value).length);
    }
    const prefix = (await (await call('POST', '/v1/segments/preview', keys.analyst, { segment: { all: [{ field: 'brand', op: 'starts_with', value: '%' }] } })).json()) as Preview;
    expect(prefix.count).toBe(0);
    for (const id of ["x' OR '1'='1", '1;DROP TABLE segments', '%25']) {
      expect((await call('GET', `/v1/segments/${encodeURIComponent(id)}`, keys.analyst)).status).toBe(404);
    }
    const nul = await call('POST', '/v1/segments', keys.analyst, { name: 'a\u0000b', segment: SEGMENT });
    expect(nul.status).toBe(400);
    expect(await directCount('SELECT count(*)::int AS n FROM players WHERE tenant_id = $1', [tenant])).toBe(before);
  });

  it('every segment route needs credentials and declares its permission', async () => {
    expect((await app.request('/v1/segments')).status).toBe(401);
    expect((await app.request('/v1/segments/preview', { method: 'POST' })).status).toBe(401);
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const segmentOps = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/segment')).flatMap(([, item]) => Object.values(item));
    expect(segmentOps.length).toBe(10);
    for (const op of segmentOps) expect(String(op['x-pitboss-permission'])).toMatch(/^segments:(read|write|settings)$/);
  });
});
