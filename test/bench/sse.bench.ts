// Live updates and Arrow export over real HTTP on 4 Postgres shards:
// 1. ingested event → SSE delivery: one event at a time POSTed to /v1/events,
//    latency from just before the POST to the arrival of its `event` frame on
//    a subscribed client (loopback); baseline: the POST's own response time
//    in the same samples (delivery happens after commit, before the response).
// 2. Arrow export → decode: GET /v1/export/events decoded with apache-arrow's
//    RecordBatchReader as it streams, rows/s; baseline: the same keyset pages
//    read from the shards without Arrow or HTTP (storage.exportPages).
import { RecordBatchReader } from 'apache-arrow';
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { listen } from '../../headless-api/src/server.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import { openSse } from '../../headless-api/test/api/stream-client.js';
import { median, quantile } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const DATABASES = 4;

function betEvent(i: number): Record<string, unknown> {
  return {
    schema_version: 1, type: 'bet.placed', event_id: `sse-${Date.now()}-${i}`, player_id: `p-${i % 500}`, occurred_at: new Date(Date.now() - 1000).toISOString(),
    bet_id: `b-${i}`, bet_type: 'single', stake_minor: 100 + i, currency: 'EUR', odds: 1.9, legs: [{ sport: 'football', market: '1x2', odds: 1.9 }],
  };
}

const bench: Bench = {
  name: 'sse',
  async run(ctx: BenchContext): Promise<Figure[]> {
    const names = Array.from({ length: DATABASES }, (_, i) => `pb_ex_bench_${process.pid}_${i}`);
    await admin(names.map((n) => `CREATE DATABASE ${n}`));
    const url = (db: string) => Object.assign(new URL(ADMIN_URL), { pathname: '/' + db }).toString();
    const storage = await createStorage({ driver: 'pg', urls: names.map(url), poolSize: 8 });
    const logger = createJsonLogger({ level: 'warn', write: () => {} });
    const { app, live } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 1 << 20, maxLines: 1000, maxDeadLetterChars: 8192 } }, security: { rateLimit: false } });
    const server = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
    const figures: Figure[] = [];
    try {
      await storage.migrate();
      const key = (await storage.createApiKey('bench-sse', 'admin')).key;
      const auth = { authorization: `Bearer ${key}` };

      // 1. Delivery latency.
      const client = await openSse(server.url + '/v1/stream', auth);
      const samples = ctx.quick ? 60 : 400;
      const delivery: number[] = [];
      const response: number[] = [];
      for (let i = 0; i < samples + 10; i++) {
        const event = betEvent(i);
        const t0 = performance.now();
        const res = await fetch(server.url + '/v1/events', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' }, body: JSON.stringify(event) + '\n' });
        const t1 = performance.now();
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        const frame = await client.until((f) => f.event === 'event' && (JSON.parse(f.data) as { event_id: string }).event_id === event.event_id, 5000);
        // The first few warm the pools and prepared statements.
        if (i >= 10) {
          delivery.push(frame.at - t0);
          response.push(t1 - t0);
        }
      }
      client.close();
      const p95 = quantile(delivery, 0.95);
      const base95 = quantile(response, 0.95);
      ctx.log(`SSE delivery p50 ${median(delivery).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${quantile(delivery, 0.99).toFixed(1)} ms over ${delivery.length} events`);
      figures.push({
        name: 'ingested event → SSE delivery p95 (loopback, 4 shards)', value: p95, unit: 'ms', higherIsBetter: false,
        baseline: { name: 'POST /v1/events response p95 (same samples)', value: base95 }, ratio: p95 / base95,
        goal: 'p95 ≤ 100 ms', met: p95 <= 100, samples: delivery,
      });

      // 2. Arrow export → decode.
      const rows = ctx.quick ? 40_000 : 200_000;
      await Promise.all(storage.databases.map((db, d) => db.query(
        `INSERT INTO events (tenant_id, event_id, player_id, shard, type, occurred_at, amount_minor, currency, status, method, live, payload)
         SELECT 'bench-sse', 'x' || $1::text || '-' || lpad(g::text, 7, '0'), 'p' || (g % 20000)::text, 0, 'bet.placed',
                now() - g * interval '1 second', 100 + g % 5000, 'EUR', 'open', 'single', g % 7 = 0,
                jsonb_build_object('bet_id', 'b' || g, 'odds', 1.5 + (g % 10) / 10.0, 'legs', jsonb_build_array(jsonb_build_object('sport', 'football', 'market', '1x2')))
         FROM generate_series(1, $2::int) AS g`,
        [d, rows / DATABASES],
      )));
      const total = rows + samples + 10;
      const exportRates: number[] = [];
      const readRates: number[] = [];
      let bytes = 0;
      for (let r = 0; r < ctx.repeats; r++) {
        let t0 = performance.now();
        let n = 0;
        for await (const page of storage.exportPages('bench-sse', 'events', { maskPersonal: false, pageSize: 10_000 })) n += page.rows.length;
        if (n !== total) throw new Error(`keyset read gave ${n} rows, expected ${total}`);
        readRates.push(n / ((performance.now() - t0) / 1000));

        t0 = performance.now();
        const res = await fetch(server.url + '/v1/export/events?batch_rows=10000', { headers: auth });
        if (res.status !== 200) throw new Error(`export answered ${res.status}`);
        let decoded = 0;
        bytes = 0;
        const counted = res.body!.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ transform(chunk, c) { bytes += chunk.byteLength; c.enqueue(chunk); } }));
        for await (const batch of await RecordBatchReader.from(counted)) {
          decoded += batch.numRows;
          // Touch a typed column, as a consumer would.
          batch.getChild('amount_minor')?.get(batch.numRows - 1);
        }
        if (decoded !== total) throw new Error(`export decoded ${decoded} rows, expected ${total}`);
        exportRates.push(decoded / ((performance.now() - t0) / 1000));
      }
      const rate = median(exportRates);
      const base = median(readRates);
      ctx.log(`Arrow export: ${total} rows, ${(bytes / 1e6).toFixed(1)} MB, ${Math.round(rate)} rows/s (keyset read alone ${Math.round(base)} rows/s)`);
      figures.push({
        name: `Arrow export → decode (GET /v1/export/events, ${total} rows, 4 shards)`, value: rate, unit: 'rows/s', higherIsBetter: true,
        baseline: { name: 'keyset pages read from the shards (no Arrow, no HTTP)', value: base }, ratio: rate / base,
      });
    } finally {
      live.close();
      await server.close(2000);
      await storage.close();
      await admin(names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`));
    }
    return figures;
  },
};

export default bench;
