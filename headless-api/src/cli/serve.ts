import { createApp } from '../app/app.js';
import { securityFromConfig } from '../app/security.js';
import type { Logger } from '../app/logger.js';
import type { Config } from '../config.js';
import { scoringFromConfig } from '../scoring/from-config.js';
import type { ScoringService } from '../scoring/service.js';
import { listen, onShutdownSignal } from '../server.js';
import type { RunningServer } from '../server.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Storage } from './common.js';
import type { Verb } from './main.js';

/**
 * Serves the API over `storage` until SIGTERM/SIGINT: then `/readyz` turns
 * 503, the listener stops accepting, in-flight requests finish, re-scoring
 * stops, and storage closes.
 *
 * @example
 * const running = await serveStorage(config, storage, logger);
 */
export async function serveStorage(config: Config, storage: Storage, logger: Logger, scoring: ScoringService = scoringFromConfig(config, storage, logger)): Promise<RunningServer> {
  let draining = false;
  const { app, live } = createApp({ storage, logger, config: { limits: config.limits }, lifecycle: { draining: () => draining }, scoring, security: securityFromConfig(config.security) });
  const running = await listen({ fetch: app.fetch, host: config.host, port: config.port, logger });
  logger.info('listening', { url: running.url, driver: config.driver, databases: storage.databases.length });
  onShutdownSignal(async () => {
    draining = true;
    // Open /v1/stream responses end now (event: shutdown) instead of holding close() to its grace period.
    live.close();
    await running.close();
    // Scoring before storage: closing it stops the re-score queue (the feature refresher's
    // consumer, so refreshes still draining in storage.close() queue nothing new) and waits for
    // the batch in progress while the pools can still serve it. The other way round, that batch
    // waited for a connection of an ended pool and shutdown never finished.
    await scoring.close();
    await storage.close();
    // Anything still holding the loop (a stuck socket, a timer in a driver) must not keep a stopped server alive.
    setTimeout(() => process.exit(), 2000).unref();
  }, logger);
  return running;
}

export const serveVerb: Verb = {
  summary: 'serve the HTTP API (databases must be migrated: see `pitboss migrate`)',
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {});
      if (values.help) {
        console.log('usage: pitboss serve [--port N] [--host H] [--driver pglite|pg|neon] [--database-urls URLS] [--data-dir DIR]\n\nEnvironment: PORT, HOST, PITBOSS_DRIVER, PITBOSS_DATABASE_URLS, PITBOSS_CONTROL_URL, PITBOSS_DATA_DIR, PITBOSS_MAX_BODY_BYTES, PITBOSS_MAX_LINES, PITBOSS_LOG_LEVEL');
        return 0;
      }
      const logger = cliLogger(config);
      const storage = await openStorage(config, logger);
      await serveStorage(config, storage, logger);
      return 0;
    }),
};
