// A profiling harness for the reads path, outside the bench: keeps 4 seeded shard databases between
// runs (pb_reads_prof_*; `--reseed` drops and seeds them again), starts one server of the reads bench
// (`reads-server.ts`, Pitboss or bare) with the Node flags in READS_PROFILE_ARGS (e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`, `--trace-gc`), and drives it with the bench's generator
// (`reads-load.ts`) in a closed loop at concurrency 64. Prints req/s and the server's CPU and GC per request.
//
//   npx tsx --conditions=source test/bench/reads-profile.ts [pitboss|bare] [seconds] [--reseed]
//   npx tsx --conditions=source test/bench/reads-profile.ts --drop     (drops the databases)
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedTenant } from '../../headless-api/src/app/seed.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { FromLoad, FromServer, LoadResult, ServerSpec, ProcessStats } from './reads-protocol.js';
import { playerPaths } from './reads.bench.js';
import { ADMIN_URL, admin } from './pg-admin.js';

const TENANT = 'bench-reads';
const names = [0, 1, 2, 3].map((i) => `pb_reads_prof_${i}`);
const urls = names.map((n) => Object.assign(new URL(ADMIN_URL), { pathname: `/${n}` }).toString());
const args = process.argv.slice(2);
const kind = (args.find((a) => a === 'pitboss' || a === 'bare') ?? 'pitboss') as ServerSpec['kind'];
const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);

async function seeded(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = ANY($1)', [names]);
    return rows[0].n === names.length;
  } finally {
    await c.end();
  }
}

if (args.includes('--drop')) {
  await admin(names.map((n) => `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`));
  process.exit(0);
}
if (args.includes('--reseed') || !(await seeded())) {
  await admin(names.flatMap((n) => [`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`, `CREATE DATABASE ${n}`]));
  const storage = await createStorage({ driver: 'pg', urls, poolSize: 10 });
  await storage.migrate();
  await seedTenant({ storage }, { tenant: TENANT, players: 2000, days: 30, seed: 7 });
  await storage.featuresSettled();
  await storage.close();
}

const storage = await createStorage({ driver: 'pg', urls, poolSize: 2 });
const { ids, paths } = await playerPaths(storage, TENANT);
const key = (await storage.createApiKey(TENANT, 'analyst')).key;
let sql: string | undefined;
for (const db of storage.databases) {
  const original = db.query.bind(db);
  db.query = ((text: string, params?: unknown[], options?: { name?: string }) => {
    if (options?.name === 'pb_get_player') sql = text;
    return original(text, params, options);
  }) as typeof db.query;
}
await storage.getPlayer(TENANT, ids[0]!);
await storage.close();

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const server = fork(here('./reads-server.ts'), [JSON.stringify({ kind, urls, poolSize: 10, tenant: TENANT, ...(kind === 'bare' ? { sql } : {}) } satisfies ServerSpec)], {
  execArgv: ['--conditions=source', '--import', 'tsx', ...(process.env.READS_PROFILE_ARGS?.split(' ').filter(Boolean) ?? [])],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const next = <T extends FromServer['type']>(type: T) =>
  new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
    const on = (m: FromServer) => {
      if (m.type === 'error') reject(new Error(m.error.message));
      else if (m.type === type) {
        server.off('message', on);
        resolve(m as Extract<FromServer, { type: T }>);
      }
    };
    server.on('message', on);
  });
const { url } = await next('ready');

function load(durationMs: number): Promise<LoadResult> {
  const child = fork(here('./reads-load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: FromLoad) => {
      if (m.type === 'ready') child.send({ type: 'run', spec: { url, paths, headers: kind === 'pitboss' ? { authorization: `Bearer ${key}` } : {}, mode: 'closed', concurrency: 64, durationMs, maxRequests: 5_000_000 } });
      else if (m.type === 'done') {
        child.disconnect();
        resolve(m.result);
      } else reject(new Error(m.error.message));
    });
  });
}

await load(3000); // warm-up
server.send({ type: 'reset' });
await next('reset');
const r = await load(seconds * 1000);
server.send({ type: 'stats' });
const st: ProcessStats = (await next('stats')).stats;
const per = (ms: number) => ((ms * 1000) / r.count).toFixed(0);
console.log(`${kind}: ${(r.count / (r.elapsedMs / 1000)).toFixed(0)} req/s, non200 ${r.non200}, errors ${r.errors}; server ${per(st.cpuMs)} us CPU/req, GC ${st.gc.count}x (${st.gc.major} major) ${st.gc.totalMs.toFixed(0)} ms = ${per(st.gc.totalMs)} us/req; generator ${per(r.client.cpuMs)} us CPU/req`);
server.send({ type: 'close' });
await next('closed');
