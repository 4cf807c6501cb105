import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createJsonLogger, createStorage, listen } from '@pitboss/headless-api';
import type { EventInput } from '@pitboss/sdk';
import type { AppLimits, PitbossApp, RunningServer, ShardedStorage } from '@pitboss/headless-api';

/** The real API (PGlite storage) behind a real HTTP listener on loopback. */
export interface ApiServer {
  url: string;
  /** The app in process: requests through it skip the listener (used while the listener is down). */
  app: PitbossApp['app'];
  /** Closes the HTTP listener, cutting open streams; the app and its live bus stay. */
  stopListener(): Promise<void>;
  /** Listens again on the same port. */
  startListener(): Promise<void>;
  storage: ShardedStorage;
  key(role: 'admin' | 'analyst' | 'agent', tenant?: string): Promise<string>;
  tenant: string;
  close(): Promise<void>;
}

export async function startApi(limits: Partial<AppLimits> = {}): Promise<ApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-sdk-'));
  const storage = await createStorage({ driver: 'pglite', dataDir: dir });
  await storage.migrate();
  const logger = createJsonLogger({ level: 'error', write: () => undefined });
  // Rate limits off: browser suites page and export with one key, as fast as Chromium goes.
  const { app } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 1 << 20, maxLines: 500, maxDeadLetterChars: 8192, ...limits } }, security: { rateLimit: false } });
  let server: RunningServer | undefined = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
  const port = server.port;
  const tenant = `sdk${Date.now().toString(36)}`;
  return {
    url: server.url,
    app,
    stopListener: async () => {
      await server?.close(0);
      server = undefined;
    },
    startListener: async () => {
      server = await listen({ fetch: app.fetch, host: '127.0.0.1', port, logger });
    },
    storage,
    tenant,
    key: async (role, t = tenant) => (await storage.createApiKey(t, role)).key,
    close: async () => {
      await server?.close(200);
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** A profile event that registers `player` in `country`. */
export function registered(player: string, country = 'GB', extra: Record<string, unknown> = {}): EventInput {
  return {
    schema_version: 1, type: 'player.updated', event_id: `reg-${player}-${++seq}`, player_id: player, occurred_at: ago(600),
    profile: { registered_at: ago(600 - (seq % 300)), country, currency: 'EUR', brand: 'acme', ...extra },
  };
}

/** The API's `POST /v1/events` called in process (no listener needed). */
export async function ingestInProcess(api: ApiServer, key: string, events: readonly object[]): Promise<void> {
  const res = await api.app.request('/v1/events', {
    method: 'POST', body: events.map((e) => JSON.stringify(e)).join('\n'), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
  });
  if (res.status !== 200) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
}

/** An approved card deposit. */
export function deposit(player: string, amount = 5000): EventInput {
  return {
    schema_version: 1, type: 'payment', event_id: `pay-${player}-${++seq}`, player_id: player, occurred_at: ago(120),
    payment_id: `pm-${seq}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: amount, currency: 'EUR',
  };
}
