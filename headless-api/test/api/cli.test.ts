import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import { createDatabases } from './backends.js';
import { bet, ndjson } from './fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/pitboss.mjs', import.meta.url));

async function pitboss(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('pitboss CLI (real Postgres)', () => {
  let dbs: Awaited<ReturnType<typeof createDatabases>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    dbs = await createDatabases(2);
    env = { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: dbs.urls.join(','), PITBOSS_LOG_LEVEL: 'warn' };
  }, 60_000);
  afterAll(async () => {
    await dbs?.drop();
  });

  it('migrate, then keys create prints only a key that verifies', async () => {
    const m = await pitboss(['migrate'], env);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^database 0: /m);
    const k = await pitboss(['keys', 'create', '--tenant', 'cli', '--role', 'analyst'], env);
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout).toMatch(/^pb_[a-z2-7]{12}_[\w-]{43}\n$/);
    const storage = await createStorage({ driver: 'pg', urls: dbs.urls });
    try {
      expect(await storage.verifyApiKey(k.stdout.trim())).toMatchObject({ tenant: 'cli', role: 'analyst' });
    } finally {
      await storage.close();
    }
  });

  it('seeds synthetic players through the ingestion path, idempotently', async () => {
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const first = await pitboss(['seed', '--tenant', 'syn', '--players', '20', '--days', '30', '--start', start], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/seed: 20\/20 players/);
    const done = JSON.parse(first.stdout.trim().split('\n').pop()!) as { events: number; accepted: number; rejected: number; duplicate: number };
    expect(done.events).toBeGreaterThan(100);
    expect(done).toMatchObject({ accepted: done.events, rejected: 0, duplicate: 0 });
    const again = JSON.parse((await pitboss(['seed', '--tenant', 'syn', '--players', '20', '--days', '30', '--start', start], env)).stdout.trim().split('\n').pop()!) as { accepted: number; duplicate: number };
    expect(again).toMatchObject({ accepted: 0, duplicate: done.events });
  });

  it('explains bad configuration and bad flags with exit code 2', async () => {
    const bad = await pitboss(['serve'], { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: '', PORT: '99999' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PITBOSS_DATABASE_URLS \(--database-urls\): required with PITBOSS_DRIVER=pg/);
    expect(bad.stderr).toMatch(/PORT \(--port\): .*99999/);
    const role = await pitboss(['keys', 'create', '--tenant', 'x', '--role', 'root'], env);
    expect(role.code).toBe(2);
    expect(role.stdout).toBe('');
    // train --from db reads the API's configuration: a bad one is exit 2 too, before any training.
    const train = await pitboss(['train', '--target', 'risk', '--from', 'db', '--tenant', 'x'], { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: '' });
    expect(train.code).toBe(2);
    expect(train.stderr).toMatch(/PITBOSS_DATABASE_URLS \(--database-urls\): required with PITBOSS_DRIVER=pg/);
  });

  it('serve: on SIGTERM finishes the request in flight, closes storage and exits 0', async () => {
    const key = (await pitboss(['keys', 'create', '--tenant', 'sig', '--role', 'admin'], env)).stdout.trim();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'info'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        stderr += d;
        const m = /"msg":"listening","url":"([^"]+)"/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const body = ndjson([bet('sig-1'), bet('sig-2')]);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 300);
      }, 300);
    });
    const done = await answer;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ accepted: 2 });
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"msg":"shut down cleanly"/);
  });
});
