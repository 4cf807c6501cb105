// SDK browser suites that need the real API: the root config plus a plugin
// that starts the Hono app (PGlite storage) inside web-test-runner's Node
// process and serves it under /pitboss-api on the test page's own origin
// (the API sends no CORS headers, and same-origin is how an embedding
// backoffice would proxy it anyway). Loads TypeScript sources, so run with:
//   node --conditions=source --import tsx node_modules/@web/test-runner/dist/bin.js \
//     --config sdk/web-test-runner.config.mjs "sdk/test/*.browser.api.ts"
// Components and examples that talk to the API use the same server: `*.browser.api.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import base from '../web-test-runner.config.mjs';

const PREFIX = '/pitboss-api';

/** Starts the API on first use; `stop` closes it when the run ends. */
function pitbossApi() {
  let started;
  const start = async () => {
    const { createApp, createJsonLogger, createStorage } = await import('@pitboss/headless-api');
    const dir = await mkdtemp(join(tmpdir(), 'pb-sdk-wtr-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    await storage.migrate();
    const logger = createJsonLogger({ level: 'error', write: () => undefined });
    // Scoring as `pitboss serve` wires it, but always through onnxruntime-node (onnxMinBatch 1, never the
    // TypeScript reference), so that suites compare onnxruntime-web (LocalScorer) with the server's ONNX path.
    const { ScoringService } = await import(new URL('../headless-api/src/scoring/service.ts', import.meta.url).href);
    const { inProcessBackend } = await import(new URL('../headless-api/src/scoring/backends.ts', import.meta.url).href);
    const scoring = new ScoringService(storage, { backend: inProcessBackend({ onnxMinBatch: 1 }), logger });
    scoring.attach();
    // Rate limits off: every browser suite of the run shares this one key.
    const { app } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 1 << 20, maxLines: 500, maxDeadLetterChars: 8192 } }, security: { rateLimit: false }, scoring });
    const { key } = await storage.createApiKey(`wtr${Date.now().toString(36)}`, 'admin');
    return { app, key, storage, dir, scoring };
  };
  /**
   * `POST /__pitboss/settle-features?as_of=ISO` with the suite's `Authorization: Bearer <key>`: waits for
   * pending feature refreshes, then recomputes every player of the key's tenant at `as_of` (the server
   * otherwise takes "now" per ingest), so a suite compares with local features at one known instant.
   */
  async function settleFeatures(ctx, storage) {
    const principal = await storage.verifyApiKey(String(ctx.get('authorization')).replace(/^Bearer /, ''));
    const asOf = new Date(String(ctx.query.as_of));
    if (!principal || ctx.method !== 'POST' || Number.isNaN(asOf.getTime())) {
      ctx.status = 400;
      ctx.body = { error: 'POST with Authorization: Bearer <key> and ?as_of=<ISO 8601>' };
      return;
    }
    const { refreshFeatures } = await import(new URL('../headless-api/src/storage/writes.ts', import.meta.url).href);
    await storage.featuresSettled();
    let players = 0;
    for (const db of storage.databases) {
      const ids = (await db.query('SELECT player_id FROM players WHERE tenant_id = $1', [principal.tenant])).map((r) => r.player_id);
      await refreshFeatures(db, principal.tenant, ids, asOf);
      players += ids.length;
    }
    ctx.body = { players, as_of: asOf.toISOString() };
  }
  // Middleware in the config run before the dev server's file serving (plugin `koa.use` runs after it).
  async function pitbossApiMiddleware(ctx, next) {
    if (ctx.path !== '/__pitboss/test-key' && ctx.path !== '/__pitboss/settle-features' && !ctx.path.startsWith(PREFIX + '/')) return next();
    started ??= start();
    const { app, key, storage } = await started;
    if (ctx.path === '/__pitboss/settle-features') return settleFeatures(ctx, storage);
    if (ctx.path === '/__pitboss/test-key') {
      // `?tenant=name`: an admin key of a tenant of the suite's own, for suites that count rows (all suites share one API).
      const tenant = ctx.query.tenant;
      if (typeof tenant === 'string' && /^[a-z0-9]{1,24}$/.test(tenant)) {
        ctx.body = { key: (await storage.createApiKey(`wtr${tenant}${Date.now().toString(36)}`, 'admin')).key, base: PREFIX };
        return;
      }
      ctx.body = { key, base: PREFIX };
      return;
    }
    const chunks = [];
    for await (const c of ctx.req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(ctx.req.headers)) if (typeof v === 'string') headers.set(k, v);
    // This stands for the operator's backend proxy, which calls the API server to server: the page's Origin is not the caller's.
    headers.delete('origin');
    const res = await app.fetch(new Request(`http://127.0.0.1${ctx.url.slice(PREFIX.length)}`, {
      method: ctx.method, headers, ...(body && ctx.method !== 'GET' ? { body } : {}),
    }));
    ctx.status = res.status;
    res.headers.forEach((v, k) => ctx.set(k, v));
    // Server-Sent Events (/v1/stream) never end: pass them on as they come, for live-update suites.
    if (res.body && res.headers.get('content-type')?.startsWith('text/event-stream')) {
      ctx.body = Readable.fromWeb(res.body);
      return;
    }
    ctx.body = Buffer.from(await res.arrayBuffer());
  }
  const plugin = {
    name: 'pitboss-api',
    // Start (and migrate PGlite: 35-40 s on a busy 2-core machine) before any browser runs, not inside the first suite's 60 s hook.
    async serverStart() {
      started ??= start();
      await started;
    },
    async serverStop() {
      if (!started) return;
      const { storage, dir, scoring } = await started;
      await scoring.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return { middleware: pitbossApiMiddleware, plugin };
}

const api = pitbossApi();

export default {
  ...base,
  files: ['sdk/test/*.browser.api.ts', 'components/src/**/*.browser.api.ts', 'examples/**/*.browser.api.ts', '!**/node_modules/**'],
  middleware: [api.middleware],
  plugins: [...base.plugins, api.plugin],
};
