import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../src/app/types.js';
import { BACKENDS } from './backends.js';
import type { OpenBackend } from './backends.js';
import { LIMITS, bet, deposit, ndjson, registered, testApp } from './fixtures.js';
import type { LogSink } from './fixtures.js';

interface Problem { type: string; title: string; status: number; detail?: string; request_id?: string; [k: string]: unknown }
interface Report { accepted: number; duplicate: number; rejected: number; retryable: number; errors: { line: number; event_id: string | null; pointer: string; message: string }[] }

describe.each(BACKENDS)('HTTP API on $name', (backend) => {
  let b: OpenBackend;
  let app: OpenAPIHono<AppEnv>;
  const logs: LogSink = [];
  const tenant = `t${Date.now().toString(36)}`;
  let admin: string;
  let analyst: string;
  let otherTenant: string;

  beforeAll(async () => {
    b = await backend.open();
    app = testApp(b.storage, logs).app;
    admin = (await b.storage.createApiKey(tenant, 'admin')).key;
    analyst = (await b.storage.createApiKey(tenant, 'analyst')).key;
    otherTenant = (await b.storage.createApiKey(`${tenant}-other`, 'admin')).key;
  }, 120_000);
  afterAll(async () => {
    await b?.close();
  });

  const post = (body: BodyInit | null, type = 'application/x-ndjson', key = admin, headers: Record<string, string> = {}) =>
    app.request('/v1/events', { method: 'POST', body, headers: { authorization: `Bearer ${key}`, 'content-type': type, ...headers } });
  const get = (path: string, key = admin) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
  const problem = async (res: Response, status: number, slug: string): Promise<Problem> => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = (await res.json()) as Problem;
    expect(p.type).toBe(`https://pitboss.dev/problems/${slug}`);
    expect(p.status).toBe(status);
    expect(typeof p.title).toBe('string');
    expect(p.request_id).toBe(res.headers.get('x-request-id'));
    return p;
  };
  const stored = () => b.count('events', tenant);

  it('ingests NDJSON, commits before answering, and serves the player with features and recent events', async () => {
    const res = await post(ndjson([registered('p-1'), deposit('p-1'), bet('p-1'), bet('p-2')]));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 4, duplicate: 0, rejected: 0, retryable: 0, errors: [] });
    expect(await stored()).toBe(4);

    const player = await get('/v1/players/p-1');
    expect(player.status).toBe(200);
    const body = (await player.json()) as { player_id: string; country: string; features: Record<string, unknown>; recent_events: unknown[]; score: unknown };
    expect(body).toMatchObject({ player_id: 'p-1', country: 'GB' });
    expect(body.recent_events).toHaveLength(3);
    expect(Object.keys(body.features).length).toBeGreaterThan(0);
    expect(body.score).toBeNull();
  });

  it('accepts a JSON array; positions are the line numbers', async () => {
    const res = await post(JSON.stringify([bet('p-3'), { ...bet('p-3'), stake_minor: -1 }]), 'application/json');
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    expect(r).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, pointer: '/stake_minor', message: 'must not be negative' })]);
  });

  describe('bad input: per-line rejections, the good lines of the same batch are kept', () => {
    const cases: [string, unknown, string, RegExp][] = [
      ['a malformed JSON line', '{"schema_version":1,"type":"bet.placed",', '', /malformed JSON/],
      ['wrong types', bet('p-9', { stake_minor: '1000' }), '/stake_minor', /number/],
      ['an unknown event type', bet('p-9', { type: 'bet.exploded' }), '/type', /unknown event type/],
      ['an unknown schema version', bet('p-9', { schema_version: 7 }), '/schema_version', /unsupported schema_version 7/],
      ['a missing player_id', bet('p-9', { player_id: undefined }), '/player_id', /.+/],
      ['a timestamp far in the future', bet('p-9', { occurred_at: '2999-01-01T00:00:00Z' }), '/occurred_at', /future/],
      ['a negative stake', bet('p-9', { stake_minor: -500 }), '/stake_minor', /must not be negative/],
      ['a non-ISO currency', bet('p-9', { currency: 'EUROS' }), '/currency', /ISO 4217/],
    ];
    it.each(cases)('%s', async (_name, badLine, pointer, message) => {
      const before = await stored();
      const good = bet('p-9');
      const res = await post(ndjson([good, badLine]));
      expect(res.status).toBe(200);
      const r = (await res.json()) as Report;
      expect(r).toMatchObject({ accepted: 1, duplicate: 0, rejected: 1, retryable: 0 });
      const e = r.errors.find((x) => x.pointer === pointer);
      expect(e, JSON.stringify(r.errors)).toBeDefined();
      expect(e!.line).toBe(2);
      expect(e!.message).toMatch(message);
      expect(await stored()).toBe(before + 1);
    });

    it('keeps rejected lines in the dead-letter table', async () => {
      const letters = await b.storage.deadLetters(tenant, 1000);
      expect(letters.some((l) => l.raw.includes('bet.exploded'))).toBe(true);
      expect(letters.some((l) => l.issues.some((i) => i.pointer === '/currency'))).toBe(true);
    });
  });

  it('stores a duplicate event_id once, inside a batch and across batches', async () => {
    const e = bet('p-4');
    const before = await stored();
    const first = (await (await post(ndjson([e, bet('p-4'), e]))).json()) as Report;
    expect(first).toMatchObject({ accepted: 2, duplicate: 1 });
    const again = (await (await post(ndjson([e, bet('p-4')]))).json()) as Report;
    expect(again).toMatchObject({ accepted: 1, duplicate: 1 });
    expect(await stored()).toBe(before + 3);
  });

  it('refuses an event_id already used for another player as a rejected line, dead-lettered, and keeps the first event', async () => {
    const e = bet('p-5');
    const reused = { ...bet('p-6'), event_id: e.event_id };
    const before = await stored();
    expect(await (await post(ndjson([e]))).json()).toMatchObject({ accepted: 1 });
    const r = (await (await post(ndjson([bet('p-6'), reused, e]))).json()) as Report;
    expect(r).toMatchObject({ accepted: 1, duplicate: 1, rejected: 1, retryable: 0 });
    expect(r.errors).toEqual([{ line: 2, event_id: e.event_id, pointer: '/event_id', message: expect.stringMatching(/already used by an event of another player/) }]);
    expect(await stored()).toBe(before + 2);
    const letters = await b.storage.deadLetters(tenant, 1000);
    expect(letters.find((l) => l.event_id === e.event_id && l.issues.some((i) => i.pointer === '/event_id'))?.raw).toContain('p-6');
  });

  it('rejects an empty body (and one of blank lines) with 400', async () => {
    await problem(await post(''), 400, 'empty-body');
    await problem(await post('\n\n  \n'), 400, 'empty-body');
    await problem(await post('', 'application/json'), 400, 'empty-body');
  });

  it('answers a wrong content type, charset or encoding with 415', async () => {
    await problem(await post(ndjson([bet('p-5')]), 'text/plain'), 415, 'unsupported-media-type');
    await problem(await post(ndjson([bet('p-5')]), 'application/x-ndjson; charset=latin1'), 415, 'unsupported-media-type');
    await problem(await post(ndjson([bet('p-5')]), 'application/x-ndjson', admin, { 'content-encoding': 'gzip' }), 415, 'unsupported-media-type');
    const noType = await app.request('/v1/events', { method: 'POST', body: new Uint8Array([1]), headers: { authorization: `Bearer ${admin}` } });
    await problem(noType, 415, 'unsupported-media-type');
  });

  it('rejects a line that is not UTF-8 on its own; a JSON array that is not UTF-8 gets 400', async () => {
    const before = await stored();
    const good = new TextEncoder().encode(ndjson([bet('p-6')]));
    const bad = new Uint8Array([...new TextEncoder().encode('{"player_id":"p-6","x":"'), 0xc3, 0x28, 0xff, ...new TextEncoder().encode('"}\n')]);
    const res = await post(new Uint8Array([...good, ...bad]));
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    expect(r).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.errors[0]).toMatchObject({ line: 2, message: 'line is not valid UTF-8' });
    expect(await stored()).toBe(before + 1);
    await problem(await post(new Uint8Array([0x5b, 0xff, 0x5d]), 'application/json'), 400, 'invalid-encoding');
    await problem(await post('[{"a":', 'application/json'), 400, 'malformed-json');
  });

  it('answers a 100 MB body with 413 without reading it all', async () => {
    let pulled = 0;
    const line = new TextEncoder().encode(JSON.stringify(bet('p-7')) + '\n');
    const chunk = new Uint8Array(64 * 1024).map((_, i) => line[i % line.length]!);
    const hundredMb = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (pulled >= 100 * 1024 * 1024) return ctl.close();
        pulled += chunk.length;
        ctl.enqueue(chunk);
      },
    });
    const before = await stored();
    const res = await app.request('/v1/events', {
      method: 'POST', body: hundredMb, duplex: 'half',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
    } as RequestInit);
    const p = await problem(res, 413, 'payload-too-large');
    expect(p.max_body_bytes === LIMITS.maxBodyBytes || p.max_lines === LIMITS.maxLines).toBe(true);
    expect(pulled).toBeLessThan(LIMITS.maxBodyBytes + 1024 * 1024);
    expect(await stored()).toBe(before);
    const declared = await post('x', 'application/x-ndjson', admin, { 'content-length': String(100 * 1024 * 1024) });
    await problem(declared, 413, 'payload-too-large');
  });

  it('answers more lines than the limit with 413 and stores none of them', async () => {
    const before = await stored();
    const res = await post(ndjson(Array.from({ length: LIMITS.maxLines + 1 }, () => bet('p-8'))));
    await problem(res, 413, 'payload-too-large');
    expect(await stored()).toBe(before);
  });

  it('upserts a profile with PUT and validates it', async () => {
    const res = await app.request('/v1/players/p-10', {
      method: 'PUT', body: JSON.stringify({ country: 'BR', currency: 'BRL', brand: 'acme', tags: ['vip'] }),
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ player_id: 'p-10', country: 'BR', currency: 'BRL', profile: { tags: ['vip'] } });
    const bad = await app.request('/v1/players/p-10', {
      method: 'PUT', body: JSON.stringify({ country: 'Brazil', shoe_size: 44 }),
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    });
    const p = await problem(bad, 400, 'validation-failed');
    const pointers = (p.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toContain('/country');
    const wrongType = await app.request('/v1/players/p-10', { method: 'PUT', body: 'country=BR', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' } });
    await problem(wrongType, 415, 'unsupported-media-type');
  });

  it('pages through players with a cursor, sorted by a column or a feature, with filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v1/players?limit=2&sort=player_id${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { player_id: string }[]; next_cursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.player_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['p-1', 'p-2', 'p-3', 'p-10']));
    expect(seen).not.toContain('p-11');

    const { SORT_KEYS } = await import('../../src/storage/index.js');
    const feature = SORT_KEYS.find((k) => !['player_id', 'registered_at', 'last_event_at'].includes(k))!;
    expect((await get(`/v1/players?sort=${feature}&order=desc&limit=3`)).status).toBe(200);
    const br = (await (await get('/v1/players?country=BR')).json()) as { items: { player_id: string }[] };
    expect(br.items.map((p) => p.player_id)).toEqual(['p-10']);
    // Money features are in each player's own currency: ranked within one.
    const brl = (await (await get('/v1/players?currency=BRL&sort=deposit_sum_30d&order=desc')).json()) as { items: { player_id: string; currency: string }[] };
    expect(brl.items.map((p) => [p.player_id, p.currency])).toEqual([['p-10', 'BRL']]);
    const eur = (await (await get('/v1/players?currency=EUR')).json()) as { items: { player_id: string; currency: string }[] };
    expect(eur.items.length).toBeGreaterThan(0);
    expect(eur.items.every((p) => p.currency === 'EUR')).toBe(true);
    expect(((await (await get('/v1/players?currency=JPY')).json()) as { items: unknown[] }).items).toEqual([]);
    const lower = await problem(await get('/v1/players?currency=brl'), 400, 'validation-failed');
    expect((lower.errors as { pointer: string }[])[0]!.pointer).toBe('/currency');
    const p = await problem(await get('/v1/players?sort=password'), 400, 'validation-failed');
    expect((p.errors as { pointer: string }[])[0]!.pointer).toBe('/sort');
    await problem(await get('/v1/players?limit=0'), 400, 'validation-failed');
    await problem(await get('/v1/players?cursor=not-a-cursor'), 400, 'validation-failed');
  });

  it('scopes every read to the caller’s tenant and enforces role permissions', async () => {
    await problem(await get('/v1/players/p-1', otherTenant), 404, 'not-found');
    const list = (await (await get('/v1/players', otherTenant)).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    await problem(await post(ndjson([bet('p-1')]), 'application/x-ndjson', analyst), 403, 'forbidden');
    expect((await get('/v1/players/p-1', analyst)).status).toBe(200);
  });

  it('answers missing or unknown credentials with 401 and a Bearer challenge', async () => {
    const none = await app.request('/v1/players');
    await problem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await problem(await get('/v1/players', 'pb_aaaaaaaaaaaa_' + 'x'.repeat(43)), 401, 'unauthorized');
    await problem(await app.request('/v1/players', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
  });

  it('reports health, readiness per shard and Prometheus metrics', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = (await (await app.request('/readyz')).json()) as { status: string; shards: { ok: boolean }[] };
    expect(ready.status).toBe('ready');
    expect(ready.shards.length).toBe(b.storage.databases.length);
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await res.text();
    expect(text).toMatch(/^pitboss_http_requests_total\{method="POST",route="\/v1\/events",status="200"\} \d+$/m);
    expect(text).toMatch(/^pitboss_http_request_duration_seconds_bucket\{method="GET",route="\/v1\/players\/:id",le="0\.005"\} \d+$/m);
    expect(text).toMatch(/^pitboss_ingest_lines_total\{outcome="rejected"\} ([1-9]\d*)$/m);
    expect(text).toMatch(/^pitboss_ingest_lines_total\{outcome="duplicate"\} ([1-9]\d*)$/m);
    expect(text).toMatch(/^pitboss_feature_refresh_backlog \d+$/m);
    expect(text).toMatch(/^pitboss_pool_connections\{database="0",pool="main",state="total"\} \d+$/m);
    // Several databases: event id claims have pools of their own, shown beside the main ones.
    if (b.storage.databases.length > 1) expect(text).toMatch(/^pitboss_pool_connections\{database="3",pool="claims",state="total"\} \d+$/m);
    else expect(text).not.toMatch(/pool="claims"/);
  });

  it('echoes X-Request-Id, makes one up when absent, and logs it as JSON', async () => {
    const mine = await app.request('/healthz', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await app.request('/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.some((l) => l.request_id === 'trace-abc.123' && l.route === '/healthz' && l.status === 200)).toBe(true);
  });

  it('answers unknown routes with 404 problem+json, counted under one metrics label', async () => {
    await problem(await app.request('/v2/nothing'), 404, 'not-found');
    await problem(await app.request('/v2/other-nothing'), 404, 'not-found');
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/^pitboss_http_requests_total\{method="GET",route="unmatched",status="404"\} 2$/m);
    expect(text).not.toMatch(/nothing/);
  });
});
