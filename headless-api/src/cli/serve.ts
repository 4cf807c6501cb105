import pg from 'pg';
import { createApp } from '../app/app.js';
import { relayThroughPostgres } from '../app/live.js';
import type { ListenClient, LiveBus } from '../app/live.js';
import { securityFromConfig } from '../app/security.js';
import type { Logger } from '../app/logger.js';
import { CONFIG_VARIABLES } from '../config.js';
import type { Config } from '../config.js';
import { scoringFromConfig } from '../scoring/from-config.js';
import type { ScoringService } from '../scoring/service.js';
import { startFeatureAgeing } from '../storage/feature-ageing.js';
import { listen, onShutdownSignal } from '../server.js';
import type { RunningServer } from '../server.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Storage } from './common.js';
import type { Verb } from './main.js';
import type { NodeBindings } from '../static/backoffice.js';

/** The API's fetch handler, for calls from inside the process. */
export type ApiFetch = (request: Request) => Promise<Response>;

export interface ServeStorageOptions {
  /**
   * Builds a handler that sees every request first (the demo backoffice's
   * pages): it answers with a `Response`, or hands a `Request` on to the API.
   * It gets the API's fetch for its own in-process calls.
   */
  front?: (api: ApiFetch) => (request: Request, bindings?: NodeBindings) => Promise<Response | Request>;
}

/**
 * Serves the API over `storage`, sweeping for aged features every so often
 * (`config.featureMaxAgeHours`), until SIGTERM/SIGINT: then `/readyz` turns
 * 503, the listener stops accepting, in-flight requests finish, re-scoring
 * stops, and storage closes.
 *
 * @example
 * const running = await serveStorage(config, storage, logger);
 * const health = await running.api(new Request(`${running.url}/healthz`));
 */
export async function serveStorage(
  config: Config,
  storage: Storage,
  logger: Logger,
  scoring: ScoringService = scoringFromConfig(config, storage, logger),
  options: ServeStorageOptions = {},
): Promise<RunningServer & { api: ApiFetch }> {
  let draining = false;
  const { app, live } = createApp({ storage, logger, config: { limits: config.limits }, lifecycle: { draining: () => draining }, scoring, security: securityFromConfig(config.security) });
  const api: ApiFetch = async (request) => app.fetch(request);
  const front = options.front?.(api);
  const fetch = front
    ? async (request: Request, env?: unknown) => {
        const next = await front(request, env as NodeBindings | undefined);
        return next instanceof Response ? next : app.fetch(next, env);
      }
    : app.fetch;
  const relay = await liveRelayFromConfig(config, storage, live, logger);
  const running = await listen({ fetch, host: config.host, port: config.port, logger });
  logger.info('listening', { url: running.url, driver: config.driver, databases: storage.databases.length });
  const maxAgeHours = config.featureMaxAgeHours ?? 24;
  const ageing = maxAgeHours > 0 ? startFeatureAgeing(storage, { maxAgeMs: maxAgeHours * 3_600_000, logger }) : null;
  onShutdownSignal(async () => {
    draining = true;
    ageing?.stop();
    // Open /v1/stream responses end now (event: shutdown) instead of holding close() to its grace period.
    live.close();
    await running.close();
    await relay?.close();
    // Scoring before storage: closing it stops the re-score queue (the feature refresher's
    // consumer, so refreshes still draining in storage.close() queue nothing new) and waits for
    // the batch in progress while the pools can still serve it. The other way round, that batch
    // waited for a connection of an ended pool and shutdown never finished.
    await scoring.close();
    await storage.close();
    // Anything still holding the loop (a stuck socket, a timer in a driver) must not keep a stopped server alive.
    setTimeout(() => process.exit(), 2000).unref();
  }, logger);
  return { ...running, api };
}

/**
 * The live relay `config.liveRelay` asks for: with `postgres` (the default
 * for the `pg` and `neon` drivers), what any API process publishes reaches
 * the `/v1/stream` subscribers of every other one, through LISTEN/NOTIFY on
 * the control database over a connection of its own that reconnects after a
 * database restart (subscribers then get `reset`, reason `relay-gap`). Null
 * when off (embedded PGlite: one process).
 *
 * @example
 * const relay = await liveRelayFromConfig(config, storage, live, logger);
 * // on shutdown, after live.close(): await relay?.close();
 */
export async function liveRelayFromConfig(
  config: Pick<Config, 'driver' | 'controlUrl' | 'liveRelay'>,
  storage: Pick<Storage, 'control'>,
  live: LiveBus,
  logger: Logger,
): Promise<{ close(): Promise<void> } | null> {
  const url = config.controlUrl;
  if ((config.liveRelay ?? 'off') === 'off' || config.driver === 'pglite' || !url) return null;
  const listenClient = async (): Promise<ListenClient> => {
    const client =
      config.driver === 'neon'
        ? new (await import('@neondatabase/serverless')).Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
        : new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    // An error event before the relay listens must not crash the process (the relay hears the ones after).
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client as unknown as ListenClient;
  };
  const relay = await relayThroughPostgres(live, {
    listen: listenClient,
    notify: (sql, params) => storage.control.query(sql, params),
    onError: (error) => logger.warn('live relay', { error }),
    onReconnect: () => logger.info('live relay: LISTEN connection is back; /v1/stream subscribers were told to reset (relay-gap)'),
  });
  logger.info('live relay: /v1/stream carries what every API process publishes (Postgres LISTEN/NOTIFY on the control database)');
  return relay;
}

export const serveVerb: Verb = {
  summary: 'serve the HTTP API (databases must be migrated: see `pitboss migrate`)',
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {});
      if (values.help) {
        console.log('usage: pitboss serve [--port N] [--host H] [--driver pglite|pg|neon] [--database-urls URLS] [--data-dir DIR]\n\nEvery setting is an environment variable or its flag (flags win):\n' + Object.entries(CONFIG_VARIABLES).map(([v, f]) => `  ${v.padEnd(31)} ${f}`).join('\n') + '\n\nDefaults and meanings: headless-api/README.md, Configuration.');
        return 0;
      }
      const logger = cliLogger(config);
      const storage = await openStorage(config, logger);
      await serveStorage(config, storage, logger);
      return 0;
    }),
};
