import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { errorHandler, notFoundHandler, validationFailed } from './errors.js';
import { chain } from './chain.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { observe } from './observe.js';
import { requestId } from './request-id.js';
import { shedLoad } from './shed.js';
import { createSecurity } from './security.js';
import type { SecurityOptions } from './security.js';
import { securityHeaders } from './security-headers.js';
import { DOCS_HTML } from './routes/docs-page.js';
import { registerEventRoutes } from './routes/events.js';
import { hasExportStorage, registerExportRoutes } from './routes/export.js';
import { registerStreamRoutes } from './routes/stream.js';
import type { StreamOptions } from './routes/stream.js';
import { LiveBus, connectIngest } from './live.js';
import { registerOpsRoutes } from './routes/ops.js';
import type { Lifecycle } from './routes/ops.js';
import { SORT_KEYS } from '../storage/keyset.js';
import { registerPlayerRoutes } from './routes/players.js';
import { hasSegmentStorage, registerSegmentRoutes } from './routes/segments.js';
import { registerModelRoutes } from './routes/models.js';
import { registerScoreRoutes } from './routes/scores.js';
import { maskPersonalData } from './masking.js';
import { auditAccess, hasAuditStorage, registerAuditRoutes } from './routes/audit.js';
import { hasPrivacyStorage, registerPrivacyRoutes } from './routes/privacy.js';
import { authenticatePlatform, hasPlatformStorage, isPlatformRequest, registerAdminRoutes } from './routes/admin.js';
import { hasPlayer360Storage, registerPlayer360Routes } from './routes/player-360.js';
import { registerMeRoutes } from './routes/me.js';
import type { ScoringService } from '../scoring/service.js';
import type { AppEnv, AppOptions } from './types.js';

export interface CreateAppOptions extends AppOptions {
  /** Keys players can be sorted on; default: storage's whitelist (columns and every core feature). */
  sortKeys?: readonly string[];
  lifecycle?: Lifecycle;
  /** Model registry and scoring (`/v1/models`, `/v1/scores`, …); those routes are absent without it. */
  scoring?: ScoringService;
  /** Live updates bus behind `/v1/stream`; default: a new one, fed by the storage's committed events. */
  live?: LiveBus;
  /** Heartbeat, per-client buffer and retry of `/v1/stream`. */
  stream?: StreamOptions;
  /** Embed tokens, JWT verification, rate limits (see `security.ts`). */
  security?: SecurityOptions & { hsts?: boolean };
}

/** The Hono app plus what its host needs to reach. */
export interface PitbossApp {
  app: OpenAPIHono<AppEnv>;
  metrics: Metrics;
  /** Close it on shutdown so open `/v1/stream` responses end (`live.close()`). */
  live: LiveBus;
}

/**
 * Builds the runtime-agnostic Pitboss HTTP app: `/v1` routes scoped to the
 * caller's tenant, `/openapi.json`, `/docs`, `/healthz`, `/readyz`,
 * `/metrics`. Serve `app.fetch` with any runtime (Node, Bun, Deno, workers).
 *
 * @example
 * const { app } = createApp({ storage, config: { limits }, logger: createJsonLogger() });
 * serve({ fetch: app.fetch, port: 8787 });
 */
export function createApp(options: CreateAppOptions): PitbossApp {
  const { storage, logger, config } = options;
  const metrics = options.metrics ?? createMetrics();
  const lifecycle = options.lifecycle ?? { draining: () => false };
  if (storage.poolStats) {
    const stats = storage.poolStats.bind(storage);
    metrics.addGauge({
      name: 'pitboss_pool_connections',
      help: 'Database pool connections by database, pool (main; claims: event id claims) and state (total, idle, waiting clients).',
      collect: () => stats().flatMap((p) => (['total', 'idle', 'waiting'] as const).map((state) => ({ labels: { database: String(p.database), pool: p.pool ?? 'main', state }, value: p[state] }))),
    });
  }

  if (storage.featureStatus) {
    const status = storage.featureStatus.bind(storage);
    metrics.addGauge({
      name: 'pitboss_feature_refresh_backlog',
      help: 'Players whose features wait for a background refresh.',
      collect: () => [{ labels: {}, value: status().backlog }],
    });
    metrics.addGauge({
      name: 'pitboss_feature_refresh_failing',
      help: '1 for each database whose last feature refresh failed.',
      collect: () => status().errors.map((e) => ({ labels: { database: String(e.database) }, value: 1 })),
    });
  }

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.target, result.error.issues);
    },
  });

  const onError = errorHandler();
  // Each `chain` is one Hono layer that runs its links as Hono would run them one layer each (errors
  // answered at the link that threw, so the links before it still add their headers), without an
  // async frame and a promise per link held across the database wait (see chain.ts).
  app.use(chain(onError, requestId(), observe({ logger, metrics }), securityHeaders({ hsts: options.security?.hsts ?? false, docsHtml: DOCS_HTML })));
  const security = createSecurity(storage, options.security);
  app.onError(onError);
  app.notFound(notFoundHandler());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key, an embed token or a backoffice user JWT: `Authorization: Bearer <credential>`' });
  const v1: MiddlewareHandler<AppEnv>[] = [];
  if (config.limits.maxInFlight) v1.push(shedLoad(config.limits.maxInFlight));
  // Platform keys (`pbp_…`) are checked first and only open /v1/admin; the tenant chain skips their requests.
  if (hasPlatformStorage(storage)) v1.push(authenticatePlatform(storage.control));
  // Each link skips platform requests on its own: hono's `except` composed the chain anew on every request.
  v1.push(...security.middleware.map((m) => unless(isPlatformRequest, m)));
  v1.push(maskPersonalData());
  if (hasAuditStorage(storage)) v1.push(auditAccess(storage));
  app.use('/v1/*', chain(onError, ...v1));
  registerEventRoutes(app, { storage, metrics, ...(options.now ? { now: options.now } : {}), maxDeadLetterChars: config.limits.maxDeadLetterChars }, config.limits);
  registerPlayerRoutes(app, storage, options.sortKeys ?? SORT_KEYS, config.limits.maxBodyBytes);
  registerMeRoutes(app);
  if (options.scoring) {
    const scoring = options.scoring;
    metrics.addGauge({ name: 'pitboss_rescore_backlog', help: 'Players waiting to be re-scored after ingestion.', collect: () => [{ labels: {}, value: scoring.backlog }] });
    metrics.addGauge({ name: 'pitboss_rescore_failing', help: '1 while the last re-scoring after ingestion failed.', collect: () => [{ labels: {}, value: scoring.lastRescoreError ? 1 : 0 }] });
    registerModelRoutes(app, options.scoring, config.limits.maxBodyBytes);
    registerScoreRoutes(app, options.scoring, config.limits.maxBodyBytes);
  }
  if (hasSegmentStorage(storage)) registerSegmentRoutes(app, storage.segments, config.limits.maxBodyBytes);
  if (hasPrivacyStorage(storage)) registerPrivacyRoutes(app, storage, config.limits.maxBodyBytes);
  if (hasAuditStorage(storage)) registerAuditRoutes(app, storage);
  if (hasExportStorage(storage)) registerExportRoutes(app, storage);
  if (hasPlayer360Storage(storage)) {
    registerPlayer360Routes(app, {
      storage,
      ingest: { storage, metrics, ...(options.now ? { now: options.now } : {}), maxDeadLetterChars: config.limits.maxDeadLetterChars },
      audit: hasAuditStorage(storage) ? (entry) => storage.audit(entry) : null,
      maxBodyBytes: config.limits.maxBodyBytes,
    });
  }
  const live = options.live ?? new LiveBus();
  if (!options.live) connectIngest(storage, live);
  registerStreamRoutes(app, live, options.stream);
  metrics.addGauge({ name: 'pitboss_live_subscribers', help: 'Open /v1/stream connections.', collect: () => [{ labels: {}, value: live.subscribers }] });
  security.register(app, config.limits.maxBodyBytes);
  if (hasPlatformStorage(storage)) registerAdminRoutes(app, storage, config.limits.maxBodyBytes);
  registerOpsRoutes(app, storage, metrics, lifecycle);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Pitboss API',
      version: config.version ?? '0.1.0',
      description: 'Headless analytics and CRM API for betting and iGaming operators. Errors are application/problem+json (RFC 9457).',
    },
  });
  app.get('/docs', (c) => c.html(DOCS_HTML));
  return { app, metrics, live };
}

/** `middleware`, except for requests that meet `skip` (they go straight on). */
function unless(skip: (c: Context<AppEnv>) => boolean, middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (skip(c) ? next() : middleware(c, next));
}
