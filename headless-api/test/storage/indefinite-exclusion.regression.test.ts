import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { freshPostgresStorage } from './backends.js';

/**
 * Regression: an indefinite self-exclusion (`until: null`) is stored as
 * `infinity`, and listing or reading that player threw `RangeError: Invalid
 * time value` (GET /v1/players answered 500 for the whole page). It reads back
 * as the string 'infinity' — never null, which would mean "not excluded".
 */

const NAME = `pb_fx_inf_${process.pid}_${Date.now().toString(36)}`;

function event(input: Record<string, unknown>): Event {
  const r = parseEvent({ schema_version: 1, occurred_at: '2026-03-01T10:00:00Z', ...input }, { now: Date.parse('2026-04-01T00:00:00Z') });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

const lines = [
  event({ type: 'player.updated', event_id: 'reg-1', player_id: 'p-forever', profile: { country: 'GB', currency: 'GBP' } }),
  event({ type: 'exclusion.started', event_id: 'ex-1', player_id: 'p-forever', kind: 'self_exclusion', scope: 'operator', until: null }),
  event({ type: 'player.updated', event_id: 'reg-2', player_id: 'p-open', profile: { country: 'GB', currency: 'GBP' } }),
].map((e, i) => ({ line: i + 1, event: e }));

const backends: [string, () => Promise<{ storage: ShardedStorage; cleanup: () => Promise<void> }>][] = [
  ['pglite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-inf-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    return { storage, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }],
  ['postgres', () => freshPostgresStorage(NAME)],
];

describe.each(backends)('an indefinite self-exclusion on %s (regression)', (_name, open) => {
  let storage: ShardedStorage;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ storage, cleanup } = await open());
    await storage.migrate();
    const outcome = await storage.ingest('acme', lines);
    expect(outcome.accepted).toHaveLength(3);
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    await cleanup?.();
  }, 60_000);

  it("lists and reads the player, with self_excluded_until 'infinity'", async () => {
    const page = await storage.listPlayers('acme', { sort: 'player_id', order: 'asc', limit: 10 });
    expect(page.items.map((p) => [p.player_id, p.self_excluded_until])).toEqual([['p-forever', 'infinity'], ['p-open', null]]);
    expect((await storage.getPlayer('acme', 'p-forever'))?.self_excluded_until).toBe('infinity');
  });
});
