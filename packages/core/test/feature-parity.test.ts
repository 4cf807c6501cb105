import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_KEYS, compileFeatureQuery, parseEvent, toEventRow } from '@pitboss/core';
import type { EventInput, FeatureParam } from '@pitboss/core';
import { duckdbEngine, postgresEngine } from './engines.js';
import type { Engine, SqlValue } from './engines.js';
import type { TenantRow } from './fixtures/feature-events.js';

/**
 * Parity on a seeded random history: many players, every event type the
 * features read, timestamps on whole minutes so some land exactly on window
 * edges, zero stakes, unended sessions. Postgres and DuckDB must agree on
 * every feature of every player, at several `as_of`, in UTC and in a zone.
 */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AS_OF = Date.parse('2026-06-30T00:00:00Z');
const DAY = 86_400_000;

function history(seed: number, players: number): TenantRow[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const rows: TenantRow[] = [];
  let n = 0;
  for (let p = 0; p < players; p++) {
    const player = `p${p}`;
    const tenant = p % 5 === 0 ? 't2' : 't1';
    const at = (): string => {
      // Whole days before AS_OF for a share of events, so window edges are exercised.
      const back = rnd() < 0.1 ? int(0, 100) * DAY : int(0, 100 * 24 * 60) * 60_000;
      return new Date(AS_OF - back + (rnd() < 0.03 ? int(1, 3) * DAY : 0)).toISOString();
    };
    const events: EventInput[] = [];
    if (rnd() < 0.7) {
      events.push({ schema_version: 1, type: 'player.updated', event_id: '', player_id: player, occurred_at: at(), profile: { registered_at: new Date(AS_OF - int(0, 400) * DAY - int(0, 86_399) * 1000).toISOString() } });
    }
    const count = int(0, 60);
    for (let i = 0; i < count; i++) {
      const kind = rnd();
      const stake = rnd() < 0.05 ? 0 : int(1, 50) * pick([10, 100, 1000]);
      if (kind < 0.3) {
        const live = rnd() < 0.4;
        events.push({
          schema_version: 1, type: 'bet.placed', event_id: '', player_id: player, occurred_at: at(), bet_id: `b${i}`, bet_type: 'single',
          stake_minor: stake, currency: 'EUR', odds: 1.9, live, legs: [{ sport: 'tennis', market: 'winner', odds: 1.9, live }],
        });
      } else if (kind < 0.4) {
        events.push({ schema_version: 1, type: 'bet.settled', event_id: '', player_id: player, occurred_at: at(), bet_id: `b${i}`, result: 'won', payout_minor: int(0, 5000), currency: 'EUR' });
      } else if (kind < 0.6) {
        events.push({
          schema_version: 1, type: 'casino.round', event_id: '', player_id: player, occurred_at: at(), round_id: `r${i}`, game_id: 'g',
          game_type: pick(['slots', 'live_casino', 'table'] as const), stake_minor: stake, win_minor: rnd() < 0.3 ? int(0, 20000) : 0, currency: 'EUR',
        });
      } else if (kind < 0.8) {
        const direction = rnd() < 0.7 ? 'deposit' : 'withdrawal';
        const status = pick(['requested', 'approved', 'approved', 'rejected', 'cancelled'] as const);
        events.push({
          schema_version: 1, type: 'payment', event_id: '', player_id: player, occurred_at: at(), payment_id: `pay${i}`, direction, status,
          method: pick(['card', 'pix', 'e_wallet', 'bank_transfer'] as const), amount_minor: int(1, 500) * 100, currency: 'EUR',
          ...(status === 'cancelled' ? { cancelled_by: pick(['player', 'operator'] as const) } : {}),
        });
      } else if (kind < 0.92) {
        const start = Date.parse(at());
        events.push({ schema_version: 1, type: 'session.started', event_id: '', player_id: player, occurred_at: new Date(start).toISOString(), session_id: `s${i}`, device: 'app' });
        if (rnd() < 0.8) {
          events.push({ schema_version: 1, type: 'session.ended', event_id: '', player_id: player, occurred_at: new Date(start + int(1, 180) * 60_000).toISOString(), session_id: `s${i}` });
        }
      } else {
        events.push({
          schema_version: 1, type: 'limit.changed', event_id: '', player_id: player, occurred_at: at(), limit_type: 'deposit', period: 'week',
          old_value: rnd() < 0.2 ? null : int(1, 10) * 1000, new_value: rnd() < 0.2 ? null : int(1, 10) * 1000, currency: 'EUR',
        });
      }
    }
    for (const e of events) {
      const parsed = parseEvent({ ...e, event_id: `e${++n}` }, { now: AS_OF + 10 * DAY });
      if (!parsed.ok) throw new Error(`generated an invalid event: ${JSON.stringify(parsed.issues)}`);
      rows.push({ tenant_id: tenant, ...toEventRow(parsed.event).row });
    }
  }
  return rows;
}

const ROWS = history(20260630, 120);
let pgEngine: Engine;
let duck: Engine;
// DuckDB computes on UTC instants through the epoch: a session TimeZone far from UTC changes nothing.
let duckZoned: Engine;

beforeAll(async () => {
  [pgEngine, duck, duckZoned] = await Promise.all([postgresEngine('parity'), duckdbEngine(), duckdbEngine({ timeZone: 'Asia/Kathmandu' })]);
  await Promise.all([pgEngine.insert(ROWS), duck.insert(ROWS), duckZoned.insert(ROWS)]);
});
afterAll(async () => {
  await Promise.all([pgEngine?.close(), duck?.close(), duckZoned?.close()]);
});

async function both(options: Parameters<typeof compileFeatureQuery>[1], values: Record<FeatureParam, SqlValue>): Promise<[Record<string, unknown>[], Record<string, unknown>[]]> {
  const pgQ = compileFeatureQuery('postgres', options);
  const duckQ = compileFeatureQuery('duckdb', options);
  return Promise.all([
    pgEngine.query(pgQ.sql, pgQ.params.map((p) => values[p])),
    duck.query(duckQ.sql, duckQ.params.map((p) => values[p])),
  ]);
}

function expectSame(a: Record<string, unknown>[], b: Record<string, unknown>[]): void {
  expect(b.map((r) => r.player_id)).toEqual(a.map((r) => r.player_id));
  a.forEach((row, i) => {
    for (const key of ['player_id', ...FEATURE_KEYS]) {
      const x = row[key];
      const y = b[i]![key];
      const where = `${String(row.player_id)} ${key}`;
      if (typeof x === 'number' && typeof y === 'number' && !Number.isInteger(x)) {
        expect(Math.abs(x - y), `${where}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
      } else {
        expect(y, where).toBe(x);
      }
    }
  });
}

describe('feature parity on a seeded random history', () => {
  it('generates a history that exercises every feature', () => {
    expect(ROWS.length).toBeGreaterThan(2000);
  });

  for (const asOf of [AS_OF, AS_OF - 10 * DAY, AS_OF - 45 * DAY + 30 * 60_000]) {
    const at = new Date(asOf).toISOString();
    it(`Postgres and DuckDB agree at ${at}`, async () => {
      const values = { tenant_id: 't1', player_ids: [], as_of: at, time_zone: 'UTC' };
      const [a, b] = await both({ tenantColumn: true }, values);
      expect(a.length).toBeGreaterThan(50);
      // The history must make the features non-trivial, or parity proves little.
      for (const key of FEATURE_KEYS) expect(a.some((r) => r[key] !== null && r[key] !== 0), `${key} is never set`).toBe(true);
      expectSame(a, b);
    });
  }

  it('DuckDB gives the same UTC features whatever the session TimeZone (no ICU arithmetic)', async () => {
    const at = new Date(AS_OF - 45 * DAY + 30 * 60_000).toISOString();
    const q = compileFeatureQuery('duckdb', { tenantColumn: true });
    expect(q.sql).not.toMatch(/date_part|TIMESTAMPTZ\) -/);
    const values: Record<FeatureParam, SqlValue> = { tenant_id: 't1', player_ids: [], as_of: at, time_zone: 'UTC' };
    const [a] = await both({ tenantColumn: true }, values);
    expectSame(a, await duckZoned.query(q.sql, q.params.map((p) => values[p])));
  });

  it('Postgres and DuckDB agree in a named time zone, for a list of players', async () => {
    const values = { tenant_id: 't1', player_ids: ['p1', 'p2', 'p3', 'p7', 'p11', 'p99'], as_of: new Date(AS_OF).toISOString(), time_zone: 'America/Sao_Paulo' };
    const [a, b] = await both({ tenantColumn: true, playerFilter: true, timeZone: true }, values);
    expect(a.length).toBeGreaterThan(3);
    expectSame(a, b);
  });
});
