// Ingest throughput: events/s through `POST /v1/events` (NDJSON, batches of 5k,
// 4 physical shard databases on the local Postgres) and through
// `storage.ingest` directly, each against COPY (pg-copy-streams) of the same
// event rows into the same `events` tables of the same databases, in the same run.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EVENT_COLUMNS, parseEvent, shardOf, toEventRow } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { listen } from '../../headless-api/src/server.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import { median } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const DATABASES = 4;
const BATCH = 5000;
/** Batches in flight at once, as two sender processes of an operator would have. */
const CONCURRENCY = 2;
const TENANT = 'bench';

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
  await Promise.all(pools.map((p) => p.query('TRUNCATE events, event_claims, players, player_personal, player_features, player_activity')));
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
    const storage = await createStorage({ driver: 'pg', urls: names.map(dbUrl), poolSize: 4 });
    try {
      await storage.migrate();
      const { app } = createApp({
        storage,
        config: { limits: { maxBodyBytes: 64 << 20, maxLines: BATCH, maxDeadLetterChars: 8192 } },
        logger: createJsonLogger({ level: 'error' }),
        // A throughput figure, not a rate-limit one.
        security: { rateLimit: false },
      });
      const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger: createJsonLogger({ level: 'error' }) });
      const { key } = await storage.createApiKey(TENANT, 'admin');
      const events = generate(total, Math.max(1000, total / 20));
      const batches: Event[][] = [];
      for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
      const bodies = batches.map((b) => b.map((e) => JSON.stringify(e)).join('\n'));
      ctx.log(`${total} events, ${batches.length} batches of ${BATCH} (${CONCURRENCY} in flight), ${DATABASES} shard databases, ${Math.round(bodies.reduce((a, b) => a + b.length, 0) / 1e6)} MB NDJSON`);

      const post = async (body: string, expected: number): Promise<void> => {
        const res = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, body });
        const report = (await res.json()) as { accepted?: number };
        if (res.status !== 200 || report.accepted !== expected) throw new Error(`POST /v1/events answered ${res.status}: ${JSON.stringify(report).slice(0, 300)}`);
      };
      // Warm-up (JIT, zod schemas, pools, prepared plans), then a clean slate.
      await post(bodies[0]!, batches[0]!.length);
      await storage.ingest(TENANT, batches[1]!.map((event, i) => ({ line: i + 1, event })));
      await storage.featuresSettled();

      /** Runs one ingest pass; returns [events/s when the last batch was acknowledged, events/s once features caught up]. */
      const pass = async (send: (i: number) => Promise<void>): Promise<[number, number]> => {
        await storage.featuresSettled();
        await truncate(pools);
        const started = performance.now();
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) await send(next++);
        }));
        const acked = performance.now();
        await storage.featuresSettled();
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
        const [h, hAll] = await pass((i) => post(bodies[i]!, batches[i]!.length));
        http.push(h);
        httpAll.push(hAll);
        const [d, dAll] = await pass(async (i) => {
          const outcome = await storage.ingest(TENANT, batches[i]!.map((event, j) => ({ line: j + 1, event })));
          if (outcome.accepted.length !== batches[i]!.length) throw new Error(`storage.ingest accepted ${outcome.accepted.length} of ${batches[i]!.length}`);
        });
        direct.push(d);
        directAll.push(dAll);
        await truncate(pools);
        copy.push(total / (await copyAll(pools, storage, events)));
        if ((await eventCount(pools)) !== total) throw new Error('COPY stored a different number of events');
        ctx.log(`run ${r + 1}: POST /v1/events ${Math.round(h)} ev/s (${Math.round(hAll)} with features caught up), storage.ingest ${Math.round(d)} ev/s (${Math.round(dAll)}), COPY ${Math.round(copy.at(-1)!)} ev/s`);
      }
      await server.close(1000);
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
      await storage.close();
      await Promise.all(pools.map((p) => p.end()));
      await admin(names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`));
    }
  },
};

export default bench;
