import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seedTenant } from '../app/seed.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Storage } from './common.js';
import type { Verb } from './main.js';
import { progressLine } from './seed.js';
import { serveStorage } from './serve.js';
import type { ApiFetch } from './serve.js';
import { backofficeCacheDir, backofficeHandler, bundleBackoffice, loopbackOrigins } from '../static/backoffice.js';
import type { BackofficeBundle } from '../static/backoffice.js';
import { demoModel } from '../scoring/demo-model.js';
import { scoringFromConfig } from '../scoring/from-config.js';

export const DEMO_TENANT = 'demo';

/**
 * The demo key lives in the data directory (mode 600) so that a second start
 * prints a key that still works; a revoked or missing one is replaced.
 */
async function demoKey(storage: Storage, dataDir: string): Promise<string> {
  const file = join(dataDir, 'demo-key');
  const saved = await readFile(file, 'utf8').then(
    (s) => s.trim(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    },
  );
  if (saved && (await storage.verifyApiKey(saved))?.tenant === DEMO_TENANT) return saved;
  const { key } = await storage.createApiKey(DEMO_TENANT, 'admin', { name: 'demo (pitboss start)' });
  await writeFile(file, key + '\n', { mode: 0o600 });
  return key;
}

/**
 * Bundles examples/backoffice (or reuses the cached bundle); `null` with a
 * message when that cannot be done. The ready lines say which it was.
 */
async function bundleDemoPage(dataDir: string): Promise<BackofficeBundle | null> {
  try {
    return await bundleBackoffice(backofficeCacheDir(dataDir));
  } catch (err) {
    console.error(`pitboss: the demo backoffice page is not served (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); the API is`);
    return null;
  }
}

/**
 * The page calls the API with embed tokens bound to its origin, which must be
 * among the tenant's allowed origins: add this listener's loopback origins
 * (keeping any the operator set).
 */
async function allowPageOrigins(api: ApiFetch, key: string, url: string): Promise<void> {
  const auth = { authorization: `Bearer ${key}` };
  const res = await api(new Request(`${url}/v1/tenant/settings`, { headers: auth }));
  if (!res.ok) throw new Error(`reading the demo tenant's settings failed: ${res.status} ${await res.text()}`);
  const settings = (await res.json()) as { allowed_origins: string[] };
  const origins = [...new Set([...settings.allowed_origins, ...loopbackOrigins(url)])];
  if (origins.length === settings.allowed_origins.length) return;
  const put = await api(new Request(`${url}/v1/tenant/settings`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...settings, allowed_origins: origins.slice(-50) }),
  }));
  if (!put.ok) throw new Error(`allowing the page's origins failed: ${put.status} ${await put.text()}`);
}

export const startVerb: Verb = {
  summary: 'what `npm start` runs: embedded database, migrated, seeded the first time, serving',
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {
        players: { type: 'string', default: process.env.PITBOSS_SEED_PLAYERS ?? '400' },
        days: { type: 'string', default: '90' },
        'no-backoffice': { type: 'boolean', default: false },
      });
      if (values.help) {
        console.log('usage: pitboss start [--players 400] [--days 90] [--port 8787] [--data-dir ./.pitboss] [--no-backoffice]\n\nFirst start: creates the database under PITBOSS_DATA_DIR, migrates it, seeds a synthetic tenant "demo" and trains, activates and runs a logistic risk model on it (synth planted labels). Later starts reuse both. Serves the demo backoffice page (examples/backoffice, bundled into the data directory at start) at /backoffice/ unless --no-backoffice.');
        return 0;
      }
      const players = Number(values.players);
      const days = Number(values.days);
      if (!Number.isSafeInteger(players) || players < 1 || !Number.isSafeInteger(days) || days < 1 || days > 3650) {
        throw new RangeError('--players must be a positive integer and --days an integer from 1 to 3650');
      }
      const logger = cliLogger(config);
      const began = performance.now();
      await mkdir(config.dataDir, { recursive: true });
      // esbuild runs in its own process: the page bundles while the database opens and seeds.
      const bundling = values['no-backoffice'] ? Promise.resolve(null) : bundleDemoPage(config.dataDir);
      console.log(`pitboss: opening the ${config.driver === 'pglite' ? `embedded database in ${config.dataDir}` : `${config.databaseUrls.length} shard database(s)`}…`);
      const storage = await openStorage(config, logger);
      await storage.migrate();

      const marker = join(config.dataDir, `seeded-${DEMO_TENANT}.json`);
      const seeded = await readFile(marker, 'utf8').then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      if (!seeded) {
        console.log(`pitboss: first start; seeding tenant "${DEMO_TENANT}" with ${players} synthetic players over ${days} days…`);
        const start = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
        // Seeding is idempotent, so an interrupted first start simply resumes on the next.
        const done = await seedTenant({ storage, maxDeadLetterChars: config.limits.maxDeadLetterChars }, { tenant: DEMO_TENANT, players, days, seed: 42, start, onProgress: progressLine(process.stdout) });
        await storage.featuresSettled();
        await writeFile(marker, JSON.stringify({ tenant: DEMO_TENANT, players, days, start, events: done.events, at: new Date().toISOString() }) + '\n');
      }
      const scoring = scoringFromConfig(config, storage, logger);
      const seedInfo = JSON.parse(await readFile(marker, 'utf8')) as { players: number; days: number; start?: string; at: string };
      const model = await demoModel(scoring, storage, DEMO_TENANT, {
        players: seedInfo.players,
        days: seedInfo.days,
        seed: 42,
        start: seedInfo.start ?? new Date(Date.parse(seedInfo.at) - seedInfo.days * 86_400_000).toISOString().slice(0, 10),
      });
      if (model.trained) console.log(`pitboss: trained and activated risk model ${model.version} on the synthetic players (test ROC-AUC ${model.auc.toFixed(3)}); scored ${model.scored} players`);
      else if (model.skipped) console.log(`pitboss: no demo risk model (${model.skipped}); upload one with POST /v1/models`);
      const key = await demoKey(storage, config.dataDir);
      const bundle = await bundling;
      const running = await serveStorage(config, storage, logger, scoring, {
        ...(bundle ? { front: (api: ApiFetch) => backofficeHandler({ bundle, tokens: { apiKey: key, api } }) } : {}),
      });
      if (bundle) await allowPageOrigins(running.api, key, running.url);
      const secs = ((performance.now() - began) / 1000).toFixed(1);
      console.log(
        [
          '',
          `Pitboss is ready in ${secs} s at ${running.url}`,
          ...(bundle ? [`  Backoffice: ${running.url}/backoffice/   (demo page, ${bundle.cached ? 'bundle reused' : `bundled in ${(bundle.ms / 1000).toFixed(1)} s`})`] : []),
          `  API docs:  ${running.url}/docs`,
          `  Demo key:  ${key}   (tenant "${DEMO_TENANT}", role admin)`,
          `  Try:       curl -H "Authorization: Bearer ${key}" "${running.url}/v1/players?limit=5"`,
          'Stop with Ctrl-C; the next start reuses the data.',
          '',
        ].join('\n'),
      );
      return 0;
    }),
};
