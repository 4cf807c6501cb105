import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES, FEATURE_KEYS, compileFeatureQuery, featureColumns, featureColumnsDdl } from '@pitboss/core';
import type { FeatureParam, SqlDialect } from '@pitboss/core';
import { duckdbEngine, pgliteEngine, postgresEngine } from './engines.js';
import type { Engine, SqlValue } from './engines.js';
import { AS_OF, EXPECTED, fixtureRows } from './fixtures/feature-events.js';

const VALUES: Record<FeatureParam, SqlValue> = {
  tenant_id: 't1',
  player_ids: ['alice', 'bob', 'carol', 'nobody'],
  as_of: AS_OF,
  time_zone: 'UTC',
};

function bind(params: readonly FeatureParam[], over: Partial<Record<FeatureParam, SqlValue>> = {}): SqlValue[] {
  return params.map((p) => (p in over ? over[p]! : VALUES[p]));
}

function byPlayer(rows: Record<string, unknown>[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(rows.map(({ player_id, ...rest }) => [String(player_id), rest]));
}

function expectFeatures(actual: Record<string, unknown> | undefined, expected: Record<string, number | null>, where: string): void {
  expect(actual, where).toBeDefined();
  for (const [key, want] of Object.entries(expected)) {
    const got = actual![key];
    if (want === null) expect(got, `${where} ${key}`).toBeNull();
    else if (Number.isInteger(want)) expect(got, `${where} ${key}`).toBe(want);
    else expect(got as number, `${where} ${key}`).toBeCloseTo(want, 10);
  }
}

describe('compileFeatureQuery: exact SQL', () => {
  it('emits the Postgres text for one feature with tenant and player scope', () => {
    const q = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true, features: ['deposit_sum_7d'] });
    expect(q.params).toEqual(['tenant_id', 'player_ids', 'as_of']);
    expect(q.sql).toBe(
      `WITH agg AS (
  SELECT player_id,
    sum(amount_minor) FILTER (WHERE type = 'payment' AND direction = 'deposit' AND status = 'approved' AND occurred_at > CAST($3 AS TIMESTAMPTZ) - INTERVAL '168 hours') AS m0
  FROM events
  WHERE tenant_id = $1 AND player_id = ANY($2) AND occurred_at <= CAST($3 AS TIMESTAMPTZ)
  GROUP BY player_id
)
SELECT agg.player_id,
  CAST(coalesce(m0, 0) AS bigint) AS deposit_sum_7d
FROM agg
ORDER BY agg.player_id`,
    );
  });

  it('emits DuckDB text that differs only where the dialects do (UTC TIMESTAMP arithmetic: no ICU)', () => {
    const q = compileFeatureQuery('duckdb', { features: ['cancelled_withdrawals_30d', 'stake_mean_30d'] });
    expect(q.params).toEqual(['as_of']);
    expect(q.sql).toBe(
      `WITH agg AS (
  SELECT player_id,
    count(*) FILTER (WHERE type = 'payment' AND direction = 'withdrawal' AND status = 'cancelled' AND actor = 'player' AND make_timestamp(epoch_us(occurred_at)) > make_timestamp(epoch_us(CAST($1 AS TIMESTAMPTZ))) - INTERVAL '720 hours') AS m0,
    avg(CAST(amount_minor AS DOUBLE)) FILTER (WHERE type IN ('bet.placed', 'casino.round') AND make_timestamp(epoch_us(occurred_at)) > make_timestamp(epoch_us(CAST($1 AS TIMESTAMPTZ))) - INTERVAL '720 hours') AS m1
  FROM events
  WHERE make_timestamp(epoch_us(occurred_at)) <= make_timestamp(epoch_us(CAST($1 AS TIMESTAMPTZ)))
  GROUP BY player_id
)
SELECT agg.player_id,
  CAST(m0 AS INTEGER) AS cancelled_withdrawals_30d,
  CAST(m1 AS DOUBLE) AS stake_mean_30d
FROM agg
ORDER BY agg.player_id`,
    );
    expect(compileFeatureQuery('postgres', { features: ['cancelled_withdrawals_30d'] }).sql).toContain(`actor = 'player'`);
    // Feature SQL reads columns only: DuckDB-WASM has no JSON functions offline.
    for (const dialect of ['postgres', 'duckdb'] as const) expect(compileFeatureQuery(dialect).sql).not.toMatch(/payload|json/i);
  });

  it('names every parameter in $n order, the time zone last', () => {
    expect(compileFeatureQuery('postgres').params).toEqual(['as_of']);
    expect(compileFeatureQuery('duckdb', { playerFilter: true, timeZone: true }).params).toEqual(['player_ids', 'as_of', 'time_zone']);
    const all = compileFeatureQuery('postgres', { tenantColumn: true, playerFilter: true, timeZone: true });
    expect(all.params).toEqual(['tenant_id', 'player_ids', 'as_of', 'time_zone']);
    expect(all.sql).toContain('timezone($4, occurred_at)');
  });

  it('rejects unknown features and unsafe table names', () => {
    expect(() => compileFeatureQuery('postgres', { features: ['nope' as never] })).toThrow(/unknown feature/);
    expect(() => compileFeatureQuery('postgres', { table: 'events; DROP TABLE x' })).toThrow(/invalid table name/);
    expect(compileFeatureQuery('postgres', { table: 'shard_7.events' }).sql).toContain('FROM shard_7.events');
  });
});

describe('feature columns', () => {
  it('has one typed column per feature, in FEATURES order', () => {
    expect(featureColumns.map((c) => c.key)).toEqual(FEATURE_KEYS);
    expect(featureColumns.find((c) => c.key === 'net_loss_30d')?.sqlType).toEqual({ postgres: 'bigint', duckdb: 'BIGINT' });
    expect(featureColumns.find((c) => c.key === 'stake_cv_30d')?.sqlType).toEqual({ postgres: 'double precision', duckdb: 'DOUBLE' });
    expect(featureColumnsDdl('postgres').split(',\n  ')).toHaveLength(FEATURES.length);
  });

  it('every definition has text, a UKGC category and a unique snake_case key', () => {
    expect(new Set(FEATURE_KEYS).size).toBe(FEATURE_KEYS.length);
    for (const f of FEATURES) {
      expect(f.key).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.definition.length).toBeGreaterThan(10);
      expect(f.formula.length).toBeGreaterThan(5);
    }
  });
});

const ENGINES: { name: Engine['name']; dialect: SqlDialect; open: () => Promise<Engine> }[] = [
  { name: 'postgres', dialect: 'postgres', open: () => postgresEngine('features') },
  { name: 'pglite', dialect: 'postgres', open: pgliteEngine },
  { name: 'duckdb', dialect: 'duckdb', open: duckdbEngine },
];

const results: Partial<Record<Engine['name'], Record<string, unknown>[]>> = {};

for (const { name, dialect, open } of ENGINES) {
  describe(`feature query on ${name}`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await open();
      await engine.insert(fixtureRows());
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('computes every feature of the hand-made history', async () => {
      const q = compileFeatureQuery(dialect, { tenantColumn: true });
      const rows = await engine.query(q.sql, bind(q.params));
      results[name] = rows;
      expect(rows.map((r) => r.player_id)).toEqual(['alice', 'bob', 'erin']);
      expect(Object.keys(rows[0]!)).toEqual(['player_id', ...FEATURE_KEYS]);
      const got = byPlayer(rows);
      for (const [player, want] of Object.entries(EXPECTED)) expectFeatures(got[player], want, `${name} ${player}`);
    });

    it('restricts to the listed players of the tenant', async () => {
      const q = compileFeatureQuery(dialect, { tenantColumn: true, playerFilter: true, features: ['deposit_sum_7d', 'payment_methods_30d'] });
      const rows = await engine.query(q.sql, bind(q.params));
      expect(rows).toEqual([
        { player_id: 'alice', deposit_sum_7d: 8000, payment_methods_30d: 3 },
        { player_id: 'bob', deposit_sum_7d: 0, payment_methods_30d: 0 },
      ]);
      const other = await engine.query(q.sql, bind(q.params, { tenant_id: 't2' }));
      expect(other).toEqual([{ player_id: 'alice', deposit_sum_7d: 777777, payment_methods_30d: 1 }]);
    });

    it('moves hour and day features to a named time zone', async () => {
      const q = compileFeatureQuery(dialect, {
        tenantColumn: true, playerFilter: true, timeZone: true,
        features: ['active_days_30d', 'night_play_share_30d', 'bets_per_active_day_30d'],
      });
      // São Paulo (UTC−3): b1 falls on 03-28 at 23:30, so four active days; c1 02:59 and c2 03:00 are night.
      const sp = await engine.query(q.sql, bind(q.params, { player_ids: ['alice'], time_zone: 'America/Sao_Paulo' }));
      expect(sp).toEqual([{ player_id: 'alice', active_days_30d: 4, night_play_share_30d: 0.5, bets_per_active_day_30d: 1 }]);
      // Tokyo (UTC+9): every wager falls between 11:30 and 23:00.
      const tokyo = await engine.query(q.sql, bind(q.params, { player_ids: ['alice'], time_zone: 'Asia/Tokyo' }));
      expect(tokyo[0]?.night_play_share_30d).toBe(0);
    });

    it('moves the windows with as_of', async () => {
      const q = compileFeatureQuery(dialect, { tenantColumn: true, playerFilter: true, features: ['deposit_count_30d', 'days_since_last_bet', 'tenure_days'] });
      // At d4's own instant d4 is inside the window and b3 (02-20) is the latest wager.
      const rows = await engine.query(q.sql, bind(q.params, { player_ids: ['alice'], as_of: '2026-03-01T12:00:00Z' }));
      expect(rows).toEqual([{ player_id: 'alice', deposit_count_30d: 2, days_since_last_bet: 9, tenure_days: 120 }]);
    });
  });
}

function expectSameRows(a: Record<string, unknown>[], b: Record<string, unknown>[], what: string): void {
  expect(b.length, what).toBe(a.length);
  a.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) {
      const other = b[i]![key];
      const where = `${what}: ${String(row.player_id)} ${key}`;
      if (typeof value === 'number' && !Number.isInteger(value)) expect(other as number, where).toBeCloseTo(value, 9);
      else expect(other, where).toBe(value);
    }
  });
}

describe('feature parity on the hand-made history', () => {
  it('Postgres, PGlite and DuckDB return the same features for the same events', () => {
    expect(results.postgres, 'postgres run').toBeDefined();
    expectSameRows(results.postgres!, results.pglite!, 'pglite vs postgres');
    expectSameRows(results.postgres!, results.duckdb!, 'duckdb vs postgres');
  });
});
