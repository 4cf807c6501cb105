import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kserveBackend } from '../../src/scoring/backends.js';
import { trainTenantModel } from '../../src/scoring/default-model.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { SCORE_BACKENDS, scoringApp, seedSynth } from './scores-setup.js';

const SERVER_BIN = fileURLToPath(new URL('../../../packages/model-server/bin/server.js', import.meta.url));

interface Score { player_id: string; probability: number; score: number; band: string; model_version: string; reasons: { feature: string }[] }

/** The real model server as its own process, on an ephemeral port. */
async function startModelServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER_BIN, ...args, '--port', '0', '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`model server did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = / at (http:\/\/[^\s]+)\/v2/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`model server exited with ${code}: ${err}`));
    });
  });
  return { url, child };
}

describe('scoring over KServe v2 against packages/model-server (PGlite)', () => {
  let storage: ShardedStorage;
  let close: () => Promise<void>;
  let dir: string;
  let server: { url: string; child: ChildProcess } | undefined;
  const tenant = `kv${Date.now().toString(36)}`;
  let admin: string;
  let players: string[];
  const apps: ReturnType<typeof scoringApp>[] = [];
  let other: Awaited<ReturnType<typeof trainTenantModel>>;

  beforeAll(async () => {
    ({ storage, close } = await SCORE_BACKENDS[0]!.open());
    admin = (await storage.createApiKey(tenant, 'admin')).key;
    const labels = await seedSynth(storage, tenant, 160);
    players = [...labels.keys()].sort();
    const model = await trainTenantModel(storage, tenant, labels, { version: '1', seed: 3, synthetic: true, source: 'synth' });
    other = await trainTenantModel(storage, tenant, labels, { version: '2', seed: 4, synthetic: true, source: 'synth' });
    dir = await mkdtemp(join(tmpdir(), 'pb-sc-kserve-'));
    await writeFile(join(dir, 'risk.onnx'), model.bytes);
    const name = model.trained.artifact.name;
    // Version 2 on the server is deliberately version 1's file: the API must refuse to score with it.
    server = await startModelServer(['--model', `${name}=${join(dir, 'risk.onnx')}@1`, '--model', `${name}=${join(dir, 'risk.onnx')}@2`]);
    const local = scoringApp(storage);
    apps.push(local);
    const up = await local.app.request('/v1/models', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(model.bytes) });
    expect(up.status).toBe(201);
    expect((await local.app.request('/v1/models/1/activate', { method: 'POST', headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
  }, 300_000);
  afterAll(async () => {
    for (const a of apps) await a.scoring.close();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((resolve) => server!.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const score = async (app: ReturnType<typeof scoringApp>['app']) => {
    const res = await app.request('/v1/scores', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ player_ids: players }) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as { scores: Score[]; type?: string } };
  };

  it('gives the in-process scores and reasons over HTTP, in JSON and binary tensors', async () => {
    const local = await score(apps[0]!.app);
    expect(local.status).toBe(200);
    for (const mode of ['json', 'binary'] as const) {
      const remote = scoringApp(storage, kserveBackend({ url: server!.url, mode }));
      apps.push(remote);
      const out = await score(remote.app);
      expect(out.status, JSON.stringify(out.body)).toBe(200);
      expect(out.body.scores).toHaveLength(local.body.scores.length);
      out.body.scores.forEach((s, i) => {
        const l = local.body.scores[i]!;
        expect(s.player_id).toBe(l.player_id);
        expect(Math.abs(s.probability - l.probability)).toBeLessThanOrEqual(1e-6);
        expect(s.model_version).toBe('1');
        expect(s.reasons.map((r) => r.feature)).toEqual(l.reasons.map((r) => r.feature));
      });
    }
  });

  it('refuses a server whose file for a version is not the registry\'s', async () => {
    const h = { authorization: `Bearer ${admin}` };
    expect((await apps[0]!.app.request('/v1/models', { method: 'POST', headers: { ...h, 'content-type': 'application/octet-stream' }, body: new Uint8Array(other.bytes) })).status).toBe(201);
    const remote = scoringApp(storage, kserveBackend({ url: server!.url, mode: 'json' }));
    apps.push(remote);
    const res = await remote.app.request('/v1/models/2/activate', { method: 'POST', headers: h });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/is another model/);
  });

  it('answers 503 scorer-unavailable when the model server is gone', async () => {
    const exited = new Promise((resolve) => server!.child.once('exit', resolve));
    server!.child.kill('SIGTERM');
    await exited;
    const remote = scoringApp(storage, kserveBackend({ url: server!.url, mode: 'binary', timeoutMs: 5000 }));
    apps.push(remote);
    const out = await score(remote.app);
    expect(out.status).toBe(503);
    expect(out.body.type).toBe('https://pitboss.dev/problems/not-ready');
  });
});
