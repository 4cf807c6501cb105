import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from './app/logger.js';

export interface ServeOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  host: string;
  port: number;
  logger: Logger;
}

/** A listening Node HTTP server. */
export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to
   * `graceMs`, then cuts the rest) and resolves when the server is closed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves a fetch handler (the Hono app) on Node with `@hono/node-server`.
 *
 * @example
 * const running = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
 * console.log(running.url);
 */
export function listen(options: ServeOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: options.fetch, hostname: options.host, port: options.port }) as Server;
    // Node's default keep-alive (5 s) is shorter than most load balancers' idle timeout, which makes them reuse dead sockets.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${hostForUrl}:${port}`,
        port,
        server,
        close: (graceMs = 10_000) =>
          (closing ??= new Promise<void>((done, fail) => {
            const force = setTimeout(() => {
              options.logger.warn('grace period over; closing remaining connections', { grace_ms: graceMs });
              server.closeAllConnections();
            }, graceMs);
            force.unref();
            // Connections that were busy become idle once their response is out; close them as they do.
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            sweep.unref();
            server.close((err) => {
              clearTimeout(force);
              clearInterval(sweep);
              if (err) fail(err);
              else done();
            });
            server.closeIdleConnections();
          })),
      });
    });
  });
}

/**
 * Runs `shutdown` once on the first SIGTERM or SIGINT; a second signal exits
 * at once. Returns a function that removes the handlers.
 *
 * @example
 * onShutdownSignal(async (signal) => { draining = true; await running.close(); await storage.close(); }, logger);
 */
export function onShutdownSignal(shutdown: (signal: NodeJS.Signals) => Promise<void>, logger: Logger): () => void {
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn('second signal; exiting now', { signal });
      process.exit(130);
    }
    started = true;
    logger.info('shutting down', { signal });
    shutdown(signal).then(
      () => {
        logger.info('shut down cleanly');
        process.exitCode ??= 0;
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: err });
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
