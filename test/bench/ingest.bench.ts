// Ingest throughput: events/s through `POST /v1/events` (NDJSON, batches of 5k,
// 4 physical shard databases on the local Postgres) and through
// `storage.ingest` directly, each against COPY (pg-copy-streams) of the same
// event rows into the same `events` tables of the same databases, in the same run.
// The API runs in a process of its own (ingest-server.ts) and the senders in
// this one, as an operator's senders run elsewhere; the API process's CPU per
// event is logged. Before, senders and API shared one event loop, and the POST
// figure carried the senders' work too (building and streaming the bodies).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EVENT_COLUMNS, parseEvent, shardOf, toEventRow } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import { median } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';
import type { FromIngestServer, IngestServerSpec, ToIngestServer } from './ingest-server.js';

const DATABASES = 4;
const BATCH = 5000;
/** Batches in flight at once, as two sender processes of an operator would have. */
const CONCURRENCY = 2;
const TENANT = 'bench';

/** The API in its own process (ingest-server.ts), driven over IPC. */
async function startServer(spec: IngestServerSpec): Promise<{ url: string; settle(): Promise<void>; cpuMs(): Promise<number>; close(): Promise<void> }> {
  const entry = fileURLToPath(new URL('./ingest-server.ts', import.meta.url));
  const child = fork(entry, [JSON.stringify(spec)], { execArgv: ['--conditions=source', '--import', 'tsx', ...(process.env.INGEST_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`ingest server exited (${signal ?? code})`))));
  exited.catch(() => undefined);
  const reply = <T extends FromIngestServer['type']>(type: T, message?: ToIngestServer): Promise<Extract<FromIngestServer, { type: T }>> =>
    Promise.race([
      exited,
      new Promise<Extract<FromIngestServer, { type: T }>>((resolve, reject) => {
        const on = (m: FromIngestServer) => {
          if (m.type === 'error' || m.type === type) child.off('message', on);
          if (m.type === 'error') reject(new Error(`ingest server: ${m.message}`));
          else if (m.type === type) resolve(m as Extract<FromIngestServer, { type: T }>);
        };
        child.on('message', on);
        if (message) child.send(message);
      }),
    ]);
  const { url } = await reply('ready');
  return {
    url,
    settle: async () => void (await reply('settled', { type: 'settle' })),
    cpuMs: async () => (await reply('cpu', { type: 'cpu' })).ms,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'close' } satisfies ToIngestServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A deterministic mix of wagers, settlements and payments over `players` players in the last 25 days. */
function generate(n: number, players: number): Event[] {
  let seed = 42;
  const rand = (): number => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  const now = Date.now();
  const out: Event[] = [];
  for (let i = 0; i < n; i++) {
    const player_id = `pl-${Math.floor(rand() * players)}`;
    const base = { schema_version: 1, event_id: `ev-${i}`, player_id, occurred_at: new Date(now - Math.floor(rand() * 25 * 86_400_000)).toISOString() };
    const k = rand();
    const input =
      k < 0.45 ? { ...base, type: 'casino.round', round_id: `r${i}`, game_id: 'starburst', game_type: 'slots', provider: 'netent', stake_minor: 100 + Math.floor(rand() * 5000), win_minor: Math.floor(rand() * 8000), currency: 'BRL' }
      : k < 0.7 ? { ...base, type: 'bet.placed', bet_id: `b${i}`, bet_type: 'single', stake_minor: 500 + Math.floor(rand() * 10_000), currency: 'BRL', odds: 1.5 + rand() * 3, legs: [{ sport: 'football', market: '1x2', odds: 1.9, event: 'Flamengo v Palmeiras' }] }
      : k < 0.85 ? { ...base, type: 'bet.settled', bet_id: `b${i - 1}`, result: rand() < 0.45 ? 'won' : 'lost', payout_minor: Math.floor(rand() * 20_000), currency: 'BRL' }
      : { ...base, type: 'payment', payment_id: `pay${i}`, direction: rand() < 0.8 ? 'deposit' : 'withdrawal', status: 'approved', method: 'pix', amount_minor: 1000 + Math.floor(rand() * 50_000), currency: 'BRL' };
    const r = parseEvent(input);
    if (!r.ok) throw new Error(`generator made an invalid event: ${JSON.stringify(r.issues)}`);
    out.push(r.event);
  }
  return out;
}

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const s = typeof value === 'boolean' ? (value ? 't' : 'f') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function truncate(pools: pg.Pool[]): Promise<void> {
  await Promise.all(pools.map((p) => p.query('TRUNCATE events, event_claims, players, player_personal, player_features')));
}

async function eventCount(pools: pg.Pool[]): Promise<number> {
  const counts = await Promise.all(pools.map(async (p) => Number((await p.query('SELECT count(*) AS n FROM events WHERE tenant_id = $1', [TENANT])).rows[0].n)));
  return counts.reduce((a, b) => a + b, 0);
}

async function copyAll(pools: pg.Pool[], storage: ShardedStorage, events: Event[]): Promise<number> {
  const perDb: string[][] = pools.map(() => []);
  const started = performance.now();
  for (const e of events) {
    const shard = shardOf(TENANT, e.player_id);
    const { row } = toEventRow(e);
    const line = [TENANT, String(shard), ...EVENT_COLUMNS.map((c) => copyText(row[c]))].join('\t') + '\n';
    perDb[await storage.databaseOf(TENANT, e.player_id)]!.push(line);
  }
  await Promise.all(
    pools.map(async (pool, i) => {
      const client = await pool.connect();
      try {
        // ~256 kB chunks: one CopyData message per line would measure message overhead, not COPY.
        const chunks: string[] = [];
        const lines = perDb[i]!;
        for (let j = 0; j < lines.length; j += 500) chunks.push(lines.slice(j, j + 500).join(''));
        const stream = client.query(copyFrom(`COPY events (tenant_id, shard, ${EVENT_COLUMNS.join(', ')}) FROM STDIN`));
        await pipeline(Readable.from(chunks), stream);
      } finally {
        client.release();
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

const bench: Bench = {
  name: 'ingest',
  async run(ctx: BenchContext): Promise<Figure[]> {
    const total = ctx.quick ? 20_000 : 100_000;
    const names = Array.from({ length: DATABASES }, (_, i) => `pb_st_bench_${process.pid}_${i}`);
    await admin(names.map((n) => `CREATE DATABASE ${n}`));
    const pools = names.map((n) => new pg.Pool({ connectionString: dbUrl(n), max: 2 }));
    // An idle connection's error reaches its pool, and a pool without a listener throws it, ending the bench:
    // seen (2 runs in ~12) as "terminating connection due to administrator command" after the last run.
    for (const p of pools) p.on('error', (error) => ctx.log(`COPY pool: idle connection failed: ${error.message}`));
    const storage = await createStorage({ driver: 'pg', urls: names.map(dbUrl), poolSize: 4 });
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      await storage.migrate();
      server = await startServer({ urls: names.map(dbUrl), poolSize: 4, maxLines: BATCH });
      const api = server;
      const { key } = await storage.createApiKey(TENANT, 'admin');
      const events = generate(total, Math.max(1000, total / 20));
      const batches: Event[][] = [];
      for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
      const bodies = batches.map((b) => b.map((e) => JSON.stringify(e)).join('\n'));
      ctx.log(`${total} events, ${batches.length} batches of ${BATCH} (${CONCURRENCY} in flight), ${DATABASES} shard databases, ${Math.round(bodies.reduce((a, b) => a + b.length, 0) / 1e6)} MB NDJSON`);

      const post = async (body: string, expected: number): Promise<void> => {
        const res = await fetch(`${api.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body });
        const report = (await res.json()) as { accepted?: number };
        if (res.status !== 200 || report.accepted !== expected) throw new Error(`POST /v1/events answered ${res.status}: ${JSON.stringify(report).slice(0, 300)}`);
      };
      // Warm-up (JIT, zod schemas, pools, prepared plans), then a clean slate.
      await post(bodies[0]!, batches[0]!.length);
      await storage.ingest(TENANT, batches[1]!.map((event, i) => ({ line: i + 1, event })));
      await storage.featuresSettled();

      await api.settle();
      /**
       * Runs one ingest pass; returns [events/s when the last batch was acknowledged, events/s once features caught up].
       * `settle` waits for the feature refreshes of the process that ingested.
       */
      const pass = async (send: (i: number) => Promise<void>, settle: () => Promise<void>): Promise<[number, number]> => {
        await settle();
        await truncate(pools);
        const started = performance.now();
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) await send(next++);
        }));
        const acked = performance.now();
        await settle();
        const done = performance.now();
        if ((await eventCount(pools)) !== total) throw new Error('ingest stored a different number of events');
        return [total / ((acked - started) / 1000), total / ((done - started) / 1000)];
      };
      const http: number[] = [];
      const httpAll: number[] = [];
      const direct: number[] = [];
      const directAll: number[] = [];
      const copy: number[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        const cpu0 = await api.cpuMs();
        const [h, hAll] = await pass((i) => post(bodies[i]!, batches[i]!.length), () => api.settle());
        const serverCpu = (await api.cpuMs()) - cpu0;
        http.push(h);
        httpAll.push(hAll);
        const [d, dAll] = await pass(async (i) => {
          const outcome = await storage.ingest(TENANT, batches[i]!.map((event, j) => ({ line: j + 1, event })));
          if (outcome.accepted.length !== batches[i]!.length) throw new Error(`storage.ingest accepted ${outcome.accepted.length} of ${batches[i]!.length}`);
        }, () => storage.featuresSettled());
        direct.push(d);
        directAll.push(dAll);
        await truncate(pools);
        copy.push(total / (await copyAll(pools, storage, events)));
        if ((await eventCount(pools)) !== total) throw new Error('COPY stored a different number of events');
        ctx.log(`run ${r + 1}: POST /v1/events ${Math.round(h)} ev/s (${Math.round(hAll)} with features caught up; API process CPU ${((serverCpu * 1000) / total).toFixed(1)} µs/event), storage.ingest ${Math.round(d)} ev/s (${Math.round(dAll)}), COPY ${Math.round(copy.at(-1)!)} ev/s, load ${loadavg()[0]!.toFixed(1)}`);
      }
      await api.close();
      const copyMedian = median(copy);
      const figure = (name: string, samples: number[]): Figure => {
        const value = median(samples);
        return {
          name, value, unit: 'events/s', higherIsBetter: true,
          baseline: { name: 'COPY of the same rows into the same events tables (pg-copy-streams)', value: copyMedian },
          ratio: value / copyMedian, goal: '≥ 0.5 × COPY', met: value / copyMedian >= 0.5, samples,
        };
      };
      return [
        figure(`ingest events/s (POST /v1/events NDJSON, batches of ${BATCH}, ${CONCURRENCY} in flight, ${DATABASES} shards; committed and acknowledged)`, http),
        figure(`ingest events/s (POST /v1/events, as above, until features of touched players caught up)`, httpAll),
        figure(`ingest events/s (storage.ingest, batches of ${BATCH}, ${CONCURRENCY} in flight, ${DATABASES} shards; committed)`, direct),
        figure(`ingest events/s (storage.ingest, until features caught up)`, directAll),
      ];
    } finally {
      await server?.close();
      await storage.close();
      await Promise.all(pools.map((p) => p.end()));
      await admin(names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`));
    }
  },
};

export default bench;
