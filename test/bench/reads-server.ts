// One server of the reads bench, in a process of its own (started by reads.bench.ts with `fork`):
// the Pitboss app, or the bare node:http + pg baseline. Its own process, so that neither the load
// generator (and its garbage) nor the other server shares its heap, GC or event loop.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { createApp } from '../../headless-api/src/app/app.js';
import { createJsonLogger } from '../../headless-api/src/app/logger.js';
import { listen } from '../../headless-api/src/server.js';
import { createStorage } from '../../headless-api/src/storage/index.js';
import type { ShardedStorage } from '../../headless-api/src/storage/index.js';
import type { FromServer, ProcessStats, ServerSpec, ToServer } from './reads-protocol.js';

const send = (m: FromServer) => process.send!(m);
const spec = JSON.parse(process.argv[2]!) as ServerSpec;

// Measured the same way in both servers, so that their figures compare.
const gc = { count: 0, major: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
let cpu = process.cpuUsage();

function stats(): ProcessStats {
  const used = process.cpuUsage(cpu);
  return {
    gc: { ...gc },
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    cpuMs: (used.user + used.system) / 1000,
  };
}

function reset(): void {
  gc.count = gc.major = gc.totalMs = gc.maxMs = 0;
  loop.reset();
  cpu = process.cpuUsage();
}

/** The baseline: node:http and pg, nothing else, answering the same query with the same routing. */
async function bare(storage: ShardedStorage, sql: string): Promise<{ url: string; close(): Promise<void> }> {
  // Idle connections kept as long as Pitboss's pools keep them (storage.ts: 30 s; pg's default is 10 s): a server
  // waits 16-24 s while the other is measured, and with 10 s the bare server alone began each of its runs by
  // reconnecting and preparing again on every connection (its open loop at Pitboss's rate: p99 0.6-1.1 s).
  const pools = spec.urls.map((u) => new pg.Pool({ connectionString: u, max: spec.poolSize, idleTimeoutMillis: 30_000 }));
  const server = createServer((req, res) => {
    const id = decodeURIComponent((req.url ?? '').slice('/v1/players/'.length));
    storage
      .databaseOf(spec.tenant, id)
      .then((db) => pools[db]!.query({ name: 'pb_get_player', text: sql, values: [spec.tenant, id] }))
      .then(
        (r) => {
          const row = r.rows[0] as Record<string, unknown> | undefined;
          res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(row ?? { error: 'not found' }));
        },
        (err: Error) => {
          // Pitboss logs its 500s (warn level and up); so does the baseline, so a failed run says why.
          console.error(`bare server: ${err.message}`);
          res.writeHead(500);
          res.end(err.message);
        },
      );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

async function pitboss(storage: ShardedStorage): Promise<{ url: string; close(): Promise<void> }> {
  // Rate limits off: a latency figure at full speed, not a rate-limit one.
  const logger = createJsonLogger({ level: 'warn' });
  const { app } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 16 << 20, maxLines: 10_000, maxDeadLetterChars: 8192 } }, security: { rateLimit: false } });
  const running = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
  return { url: running.url, close: () => running.close(1000) };
}

try {
  // The bare server uses storage only to route a player to its database (the shard map, read once).
  const storage = await createStorage({ driver: 'pg', urls: spec.urls, poolSize: spec.kind === 'bare' ? 1 : spec.poolSize });
  const server = spec.kind === 'bare' ? await bare(storage, spec.sql!) : await pitboss(storage);
  process.on('message', (m: ToServer) => {
    if (m.type === 'reset') {
      reset();
      send({ type: 'reset' });
    } else if (m.type === 'stats') send({ type: 'stats', stats: stats() });
    else if (m.type === 'close') {
      void server.close().then(() => storage.close()).then(() => {
        send({ type: 'closed' });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready', url: server.url });
} catch (err) {
  const e = err as Error;
  send({ type: 'error', error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } });
  process.exitCode = 1;
  process.disconnect();
}
