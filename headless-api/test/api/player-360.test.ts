import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PitbossApp } from '../../src/app/app.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { ndjson, testApp } from './fixtures.js';

/**
 * The player 360 routes, black box over HTTP on PGlite and 4 Postgres shards:
 * timeline pages, daily series, notes (masking, audit, export, erasure) and
 * RG interactions through the idempotent ingest path.
 */

interface Opened { storage: ShardedStorage; close(): Promise<void> }
const BACKENDS: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-p360-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres×4',
    async open() {
      const dbs = await createDatabases(4, 'pb_p360');
      const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await dbs.drop(); } };
    },
  },
];

const TENANT = 'p360-acme';
const P = 'p360-player';
const DAY = 86_400_000;
const NAME = '<img src=x onerror=alert(1)>Ada';
const UA = 'AdaPhone/1.0';
const today = Math.floor(Date.now() / DAY) * DAY;
/** `hour` o'clock UTC, `daysAgo` days before today. */
const at = (daysAgo: number, hour: number) => new Date(today - daysAgo * DAY + hour * 3_600_000).toISOString();
const dayOf = (daysAgo: number) => new Date(today - daysAgo * DAY).toISOString().slice(0, 10);
const nowMinus = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

let seq = 0;
const base = (type: string, occurred_at: string) => ({ schema_version: 1, type, event_id: `${type}-${++seq}`, player_id: P, occurred_at });
const payment = (occurred: string, direction: 'deposit' | 'withdrawal', amount: number, currency = 'EUR', status = 'approved') =>
  ({ ...base('payment', occurred), payment_id: `pm-${seq}`, direction, status, method: 'card', amount_minor: amount, currency });
const betPlaced = (occurred: string, stake: number, bonus = 0, currency = 'EUR') =>
  ({ ...base('bet.placed', occurred), bet_id: `b-${seq}`, bet_type: 'single', stake_minor: stake, bonus_stake_minor: bonus, currency, odds: 2, legs: [{ sport: 'football', market: '1x2', odds: 2 }] });
const settled = (occurred: string, payout: number, currency = 'EUR') =>
  ({ ...base('bet.settled', occurred), bet_id: `b-${seq}`, result: payout > 0 ? 'won' : 'lost', payout_minor: payout, currency });

const EVENTS = [
  { ...base('player.updated', at(120, 9)), profile: { registered_at: at(120, 9), country: 'GB', currency: 'EUR', brand: 'acme', personal: { first_name: NAME, email: 'ada@example.org' } } },
  payment(at(100, 10), 'deposit', 99_999), // outside a 90-day window
  payment(at(2, 10), 'deposit', 10_000),
  payment(at(2, 11), 'deposit', 7_000, 'EUR', 'rejected'),
  betPlaced(at(2, 12), 3_000, 1_000),
  settled(at(2, 13), 1_500),
  payment(at(1, 9), 'withdrawal', 2_000),
  betPlaced(at(1, 10), 4_000, 0, 'BRL'),
  { ...base('session.started', at(0, 0)), session_id: 's-1', device: 'mobile', ip: '198.51.100.7', user_agent: UA },
];

describe.each(BACKENDS)('player 360 routes ($name)', (backend) => {
  let b: Opened;
  let app: PitbossApp['app'];
  const keys = {} as Record<'admin' | 'analyst' | 'agent' | 'other', { id: string; key: string }>;
  const call = (who: keyof typeof keys, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${keys[who].key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const problem = async (res: Response, status: number) => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return JSON.parse(text) as { type: string; detail?: string };
  };
  const audit = async (action: string) =>
    (await json<{ items: { actor: string; target: string; details: Record<string, unknown> }[] }>(await call('admin', 'GET', `/v1/audit?action=${action}`), 200)).items;

  beforeAll(async () => {
    b = await backend.open();
    app = testApp(b.storage).app;
    for (const role of ['admin', 'analyst', 'agent'] as const) keys[role] = await b.storage.createApiKey(TENANT, role);
    keys.other = await b.storage.createApiKey(`${TENANT}-other`, 'admin');
    const res = await app.request('/v1/events', { method: 'POST', body: ndjson(EVENTS), headers: { authorization: `Bearer ${keys.admin.key}`, 'content-type': 'application/x-ndjson' } });
    expect(await json(res, 200)).toMatchObject({ accepted: EVENTS.length, rejected: 0 });
  }, 120_000);
  afterAll(async () => {
    await b?.close();
  });

  it('GET events: newest first, keyset pages that walk every event once, type filter', async () => {
    type Page = { items: { event_id: string; type: string; occurred_at: string }[]; next_cursor: string | null };
    const all = await json<Page>(await call('agent', 'GET', `/v1/players/${P}/events?limit=200`), 200);
    expect(all.items.map((e) => e.event_id)).toEqual([...EVENTS].sort((x, y) => y.occurred_at.localeCompare(x.occurred_at)).map((e) => e.event_id));
    expect(all.next_cursor).toBeNull();
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await json<Page>(await call('agent', 'GET', `/v1/players/${P}/events?limit=4${cursor ? `&cursor=${cursor}` : ''}`), 200);
      expect(page.items.length).toBeLessThanOrEqual(4);
      walked.push(...page.items.map((e) => e.event_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(walked).toEqual(all.items.map((e) => e.event_id));
    const payments = await json<Page>(await call('agent', 'GET', `/v1/players/${P}/events?types=payment,bet.settled`), 200);
    expect(payments.items.map((e) => e.type).sort()).toEqual(['bet.settled', 'payment', 'payment', 'payment', 'payment']);
  });

  it('GET events: unknown player, other tenant → 404; bad cursor, bad type → 400 problem+json', async () => {
    await problem(await call('admin', 'GET', '/v1/players/nobody/events'), 404);
    await problem(await call('other', 'GET', `/v1/players/${P}/events`), 404);
    await problem(await call('admin', 'GET', `/v1/players/${P}/events?cursor=bm90LWEtY3Vyc29y`), 400);
    await problem(await call('admin', 'GET', `/v1/players/${P}/events?cursor=${Buffer.from(JSON.stringify({ c: 'events', t: "2026-01-01T00:00:00.000000Z'--", k: 'x' })).toString('base64url')}`), 400);
    await problem(await call('admin', 'GET', `/v1/players/${P}/events?types=payment,drop%20table`), 400);
  });

  it('GET events: analysts get personal payload fields masked; an agent reading them is audited', async () => {
    const masked = await (await call('analyst', 'GET', `/v1/players/${P}/events?types=session.started`)).text();
    expect(masked).not.toContain(UA);
    expect(JSON.parse(masked).items[0].payload.user_agent).toBe('***');
    const plain = await (await call('agent', 'GET', `/v1/players/${P}/events?types=session.started`)).text();
    expect(plain).toContain(UA);
    const reads = await audit('personal.read');
    expect(reads.some((r) => r.actor === keys.agent.id && r.target === `player:${P}` && (r.details.fields as string[]).includes('user_agent'))).toBe(true);
  });

  it('GET series: dense daily figures per currency, in minor units', async () => {
    type Point = { day: string; deposits_minor: number; withdrawals_minor: number; stakes_minor: number; net_loss_minor: number; ggr_minor: number };
    const s = await json<{ days: number; from: string; to: string; series: { currency: string; points: Point[] }[] }>(await call('analyst', 'GET', `/v1/players/${P}/series?days=90`), 200);
    expect(s).toMatchObject({ days: 90, from: dayOf(89), to: dayOf(0) });
    expect(s.series.map((x) => x.currency)).toEqual(['BRL', 'EUR']);
    for (const x of s.series) expect(x.points.map((p) => p.day)).toEqual(Array.from({ length: 90 }, (_, i) => dayOf(89 - i)));
    const eur = new Map(s.series[1]!.points.map((p) => [p.day, p]));
    expect(eur.get(dayOf(2))).toEqual({ day: dayOf(2), deposits_minor: 10_000, withdrawals_minor: 0, stakes_minor: 3_000, net_loss_minor: 1_500, ggr_minor: 500 });
    expect(eur.get(dayOf(1))).toEqual({ day: dayOf(1), deposits_minor: 0, withdrawals_minor: 2_000, stakes_minor: 0, net_loss_minor: 0, ggr_minor: 0 });
    expect(s.series[1]!.points.reduce((n, p) => n + p.deposits_minor, 0)).toBe(10_000);
    const brl = s.series[0]!.points.find((p) => p.day === dayOf(1))!;
    expect(brl).toMatchObject({ stakes_minor: 4_000, net_loss_minor: 4_000, ggr_minor: 4_000 });
    const short = await json<{ series: { points: Point[] }[] }>(await call('analyst', 'GET', `/v1/players/${P}/series?days=2`), 200);
    expect(short.series.map((x) => x.points.map((p) => p.day))).toEqual([[dayOf(1), dayOf(0)], [dayOf(1), dayOf(0)]]);
    await problem(await call('analyst', 'GET', `/v1/players/${P}/series?days=0`), 400);
    await problem(await call('analyst', 'GET', `/v1/players/${P}/series?days=400`), 400);
    await problem(await call('other', 'GET', `/v1/players/${P}/series`), 404);
  });

  it('notes: agents add them (author = key id), analysts may not and read them masked, markup stays text; audited', async () => {
    const text = '<script>alert("x")</script> Called; agreed a €50 limit';
    const created = await json<{ id: string; author: string; note: string; created_at: string; player_id: string }>(await call('agent', 'POST', `/v1/players/${P}/notes`, { note: text }), 201);
    expect(created).toMatchObject({ author: keys.agent.id, note: text, player_id: P });
    const second = await json<{ id: string }>(await call('admin', 'POST', `/v1/players/${P}/notes`, { note: 'Second note' }), 201);
    const third = await json<{ id: string }>(await call('admin', 'POST', `/v1/players/${P}/notes`, { note: 'Third note' }), 201);

    await problem(await call('analyst', 'POST', `/v1/players/${P}/notes`, { note: 'nope' }), 403);
    await problem(await call('agent', 'POST', `/v1/players/${P}/notes`, { note: '   ' }), 400);
    await problem(await call('agent', 'POST', `/v1/players/${P}/notes`, { note: 'x'.repeat(4001) }), 400);
    await problem(await call('agent', 'POST', `/v1/players/${P}/notes`, { note: 'ok', author: 'someone-else' }), 400);
    await problem(await call('agent', 'POST', '/v1/players/nobody/notes', { note: 'ghost' }), 404);
    await problem(await call('other', 'POST', `/v1/players/${P}/notes`, { note: 'cross-tenant' }), 404);

    type NotePage = { items: { id: string; note: string; author: string }[]; next_cursor: string | null };
    const page = await json<NotePage>(await call('agent', 'GET', `/v1/players/${P}/notes?limit=2`), 200);
    expect(page.items.map((n) => n.id)).toEqual([third.id, second.id]);
    const rest = await json<NotePage>(await call('agent', 'GET', `/v1/players/${P}/notes?limit=2&cursor=${page.next_cursor}`), 200);
    expect(rest.items.map((n) => n.note)).toEqual([text]);
    expect(rest.next_cursor).toBeNull();

    const masked = await (await call('analyst', 'GET', `/v1/players/${P}/notes`)).text();
    expect(masked).not.toContain('agreed');
    expect((JSON.parse(masked) as NotePage).items.map((n) => n.note)).toEqual(['***', '***', '***']);
    await problem(await call('other', 'GET', `/v1/players/${P}/notes`), 404);

    const created_ = await audit('note.create');
    expect(created_.filter((e) => e.target === `player:${P}`).map((e) => e.details.note_id).sort()).toEqual([created.id, second.id, third.id].sort());
    expect(JSON.stringify(created_)).not.toContain('agreed');
    const reads = await audit('personal.read');
    expect(reads.some((r) => r.actor === keys.agent.id && (r.details.fields as string[]).includes('notes'))).toBe(true);
    expect(reads.some((r) => r.actor === keys.analyst.id)).toBe(false);
  });

  it('interactions: an rg.interaction through the ingest path, idempotent on event_id, agents only', async () => {
    const body = { event_id: `rgi-${backend.name.replace(/\W/g, '')}`, level: 'medium', channel: 'phone', action: 'limit_suggested', outcome: 'accepted', note: 'Player <b>agreed</b>', occurred_at: nowMinus(5) };
    const first = await json<{ event_id: string; duplicate: boolean; event: { type: string; payload: Record<string, unknown> } }>(await call('agent', 'POST', `/v1/players/${P}/interactions`, body), 201);
    expect(first).toMatchObject({ event_id: body.event_id, duplicate: false, event: { type: 'rg.interaction', payload: { agent_id: keys.agent.id, note: body.note, player_id: P } } });
    const again = await json<{ duplicate: boolean }>(await call('agent', 'POST', `/v1/players/${P}/interactions`, body), 200);
    expect(again.duplicate).toBe(true);
    const stored = await json<{ items: { event_id: string; payload: Record<string, unknown> }[] }>(await call('agent', 'GET', `/v1/players/${P}/events?types=rg.interaction`), 200);
    expect(stored.items.map((e) => e.event_id)).toEqual([body.event_id]);
    expect(stored.items[0]!.payload).toMatchObject({ level: 'medium', channel: 'phone', action: 'limit_suggested', outcome: 'accepted', agent_id: keys.agent.id });
    const analystView = await json<{ items: { payload: Record<string, unknown> }[] }>(await call('analyst', 'GET', `/v1/players/${P}/events?types=rg.interaction`), 200);
    expect(analystView.items[0]!.payload.note).toBe('***');

    await problem(await call('analyst', 'POST', `/v1/players/${P}/interactions`, body), 403);
    await problem(await call('agent', 'POST', `/v1/players/${P}/interactions`, { ...body, event_id: 'rgi-bad', level: 'extreme' }), 400);
    await problem(await call('agent', 'POST', `/v1/players/${P}/interactions`, { ...body, event_id: 'rgi-future', occurred_at: new Date(Date.now() + 3_600_000).toISOString() }), 400);
    await problem(await call('agent', 'POST', '/v1/players/nobody/interactions', { ...body, event_id: 'rgi-ghost' }), 404);
    expect(await b.storage.getPlayer(TENANT, 'nobody')).toBeNull();
    const entries = await audit('rg.interaction');
    expect(entries.map((e) => e.details.duplicate)).toEqual([true, false]);
  });

  it('export includes the notes; erasure deletes them and the interaction note, keeps the interaction', async () => {
    const data = await json<{ notes: { note: string; author: string }[] }>(await call('agent', 'GET', `/v1/players/${P}/personal-data`), 200);
    expect(data.notes.map((n) => n.note)).toContain('Second note');
    expect(data.notes).toHaveLength(3);
    const report = await json<{ notes_deleted: number }>(await call('admin', 'DELETE', `/v1/players/${P}/personal-data`), 200);
    expect(report.notes_deleted).toBe(3);
    expect((await json<{ items: unknown[] }>(await call('admin', 'GET', `/v1/players/${P}/notes`), 200)).items).toEqual([]);
    const rg = await json<{ items: { payload: Record<string, unknown> }[] }>(await call('admin', 'GET', `/v1/players/${P}/events?types=rg.interaction`), 200);
    expect(rg.items).toHaveLength(1);
    expect(rg.items[0]!.payload).not.toHaveProperty('note');
    expect(rg.items[0]!.payload).toMatchObject({ action: 'limit_suggested', outcome: 'accepted' });
    const again = await json<{ notes_deleted: number }>(await call('admin', 'DELETE', `/v1/players/${P}/personal-data`), 200);
    expect(again.notes_deleted).toBe(0);
  });
});
