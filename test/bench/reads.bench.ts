// Reads: `GET /v1/players/{id}` over real HTTP at concurrency 64, against a
// bare node:http + pg handler running the same prepared query on the same
// 4 shard databases, in the same run, each with POOL_SIZE connections per
// database. Each round measures, for each server in turn (the order swapped
// every round), its peak in a closed loop and then an open loop at half of
// that peak; then the bare server at Pitboss's half-peak rate (both at the
// same rate); every run follows 1.5 s of unmeasured load (`WARM_MS`). Each server runs in a child process of its own
// (`reads-server.ts`), and so does the load generator of each run
// (`reads-load.ts`): no two of them share an event loop, a heap or its
// garbage collector. Each run also reports, per process, CPU time per
// request, GC pauses and event-loop delay, the generator's lateness against
// its schedule, and how busy the whole machine was: what a latency tail came from.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { seedTenant } from '../../headless-api/src/app/seed.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import type { FromLoad, FromServer, LoadResult, LoadSpec, ProcessStats, ServerSpec, ToLoad, ToServer } from './reads-protocol.js';
import { median, quantile } from './types.js';
import type { Bench, BenchContext, Figure } from './types.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const DATABASES = 4;
const CONCURRENCY = 64;
const TENANT = 'bench-reads';
const POOL_SIZE = Number(process.env.READS_BENCH_POOL ?? 10);

/** Runs one load in a fresh generator process (`reads-load.ts`). */
function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const entry = fileURLToPath(new URL('./reads-load.ts', import.meta.url));
  const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<LoadResult>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`load generator exited (${signal ?? code})`)));
    child.on('message', (m: FromLoad) => {
      if (m.type === 'ready') child.send({ type: 'run', spec } satisfies ToLoad);
      else if (m.type === 'done') {
        resolve(m.result);
        child.disconnect();
      }
      else reject(Object.assign(new Error(`load generator: ${m.error.message}`), { stack: m.error.stack }));
    });
  });
}

/** CPU jiffies of the whole machine so far (`/proc/stat`): busy and all. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

/** How busy the machine was during a run: every process, ours and everyone else's. */
interface MachineLoad {
  /** Busy share of all cores, 0..1. */
  busy: number;
  cores: number;
  /** 1-minute load average at the run's end. */
  loadavg: number;
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

/** One load run against `server`, with what the server process spent on it and how busy the machine was. */
type Run = LoadResult & Pick<LoadSpec, 'mode' | 'rate'> & { server: ProcessStats; machine: MachineLoad };

/**
 * Unmeasured closed-loop load before every measured run, on both servers alike. A server waits while the
 * other is measured. In the rounds where Pitboss ran second it had waited through three runs of the bare
 * server (the round before ends with the bare server at Pitboss's rate; then its closed and open runs),
 * 40 s or more: past the pools' 30 s idle timeout (storage.ts), so its closed loop began by reconnecting
 * and preparing again on all 40 connections (max latency 1.3 s, 20-35% fewer req/s in those rounds only).
 * The bare server never waited that long. A second and a half of load first makes every run start with
 * the pools it ends with.
 */
const WARM_MS = 1500;

async function measure(server: ServerProcess, spec: Omit<LoadSpec, 'url'>): Promise<Run> {
  await runLoad({ url: server.url, paths: spec.paths, headers: spec.headers, mode: 'closed', concurrency: spec.concurrency, durationMs: WARM_MS, maxRequests: 1_000_000 });
  await server.reset();
  const before = machineCpu();
  const load = await runLoad({ ...spec, url: server.url });
  const after = machineCpu();
  const machine = { busy: (after.busy - before.busy) / Math.max(1, after.total - before.total), cores: cpus().length, loadavg: loadavg()[0]! };
  return { ...load, mode: spec.mode, ...(spec.rate ? { rate: spec.rate } : {}), server: await server.stats(), machine };
}

const rps = (x: LoadResult) => x.count / (x.elapsedMs / 1000);

function describeRun(label: string, x: Run): string {
  const s = x.server;
  const c = x.client;
  const perReq = (ms: number) => ((ms * 1000) / Math.max(1, x.count)).toFixed(0);
  return `${label} ${rps(x).toFixed(0)} req/s, p50 ${quantile(x.latencies, 0.5).toFixed(1)} p99 ${quantile(x.latencies, 0.99).toFixed(1)} max ${Math.max(...x.latencies).toFixed(1)} ms; ` +
    `${x.unanswered ? `${x.unanswered} unanswered at the end; ` : ''}` +
    `server ${perReq(s.cpuMs)} µs CPU/req, GC ${s.gc.count}× (${s.gc.major} major) ${s.gc.totalMs.toFixed(0)} ms (max ${s.gc.maxMs.toFixed(1)}), loop delay p99 ${s.loopDelay.p99.toFixed(1)} max ${s.loopDelay.max.toFixed(1)} ms; ` +
    `generator ${perReq(c.cpuMs)} µs CPU/req, GC ${c.gc.totalMs.toFixed(0)} ms, loop delay p99 ${c.loopDelay.p99.toFixed(1)} max ${c.loopDelay.max.toFixed(1)} ms` +
    `${x.mode === 'open' ? `, schedule lag p99 ${x.scheduleLag.p99.toFixed(1)} max ${x.scheduleLag.max.toFixed(1)} ms` : ''}; ` +
    `machine ${(x.machine.busy * 100).toFixed(0)}% busy of ${x.machine.cores} cores, load ${x.machine.loadavg.toFixed(1)}`;
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The exact SQL storage runs for a player read, caught on its way into the shard's `Database`. */
/**
 * Every player id of `tenant`, and the `GET /v1/players/{id}` paths of them in a fixed shuffle, so that
 * every server of a run (and of reads-profile.ts, reads-ab.ts) sees the same request sequence.
 */
export async function playerPaths(storage: ShardedStorage, tenant: string): Promise<{ ids: string[]; paths: string[] }> {
  const ids: string[] = [];
  for (let cursor: string | null = null; ; ) {
    const page = await storage.listPlayers(tenant, { sort: 'player_id', order: 'asc', limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((p) => p.player_id));
    if (!(cursor = page.next_cursor)) break;
  }
  let s = 1;
  const shuffled = ids.map((id) => ({ id, k: (s = (Math.imul(s, 48271) >>> 0) % 2147483647) })).sort((a, b) => a.k - b.k);
  return { ids, paths: shuffled.map((x) => `/v1/players/${encodeURIComponent(x.id)}`) };
}

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
      const { ids, paths } = await playerPaths(storage, TENANT);
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
      // Latency counts from each request's due time; requests still unanswered 10 s after the schedule ends count with the latency they reached.
      const open = (server: ServerProcess, headers: Record<string, string>, rate: number) =>
        measure(server, { paths, headers, mode: 'open', rate, concurrency: CONCURRENCY, durationMs: seconds * 1000, maxRequests: rate * seconds, drainMs: 10_000 });
      const check = (x: Run) => {
        if (x.errors || x.non200) throw new Error(`load run had ${x.errors} errors and ${x.non200} non-200 answers (${JSON.stringify(x.statuses)})`);
      };
      await closed(pitboss, auth); // warm-up: JIT, prepared statements, pools
      await closed(bare, {});

      const sides = { pitboss: { server: pitboss, headers: auth }, bare: { server: bare, headers: {} } };
      type Side = keyof typeof sides;
      const peaks: Record<Side, Run[]> = { pitboss: [], bare: [] };
      const halves: Record<Side, Run[]> = { pitboss: [], bare: [] };
      const bareAtOurs: Run[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        // Each server's peak, then half of it in an open loop at once; the order swapped every round,
        // so drift on a shared machine hits both sides alike.
        for (const side of (r % 2 === 0 ? ['bare', 'pitboss'] : ['pitboss', 'bare']) as Side[]) {
          const { server, headers } = sides[side];
          const peak = await closed(server, headers);
          ctx.log(`round ${r + 1}: closed loop: ${describeRun(side, peak)}`);
          check(peak);
          peaks[side].push(peak);
          const half = await open(server, headers, Math.max(1, Math.floor(rps(peak) / 2)));
          ctx.log(`round ${r + 1}: open loop at its half peak, ${half.rate} req/s: ${describeRun(side, half)}`);
          check(half);
          halves[side].push(half);
        }
        // The bare server at Pitboss's half-peak rate: what the machine alone gives at that rate.
        const same = await open(bare, {}, halves.pitboss.at(-1)!.rate!);
        ctx.log(`round ${r + 1}: open loop at Pitboss's half peak, ${same.rate} req/s: ${describeRun('bare', same)}`);
        check(same);
        bareAtOurs.push(same);
      }

      const oursRps = median(peaks.pitboss.map(rps));
      const baseRps = median(peaks.bare.map(rps));
      const p = (xs: LoadResult[], q: number) => median(xs.map((x) => quantile(x.latencies, q)));
      const cpuPerReq = (xs: Run[]) => median(xs.map((x) => (x.server.cpuMs * 1000) / Math.max(1, x.count)));
      const rateOf = (xs: Run[]) => median(xs.map((x) => x.rate!)).toFixed(0);
      const busy = (xs: Run[]) => `${(median(xs.map((x) => x.machine.busy)) * 100).toFixed(0)}%`;
      ctx.log(`machine busy (median, all ${cpus().length} cores): closed pitboss ${busy(peaks.pitboss)}, bare ${busy(peaks.bare)}; ` +
        `open pitboss ${busy(halves.pitboss)}, bare ${busy(halves.bare)}, bare at Pitboss's rate ${busy(bareAtOurs)}`);
      const halfP99 = p(halves.pitboss, 0.99);
      // The samples plotted: the run whose p99 is the median.
      const plotted = [...halves.pitboss].sort((a, b) => quantile(a.latencies, 0.99) - quantile(b.latencies, 0.99))[halves.pitboss.length >> 1]!;
      const step = Math.max(1, Math.floor(plotted.latencies.length / 2000));
      const rounds = `open loop, median of ${ctx.repeats}`;
      return [
        {
          name: `GET /v1/players/{id} req/s (c=${CONCURRENCY}, ${DATABASES} shards)`, value: oursRps, unit: 'req/s', higherIsBetter: true,
          baseline: { name: 'bare node:http + pg, same query', value: baseRps }, ratio: oursRps / baseRps, goal: '≥ 0.8 × baseline', met: oursRps >= 0.8 * baseRps,
        },
        {
          name: `GET /v1/players/{id} server CPU per request (c=${CONCURRENCY})`, value: cpuPerReq(peaks.pitboss), unit: 'µs', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg', value: cpuPerReq(peaks.bare) }, ratio: cpuPerReq(peaks.bare) / cpuPerReq(peaks.pitboss),
        },
        { name: `GET /v1/players/{id} p50 (c=${CONCURRENCY})`, value: p(peaks.pitboss, 0.5), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(peaks.bare, 0.5) }, ratio: p(peaks.bare, 0.5) / p(peaks.pitboss, 0.5) },
        { name: `GET /v1/players/{id} p99 (c=${CONCURRENCY})`, value: p(peaks.pitboss, 0.99), unit: 'ms', higherIsBetter: false, baseline: { name: 'bare node:http + pg', value: p(peaks.bare, 0.99) }, ratio: p(peaks.bare, 0.99) / p(peaks.pitboss, 0.99) },
        {
          name: `GET /v1/players/{id} p50 at each server's half peak (Pitboss ${rateOf(halves.pitboss)}, bare ${rateOf(halves.bare)} req/s, ${rounds})`, value: p(halves.pitboss, 0.5), unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg at its own half peak', value: p(halves.bare, 0.5) }, ratio: p(halves.bare, 0.5) / p(halves.pitboss, 0.5),
        },
        {
          name: `GET /v1/players/{id} p99 at each server's half peak (Pitboss ${rateOf(halves.pitboss)}, bare ${rateOf(halves.bare)} req/s, ${rounds})`, value: halfP99, unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg at its own half peak', value: p(halves.bare, 0.99) }, ratio: p(halves.bare, 0.99) / halfP99,
          goal: 'p99 < 10 ms', met: halfP99 < 10, samples: plotted.latencies.filter((_, i) => i % step === 0),
        },
        {
          name: `GET /v1/players/{id} p50 at Pitboss's half peak (${rateOf(halves.pitboss)} req/s, ${rounds})`, value: p(halves.pitboss, 0.5), unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg, same rate', value: p(bareAtOurs, 0.5) }, ratio: p(bareAtOurs, 0.5) / p(halves.pitboss, 0.5),
        },
        {
          name: `GET /v1/players/{id} p99 at Pitboss's half peak (${rateOf(halves.pitboss)} req/s, ${rounds})`, value: halfP99, unit: 'ms', higherIsBetter: false,
          baseline: { name: 'bare node:http + pg, same rate', value: p(bareAtOurs, 0.99) }, ratio: p(bareAtOurs, 0.99) / halfP99,
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
