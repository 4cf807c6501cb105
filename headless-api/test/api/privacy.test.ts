import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PitbossApp } from '../../src/app/app.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { bet, deposit, ndjson, testApp } from './fixtures.js';

/**
 * Data-subject rights over HTTP, black box: export, erasure on every shard
 * and in dead letters, financial records kept, audit entries and
 * `GET /v1/audit`, permissions, tenant isolation, retention. On PGlite and
 * on 4 Postgres shards.
 */

interface Opened { storage: ShardedStorage; close(): Promise<void> }
interface Backend { name: string; open(): Promise<Opened> }

const BACKENDS: Backend[] = [
  {
    name: 'pglite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pb-pv-'));
      const storage = await createStorage({ driver: 'pglite', dataDir: dir, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres×4',
    async open() {
      const dbs = await createDatabases(4, 'pb_pv');
      const storage = await createStorage({ driver: 'pg', urls: dbs.urls, poolSize: 4, featureRefresh: 'inline' });
      await storage.migrate();
      return { storage, close: async () => { await storage.close(); await dbs.drop(); } };
    },
  },
];

const TENANT = 'pv-acme';
const P = 'pv-player-1';
const Q = 'pv-player-2';
const PERSONAL_P = { first_name: 'Zebulon', last_name: 'Quixotically', email: 'zebulon.quixotically@example.org', phone: '+447700900123' };
const PERSONAL_Q = { first_name: 'Ottoline', email: 'ottoline@example.net' };
const IP_P = '198.51.100.77';
const UA_P = 'ZebulonPhone/9.1';
const IP_Q = '203.0.113.9';
const SECRETS_P = [...Object.values(PERSONAL_P), IP_P, UA_P];

const session = (player: string, ip: string, ua: string) => ({
  schema_version: 1, type: 'session.started', event_id: `ses-${player}`, player_id: player, occurred_at: new Date(Date.now() - 3_600_000).toISOString(),
  session_id: `s-${player}`, device: 'mobile', ip, user_agent: ua,
});

describe.each(BACKENDS)('privacy rights ($name)', (backend) => {
  let b: Opened;
  let app: PitbossApp['app'];
  const keys: Record<'admin' | 'analyst' | 'agent' | 'other', { id: string; key: string }> = {} as never;

  const call = (key: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'application/x-ndjson' : 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  /** Count and sum of amounts of a player's events, read on every database. */
  async function financials(player: string): Promise<{ n: number; amount: number; bets: number }> {
    let n = 0, amount = 0, bets = 0;
    for (const db of b.storage.databases) {
      const [r] = await db.query<{ n: number; amount: string | null; bets: number }>(
        `SELECT count(*)::int AS n, sum(amount_minor)::text AS amount, count(*) FILTER (WHERE type = 'bet.placed')::int AS bets FROM events WHERE tenant_id = $1 AND player_id = $2`,
        [TENANT, player],
      );
      n += r!.n; amount += Number(r!.amount ?? 0); bets += r!.bets;
    }
    return { n, amount, bets };
  }

  async function personalRows(player: string): Promise<number> {
    let n = 0;
    for (const db of b.storage.databases) {
      const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM player_personal WHERE tenant_id = $1 AND player_id = $2', [TENANT, player]);
      n += r!.n;
    }
    return n;
  }

  beforeAll(async () => {
    b = await backend.open();
    app = testApp(b.storage).app;
    keys.admin = await b.storage.createApiKey(TENANT, 'admin');
    keys.analyst = await b.storage.createApiKey(TENANT, 'analyst');
    keys.agent = await b.storage.createApiKey(TENANT, 'agent');
    keys.other = await b.storage.createApiKey(`${TENANT}-other`, 'admin');
    for (const [id, personal] of [[P, PERSONAL_P], [Q, PERSONAL_Q]] as const) {
      const put = await call(keys.admin.key, 'PUT', `/v1/players/${id}`, { country: 'GB', currency: 'EUR', personal });
      expect(put.status).toBe(200);
    }
    const lines = [
      session(P, IP_P, UA_P), deposit(P, 5000), deposit(P, 7000), bet(P, { stake_minor: 1500 }), bet(P, { stake_minor: 500 }),
      session(Q, IP_Q, 'OttoTablet/1'), deposit(Q, 2500),
      { type: 'payment', player_id: P, event_id: 'bad-1', email: PERSONAL_P.email },
      `{"player_id":"${P}","note":"call ${PERSONAL_P.phone}"`,
      { type: 'payment', player_id: Q, event_id: 'bad-2', email: PERSONAL_Q.email },
    ];
    const ingest = await call(keys.admin.key, 'POST', '/v1/events', ndjson(lines));
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toMatchObject({ accepted: 7, rejected: 3 });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
  });

  it('exports everything held on a player, as an attachment, and audits the export', async () => {
    const res = await call(keys.admin.key, 'GET', `/v1/players/${P}/personal-data`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="player-${P}.json"`);
    const data = (await res.json()) as Record<string, unknown> & { events: Record<string, unknown>[]; dead_letters: Record<string, unknown>[] };
    expect(data.player_id).toBe(P);
    expect(data.personal).toMatchObject(PERSONAL_P);
    expect(data.profile).toMatchObject({ player_id: P, country: 'GB', currency: 'EUR' });
    expect(data.features).toMatchObject({ player_id: P });
    expect(data.events).toHaveLength(5);
    expect(data.events.find((e) => e.type === 'session.started')).toMatchObject({ ip: IP_P, payload: { user_agent: UA_P } });
    expect(data.events.filter((e) => e.type === 'payment').map((e) => Number(e.amount_minor)).sort()).toEqual([5000, 7000]);
    expect(data.dead_letters).toHaveLength(2);
    expect(data.dead_letters.map((d) => d.raw).join('\n')).toContain(PERSONAL_P.email);
    expect(JSON.stringify(data)).not.toContain(PERSONAL_Q.email);
    expect(JSON.stringify(data)).not.toContain(IP_Q);

    const rid = res.headers.get('x-request-id');
    const audit = await call(keys.admin.key, 'GET', `/v1/audit?action=personal.export&target=player:${P}`);
    const { items } = (await audit.json()) as { items: Record<string, unknown>[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor: keys.admin.id, action: 'personal.export', target: `player:${P}`, request_id: rid, details: { events: 5, dead_letters: 2 } });
  });

  it('lists dead letters newest first with a cursor: raw lines for admins, masked whole for analysts', async () => {
    const page = (await (await call(keys.admin.key, 'GET', `/v1/dead-letters?player_id=${P}`)).json()) as { items: { id: number; raw: string; player_id: string | null }[]; next_cursor: string | null };
    expect(page.items.map((d) => d.player_id)).toEqual([P]);
    expect(page.items[0]!.raw).toContain(PERSONAL_P.email);
    const walked: { id: number; raw: string }[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(keys.admin.key, 'GET', `/v1/dead-letters?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const body = (await res.json()) as { items: { id: number; raw: string }[]; next_cursor: string | null };
      walked.push(...body.items);
      cursor = body.next_cursor;
    } while (cursor);
    expect(walked).toHaveLength(3);
    expect(walked.map((d) => d.id)).toEqual([...walked.map((d) => d.id)].sort((x, y) => y - x));
    const masked = await (await call(keys.analyst.key, 'GET', '/v1/dead-letters')).text();
    expect((JSON.parse(masked) as { items: { raw: string }[] }).items.map((d) => d.raw)).toEqual(['***', '***', '***']);
    for (const s of [PERSONAL_P.email, PERSONAL_P.phone, PERSONAL_Q.email]) expect(masked).not.toContain(s);
    expect(((await (await call(keys.other.key, 'GET', '/v1/dead-letters')).json()) as { items: unknown[] }).items).toEqual([]);
    const reads = (await (await call(keys.admin.key, 'GET', '/v1/audit?action=dead_letters.read')).json()) as { items: { actor: string; details: { rows: number } }[] };
    expect(reads.items.map((e) => e.details.rows)).toEqual([1, 1, 1, 1]);
    expect(reads.items.every((e) => e.actor === keys.admin.id)).toBe(true);
  });

  it('permissions: analysts neither export nor erase; agents read and export but do not erase; only admins read the audit log', async () => {
    expect((await call(keys.analyst.key, 'GET', `/v1/players/${P}/personal-data`)).status).toBe(403);
    expect((await call(keys.analyst.key, 'DELETE', `/v1/players/${P}/personal-data`)).status).toBe(403);
    expect((await call(keys.agent.key, 'DELETE', `/v1/players/${P}/personal-data`)).status).toBe(403);
    expect((await call(keys.analyst.key, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(keys.agent.key, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(keys.agent.key, 'GET', `/v1/players/${P}/personal-data`)).status).toBe(200);
    const read = await call(keys.agent.key, 'GET', `/v1/players/${P}`);
    expect(((await read.json()) as { personal: unknown }).personal).toMatchObject(PERSONAL_P);
    expect(await personalRows(P)).toBe(1);
  });

  it('a personal-data read by an agent is audited; an analyst read is masked and not', async () => {
    const read = await call(keys.agent.key, 'GET', `/v1/players/${Q}`);
    expect(read.status).toBe(200);
    const masked = await call(keys.analyst.key, 'GET', `/v1/players/${Q}`);
    expect(((await masked.json()) as { personal: Record<string, string> }).personal).toEqual({ first_name: '***', email: '***' });
    const { items } = (await (await call(keys.admin.key, 'GET', `/v1/audit?action=personal.read&target=player:${Q}`)).json()) as { items: Record<string, unknown>[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor: keys.agent.id, request_id: read.headers.get('x-request-id'), details: { fields: ['email', 'first_name'] } });
  });

  it('another tenant cannot export or erase (404), and nothing changes', async () => {
    expect((await call(keys.other.key, 'GET', `/v1/players/${P}/personal-data`)).status).toBe(404);
    const del = await call(keys.other.key, 'DELETE', `/v1/players/${P}/personal-data`);
    expect(del.status).toBe(404);
    expect(del.headers.get('content-type')).toBe('application/problem+json');
    expect(await personalRows(P)).toBe(1);
    expect((await call(keys.admin.key, 'GET', '/v1/players/nobody-here/personal-data')).status).toBe(404);
  });

  it('erases personal data on every shard and in dead letters, keeps financial records, audits it, and is idempotent', async () => {
    const before = await financials(P);
    const beforeQ = await financials(Q);
    expect(before).toEqual({ n: 5, amount: 5000 + 7000 + 1500 + 500, bets: 2 });
    // Rows a shard move left behind on other databases must go too.
    for (const db of b.storage.databases) {
      await db.query(`INSERT INTO player_personal (tenant_id, player_id, email) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [TENANT, P, PERSONAL_P.email]);
    }
    expect(await personalRows(P)).toBe(b.storage.databases.length);

    const res = await call(keys.admin.key, 'DELETE', `/v1/players/${P}/personal-data`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ player_id: P, personal_rows_deleted: b.storage.databases.length, events_scrubbed: 1, dead_letters_deleted: 2, notes_deleted: 0, events_kept: 5 });

    expect(await personalRows(P)).toBe(0);
    expect(await personalRows(Q)).toBe(1);
    expect(await financials(P)).toEqual(before);
    expect(await financials(Q)).toEqual(beforeQ);
    for (const db of b.storage.databases) {
      const rows = await db.query<{ ip: string | null; payload: unknown }>('SELECT ip, payload FROM events WHERE tenant_id = $1 AND player_id = $2', [TENANT, P]);
      for (const r of rows) {
        expect(r.ip).toBeNull();
        for (const s of SECRETS_P) expect(JSON.stringify(r.payload)).not.toContain(s);
      }
    }
    const dead = await b.storage.control.query<{ raw: string; player_id: string | null }>('SELECT raw, player_id FROM dead_letters WHERE tenant_id = $1', [TENANT]);
    expect(dead.map((d) => d.player_id)).toEqual([Q]);
    expect(dead.map((d) => d.raw).join('\n')).not.toContain(P);

    const { items } = (await (await call(keys.admin.key, 'GET', `/v1/audit?action=personal.erase`)).json()) as { items: Record<string, unknown>[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor: keys.admin.id, target: `player:${P}`, request_id: res.headers.get('x-request-id'), details: { events_kept: 5, dead_letters_deleted: 2 } });

    for (const role of ['admin', 'agent', 'analyst'] as const) {
      const read = await call(keys[role].key, 'GET', `/v1/players/${P}`);
      expect(read.status).toBe(200);
      const text = await read.text();
      expect((JSON.parse(text) as { personal: unknown }).personal).toBeNull();
      for (const s of SECRETS_P) expect(text, `${role} sees ${s}`).not.toContain(s);
    }
    const exported = await (await call(keys.admin.key, 'GET', `/v1/players/${P}/personal-data`)).text();
    for (const s of SECRETS_P) expect(exported).not.toContain(s);
    expect((JSON.parse(exported) as { events: unknown[] }).events).toHaveLength(5);

    const again = await call(keys.admin.key, 'DELETE', `/v1/players/${P}/personal-data`);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ player_id: P, personal_rows_deleted: 0, events_scrubbed: 0, dead_letters_deleted: 0, notes_deleted: 0, events_kept: 5 });
    expect(await financials(P)).toEqual(before);
  });

  it('audits writes and serves the log with filters and cursor pagination', async () => {
    const all = (await (await call(keys.admin.key, 'GET', '/v1/audit?limit=1000')).json()) as { items: { id: number; at: string; action: string; actor: string; target: string | null }[]; next_cursor: string | null };
    expect(all.next_cursor).toBeNull();
    expect(all.items.filter((e) => e.action === 'player.upsert').map((e) => e.target).sort()).toEqual([`player:${P}`, `player:${Q}`]);
    const ingest = all.items.find((e) => e.action === 'events.ingest');
    expect(ingest).toMatchObject({ actor: keys.admin.id, details: { accepted: 7, rejected: 3 } });
    expect(all.items.every((e) => e.actor !== keys.other.id)).toBe(true);

    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await call(keys.admin.key, 'GET', `/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: { id: number }[]; next_cursor: string | null };
      walked.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(walked).toEqual(all.items.map((e) => e.id));
    expect([...walked].sort((x, y) => y - x)).toEqual(walked);

    const byAgent = (await (await call(keys.admin.key, 'GET', `/v1/audit?actor=${keys.agent.id}`)).json()) as { items: { actor: string }[] };
    expect(byAgent.items.length).toBeGreaterThan(0);
    expect(byAgent.items.every((e) => e.actor === keys.agent.id)).toBe(true);

    const last = all.items[0]!;
    const future = new Date(Date.parse(last.at) + 1000).toISOString();
    expect(((await (await call(keys.admin.key, 'GET', `/v1/audit?from=${encodeURIComponent(future)}`)).json()) as { items: unknown[] }).items).toEqual([]);
    const upToLast = (await (await call(keys.admin.key, 'GET', `/v1/audit?to=${encodeURIComponent(future)}&from=${encodeURIComponent(all.items.at(-1)!.at)}`)).json()) as { items: unknown[] };
    expect(upToLast.items).toHaveLength(all.items.length);
    expect((await call(keys.admin.key, 'GET', `/v1/audit?from=${encodeURIComponent(future)}&to=${encodeURIComponent(last.at)}`)).status).toBe(400);
    expect((await call(keys.admin.key, 'GET', `/v1/audit?cursor=1;DROP`)).status).toBe(400);

    const other = (await (await call(keys.other.key, 'GET', '/v1/audit')).json()) as { items: unknown[] };
    expect(other.items).toEqual([]);
  });

  it('retention deletes only events older than the tenant horizon, of that tenant only, and dead letters', async () => {
    const R = 'pv-ret';
    const K = 'pv-keep';
    const day = 86_400_000;
    const old = (d: number) => new Date(Date.now() - d * day).toISOString();
    const rKey = (await b.storage.createApiKey(R, 'admin')).key;
    const kKey = (await b.storage.createApiKey(K, 'admin')).key;
    const events = (prefix: string) => Array.from({ length: 12 }, (_, i) =>
      deposit(`${prefix}-${i % 6}`, 1000 + i, { event_id: `${prefix}-ev-${i}`, occurred_at: old(i % 2 === 0 ? 400 : 10) }));
    for (const [key, prefix] of [[rKey, R], [kKey, K]] as const) {
      const res = await call(key, 'POST', '/v1/events', ndjson([...events(prefix), { type: 'payment', player_id: `${prefix}-0`, event_id: 'broken' }]));
      expect(res.status).toBe(200);
    }
    await b.storage.control.query(`UPDATE dead_letters SET received_at = now() - interval '400 days' WHERE tenant_id = ANY($1)`, [[R, K]]);
    for (const key of [keys.analyst.key, keys.agent.key]) expect((await call(key, 'PUT', '/v1/retention', { retention_days: 30 })).status).toBe(403);
    expect((await call(rKey, 'PUT', '/v1/retention', { retention_days: 0 })).status).toBe(400);
    expect(await (await call(rKey, 'GET', '/v1/retention')).json()).toEqual({ retention_days: null });
    const set = await call(rKey, 'PUT', '/v1/retention', { retention_days: 30 });
    expect(set.status).toBe(200);
    expect(await (await call(rKey, 'GET', '/v1/retention')).json()).toEqual({ retention_days: 30 });
    expect(await b.storage.privacy.retention(K)).toBeNull();
    const count = async (tenant: string, table = 'events') => {
      let n = 0;
      for (const db of b.storage.databases) n += (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenant]))[0]!.n;
      return n;
    };
    // Several databases: each event id is claimed tenant-wide (event_claims), and the claims go with their events.
    const claims = b.storage.databases.length > 1 ? 12 : 0;
    expect(await count(R, 'event_claims')).toBe(claims);
    const keptP = await financials(P);

    const reports = await b.storage.privacy.runRetention();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ tenant: R, retention_days: 30, events_deleted: 6, dead_letters_deleted: 1 });
    expect(await count(R)).toBe(6);
    expect(await count(K)).toBe(12);
    expect(await count(R, 'event_claims')).toBe(claims / 2);
    expect(await count(K, 'event_claims')).toBe(claims);
    expect(await financials(P)).toEqual(keptP);
    for (const db of b.storage.databases) {
      const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND occurred_at < now() - interval '30 days'`, [R]);
      expect(r!.n).toBe(0);
    }
    const dead = await b.storage.control.query<{ tenant_id: string }>('SELECT tenant_id FROM dead_letters WHERE tenant_id = ANY($1)', [[R, K]]);
    expect(dead.map((d) => d.tenant_id)).toEqual([K]);
    const page = (await (await call(rKey, 'GET', '/v1/audit?action=retention.run')).json()) as { items: Record<string, unknown>[] };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ actor: null, details: { events_deleted: 6, retention_days: 30 } });
    const setAudit = (await (await call(rKey, 'GET', '/v1/audit?action=retention.set')).json()) as { items: Record<string, unknown>[] };
    expect(setAudit.items).toHaveLength(1);
    expect(setAudit.items[0]).toMatchObject({ target: `tenant:${R}`, details: { retention_days: 30 }, request_id: set.headers.get('x-request-id') });
    expect((await b.storage.privacy.runRetention({ tenant: R }))[0]).toMatchObject({ events_deleted: 0 });
  });
});
