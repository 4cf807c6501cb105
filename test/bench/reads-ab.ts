// A/B of two versions of the reads path: the Pitboss server of two checkouts (this one, "base", and
// the one at <newRoot>, "new"), each in its own process with its own generator, both loaded at the same
// time in a closed loop at concurrency 64 for `seconds`, `rounds` times. On a machine shared with
// other work the bench's figures swing 2x from run to run; two servers under the same load at once
// compare where two runs one after the other cannot. Uses the databases `reads-profile.ts` seeds
// (run it once first). From the base checkout's root, in a directory of its own (two engineers once
// shared /tmp/base and ran each other's code): e.g. `base=$(mktemp -d) && git archive HEAD~1 | tar -x -C
// $base && ln -s "$PWD/node_modules" $base/node_modules && cd $base`:
//
//   npx tsx --conditions=source test/bench/reads-ab.ts /work/main [seconds] [rounds]
import { fork } from 'node:child_process';
import pg from 'pg';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { FromLoad, FromServer, LoadResult, ProcessStats } from './reads-protocol.js';
import { playerPaths } from './reads.bench.js';
import { ADMIN_URL } from './pg-admin.js';

const TENANT = 'bench-reads';
const names = [0, 1, 2, 3].map((i) => `pb_reads_prof_${i}`);
const urls = names.map((n) => Object.assign(new URL(ADMIN_URL), { pathname: `/${n}` }).toString());
const [newRoot, secs = '8', rounds = '3'] = process.argv.slice(2);
const storage = await createStorage({ driver: 'pg', urls, poolSize: 2 });
const { paths } = await playerPaths(storage, TENANT);
const key = (await storage.createApiKey(TENANT, 'analyst')).key;
await storage.close();

function server(root: string) {
  const child = fork(`${root}/test/bench/reads-server.ts`, [JSON.stringify({ kind: 'pitboss', urls, poolSize: 10, tenant: TENANT })], {
    cwd: root, execArgv: ['--conditions=source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromServer['type']>(type: T) => new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
    const on = (m: FromServer) => {
      if (m.type === 'error') reject(new Error(m.error.message));
      else if (m.type === type) { child.off('message', on); resolve(m as Extract<FromServer, { type: T }>); }
    };
    child.on('message', on);
  });
  return { child, next };
}
function load(url: string, durationMs: number): Promise<LoadResult> {
  const child = fork(new URL('./reads-load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: FromLoad) => {
      if (m.type === 'ready') child.send({ type: 'run', spec: { url, paths, headers: { authorization: `Bearer ${key}` }, mode: 'closed', concurrency: 64, durationMs, maxRequests: 5_000_000 } });
      else if (m.type === 'done') { child.disconnect(); resolve(m.result); } else reject(new Error(m.error.message));
    });
  });
}
const sides = { base: server(process.cwd()), new: server(newRoot!) };
const url = { base: (await sides.base.next('ready')).url, new: (await sides.new.next('ready')).url };
await Promise.all([load(url.base, 3000), load(url.new, 3000)]);
const ratios: number[] = [];
for (let r = 0; r < Number(rounds); r++) {
  for (const k of ['base', 'new'] as const) { sides[k].child.send({ type: 'reset' }); await sides[k].next('reset'); }
  const [rb, rn] = await Promise.all([load(url.base, Number(secs) * 1000), load(url.new, Number(secs) * 1000)]);
  const out: Record<string, string> = {};
  const rps: Record<string, number> = {};
  for (const [k, res] of [['base', rb], ['new', rn]] as const) {
    sides[k].child.send({ type: 'stats' });
    const st: ProcessStats = (await sides[k].next('stats')).stats;
    rps[k] = res.count / (res.elapsedMs / 1000);
    out[k] = `${rps[k].toFixed(0)} req/s ${((st.cpuMs * 1000) / res.count).toFixed(0)} us CPU/req GC ${((st.gc.totalMs * 1000) / res.count).toFixed(0)} us/req${res.non200 || res.errors ? ` NON200 ${res.non200} ERR ${res.errors}` : ''}`;
  }
  ratios.push(rps.new! / rps.base!);
  console.log(`round ${r + 1} load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}: base ${out.base} | new ${out.new} | new/base ${(rps.new! / rps.base!).toFixed(2)}`);
}
for (const k of ['base', 'new'] as const) sides[k].child.send({ type: 'close' });
console.log(`median new/base ${ratios.sort((a, b) => a - b)[ratios.length >> 1]!.toFixed(2)}`);
