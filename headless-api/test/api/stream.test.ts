import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createApp } from '../../src/app/app.js';
import type { PitbossApp } from '../../src/app/app.js';
import pg from 'pg';
import { LiveBus, connectIngest, relayThroughPostgres } from '../../src/app/live.js';
import { liveRelayFromConfig } from '../../src/cli/serve.js';
import { postgresBackend } from '../storage/backends.js';
import { loadConfig } from '../../src/config.js';
import { createJsonLogger } from '../../src/app/logger.js';
import { listen } from '../../src/server.js';
import type { RunningServer } from '../../src/server.js';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { inProcessBackend } from '../../src/scoring/backends.js';
import { trainTenantModel } from '../../src/scoring/default-model.js';
import { ScoringService } from '../../src/scoring/service.js';
import { EX_BACKENDS, postgresEx } from './export-setup.js';
import { seedSynth } from './scores-setup.js';
import { LIMITS, bet, ndjson } from './fixtures.js';
import { openSse } from './stream-client.js';
import type { SseClient, SseFrame } from './stream-client.js';

/**
 * `GET /v1/stream` over real HTTP (@hono/node-server on an ephemeral port):
 * ingest through `POST /v1/events`, receive on an EventSource-style client;
 * on PGlite and 4 Postgres shards.
 */

const logger = createJsonLogger({ level: 'warn', write: () => {} });

for (const backend of EX_BACKENDS) {
  describe(`live stream (${backend.name})`, () => {
    let storage: ShardedStorage;
    let close: () => Promise<void>;
    let api: PitbossApp;
    let server: RunningServer;
    let stopFeed: () => void;
    const keys = { admin: '', analyst: '', rival: '' };
    const open: SseClient[] = [];

    const subscribe = async (key: string, extra: Record<string, string> = {}, path = '/v1/stream'): Promise<SseClient> => {
      const client = await openSse(server.url + path, { authorization: `Bearer ${key}`, ...extra });
      open.push(client);
      expect(client.status).toBe(200);
      return client;
    };
    const ingest = async (key: string, rows: unknown[]) => {
      const res = await fetch(server.url + '/v1/events', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: ndjson(rows) });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { accepted: number };
    };
    const events = (client: SseClient, n: number): Promise<SseFrame[]> =>
      (async () => {
        const out: SseFrame[] = [];
        while (out.length < n) out.push(await client.until((f) => f.event !== 'comment'));
        return out;
      })();

    beforeAll(async () => {
      ({ storage, close } = await backend.open());
      const live = new LiveBus({ replay: 8 });
      stopFeed = connectIngest(storage, live);
      api = createApp({ storage, logger, config: { limits: LIMITS }, live, stream: { heartbeatMs: 150, maxBufferedBytes: 64 * 1024 } });
      server = await listen({ fetch: api.app.fetch, host: '127.0.0.1', port: 0, logger });
      keys.admin = (await storage.createApiKey('acme', 'admin')).key;
      keys.analyst = (await storage.createApiKey('acme', 'analyst')).key;
      keys.rival = (await storage.createApiKey('rival', 'admin')).key;
    }, 120_000);
    afterAll(async () => {
      for (const c of open) c.close();
      stopFeed?.();
      api?.live.close();
      await server?.close(1000);
      await close?.();
    });

    it('an ingested event reaches a subscriber, after commit, without personal data', async () => {
      const client = await subscribe(keys.analyst);
      const sent = [bet('p-1'), bet('p-2'), { ...bet('p-3'), type: 'session.started', session_id: 's1', device: 'mobile', ip: '10.1.2.3', bet_id: undefined, bet_type: undefined, stake_minor: undefined, currency: undefined, odds: undefined, legs: undefined }];
      const report = await ingest(keys.admin, sent.map((e) => JSON.parse(JSON.stringify(e)) as unknown));
      expect(report.accepted).toBe(3);
      const got = await events(client, 3);
      expect(got.map((f) => f.event)).toEqual(['event', 'event', 'event']);
      const data = got.map((f) => JSON.parse(f.data) as Record<string, unknown>);
      expect(data.map((d) => d.event_id).sort()).toEqual(sent.map((e) => e.event_id).sort());
      const first = data.find((d) => d.event_id === sent[0]!.event_id)!;
      expect(first).toMatchObject({ player_id: 'p-1', type: 'bet.placed', amount_minor: 1000, currency: 'EUR' });
      for (const d of data) expect(Object.keys(d)).not.toContain('ip');
      expect(got.map((f) => f.data).join('')).not.toContain('10.1.2.3');
      // Ids increase: the order a reconnecting client resumes in.
      const seqs = got.map((f) => Number(f.id!.split('-').at(-1)));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      // A duplicate is not committed again, so it is not announced again.
      await ingest(keys.admin, [sent[0]]);
      await ingest(keys.admin, [bet('p-4')]);
      expect(JSON.parse((await events(client, 1))[0]!.data)).toMatchObject({ player_id: 'p-4' });
    });

    it('tenants see only their own events', async () => {
      const acme = await subscribe(keys.admin);
      const rival = await subscribe(keys.rival);
      await ingest(keys.admin, [bet('a-1')]);
      await ingest(keys.rival, [bet('r-1')]);
      const a = await events(acme, 1);
      const r = await events(rival, 1);
      expect(JSON.parse(a[0]!.data)).toMatchObject({ player_id: 'a-1' });
      expect(JSON.parse(r[0]!.data)).toMatchObject({ player_id: 'r-1' });
      // Nothing else arrives on either stream: only heartbeats.
      await expect(acme.until((f) => f.event !== 'comment', 500)).rejects.toThrow(/no SSE frame/);
      await expect(rival.until((f) => f.event !== 'comment', 500)).rejects.toThrow(/no SSE frame/);
    });

    it('a client reconnecting with Last-Event-ID gets exactly what it missed', async () => {
      const first = await subscribe(keys.admin);
      await ingest(keys.admin, [bet('r-a'), bet('r-b')].map((e) => e));
      const seen = await events(first, 2);
      first.close();
      const missed = [bet('m-1'), bet('m-2'), bet('m-3')];
      for (const e of missed) await ingest(keys.admin, [e]);
      const again = await subscribe(keys.admin, { 'last-event-id': seen[1]!.id! });
      const replayed = await events(again, 3);
      expect(replayed.map((f) => JSON.parse(f.data).event_id)).toEqual(missed.map((e) => e.event_id));
      // The query parameter does the same for a first connection (EventSource cannot set headers).
      const viaQuery = await subscribe(keys.admin, {}, `/v1/stream?last_event_id=${encodeURIComponent(replayed[1]!.id!)}`);
      expect(JSON.parse((await events(viaQuery, 1))[0]!.data).event_id).toBe(missed[2]!.event_id);
    });

    it('an id older than the replay buffer, or from another run, gets an explicit reset', async () => {
      const c = await subscribe(keys.admin);
      await ingest(keys.admin, [bet('o-1')]);
      const [old] = await events(c, 1);
      const batch = Array.from({ length: 12 }, (_, i) => bet(`o-${i + 2}`));
      await ingest(keys.admin, batch);
      const all = await events(c, 12);
      const tooOld = await subscribe(keys.admin, { 'last-event-id': old!.id! });
      const reset = await tooOld.until((f) => f.event !== 'comment');
      expect(reset.event).toBe('reset');
      expect(JSON.parse(reset.data)).toMatchObject({ reason: 'too-old', last_event_id: old!.id, head: all.at(-1)!.id });
      expect(reset.id).toBe(all.at(-1)!.id);
      const restarted = await subscribe(keys.admin, { 'last-event-id': 'AAAAAAAA-3' });
      expect(JSON.parse((await restarted.until((f) => f.event !== 'comment')).data)).toMatchObject({ reason: 'server-restarted' });
      // After a reset the stream goes on live.
      await ingest(keys.admin, [bet('o-live')]);
      expect(JSON.parse((await events(tooOld, 1))[0]!.data)).toMatchObject({ player_id: 'o-live' });
    });

    it('sends heartbeat comments while idle', async () => {
      const c = await subscribe(keys.rival);
      const t0 = performance.now();
      const hb = await c.until((f) => f.event === 'comment' && f.data === 'heartbeat', 2000);
      expect(hb.at - t0).toBeLessThan(1000);
      const hb2 = await c.until((f) => f.event === 'comment' && f.data === 'heartbeat', 2000);
      expect(hb2.at - hb.at).toBeGreaterThan(100);
    });

    it('drops a client that does not read, with a reason, instead of buffering without bound', async () => {
      // A tenant of its own: a burst larger than the buffer would drop any subscriber of the tenant, however fast it reads.
      const slowKey = (await storage.createApiKey('slow', 'admin')).key;
      const before = api.live.subscribers;
      const res = await fetch(server.url + '/v1/stream', { headers: { authorization: `Bearer ${slowKey}` } });
      expect(res.status).toBe(200);
      expect(api.live.subscribers).toBe(before + 1);
      const big = 'x'.repeat(16 * 1024);
      // 64 MB offered to a client that reads nothing: the socket buffers fill, then the 64 KiB queue.
      for (let i = 0; i < 4000 && api.live.subscribers > before; i++) {
        api.live.publish('slow', 'score', { player_id: 'p', pad: big, i });
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      expect(api.live.subscribers).toBe(before);
      const text = await res.text();
      expect(text.length).toBeLessThan(32 * 1024 * 1024);
      expect(text.trimEnd().split('\n\n').at(-1)).toBe('event: dropped\ndata: {"reason":"slow-consumer","max_buffered_bytes":65536}');
    });

    /** A server over a bus of its own, for tests that close or interrupt the bus (the shared one serves the others' resumes). */
    const serverWithOwnBus = async (): Promise<{ live: LiveBus; s2: RunningServer }> => {
      const live = new LiveBus();
      const app2 = createApp({ storage, logger, config: { limits: LIMITS }, live, stream: { heartbeatMs: 10_000 } });
      return { live, s2: await listen({ fetch: app2.app.fetch, host: '127.0.0.1', port: 0, logger }) };
    };

    it('ends every stream with a shutdown event when the bus closes', async () => {
      const { live, s2 } = await serverWithOwnBus();
      try {
        const c = await openSse(s2.url + '/v1/stream', { authorization: `Bearer ${keys.admin}` });
        open.push(c);
        await c.next();
        live.close();
        const f = await c.until((x) => x.event !== 'comment');
        expect(f).toMatchObject({ event: 'shutdown', data: '{"reason":"server-shutdown"}' });
        await c.ended;
        const closed = performance.now();
        await s2.close(5000);
        expect(performance.now() - closed).toBeLessThan(2000);
      } finally {
        await s2.close(100);
      }
    });

    it('a client that goes away is unsubscribed, and cancelling its stream does not throw', async () => {
      const before = api.live.subscribers;
      const res = await api.app.request('/v1/stream', { headers: { authorization: `Bearer ${keys.admin}` } });
      const reader = res.body!.getReader();
      await reader.read();
      expect(api.live.subscribers).toBe(before + 1);
      await reader.cancel();
      expect(api.live.subscribers).toBe(before);
      expect(api.live.publish('acme', 'score', { player_id: 'gone' })).not.toBeNull();
      // Over HTTP: the server sees the socket close and cancels the stream the same way.
      const c = await subscribe(keys.rival);
      await c.next();
      expect(api.live.subscribers).toBe(before + 1);
      c.close();
      for (let i = 0; i < 50 && api.live.subscribers > before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(api.live.subscribers).toBe(before);
    });

    it('after a relay gap, open streams get a reset (relay-gap) and a resume from before it gets one too', async () => {
      const { live, s2 } = await serverWithOwnBus();
      try {
        const c = await openSse(s2.url + '/v1/stream', { authorization: `Bearer ${keys.admin}` });
        open.push(c);
        const before = live.publish('acme', 'score', { player_id: 'gap-1' })!;
        expect((await c.until((f) => f.event === 'score')).id).toBe(before.id);
        live.interrupted();
        const reset = await c.until((f) => f.event !== 'comment');
        expect(reset).toMatchObject({ event: 'reset', id: before.id });
        expect(JSON.parse(reset.data)).toEqual({ reason: 'relay-gap', last_event_id: null, head: before.id });
        // The stream goes on after the reset.
        const after = live.publish('acme', 'score', { player_id: 'gap-2' })!;
        expect((await c.until((f) => f.event === 'score')).id).toBe(after.id);
        const resumedBefore = await openSse(s2.url + '/v1/stream', { authorization: `Bearer ${keys.admin}`, 'last-event-id': before.id });
        open.push(resumedBefore);
        const r = await resumedBefore.until((f) => f.event !== 'comment');
        expect(r.event).toBe('reset');
        expect(JSON.parse(r.data)).toMatchObject({ reason: 'relay-gap', last_event_id: before.id, head: after.id });
        const resumedAfter = await openSse(s2.url + '/v1/stream', { authorization: `Bearer ${keys.admin}`, 'last-event-id': after.id });
        open.push(resumedAfter);
        const next = live.publish('acme', 'score', { player_id: 'gap-3' })!;
        expect(await resumedAfter.until((f) => f.event !== 'comment')).toMatchObject({ event: 'score', id: next.id });
      } finally {
        live.close();
        await s2.close(100);
      }
    });

    it('needs credentials', async () => {
      expect((await fetch(server.url + '/v1/stream')).status).toBe(401);
    });

    it('reports open streams in /metrics', async () => {
      const gauge = async () => Number(/^pitboss_live_subscribers (\d+)$/m.exec(await (await fetch(server.url + '/metrics')).text())?.[1]);
      const before = await gauge();
      expect(before).toBe(api.live.subscribers);
      const c = await subscribe(keys.rival);
      await c.next();
      expect(await gauge()).toBe(before + 1);
    });
  });
}

describe('live stream: score changes (postgres×4, in-process model)', () => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let api: PitbossApp;
  let scoring: ScoringService;
  let server: RunningServer;
  let players: string[];
  const keys = { sc: '', rival: '' };
  const open: SseClient[] = [];

  beforeAll(async () => {
    ({ storage, close } = await postgresEx(4).open());
    scoring = new ScoringService(storage, { backend: inProcessBackend(), logger });
    scoring.attach();
    api = createApp({ storage, logger, config: { limits: LIMITS }, scoring });
    server = await listen({ fetch: api.app.fetch, host: '127.0.0.1', port: 0, logger });
    keys.sc = (await storage.createApiKey('sc', 'analyst')).key;
    keys.rival = (await storage.createApiKey('sc-rival', 'admin')).key;
    const labels = await seedSynth(storage, 'sc', 160);
    players = [...labels.keys()].sort();
    const model = await trainTenantModel(storage, 'sc', labels, { version: '1', seed: 1, synthetic: true, source: 'synth' });
    await scoring.upload('sc', model.bytes, model.card);
    await scoring.activate('sc', '1');
  }, 300_000);
  afterAll(async () => {
    for (const c of open) c.close();
    api?.live.close();
    await server?.close(1000);
    await scoring?.close();
    await close?.();
  });

  it('an ingested event re-scores its player, and the new score reaches the tenant', async () => {
    const sub = await openSse(server.url + '/v1/stream', { authorization: `Bearer ${keys.sc}` });
    const rival = await openSse(server.url + '/v1/stream', { authorization: `Bearer ${keys.rival}` });
    open.push(sub, rival);
    const player = players[3]!;
    const admin = (await storage.createApiKey('sc', 'admin')).key;
    const res = await fetch(server.url + '/v1/events', {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([{ schema_version: 1, type: 'payment', event_id: `live-score-${Date.now()}`, player_id: player, occurred_at: new Date(Date.now() - 1000).toISOString(),
        payment_id: 'pm-live', direction: 'deposit', status: 'approved', method: 'card', amount_minor: 250_000, currency: 'EUR' }]),
    });
    expect(res.status).toBe(200);
    const event = await sub.until((f) => f.event === 'event');
    expect(JSON.parse(event.data)).toMatchObject({ player_id: player, type: 'payment' });
    const score = await sub.until((f) => f.event === 'score', 20_000);
    const data = JSON.parse(score.data) as { player_id: string; score: number; band: string; model_version: string; role: string };
    expect(data).toMatchObject({ player_id: player, model_version: '1', role: 'champion' });
    const stored = await scoring.latest('sc', player);
    expect(stored).toMatchObject({ score: data.score, band: data.band, model_version: '1' });
    expect(Number(score.id!.split('-').at(-1))).toBeGreaterThan(Number(event.id!.split('-').at(-1)));
    await expect(rival.until((f) => f.event !== 'comment', 300)).rejects.toThrow(/no SSE frame/);
  });
});

describe('live stream across processes: Postgres LISTEN/NOTIFY relay (postgres×4)', () => {
  // Run in reverse at the end: each test pushes its databases' close first, so they close last.
  const stops: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
  });

  it('an event ingested through one API instance reaches a subscriber of another, once', async () => {
    const relayErrors: Error[] = [];
    const opened = await postgresEx(4).open();
    stops.push(opened.close);
    const urls = opened.urls!;
    const instance = async (storage: ShardedStorage) => {
      const live = new LiveBus();
      stops.push(connectIngest(storage, live));
      const relay = await relayThroughPostgres(live, {
        listen: async () => {
          const client = new pg.Client({ connectionString: urls[0] });
          await client.connect();
          return client;
        },
        notify: (sql, params) => storage.control.query(sql, params),
        onError: (error) => void relayErrors.push(error),
      });
      const app = createApp({ storage, logger, config: { limits: LIMITS }, live });
      const server = await listen({ fetch: app.app.fetch, host: '127.0.0.1', port: 0, logger });
      stops.push(async () => {
        live.close();
        await server.close(500);
        await relay.close();
      });
      return { app, server };
    };
    const a = await instance(opened.storage);
    const second = await createStorage({ driver: 'pg', urls, poolSize: 2 });
    stops.push(() => second.close());
    const b = await instance(second);
    const key = (await opened.storage.createApiKey('relay', 'admin')).key;
    const other = (await opened.storage.createApiKey('relay-other', 'admin')).key;
    const onA = await openSse(a.server.url + '/v1/stream', { authorization: `Bearer ${key}` });
    const onB = await openSse(b.server.url + '/v1/stream', { authorization: `Bearer ${key}` });
    const otherOnB = await openSse(b.server.url + '/v1/stream', { authorization: `Bearer ${other}` });
    stops.push(() => { onA.close(); onB.close(); otherOnB.close(); });
    const sent = [bet('relay-1'), bet('relay-2'), bet('relay-3')];
    const res = await a.app.app.request('/v1/events', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body: ndjson(sent) });
    expect(res.status).toBe(200);
    const ids = async (c: SseClient) => {
      const got: string[] = [];
      while (got.length < 3) got.push((JSON.parse((await c.until((f) => f.event === 'event')).data) as { event_id: string }).event_id);
      return got.sort();
    };
    const want = sent.map((e) => e.event_id).sort();
    expect(await ids(onB)).toEqual(want);
    expect(await ids(onA)).toEqual(want);
    // Once: no echo of A's own NOTIFY back into A, no second copy on B; and not to another tenant.
    await expect(onA.until((f) => f.event === 'event', 400)).rejects.toThrow(/no SSE frame/);
    await expect(onB.until((f) => f.event === 'event', 100)).rejects.toThrow(/no SSE frame/);
    await expect(otherOnB.until((f) => f.event === 'event', 100)).rejects.toThrow(/no SSE frame/);
    expect(relayErrors).toEqual([]);
  });

  it('from config with the Neon driver: LISTEN/NOTIFY over its WebSocket connection carries messages between two buses', async () => {
    const backend = postgresBackend(1, 'neon');
    const storage = await backend.open();
    stops.push(() => backend.cleanup());
    const config = { driver: 'neon' as const, controlUrl: backend.urls![0], liveRelay: 'postgres' as const };
    const errors: string[] = [];
    const quiet = createJsonLogger({ level: 'warn', write: (line) => void errors.push(line) });
    const [a, b] = [new LiveBus(), new LiveBus()];
    for (const bus of [a, b]) {
      const relay = (await liveRelayFromConfig(config, storage, bus, quiet))!;
      stops.push(() => relay.close());
    }
    const got = new Promise<string>((resolve) => {
      const sub = a.subscribe('neon-t', { message: (m) => { sub.unsubscribe(); resolve(m.data); }, closed() {} });
    });
    b.publish('neon-t', 'score', { player_id: 'n-1' });
    expect(JSON.parse(await got)).toEqual({ player_id: 'n-1' });
    expect(errors).toEqual([]);
  }, 60_000);

  it('from config: off on PGlite and on with pg; after pg_terminate_backend it reconnects, subscribers reset, messages flow again', async () => {
    expect(loadConfig({ env: {} }).liveRelay).toBe('off');
    expect(loadConfig({ env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://h/a' } }).liveRelay).toBe('postgres');
    expect(loadConfig({ env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://h/a', PITBOSS_LIVE_RELAY: 'off' } }).liveRelay).toBe('off');
    expect(() => loadConfig({ env: { PITBOSS_LIVE_RELAY: 'postgres' } })).toThrow(/PITBOSS_LIVE_RELAY \(--live-relay\): needs PITBOSS_DRIVER=pg or neon/);
    expect(await liveRelayFromConfig({ driver: 'pglite', controlUrl: undefined, liveRelay: 'off' }, { control: null as never }, new LiveBus(), logger)).toBeNull();

    const opened = await postgresEx(4).open();
    stops.push(opened.close);
    const lines: { level: string; msg: string }[] = [];
    const capture = createJsonLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }) });
    const config = { driver: 'pg' as const, controlUrl: opened.urls![0], liveRelay: 'postgres' as const };
    const a = new LiveBus();
    const b = new LiveBus();
    const relayA = (await liveRelayFromConfig(config, opened.storage, a, capture))!;
    stops.push(() => relayA.close());
    const relayB = (await liveRelayFromConfig(config, opened.storage, b, capture))!;
    stops.push(() => relayB.close());
    const got: string[] = [];
    const resets: { reason: string; head: string | null }[] = [];
    const sub = a.subscribe('relay-t', { message: (m) => void got.push(JSON.parse(m.data).n as string), closed: () => {}, reset: (reason, head) => void resets.push({ reason, head }) });
    stops.push(() => sub.unsubscribe());
    const until = async (what: () => boolean, ms = 15_000) => {
      for (const end = Date.now() + ms; !what(); ) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    b.publish('relay-t', 'event', { n: 'before' });
    await until(() => got.includes('before'));
    const lastBefore = a.subscribe('relay-t', { message() {}, closed() {} });
    lastBefore.unsubscribe();

    const admin = new pg.Client({ connectionString: opened.urls![0] });
    await admin.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN pitboss_live' AND datname = current_database() AND pid <> pg_backend_pid()`);
      expect(killed.rows.length).toBe(2);
    } finally {
      await admin.end();
    }
    await until(() => lines.filter((l) => l.msg.startsWith('live relay: LISTEN connection is back')).length === 2);
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'live relay')).toBe(true);
    expect(resets).toEqual([{ reason: 'relay-gap', head: lastBefore.head }]);
    // A resume from before the gap cannot be trusted to be complete.
    expect(a.subscribe('relay-t', { message() {}, closed() {} }, lastBefore.head!).reset).toBe('relay-gap');
    b.publish('relay-t', 'event', { n: 'after' });
    await until(() => got.includes('after'));
    expect(got).toEqual(['before', 'after']);
    // A NOTIFY on the channel that is not a relay batch is logged and ignored; the relay goes on.
    const other = new pg.Client({ connectionString: opened.urls![0] });
    await other.connect();
    try {
      await other.query(`SELECT pg_notify('pitboss_live', 'not json'), pg_notify('pitboss_live', '{"o":1}')`);
    } finally {
      await other.end();
    }
    await until(() => lines.filter((l) => l.msg.startsWith('live relay') && /not a relay batch/.test(JSON.stringify(l))).length === 4);
    b.publish('relay-t', 'event', { n: 'still' });
    await until(() => got.includes('still'));
  }, 60_000);
});
