// Reads: `GET /v1/players/{id}` over real HTTP at concurrency 64, against a
// bare node:http + pg handler running the same prepared query on the same
// 4 shard databases, in the same run, each with POOL_SIZE connections per
// database. Then open-loop runs at half of Pitboss's measured peak rate, for
// Pitboss and for the bare server at that same rate (the latency goal, and
// what the machine alone gives at that rate). The load generator runs in a
// worker thread (loopback only, bounded in requests and time) so that it does
// not share the servers' event loop.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { seedTenant } from '../../headless-api/src/app/seed.js';
import { listen } from '../../headless-api/src/server.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import { median, quantile } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';

const ADMIN_URL = process.env.PITBOSS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASES = 4;
const CONCURRENCY = 64;
const TENANT = 'bench-reads';
const POOL_SIZE = 10;

interface LoadResult {
  count: number;
  elapsedMs: number;
  errors: number;
  non200: number;
  latencies: number[];
}

interface LoadSpec {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  mode: 'closed' | 'open';
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  /** Open loop: requests per second, latency counted from the scheduled send time. */
  rate?: number;
}

// Plain JavaScript, evaluated in a worker: no loader needed there.
const LOAD_WORKER = /* js */ `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
const lat = [];
let errors = 0, non200 = 0, sent = 0, i = 0;
const next = () => w.paths[i++ % w.paths.length];
const one = (path, t0) => new Promise((resolve) => {
  const req = http.get(w.url + path, { agent, headers: w.headers }, (res) => {
    if (res.statusCode !== 200) non200++;
    res.resume();
    res.on('end', () => { lat.push(performance.now() - t0); resolve(); });
  });
  req.on('error', () => { errors++; resolve(); });
});
(async () => {
  const start = performance.now();
  const deadline = start + w.durationMs;
  if (w.mode === 'closed') {
    const loop = async () => { while (performance.now() < deadline && sent < w.maxRequests) { sent++; await one(next(), performance.now()); } };
    await Promise.all(Array.from({ length: w.concurrency }, loop));
  } else {
    const interval = 1000 / w.rate;
    const inflight = new Set();
    let due = start;
    while (performance.now() < deadline && sent < w.maxRequests) {
      const now = performance.now();
      while (due <= now && sent < w.maxRequests) {
        if (inflight.size >= 4 * w.concurrency) { errors++; } else { const p = one(next(), due); inflight.add(p); p.then(() => inflight.delete(p)); }
        sent++; due += interval;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
  }
  agent.destroy();
  parentPort.postMessage({ count: lat.length, elapsedMs: performance.now() - start, errors, non200, latencies: lat });
})();
`;

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: spec });
    worker.once('message', (m: LoadResult) => resolve(m));
    worker.once('error', reject);
  });
}

async function admin(sql: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The exact SQL storage runs for a player read, caught on its way into the shard's `Database`. */
async function captureGetPlayerSql(storage: ShardedStorage, ids: string[]): Promise<string> {
  type Query = ShardedStorage['databases'][number]['query'];
  let sql: string | undefined;
  const restore = storage.databases.map((db) => {
    const original = db.query;
    db.query = ((text: string, params?: unknown[], options?: { name?: string; timeoutMs?: number }) => {
      if (options?.name === 'pb_get_player') sql = text;
      return original.call(db, text, params, options);
    }) as Query;
    return () => void (db.query = original);
  });
  try {
    await storage.getPlayer(TENANT, ids[0]!);
  } finally {
    for (const r of restore) r();
  }
  if (!sql) throw new Error('storage.getPlayer did not run a statement named pb_get_player; update the bench');
  return sql;
}

/** The baseline: node:http and pg, nothing else, answering the same query with the same routing. */
function bareServer(storage: ShardedStorage, urls: string[], sql: string): Promise<{ url: string; close(): Promise<void> }> {
  const pools = urls.map((u) => new pg.Pool({ connectionString: u, max: POOL_SIZE }));
  const server: Server = createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? '').slice('/v1/players/'.length));
    storage
      .databaseOf(TENANT, id)
      .then((db) => pools[db]!.query({ name: 'pb_get_player', text: sql, values: [TENANT, id] }))
      .then(
        (r) => {
          const row = r.rows[0] as Record<string, unknown> | undefined;
          res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(row ?? { error: 'not found' }));
        },
        (err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        },
      );
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
          await Promise.all(pools.map((p) => p.end()));
        },
      });
    });
  });
}

const bench: Bench = {
  name: 'reads',
  async run(ctx: BenchContext): Promise<Figure[]> {
    const players = ctx.quick ? 300 : 2000;
    const seconds = ctx.quick ? 3 : 8;
    const names = Array.from({ length: DATABASES }, (_, i) => `pb_api_bench_${process.pid}_${i}`);
    await admin(names.map((n) => `CREATE DATABASE ${n}`));
    const urls = names.map(dbUrl);
    const storage = await createStorage({ driver: 'pg', urls, poolSize: POOL_SIZE });
    const closers: (() => Promise<void>)[] = [];
    try {
      await storage.migrate();
      ctx.log(`seeding ${players} synthetic players on ${DATABASES} shard databases…`);
      const seeded = await seedTenant({ storage }, { tenant: TENANT, players, days: 30, seed: 7 });
      await storage.featuresSettled();
      ctx.log(`seeded ${seeded.accepted} events in ${(seeded.elapsedMs / 1000).toFixed(1)} s`);
      const ids: string[] = [];
      for (let cursor: string | null = null; ; ) {
        const page = await storage.listPlayers(TENANT, { sort: 'player_id', order: 'asc', limit: 1000, ...(cursor ? { cursor } : {}) });
        ids.push(...page.items.map((p) => p.player_id));
        if (!(cursor = page.next_cursor)) break;
      }
      // A fixed shuffle, so both servers see the same request sequence.
      let s = 1;
      const shuffled = ids.map((id) => ({ id, k: (s = (Math.imul(s, 48271) >>> 0) % 2147483647) })).sort((a, b) => a.k - b.k);
      const paths = shuffled.map((x) => `/v1/players/${encodeURIComponent(x.id)}`);
      const key = (await storage.createApiKey(TENANT, 'analyst')).key;

      // Rate limits off: a latency figure at full speed, not a rate-limit one.
      const { app } = createApp({ storage, logger: createJsonLogger({ level: 'warn' }), config: { limits: { maxBodyBytes: 16 << 20, maxLines: 10_000, maxDeadLetterChars: 8192 } }, security: { rateLimit: false } });
      const pitboss = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger: createJsonLogger({ level: 'warn' }) });
      closers.push(() => pitboss.close(1000));
      const bare = await bareServer(storage, urls, await captureGetPlayerSql(storage, ids));
      closers.push(() => bare.close());

      const closed = (url: string, headers: Record<string, string>) =>
        runLoad({ url, paths, headers, mode: 'closed', concurrency: CONCURRENCY, durationMs: seconds * 1000, maxRequests: 2_000_000 });
      const auth = { authorization: `Bearer ${key}` };
      await closed(pitboss.url, auth); // warm-up: JIT, prepared statements, pools
      await closed(bare.url, {});
      const ours: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        // Alternate, and swap which goes first, so drift on a shared machine hits both sides alike.
        if (r % 2 === 0) {
          base.push(await closed(bare.url, {}));
          ours.push(await closed(pitboss.url, auth));
        } else {
          ours.push(await closed(pitboss.url, auth));
          base.push(await closed(bare.url, {}));
        }
        const o = ours.at(-1)!;
        const b = base.at(-1)!;
        ctx.log(`run ${r + 1}: pitboss ${(o.count / (o.elapsedMs / 1000)).toFixed(0)} req/s (p99 ${quantile(o.latencies, 0.99).toFixed(1)} ms), bare ${(b.count / (b.elapsedMs / 1000)).toFixed(0)} req/s`);
        for (const x of [o, b]) if (x.errors || x.non200) throw new Error(`load run had ${x.errors} errors and ${x.non200} non-200 answers`);
      }
      const rps = (x: LoadResult) => x.count / (x.elapsedMs / 1000);
      const oursRps = median(ours.map(rps));
      const baseRps = median(base.map(rps));
      const p = (xs: LoadResult[], q: number) => median(xs.map((x) => quantile(x.latencies, q)));

      // Open loop at half of Pitboss's peak, for Pitboss and then the bare server at the same rate: each
      // latency counts from the request's scheduled send time, so a stall delays every request due during it.
      const rate = Math.max(1, Math.floor(oursRps / 2));
      const open = (url: string, headers: Record<string, string>) =>
        runLoad({ url, paths, headers, mode: 'open', rate, concurrency: CONCURRENCY, durationMs: seconds * 1000, maxRequests: rate * seconds });
      const half = await open(pitboss.url, auth);
      const baseHalf = await open(bare.url, {});
      for (const x of [half, baseHalf]) if (x.errors || x.non200) throw new Error(`half-rate run had ${x.errors} errors/overflows and ${x.non200} non-200 answers`);
      const halfP99 = quantile(half.latencies, 0.99);
      const halfP50 = quantile(half.latencies, 0.5);
      const baseHalfP99 = quantile(baseHalf.latencies, 0.99);
      const baseHalfP50 = quantile(baseHalf.latencies, 0.5);
      ctx.log(`open loop at ${rate} req/s: pitboss p50 ${halfP50.toFixed(1)} ms, p99 ${halfP99.toFixed(1)} ms (max ${Math.max(...half.latencies).toFixed(1)}); bare p50 ${baseHalfP50.toFixed(1)} ms, p99 ${baseHalfP99.toFixed(1)} ms (max ${Math.max(...baseHalf.latencies).toFixed(1)})`);

      const step = Math.max(1, Math.floor(half.latencies.length / 2000));
      return [
        {
          name: `GET /v1/players/{id} req/s (c=${CONCURRENCY}, ${DATABASES} shards)`, value: oursRps, unit: 'req/s', higherIsBetter: true,
          baseline: { name: 'bare node:http + pg, same query', value: baseRps }, ratio: oursRps / baseRps, goal: '≥ 0.8 × baseline', met: oursRps >= 0.8 * baseRps,
        },
        { name: `GET /v1/players/{id} p50 (c=${CONCURRENCY})`, value: p(ours, 0.5), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(base, 0.5) }, ratio: p(base, 0.5) / p(ours, 0.5) },
        { name: `GET /v1/players/{id} p99 (c=${CONCURRENCY})`, value: p(ours, 0.99), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(base, 0.99) }, ratio: p(base, 0.99) / p(ours, 0.99) },
        {
          name: `GET /v1/players/{id} p50 at half peak (${rate} req/s, open loop)`, value: halfP50, unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg, same rate', value: baseHalfP50 }, ratio: baseHalfP50 / halfP50,
        },
        {
          name: `GET /v1/players/{id} p99 at half peak (${rate} req/s, open loop)`, value: halfP99, unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg, same rate', value: baseHalfP99 }, ratio: baseHalfP99 / halfP99,
          goal: 'p99 < 10 ms', met: halfP99 < 10, samples: half.latencies.filter((_, i) => i % step === 0),
        },
      ];
    } finally {
      for (const close of closers.reverse()) await close();
      await storage.close();
      await admin(names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`));
    }
  },
};

export default bench;
