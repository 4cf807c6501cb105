// In-browser runtime against native engines, same data, same run:
//  - DuckDB-WASM (worker, eh bundle, 1 thread) GROUP BY over 10M rows vs @duckdb/node-api;
//  - Arrow IPC → DuckDB-WASM load, rows/s end to end (page → worker → DuckDB);
//  - onnxruntime-web (worker, WASM) predictions/s vs onnxruntime-node.
// The page loads the *built* package (wasm/dist, rebuilt when stale) with its
// default asset URLs, from a static server on 127.0.0.1: nothing from a CDN.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { build } from 'esbuild';
import * as ortNode from 'onnxruntime-node';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { mlpToOnnx, randomInputs, randomMlp } from '../../wasm/test/onnx-model.js';
import { median, type Bench, type BenchContext, type Figure } from './types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GROUP_BY_GOAL = 3; // DuckDB-WASM at most 3 × native
const SCORING_GOAL = 0.25; // onnxruntime-web at least 0.25 × onnxruntime-node

// The same rows in both engines, from integer arithmetic that JavaScript
// doubles and DuckDB BIGINTs compute identically (products stay below 2^53).
const PLAYERS = 100_003;
const GROUP_BY_SQL = 'SELECT player_id, count(*)::BIGINT AS n, sum(stake) AS total FROM events GROUP BY player_id';
const CHECK_SQL = `SELECT count(*)::DOUBLE AS groups, sum(n)::DOUBLE AS rows, sum(total) AS total FROM (${GROUP_BY_SQL})`;
const nativeTableSql = (rows: number): string =>
  `CREATE OR REPLACE TABLE events AS SELECT (i * 7919 % ${PLAYERS})::INTEGER AS player_id, ` +
  `((i * 40503 % 10007) / 100.0)::DOUBLE AS stake, (i % 5)::INTEGER AS kind FROM range(${rows}) t(i)`;

const PAGE = `
import { tableFromArrays, tableToIPC, tableFromIPC } from 'apache-arrow';
import { openDuckDB, openScorer } from '/wasm/dist/index.js';
let db, scorer, ipc;
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
window.bench = {
  async open() {
    db = await openDuckDB();
    scorer = await openScorer();
    return { duckdb: await db.diagnostics(), scoring: await scorer.diagnostics() };
  },
  makeRows(rows) {
    const player_id = new Int32Array(rows), stake = new Float64Array(rows), kind = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      player_id[i] = (i * 7919) % ${PLAYERS};
      stake[i] = ((i * 40503) % 10007) / 100;
      kind[i] = i % 5;
    }
    ipc = tableToIPC(tableFromArrays({ player_id, stake, kind }), 'stream');
    return ipc.byteLength;
  },
  // WebAssembly code starts in V8's baseline tier and is optimised as it runs:
  // one small untimed round of each operation measures the steady state.
  async warmUp(sql) {
    const n = 200000;
    const t = tableFromArrays({ player_id: Int32Array.from({ length: n }, (_, i) => (i * 7919) % ${PLAYERS}), stake: new Float64Array(n), kind: new Int32Array(n) });
    await db.loadArrow('events', tableToIPC(t, 'stream'), { replace: true });
    await db.query(sql);
    await db.query('DROP TABLE events');
  },
  async load() {
    const bytes = ipc.slice();
    const t0 = performance.now();
    const rows = await db.loadArrow('events', bytes, { replace: true });
    return { ms: performance.now() - t0, rows };
  },
  async query(sql) {
    const t0 = performance.now();
    const bytes = await db.query(sql);
    const ms = performance.now() - t0;
    return { ms, rows: tableFromIPC(bytes).numRows };
  },
  async check(sql) {
    return (await db.queryTable(sql)).get(0).toJSON();
  },
  async loadModel(model) {
    return scorer.load(b64(model), 'wasm');
  },
  async score(input, rows, repeats, warmUp) {
    const x = new Float32Array(b64(input).buffer);
    for (let r = 0; r < warmUp; r++) await scorer.score(x.slice(), rows);
    const times = [];
    let out;
    for (let r = 0; r < repeats; r++) {
      const copy = x.slice();
      const t0 = performance.now();
      out = await scorer.score(copy, rows);
      times.push(performance.now() - t0);
    }
    return { times, first: Array.from(out.subarray(0, 64)) };
  },
  async close() { await db?.close(); await scorer?.close(); },
};
`;

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function ensureBuilt(log: (m: string) => void): void {
  const built = join(root, 'wasm/dist/duckdb.worker.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'wasm/src'))) return;
  log('building wasm/dist (rollup)…');
  const r = spawnSync(join(root, 'node_modules/.bin/rollup'), ['-c', 'rollup.config.mjs', '--environment', 'PKG:wasm', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`rollup failed for wasm (exit ${r.status})`);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };

/** `isolated`: COOP/COEP on every response, so the page and its workers may use threads. */
function serve(pageDir: string, isolated: boolean): Promise<{ server: Server; url: string }> {
  // The built package, comlink (its only dependency besides Arrow) and the page.
  const routes: [string, string][] = [
    ['/wasm/dist/', join(root, 'wasm/dist')],
    ['/node_modules/comlink/dist/esm/', join(root, 'node_modules/comlink/dist/esm')],
    ['/', pageDir],
  ];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const route = routes.find(([prefix]) => path.startsWith(prefix));
    const file = route ? normalize(join(route[1], path.slice(route[0].length) || 'index.html')) : null;
    if (!route || !file || !file.startsWith(route[1] + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...isolation });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (!addr || typeof addr === 'string') return reject(new Error('no address'));
      resolve({ server, url: `http://127.0.0.1:${addr.port}/` });
    });
  });
}

async function buildPage(dir: string): Promise<void> {
  // apache-arrow as one ES module for the import map; the package itself is served as built.
  await build({
    stdin: { contents: "export * from 'apache-arrow';", resolveDir: root, loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'apache-arrow.js'), logLevel: 'warning',
  });
  const importMap = { imports: { 'apache-arrow': '/apache-arrow.js', comlink: '/node_modules/comlink/dist/esm/comlink.mjs' } };
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><script type="importmap">${JSON.stringify(importMap)}</script><script type="module">${PAGE}</script><body></body></html>`;
  writeFileSync(join(dir, 'index.html'), html);
}

type BenchWindow = Window & { bench: Record<string, (...args: never[]) => Promise<unknown> | unknown> };
function call<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate((m, a) => (window as unknown as BenchWindow).bench[m]!(...(a as never[])), method, args) as Promise<T>;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

interface Check { groups: number; rows: number; total: number }

const bench: Bench = {
  name: 'wasm workers',
  async run(ctx: BenchContext): Promise<Figure[]> {
    const rows = ctx.quick ? 1_000_000 : 10_000_000;
    const batches = ctx.quick ? [10_000, 50_000] : [10_000, 100_000];
    const scoreRepeats = ctx.quick ? 10 : 30;
    const scoreWarmUp = 5;
    const label = `${rows / 1_000_000}M rows`;
    ensureBuilt(ctx.log);

    const pageDir = mkdtempSync(join(tmpdir(), 'pitboss-wasm-bench-'));
    const profile = mkdtempSync(join(tmpdir(), 'pitboss-wasm-chrome-'));
    let browser: Browser | null = null;
    const servers: Server[] = [];
    const native = await DuckDBInstance.create(':memory:');
    const conn = await native.connect();
    try {
      await buildPage(pageDir);
      const served = await serve(pageDir, false);
      servers.push(served.server);
      browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        protocolTimeout: 600_000,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(served.url);
      await page.waitForFunction(() => 'bench' in window);
      const diag = await call<{ duckdb: { bundle: string; threads: number; threadsOffReason: string | null }; scoring: { threads: number } }>(page, 'open');
      ctx.log(`DuckDB-WASM bundle ${diag.duckdb.bundle}, ${diag.duckdb.threads} thread (${diag.duckdb.threadsOffReason}); ORT ${diag.scoring.threads} thread`);

      await call(page, 'warmUp', GROUP_BY_SQL);
      // Arrow IPC → DuckDB-WASM.
      const ipcBytes = await call<number>(page, 'makeRows', rows);
      ctx.log(`Arrow IPC: ${(ipcBytes / 2 ** 20).toFixed(0)} MiB for ${label}`);
      const loads: number[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        const l = await call<{ ms: number; rows: number }>(page, 'load');
        if (l.rows !== rows) throw new Error(`DuckDB-WASM loaded ${l.rows} rows, expected ${rows}`);
        loads.push(l.ms);
      }
      const loadRate = rows / (median(loads) / 1000);

      // GROUP BY, same data in both engines, checked equal before timing counts.
      await conn.run(nativeTableSql(rows));
      const nativeCheck = (await conn.runAndReadAll(CHECK_SQL)).getRowObjectsJS()[0] as unknown as Check;
      const wasmCheck = await call<Check>(page, 'check', CHECK_SQL);
      if (nativeCheck.groups !== wasmCheck.groups || nativeCheck.rows !== wasmCheck.rows || Math.abs(nativeCheck.total - wasmCheck.total) > 1e-6 * Math.abs(nativeCheck.total)) {
        throw new Error(`engines disagree: native ${JSON.stringify(nativeCheck)} vs wasm ${JSON.stringify(wasmCheck)}`);
      }
      const wasmTimes: number[] = [];
      const nativeTimes: number[] = [];
      for (let r = 0; r < ctx.repeats; r++) {
        wasmTimes.push((await call<{ ms: number }>(page, 'query', GROUP_BY_SQL)).ms);
        const t0 = performance.now();
        await conn.runAndReadAll(GROUP_BY_SQL);
        nativeTimes.push(performance.now() - t0);
      }
      const wasmMs = median(wasmTimes);
      const nativeMs = median(nativeTimes);

      // Scoring: the same MLP and inputs on both runtimes. A round trip to the
      // worker costs a few ms on a busy machine, so a small and a large batch.
      const mlp = randomMlp(32, 64);
      const model = mlpToOnnx(mlp);
      await call(page, 'loadModel', b64(model));
      const session = await ortNode.InferenceSession.create(model);
      const scoring: { batch: number; web: number; node: number; samples: number[] }[] = [];
      for (const batch of batches) {
        const input = randomInputs(batch, 32);
        const web = await call<{ times: number[]; first: number[] }>(page, 'score', b64(new Uint8Array(input.buffer)), batch, scoreRepeats, scoreWarmUp);
        const nodeTimes: number[] = [];
        let nodeFirst: Float32Array = new Float32Array(0);
        for (let r = 0; r < scoreWarmUp; r++) await session.run({ features: new ortNode.Tensor('float32', input.slice(), [batch, 32]) });
        for (let r = 0; r < scoreRepeats; r++) {
          const x = input.slice();
          const t0 = performance.now();
          const out = await session.run({ features: new ortNode.Tensor('float32', x, [batch, 32]) });
          nodeTimes.push(performance.now() - t0);
          nodeFirst = out.probability!.data as Float32Array;
        }
        const worst = web.first.reduce((m, v, i) => Math.max(m, Math.abs(v - nodeFirst[i]!)), 0);
        if (worst > 1e-5) throw new Error(`onnxruntime-web and onnxruntime-node disagree by ${worst}`);
        scoring.push({ batch, web: batch / (median(web.times) / 1000), node: batch / (median(nodeTimes) / 1000), samples: web.times });
      }

      // The same, on a cross-origin isolated page: onnxruntime-web may use threads there.
      const isolatedServed = await serve(pageDir, true);
      servers.push(isolatedServed.server);
      const isolatedPage = await browser.newPage();
      isolatedPage.on('pageerror', (e) => errors.push(String(e)));
      await isolatedPage.goto(isolatedServed.url);
      await isolatedPage.waitForFunction(() => 'bench' in window);
      const isolatedDiag = await call<{ duckdb: { threads: number; threadsOffReason: string | null }; scoring: { threads: number; crossOriginIsolated: boolean; threadsOffReason: string | null } }>(isolatedPage, 'open');
      if (!isolatedDiag.scoring.crossOriginIsolated) throw new Error('the isolated page is not cross-origin isolated');
      ctx.log(`isolated page: ORT ${isolatedDiag.scoring.threads} threads; DuckDB ${isolatedDiag.duckdb.threads} (${isolatedDiag.duckdb.threadsOffReason})`);
      await call(isolatedPage, 'loadModel', b64(model));
      const bigBatch = batches[batches.length - 1]!;
      const bigInput = randomInputs(bigBatch, 32);
      const threaded = await call<{ times: number[]; first: number[] }>(isolatedPage, 'score', b64(new Uint8Array(bigInput.buffer)), bigBatch, scoreRepeats, scoreWarmUp);
      const nodeBig = scoring[scoring.length - 1]!.node;
      const reference = (await session.run({ features: new ortNode.Tensor('float32', bigInput.slice(), [bigBatch, 32]) })).probability!.data as Float32Array;
      const threadedWorst = threaded.first.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i]!)), 0);
      if (threadedWorst > 1e-5) throw new Error(`threaded onnxruntime-web and onnxruntime-node disagree by ${threadedWorst}`);
      await call(isolatedPage, 'close');
      await session.release();

      await call(page, 'close');
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      return [
        {
          name: `GROUP BY player_id over ${label} (${PLAYERS} groups), DuckDB-WASM worker, eh bundle, 1 thread`,
          value: wasmMs,
          unit: 'ms',
          baseline: { name: '@duckdb/node-api, same data, default threads', value: nativeMs },
          ratio: nativeMs / wasmMs,
          higherIsBetter: false,
          goal: `≤ ${GROUP_BY_GOAL} × native`,
          met: wasmMs <= GROUP_BY_GOAL * nativeMs,
          samples: wasmTimes,
        },
        {
          name: `Arrow IPC → DuckDB-WASM load (${label}, page → worker → table)`,
          value: loadRate,
          unit: 'rows/s',
          higherIsBetter: true,
          samples: loads,
        },
        ...scoring.map(
          (m): Figure => ({
            name: `onnxruntime-web WASM in the worker, MLP 32→64→1, batch ${m.batch.toLocaleString('en')} (end to end via comlink)`,
            value: m.web,
            unit: 'predictions/s',
            baseline: { name: 'onnxruntime-node CPU, same model and batch', value: m.node },
            ratio: m.web / m.node,
            higherIsBetter: true,
            goal: `≥ ${SCORING_GOAL} × onnxruntime-node`,
            met: m.web >= SCORING_GOAL * m.node,
            samples: m.samples,
          }),
        ),
        {
          name: `onnxruntime-web WASM in the worker, ${isolatedDiag.scoring.threads} threads (cross-origin isolated page), batch ${bigBatch.toLocaleString('en')}`,
          value: bigBatch / (median(threaded.times) / 1000),
          unit: 'predictions/s',
          baseline: { name: 'onnxruntime-node CPU, same model and batch', value: nodeBig },
          ratio: bigBatch / (median(threaded.times) / 1000) / nodeBig,
          higherIsBetter: true,
          goal: `≥ ${SCORING_GOAL} × onnxruntime-node`,
          met: bigBatch / (median(threaded.times) / 1000) >= SCORING_GOAL * nodeBig,
          samples: threaded.times,
        },
      ];
    } finally {
      await browser?.close();
      for (const server of servers) await new Promise<void>((r) => server.close(() => r()));
      conn.closeSync();
      native.closeSync();
      rmSync(pageDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    }
  },
};

export default bench;
