// Measures the demo model `pitboss start` trains on its first start, on a temporary PGlite
// tenant (PLAYERS=400 DAYS=90 by default, seed 42, ending today): prints demoModel's result
// (test ROC-AUC, ROC-AUC on the stored players) and the time it took.
//   npx tsx --conditions=source headless-api/test/api/demo-model-auc.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger, createStorage, seedTenant } from '../../src/index.js';
import { inProcessBackend } from '../../src/scoring/backends.js';
import { demoModel } from '../../src/scoring/demo-model.js';
import { ScoringService } from '../../src/scoring/service.js';

const players = Number(process.env.PLAYERS ?? 400);
const days = Number(process.env.DAYS ?? 90);
const dir = await mkdtemp(join(tmpdir(), 'pb-auc-'));
const storage = await createStorage({ driver: 'pglite', dataDir: dir });
const t0 = performance.now();
try {
  await storage.migrate();
  const synth = { players, days, seed: 42, start: new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10) };
  await seedTenant({ storage, maxDeadLetterChars: 8192 }, { tenant: 'demo', ...synth });
  await storage.featuresSettled();
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const scoring = new ScoringService(storage, { backend: inProcessBackend(), logger: createJsonLogger({ level: 'error', write: () => undefined }) });
  const t1 = performance.now();
  const model = await demoModel(scoring, storage, 'demo', synth);
  await scoring.close();
  console.log(JSON.stringify(model), `train+score ${((performance.now() - t1) / 1000).toFixed(1)} s`);
} finally {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
}
