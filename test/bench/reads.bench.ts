// Reads: `GET /v1/players/{id}` over real HTTP at concurrency 64, against a
// bare node:http + pg handler running the same prepared query on the same
// 4 shard databases, in the same run, each with POOL_SIZE connections per
// database. Then open-loop runs at half of Pitboss's measured peak rate, for
// Pitboss and for the bare server at that same rate (the latency goal, and
// what the machine alone gives at that rate). Each server runs in a child
// process of its own (`reads-server.ts`) and the load generator in a worker
// thread here (loopback only, bounded in requests and time), so that no two
// of them share an event loop, a heap or its garbage collector. Each run
// also reports, per process, CPU time per request, GC pauses and event-loop
// delay: what a latency tail came from.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { seedTenant } from '../../headless-api/src/app/seed.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import type { FromServer, ProcessStats, ServerSpec, ToServer } from './reads-protocol.js';
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
  /** Open loop: sends skipped because 4 × concurrency requests were already in flight (counted as never answered). */
  dropped: number;
  non200: number;
  latencies: number[];
  /** The load generator's own GC and event-loop delay during the run. */
  client: Omit<ProcessStats, 'cpuMs'>;
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
const { constants, monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');
const http = require('node:http');
const gc = { count: 0, major: 0, totalMs: 0, maxMs: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { gc.count++; if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++; gc.totalMs += e.duration; gc.maxMs = Math.max(gc.maxMs, e.duration); }
});
observer.observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
const lat = [];
let errors = 0, dropped = 0, non200 = 0, sent = 0, i = 0;
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
        if (inflight.size >= 4 * w.concurrency) { dropped++; } else { const p = one(next(), due); inflight.add(p); p.then(() => inflight.delete(p)); }
        sent++; due += interval;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
  }
  const elapsedMs = performance.now() - start;
  agent.destroy();
  loop.disable();
  // GC entries are delivered asynchronously: let the last ones arrive.
  await new Promise((r) => setTimeout(r, 20));
  observer.disconnect();
  parentPort.postMessage({ count: lat.length, elapsedMs, errors, dropped, non200, latencies: lat,
    client: { gc, loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } } });
})();
`;

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: spec });
    worker.once('message', (m: LoadResult) => resolve(m));
    worker.once('error', reject);
  });
}

/** A server of the bench in its own process, driven over IPC (`reads-protocol.ts`). */
interface ServerProcess {
  url: string;
  /** Zeroes its GC, event-loop and CPU counters. */
  reset(): Promise<void>;
  stats(): Promise<ProcessStats>;
  close(): Promise<void>;
}

async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const entry = fileURLToPath(new URL('./reads-server.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [JSON.stringify(spec)], {
    execArgv: ['--conditions=source', '--import', 'tsx', ...(process.env.READS_BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`${spec.kind} server exited (${signal ?? code})`))));
  exited.catch(() => undefined);
  const reply = <T extends FromServer['type']>(type: T, message?: ToServer): Promise<Extract<FromServer, { type: T }>> =>
    Promise.race([
      exited,
      new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
        const on = (m: FromServer) => {
          if (m.type === 'error') {
            child.off('message', on);
            reject(Object.assign(new Error(`${spec.kind} server: ${m.error.message}`), { stack: m.error.stack }));
          } else if (m.type === type) {
            child.off('message', on);
            resolve(m as Extract<FromServer, { type: T }>);
          }
        };
        child.on('message', on);
        if (message) child.send(message);
      }),
    ]);
  const { url } = await reply('ready');
  return {
    url,
    reset: async () => void (await reply('reset', { type: 'reset' })),
    stats: async () => (await reply('stats', { type: 'stats' })).stats,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ type: 'close' } satisfies ToServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** One load run against `server`, with what the server process spent on it. */
async function measure(server: ServerProcess, spec: Omit<LoadSpec, 'url'>): Promise<LoadResult & { server: ProcessStats }> {
  await server.reset();
  const load = await runLoad({ ...spec, url: server.url });
  return { ...load, server: await server.stats() };
}

function describeRun(label: string, x: LoadResult & { server: ProcessStats }): string {
  const s = x.server;
  const c = x.client;
  return `${label} ${(x.count / (x.elapsedMs / 1000)).toFixed(0)} req/s, p50 ${quantile(x.latencies, 0.5).toFixed(1)} p99 ${quantile(x.latencies, 0.99).toFixed(1)} max ${Math.max(...x.latencies).toFixed(1)} ms; ` +
    `${x.dropped ? `${x.dropped} sends dropped (server too far behind); ` : ''}server ${((s.cpuMs * 1000) / Math.max(1, x.count)).toFixed(0)} µs CPU/req, GC ${s.gc.count}× (${s.gc.major} major) ${s.gc.totalMs.toFixed(0)} ms (max ${s.gc.maxMs.toFixed(1)}), loop delay p99 ${s.loopDelay.p99.toFixed(1)} max ${s.loopDelay.max.toFixed(1)} ms; ` +
    `client GC ${c.gc.count}× (${c.gc.major} major) ${c.gc.totalMs.toFixed(0)} ms (max ${c.gc.maxMs.toFixed(1)}), loop delay p99 ${c.loopDelay.p99.toFixed(1)} max ${c.loopDelay.max.toFixed(1)} ms`;
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
      const sql = await captureGetPlayerSql(storage, ids);
      // The servers open their own pools; this one is done.
      await storage.close();

      const pitboss = await startServer({ kind: 'pitboss', urls, poolSize: POOL_SIZE, tenant: TENANT });
      closers.push(() => pitboss.close());
      const bare = await startServer({ kind: 'bare', urls, poolSize: POOL_SIZE, tenant: TENANT, sql });
      closers.push(() => bare.close());

      const auth = { authorization: `Bearer ${key}` };
      const closed = (server: ServerProcess, headers: Record<string, string>) =>
        measure(server, { paths, headers, mode: 'closed', concurrency: CONCURRENCY, durationMs: seconds * 1000, maxRequests: 2_000_000 });
      await closed(pitboss, auth); // warm-up: JIT, prepared statements, pools
      await closed(bare, {});
      type Run = Awaited<ReturnType<typeof closed>>;
      const check = (x: Run) => {
        if (x.errors || x.non200) throw new Error(`load run had ${x.errors} errors and ${x.non200} non-200 answers`);
      };
      const ours: Run[] = [];
      const base: Run[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        // Alternate, and swap which goes first, so drift on a shared machine hits both sides alike.
        if (r % 2 === 0) {
          base.push(await closed(bare, {}));
          ours.push(await closed(pitboss, auth));
        } else {
          ours.push(await closed(pitboss, auth));
          base.push(await closed(bare, {}));
        }
        ctx.log(`run ${r + 1}: ${describeRun('pitboss', ours.at(-1)!)}`);
        ctx.log(`run ${r + 1}: ${describeRun('bare', base.at(-1)!)}`);
        check(ours.at(-1)!);
        check(base.at(-1)!);
      }
      const rps = (x: LoadResult) => x.count / (x.elapsedMs / 1000);
      const oursRps = median(ours.map(rps));
      const baseRps = median(base.map(rps));
      const p = (xs: LoadResult[], q: number) => median(xs.map((x) => quantile(x.latencies, q)));
      const cpuPerReq = (xs: Run[]) => median(xs.map((x) => (x.server.cpuMs * 1000) / Math.max(1, x.count)));

      // Open loop at half of Pitboss's peak, for Pitboss and the bare server at the same rate, alternated
      // like the closed runs: each latency counts from the request's scheduled send time, so a stall
      // delays every request due during it.
      const rate = Math.max(1, Math.floor(oursRps / 2));
      const open = (server: ServerProcess, headers: Record<string, string>) =>
        measure(server, { paths, headers, mode: 'open', rate, concurrency: CONCURRENCY, durationMs: seconds * 1000, maxRequests: rate * seconds });
      const halves: Run[] = [];
      const baseHalves: Run[] = [];
      for (let r = 0; r < Math.ceil(ctx.repeats / 2); r++) {
        if (r % 2 === 0) {
          halves.push(await open(pitboss, auth));
          baseHalves.push(await open(bare, {}));
        } else {
          baseHalves.push(await open(bare, {}));
          halves.push(await open(pitboss, auth));
        }
        ctx.log(`open loop at ${rate} req/s, run ${r + 1}: ${describeRun('pitboss', halves.at(-1)!)}`);
        ctx.log(`open loop at ${rate} req/s, run ${r + 1}: ${describeRun('bare', baseHalves.at(-1)!)}`);
        check(halves.at(-1)!);
        check(baseHalves.at(-1)!);
      }
      // A send the generator had to skip (the server fell that far behind) counts as answered no sooner than the run's end.
      const openP = (xs: LoadResult[], q: number) => median(xs.map((x) => quantile([...x.latencies, ...Array<number>(x.dropped).fill(x.elapsedMs)], q)));
      const halfP99 = openP(halves, 0.99);
      const halfP50 = openP(halves, 0.5);
      const baseHalfP99 = openP(baseHalves, 0.99);
      const baseHalfP50 = openP(baseHalves, 0.5);
      // The samples plotted: the run whose p99 is the median.
      const half = [...halves].sort((a, b) => quantile(a.latencies, 0.99) - quantile(b.latencies, 0.99))[halves.length >> 1]!;

      const step = Math.max(1, Math.floor(half.latencies.length / 2000));
      return [
        {
          name: `GET /v1/players/{id} req/s (c=${CONCURRENCY}, ${DATABASES} shards)`, value: oursRps, unit: 'req/s', higherIsBetter: true,
          baseline: { name: 'bare node:http + pg, same query', value: baseRps }, ratio: oursRps / baseRps, goal: '≥ 0.8 × baseline', met: oursRps >= 0.8 * baseRps,
        },
        {
          name: `GET /v1/players/{id} server CPU per request (c=${CONCURRENCY})`, value: cpuPerReq(ours), unit: 'µs', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg', value: cpuPerReq(base) }, ratio: cpuPerReq(base) / cpuPerReq(ours),
        },
        { name: `GET /v1/players/{id} p50 (c=${CONCURRENCY})`, value: p(ours, 0.5), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(base, 0.5) }, ratio: p(base, 0.5) / p(ours, 0.5) },
        { name: `GET /v1/players/{id} p99 (c=${CONCURRENCY})`, value: p(ours, 0.99), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(base, 0.99) }, ratio: p(base, 0.99) / p(ours, 0.99) },
        {
          name: `GET /v1/players/{id} p50 at half peak (${rate} req/s, open loop, median of ${halves.length})`, value: halfP50, unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg, same rate', value: baseHalfP50 }, ratio: baseHalfP50 / halfP50,
        },
        {
          name: `GET /v1/players/{id} p99 at half peak (${rate} req/s, open loop, median of ${halves.length})`, value: halfP99, unit: 'ms', higherIsBetter: false,
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
