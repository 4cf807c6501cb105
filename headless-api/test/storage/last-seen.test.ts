import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_TYPES, FIELDS, FEATURES, compileSegment, lastSeenColumn, parseEvent, registrySegmentFields } from '@pitboss/core';
import type { Event } from '@pitboss/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../src/storage/index.js';
import type { ShardedStorage } from '../../src/storage/index.js';
import { freshPostgresStorage } from './backends.js';

/**
 * The players' last-seen columns (shard migration 0011, `last_<type>_at`)
 * must always equal the last occurrence per (tenant, player, type) of what
 * `events` holds, and the players' feature columns must equal
 * player_features: after bulk and small batches, replayed (duplicate)
 * batches, concurrent batches, an upgrade through migrations 0011 and 0012,
 * and a retention run. And a segment that reads them must count exactly what
 * the raw-events form counts, including at an asOf in the past (the last
 * occurrence then lies after asOf).
 */

const ACTIVITY_MIGRATION = readFileSync(new URL('../../migrations/shard/0007_player_activity.sql', import.meta.url), 'utf8');
const NAME = `pb_st_activity_${process.pid}_${Date.now().toString(36)}`;
const TENANT = 'act';
/** Tenant of the edge-case batches, apart from the population the segment cases count. */
const EDGES = 'act-edges';
const NOW = Date.parse('2026-05-01T00:00:00Z');
const TYPES = ['bet.placed', 'payment', 'session.started'] as const;

function event(i: number, type: (typeof TYPES)[number], player: string, at: number): Event {
  const base = { schema_version: 1, event_id: `e-${i}`, player_id: player, occurred_at: new Date(at).toISOString() };
  const body =
    type === 'bet.placed' ? { type, bet_id: `b-${i}`, bet_type: 'single', stake_minor: 1000 + i, currency: 'EUR', odds: 2.5, legs: [{ sport: 'football', market: '1x2', odds: 2.5 }] }
    : type === 'payment' ? { type, payment_id: `pay-${i}`, direction: 'deposit', status: 'approved', amount_minor: 5000, currency: 'EUR', method: 'card' }
    : { type, session_id: `s-${i}`, device: 'desktop' };
  const r = parseEvent({ ...base, ...body }, { now: NOW });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

/** 300 events (the COPY path on node-postgres) over 12 players, spread over 200 days before NOW, some at one instant. */
function batch(from: number, n: number): Event[] {
  const out: Event[] = [];
  for (let i = from; i < from + n; i++) {
    const at = NOW - ((i * 7_919_000_003) % (200 * 86_400_000)) - (i % 5 === 0 ? 0 : 1);
    out.push(event(i, TYPES[Math.floor(i / 12) % 3]!, `p${String(i % 12).padStart(2, '0')}`, i % 17 === 0 ? NOW - 86_400_000 : at));
  }
  return out;
}

const lines = (events: readonly Event[]) => events.map((event, i) => ({ line: i + 1, event }));

// The players' last-seen columns against the events: a player differs when any column differs (a player with no
// events has none, hence the full join).
const LAST_SEEN = EVENT_TYPES.map(lastSeenColumn);
const LAST_SEEN_MISMATCH = `SELECT count(*)::int AS n FROM players p
FULL JOIN (SELECT tenant_id, player_id, ${EVENT_TYPES.map((t) => `max(occurred_at) FILTER (WHERE type = '${t}') AS ${lastSeenColumn(t)}`).join(', ')}
           FROM events GROUP BY 1, 2) e ON e.tenant_id = p.tenant_id AND e.player_id = p.player_id
WHERE (${LAST_SEEN.map((c) => `p.${c}`).join(', ')}) IS DISTINCT FROM (${LAST_SEEN.map((c) => `e.${c}`).join(', ')})`;

// The players' copy of the features against player_features.
const FEATURES_MISMATCH = `SELECT count(*)::int AS n FROM players p
LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id
WHERE (${FEATURES.map((x) => `p.${x.key}`).join(', ')}) IS DISTINCT FROM (${FEATURES.map((x) => `f.${x.key}`).join(', ')})`;

const backends: [string, () => Promise<{ storage: ShardedStorage; cleanup: () => Promise<void> }>][] = [
  ['PGlite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-act-'));
    const storage = await createStorage({ driver: 'pglite', dataDir: dir });
    return { storage, cleanup: async () => { await storage.close(); await rm(dir, { recursive: true, force: true }); } };
  }],
  ['Postgres (node-postgres)', () => freshPostgresStorage(NAME, { featureRefresh: 'inline' })],
];

describe.each(backends)('last-seen columns on %s', (_name, open) => {
  let storage: ShardedStorage;
  let cleanup: () => Promise<void>;
  // Players whose segment columns are off the events or player_features.
  const mismatches = async (): Promise<number> => {
    await storage.featuresSettled();
    let n = 0;
    for (const sql of [LAST_SEEN_MISMATCH, FEATURES_MISMATCH]) n += (await storage.databases[0]!.query<{ n: number }>(sql))[0]!.n;
    return n;
  };

  beforeAll(async () => {
    ({ storage, cleanup } = await open());
    await storage.migrate();
  }, 120_000);

  afterAll(async () => {
    await cleanup();
  });

  it('matches the events after bulk, small and replayed batches', async () => {
    const first = await storage.ingest(TENANT, lines(batch(0, 300)));
    expect(first.accepted).toHaveLength(300);
    expect(await mismatches()).toBe(0);
    // A replay of part of the batch with new events mixed in, small enough for the statement path.
    const again = await storage.ingest(TENANT, lines([...batch(250, 60)]));
    expect(again.duplicate).toHaveLength(50);
    expect(again.accepted).toHaveLength(10);
    expect(await mismatches()).toBe(0);
    // 12 players, each with all three types.
    const [{ n }] = await storage.databases[0]!.query<{ n: number }>(
      `SELECT sum(num_nonnulls(${LAST_SEEN.join(', ')}))::int AS n FROM players WHERE tenant_id = $1`,
      [TENANT],
    ) as [{ n: number }];
    expect(n).toBe(36);
    // The copies are not trivially equal: every player has last-seen times and computed features.
    const [copied] = await storage.databases[0]!.query<{ seen: number; features: number }>(
      'SELECT count(last_bet_placed_at)::int AS seen, count(tenure_days)::int AS features FROM players WHERE tenant_id = $1',
      [TENANT],
    );
    expect(copied).toEqual({ seen: 12, features: 12 });
  });

  it('takes the latest of timestamps that tie at the millisecond but differ below it or in their offset', async () => {
    const at = (text: string, i: number, player: string): Event => {
      const r = parseEvent({ schema_version: 1, event_id: `tie-${i}`, player_id: player, occurred_at: text, type: 'session.started', session_id: `st-${i}`, device: 'desktop' }, { now: NOW });
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return r.event;
    };
    // Enough events for the COPY path on node-postgres; each player's latest millisecond written three ways.
    const tied = Array.from({ length: 240 }, (_, i) => {
      const player = `tie-p${i % 8}`;
      const texts = ['2026-04-20T10:00:00.000100Z', '2026-04-20T10:00:00.000900Z', '2026-04-20T13:00:00.000500+03:00', '2026-04-19T10:00:00.000Z'];
      return at(texts[Math.floor(i / 8) % texts.length]!, i, player);
    });
    expect((await storage.ingest(EDGES, lines(tied))).accepted).toHaveLength(240);
    expect(await mismatches()).toBe(0);
    const rows = await storage.databases[0]!.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM players WHERE tenant_id = $1 AND player_id LIKE 'tie-p%' AND last_session_started_at = '2026-04-20T10:00:00.0009Z'`,
      [EDGES],
    );
    expect(rows[0]!.n).toBe(8);
  });

  it('keeps player ids with quotes, backslashes, braces and commas as they are (array parameters)', async () => {
    const ids = ['q"uote', 'back\\slash', '{brace}', 'com,ma', '"', '\\', 'NULL', 'x\\"y'];
    const odd = Array.from({ length: 240 }, (_, i) => event(20_000 + i, TYPES[i % 3]!, ids[i % ids.length]!, NOW - 86_400_000 - i * 60_000));
    expect((await storage.ingest(EDGES, lines(odd))).accepted).toHaveLength(240);
    expect(await mismatches()).toBe(0);
    const players = await storage.databases[0]!.query<{ player_id: string; last_event_at: Date }>(
      'SELECT player_id, last_event_at FROM players WHERE tenant_id = $1 AND player_id = ANY($2::text[]) ORDER BY player_id',
      [EDGES, ids],
    );
    expect(players.map((p) => p.player_id)).toEqual([...ids].sort());
    for (const p of players) {
      const latest = Math.max(...odd.filter((e) => e.player_id === p.player_id).map((e) => Date.parse(e.occurred_at)));
      expect(new Date(p.last_event_at).getTime()).toBe(latest);
    }
  });

  it('segments read them and count what the raw events count, whatever asOf', async () => {
    const fields = registrySegmentFields(FIELDS);
    const segments = [
      { all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 30 }] },
      { all: [{ did: { type: 'session.started' }, op: 'at_most', times: 0, days: 10 }] },
      { any: [{ did: { type: 'payment' }, op: 'at_least', times: 1, days: 3 }, { not: { did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 60 } }] },
    ];
    const db = storage.databases[0]!;
    let sawActivity = 0;
    for (const daysBack of [0, 1, 20, 45, 90, 150]) {
      const asOf = new Date(NOW - daysBack * 86_400_000);
      for (const segment of segments) {
        const raw = compileSegment(segment, { dialect: 'postgres', fields, asOf, tenantId: TENANT }).count();
        const rolled = compileSegment(segment, { dialect: 'postgres', fields, asOf, tenantId: TENANT, layout: 'wide', lastSeenColumns: true }).count();
        expect(rolled.sql).toMatch(/last_(bet_placed|session_started|payment)_at/);
        const [want] = await db.query<{ count: number }>(raw.sql, raw.params);
        const [got] = await db.query<{ count: number }>(rolled.sql, rolled.params);
        expect(got!.count, `${JSON.stringify(segment)} at ${asOf.toISOString()}`).toBe(want!.count);
        const preview = await storage.segments.preview(TENANT, segment, { asOf });
        expect(preview.count).toBe(want!.count);
        sawActivity += want!.count > 0 && want!.count < 12 ? 1 : 0;
      }
    }
    // The cases are not all empty or all full: the comparison can tell forms apart.
    expect(sawActivity).toBeGreaterThan(5);
  });

  it('keeps up with concurrent batches and feature refreshes over the same players, with no deadlock', async () => {
    // Eight batches at once over the same 40 players, each batch's players in another order: their transactions and
    // the refreshes that follow them (inline on Postgres) all lock players rows, in one order.
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 240 }, (_, i) => {
      const n = 30_000 + b * 1000 + i;
      return event(n, TYPES[(i + b) % 3]!, `busy-${String((i * 7 + b * 13) % 40).padStart(2, '0')}`, NOW - 3_600_000 - ((n * 7919) % 86_400_000));
    }));
    const outcomes = await Promise.all(batches.map((events) => storage.ingest(TENANT, lines(events))));
    for (const o of outcomes) {
      expect(o.retryable).toHaveLength(0);
      expect(o.accepted).toHaveLength(240);
    }
    expect(await mismatches()).toBe(0);
  });

  it('migrations 0011 and 0012 fill the segment columns of players stored before them, and drop player_activity', async () => {
    const db = storage.databases[0]!;
    // Back to the schema before 0011: player_activity (0007, backfilled from the events), no segment columns, 0009's index.
    const columns = [...LAST_SEEN, ...FEATURES.map((x) => x.key)];
    await db.transaction(async (tx) => {
      await tx.query(ACTIVITY_MIGRATION);
      await tx.query('DROP INDEX players_segment');
      await tx.query(`ALTER TABLE players ${columns.map((c) => `DROP COLUMN ${c}`).join(', ')}`);
      await tx.query("DELETE FROM schema_migrations WHERE scope = 'shard' AND version IN (11, 12)");
    });
    const reports = await storage.migrate();
    expect(reports.flatMap((r) => r.applied)).toEqual(expect.arrayContaining(['shard/0011_players_segment_columns', 'shard/0012_drop_player_activity']));
    expect(await mismatches()).toBe(0);
    const [copied] = await db.query<{ seen: number; features: number }>(
      'SELECT count(last_bet_placed_at)::int AS seen, count(tenure_days)::int AS features FROM players WHERE tenant_id = $1',
      [TENANT],
    );
    expect(copied!.seen).toBeGreaterThan(0);
    expect(copied!.features).toBeGreaterThan(0);
    const [table] = await db.query<{ t: string | null }>("SELECT to_regclass('player_activity')::text AS t");
    expect(table!.t).toBeNull();
  });

  it('the retention job keeps them equal to the events it leaves', async () => {
    // A player whose only event falls before the horizon: its last-seen time must go with it.
    expect((await storage.ingest(TENANT, lines([event(10_000, 'payment', 'p-old', NOW - 150 * 86_400_000)]))).accepted).toHaveLength(1);
    expect(await mismatches()).toBe(0);
    await storage.privacy.setRetention(TENANT, 100);
    const [report] = await storage.privacy.runRetention({ now: new Date(NOW), tenant: TENANT });
    expect(report!.events_deleted).toBeGreaterThan(0);
    expect(await mismatches()).toBe(0);
    const [old] = await storage.databases[0]!.query<{ n: number }>(`SELECT num_nonnulls(${LAST_SEEN.join(', ')})::int AS n FROM players WHERE tenant_id = $1 AND player_id = $2`, [TENANT, 'p-old']);
    expect(old!.n).toBe(0);
  });
});
