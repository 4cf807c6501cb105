// The CPU of the Pitboss side of `GET /v1/players/{id}` alone, without sockets, Postgres or a load
// generator sharing the machine: the app runs behind @hono/node-server's request listener (as in
// `listen`), fed plain objects in the shape of node:http's request and response, 64 requests in flight;
// the player statement (`pb_get_player`) answers rows captured from the databases of `reads-profile.ts`
// (run it once first) after a macrotask, as a database would, so that every request waits across an
// event-loop turn. Everything else runs for real (auth with a real key, the shard map, masking for the
// analyst role, metrics, headers). On a 2-core machine shared with other work, req/s of the whole bench
// swing 2x between runs; this figure swings ~15% (take the lowest rounds), which tells a change of
// 5-10 µs per request from noise where `reads-ab.ts` cannot. It leaves out what the bare baseline
// shares (pg's parsing, node:http, syscalls), so it is no substitute for the bench.
//
//   node --expose-gc --conditions=source --import tsx test/bench/reads-inprocess.ts [requests per round]
import { EventEmitter } from 'node:events';
import { getRequestListener } from '@hono/node-server';
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import { ADMIN_URL } from './pg-admin.js';
import { playerPaths } from './reads.bench.js';

const TENANT = 'bench-reads';
const CONCURRENCY = 64;
const perRound = Number(process.argv[2] ?? 15_000);
const urls = [0, 1, 2, 3].map((i) => Object.assign(new URL(ADMIN_URL), { pathname: `/pb_reads_prof_${i}` }).toString());
const storage = await createStorage({ driver: 'pg', urls, poolSize: 2 });
const { ids, paths } = await playerPaths(storage, TENANT);
const key = (await storage.createApiKey(TENANT, 'analyst')).key;

type Query = (typeof storage.databases)[number]['query'];
const real = storage.databases.map((db) => db.query);
const captured: unknown[] = [];
storage.databases.forEach((db, i) => {
  db.query = (async (text: string, params?: unknown[], options?: { name?: string }) => {
    const rows = await real[i]!.call(db, text, params, options);
    if (options?.name === 'pb_get_player') captured.push(structuredClone(rows));
    return rows;
  }) as Query;
});
for (const id of ids.slice(0, 64)) await storage.getPlayer(TENANT, id);
if (captured.length === 0) throw new Error('storage.getPlayer ran no statement named pb_get_player; update this harness');

// Rows are converted in place by storage, so each read gets a fresh copy, made before a round is timed.
let stock: unknown[] = [];
let spare = 0;
storage.databases.forEach((db, i) => {
  db.query = ((text: string, params?: unknown[], options?: { name?: string }) => {
    if (options?.name !== 'pb_get_player') return real[i]!.call(db, text, params, options);
    const rows = stock.pop() ?? structuredClone(captured[spare++ % captured.length]);
    return new Promise<unknown>((resolve) => setImmediate(() => resolve(rows)));
  }) as Query;
});

const logger = createJsonLogger({ level: 'warn' });
const { app } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 16 << 20, maxLines: 10_000, maxDeadLetterChars: 8192 } }, security: { rateLimit: false } });
const listener = getRequestListener(app.fetch);

/** What @hono/node-server reads and calls on a node:http response, for a body written in one piece. */
class Outgoing extends EventEmitter {
  statusCode = 0;
  headersSent = false;
  writable = true;
  _contentLength: number | null = null;
  _hasBody = true;
  useChunkedEncodingByDefault = true;
  _removedContLen = false;
  constructor(readonly done: (status: number) => void) {
    super();
  }
  hasHeader(): boolean {
    return false;
  }
  writeHead(status: number): this {
    this.statusCode = status;
    this.headersSent = true;
    return this;
  }
  end(): void {
    this.done(this.statusCode);
  }
}

let non200 = 0;
function request(path: string): Promise<void> {
  const authorization = `Bearer ${key}`;
  const incoming = Object.assign(new EventEmitter(), {
    method: 'GET', url: path, complete: true, readableEnded: true, socket: { encrypted: false },
    headers: { host: '127.0.0.1:8787', authorization, connection: 'keep-alive' },
    rawHeaders: ['Host', '127.0.0.1:8787', 'Authorization', authorization, 'Connection', 'keep-alive'],
  });
  return new Promise<void>((resolve) => {
    const outgoing = new Outgoing((status) => {
      if (status !== 200) non200++;
      resolve();
    });
    void listener(incoming as never, outgoing as never);
  });
}

async function round(n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await request(paths[next++ % paths.length]!);
  }));
}

await round(5000); // warm-up: JIT, caches
for (let r = 1; r <= 5; r++) {
  stock = Array.from({ length: perRound }, (_, j) => structuredClone(captured[j % captured.length]));
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.cpuUsage();
  await round(perRound);
  const used = process.cpuUsage(before);
  console.log(`round ${r}: ${((used.user + used.system) / perRound).toFixed(1)} µs CPU per request${non200 ? `; ${non200} answers not 200 so far` : ''}`);
}
storage.databases.forEach((db, i) => void (db.query = real[i]!));
await storage.close();
