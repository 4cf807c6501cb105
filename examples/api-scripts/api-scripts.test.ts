// The API scripts against a real `pitboss serve` process: a temporary PGlite
// data directory is migrated, seeded with synthetic players and given an active
// risk model (what `npm start` does the first time), an admin key is created in
// storage, then the API is started as its own process and quickstart.sh (bash +
// curl) and quickstart.mjs (Node + @pitboss/sdk) run against it.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, createStorage, seedTenant } from '@pitboss/headless-api';
import { inProcessBackend } from '../../headless-api/src/scoring/backends.js';
import { demoModel } from '../../headless-api/src/scoring/demo-model.js';
import { ScoringService } from '../../headless-api/src/scoring/service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TENANT = 'scripts';

/** Runs a command to completion without blocking the event loop (the API may share this process's CPU, not its loop). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The JSON body printed after the `== <title>` line that starts with `title`. */
function section(out: string, title: string): unknown {
  const start = out.indexOf(`== ${title}`);
  if (start < 0) throw new Error(`no "${title}" section in:\n${out}`);
  const body = out.slice(out.indexOf('\n', start) + 1).split('\n== ')[0]!.trim();
  return JSON.parse(body.split('\n').at(-1)!);
}

describe('examples/api-scripts against a real API process', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let url: string;
  let key: string;
  let serverLog = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-ex-scripts-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    try {
      await storage.migrate();
      const synth = { players: 160, days: 30, seed: 42, start: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10) };
      await seedTenant({ storage, maxDeadLetterChars: 8192 }, { tenant: TENANT, ...synth });
      await storage.featuresSettled();
      const scoring = new ScoringService(storage, { backend: inProcessBackend(), logger: createJsonLogger({ level: 'error', write: () => undefined }) });
      const model = await demoModel(scoring, storage, TENANT, synth);
      await scoring.close();
      if (!model.trained) throw new Error(`no model to score with: ${JSON.stringify(model)}`);
      key = (await storage.createApiKey(TENANT, 'admin')).key;
    } finally {
      await storage.close();
    }

    // The real server process; PORT=0 picks a free port, which its "listening" log line reports.
    server = spawn(process.execPath, [join(root, 'headless-api/bin/pitboss.mjs'), 'serve'], {
      cwd: root,
      env: { ...process.env, PITBOSS_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', PITBOSS_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pitboss serve did not start in 120 s:\n${serverLog}`)), 120_000);
      const read = (d: Buffer) => {
        serverLog += d.toString();
        const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(serverLog);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace(/\/$/, ''));
        }
      };
      // The JSON log goes to stderr when stdout is for a verb's output; read both.
      server!.stdout!.on('data', read);
      server!.stderr!.on('data', read);
      server!.once('exit', (code) => reject(new Error(`pitboss serve exited with ${code}:\n${serverLog}`)));
    });
  }, 600_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('quickstart.sh (curl): ingests, is idempotent, previews a segment, scores and reads the score', async () => {
    expect(spawnSync('bash', ['-c', 'command -v curl']).status, 'quickstart.sh needs curl').toBe(0);
    const { status, stdout, stderr } = await run('bash', [here('./quickstart.sh')], { PITBOSS_URL: url, PITBOSS_KEY: key, PLAYER: 'qs-curl-1' });
    expect(status, `${stdout}\n${stderr}`).toBe(0);

    expect(section(stdout, 'POST /v1/events (NDJSON')).toMatchObject({ accepted: 5, duplicate: 0, rejected: 0 });
    expect(section(stdout, 'POST /v1/events again')).toMatchObject({ accepted: 0, duplicate: 5, rejected: 0 });
    const preview = section(stdout, 'POST /v1/segments/preview') as { count: number; items: { player_id: string; country: string }[] };
    expect(preview.count).toBeGreaterThanOrEqual(1);
    expect(preview.items.length).toBeGreaterThanOrEqual(1);
    expect(preview.items.every((m) => m.country === 'BR')).toBe(true);
    const scored = section(stdout, 'POST /v1/scores') as { scores: { player_id: string; score: number }[]; missing: string[] };
    expect(scored.missing).toEqual([]);
    expect(scored.scores[0]).toMatchObject({ player_id: 'qs-curl-1' });
    const latest = section(stdout, 'GET /v1/players/qs-curl-1/score') as { score: number; band: string; model_version: string; reasons: unknown[] };
    expect(latest.score).toBe(scored.scores[0]!.score);
    expect(latest.model_version).toBe('1');
    expect(['none', 'low', 'medium', 'high', 'very_high']).toContain(latest.band);
    const page = section(stdout, 'GET /v1/players?country=BR') as { items: { country: string; currency: string }[]; next_cursor: string | null };
    expect(page.items).toHaveLength(3);
    expect(page.items.every((p) => p.country === 'BR' && p.currency === 'BRL')).toBe(true);
  });

  it('quickstart.mjs (Node, @pitboss/sdk): the same flow, pagination and a typed problem', async () => {
    const { status, stdout, stderr } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', here('./quickstart.mjs')], {
      PITBOSS_URL: url, PITBOSS_KEY: key, PLAYER: 'qs-node-1',
    });
    expect(status, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('ingest: accepted 5, duplicate 0, rejected 0');
    expect(stdout).toContain('ingest again: accepted 0, duplicate 5, rejected 0');
    expect(stdout).toMatch(/segment: [1-9]\d* players; first: \S/);
    expect(stdout).toMatch(/score: \d{1,3} \((none|low|medium|high|very_high)\) by model 1/);
    expect(stdout).toMatch(/^player: qs-node-1 deposits 30d \d+ BRL$/m);
    const total = Number(/players in BR with BRL accounts: (\d+)/.exec(stdout)?.[1]);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(stdout).toContain('error: 404 not-found');
  });
});
