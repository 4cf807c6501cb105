import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { ModelRepository } from './repository.js';
import type { ModelSource, RepositoryOptions } from './repository.js';

export interface ModelServerOptions {
  /** An opened repository (kept open on close) or the options to open one (closed with the server). */
  repository: ModelRepository | RepositoryOptions;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Largest request body in bytes; default 64 MiB. */
  maxBodyBytes?: number;
  logError?: (error: unknown) => void;
}

/** A listening server. */
export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  readonly port: number;
  readonly app: Hono;
  readonly repository: ModelRepository;
  /** Stops accepting connections, waits for requests in flight, then releases the sessions it opened. */
  close(): Promise<void>;
}

/**
 * Opens the models and serves the KServe v2 REST API.
 *
 * @example
 * const server = await createModelServer({ repository: { models: [{ name: 'risk', model: 'risk.onnx' }] } });
 * await fetch(`${server.url}/v2/models/risk`);
 * await server.close();
 */
export async function createModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const owned = !(options.repository instanceof ModelRepository);
  const repository = options.repository instanceof ModelRepository ? options.repository : await ModelRepository.open(options.repository);
  let closing = false;
  const app = createApp(repository, {
    isReady: () => !closing,
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  let server: ServerType;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, resolve);
    server.once('error', reject);
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    app,
    repository,
    async close() {
      closing = true;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would hold close() open until they time out.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      if (owned) await repository.close();
    },
  };
}

const USAGE = `usage: pitboss-model-server --repo DIR [--model NAME=FILE[@VERSION]]... [--port 8000] [--host 127.0.0.1] [--max-body-mb 64] [--threads N] [--provider auto|cpu|cuda]`;

/**
 * The `pitboss-model-server` command: serves until SIGINT/SIGTERM, then
 * closes gracefully. Returns the exit code.
 *
 * @example
 * process.exitCode = await runServerCli(['--repo', 'models', '--port', '8000']);
 */
export async function runServerCli(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      repo: { type: 'string' },
      model: { type: 'string', multiple: true },
      port: { type: 'string', default: '8000' },
      host: { type: 'string', default: '127.0.0.1' },
      'max-body-mb': { type: 'string', default: '64' },
      threads: { type: 'string' },
      provider: { type: 'string', default: 'auto' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || (!values.repo && !values.model)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const models: ModelSource[] = (values.model ?? []).map((spec) => {
    const m = /^([^=]+)=(.+?)(?:@([0-9]+))?$/.exec(spec);
    if (!m) throw new Error(`--model ${spec}: expected NAME=FILE[@VERSION]`);
    return m[3] ? { name: m[1]!, model: m[2]!, version: m[3] } : { name: m[1]!, model: m[2]! };
  });
  const repository: RepositoryOptions = { models };
  if (values.repo) repository.directory = values.repo;
  if (values.threads) repository.threads = Number(values.threads);
  const provider = values.provider;
  if (provider !== 'auto' && provider !== 'cpu' && provider !== 'cuda') {
    console.error(`--provider ${provider}: expected auto, cpu or cuda\n${USAGE}`);
    return 2;
  }
  repository.executionProviders = provider;
  const server = await createModelServer({
    repository,
    port: Number(values.port),
    host: values.host,
    maxBodyBytes: Number(values['max-body-mb']) * 1024 * 1024,
  });
  const loaded = server.repository.names().map((n) => `${n} (${server.repository.versions(n).join(', ')})`);
  console.error(`serving ${loaded.join(', ')} at ${server.url}/v2`);
  const providers = new Set(server.repository.names().flatMap((n) => server.repository.versions(n).map((v) => server.repository.get(n, v).executionProvider)).map((p) => `${p.provider} (${p.reason})`));
  console.error(`execution provider: ${[...providers].join('; ') || 'none loaded'}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.error('closing: draining requests in flight');
  await server.close();
  return 0;
}
