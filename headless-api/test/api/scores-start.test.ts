import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/pitboss.mjs', import.meta.url));

/** Runs `pitboss start` until it is ready, calls `probe` against it, then stops it with SIGTERM. */
async function withStart<T>(dataDir: string, probe: (url: string, key: string, stdout: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [BIN, 'start', '--players', '200', '--days', '60', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, PITBOSS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${out}\n${err}`)), 240_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /ready in [\d.]+ s at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`pitboss start exited with ${code}: ${out}\n${err}`));
      });
    });
    const key = (await readFile(join(dataDir, 'demo-key'), 'utf8')).trim();
    return await probe(url, key, out);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

describe('pitboss start trains and activates a demo risk model once', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-sc-start-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scores the seeded players with reasons on the first start and reuses the model on the next', async () => {
    const first = await withStart(dir, async (url, key, stdout) => {
      expect(stdout).toMatch(/trained and activated risk model 1 .*scored 200 players/);
      const h = { authorization: `Bearer ${key}` };
      const page = (await (await fetch(`${url}/v1/players?limit=20&sort=net_loss_30d&order=desc`, { headers: h })).json()) as { items: { player_id: string }[] };
      const scores = await Promise.all(page.items.map(async (p) => (await (await fetch(`${url}/v1/players/${p.player_id}/score`, { headers: h })).json()) as { model_version: string; reasons: { category: string }[] }));
      for (const s of scores) expect(s.model_version).toBe('1');
      expect(scores.some((s) => s.reasons.length > 0)).toBe(true);
      const player = (await (await fetch(`${url}/v1/players/${page.items[0]!.player_id}`, { headers: h })).json()) as { score: { model_version: string } | null };
      expect(player.score?.model_version).toBe('1');
      return (await (await fetch(`${url}/v1/models`, { headers: h })).json()) as { items: { sha256: string }[] };
    });
    expect(first.items).toHaveLength(1);
    const second = await withStart(dir, async (url, key, stdout) => {
      expect(stdout).not.toMatch(/trained and activated/);
      return (await (await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { sha256: string }[]; deployment: { active: string } };
    });
    expect(second.items.map((m) => m.sha256)).toEqual(first.items.map((m) => m.sha256));
    expect(second.deployment.active).toBe('1');
  }, 400_000);
});
