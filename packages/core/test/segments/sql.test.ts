import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_GUARDRAIL_FIELDS, FIELDS, SegmentValidationError, compileSegment, duckdbUtc, duckdbUtcOrInfinite, readGuardrailCounts, registrySegmentFields,
  segmentFields, withGuardrail,
} from '@pitboss/core';
import type { GuardrailReason, SegmentNode, SegmentSql, SqlDialect } from '@pitboss/core';
import { AS_OF, AS_OF_MS, FIELDS_FOR_TESTS, FIELDS_WITHOUT_GUARDRAIL, generate } from './data.js';
import type { PlayerRow } from './data.js';
import { duckdbSegmentEngine, postgresSegmentEngine } from './engines.js';
import type { SegmentEngine } from './engines.js';
import { Oracle } from './oracle.js';

/** Exact SQL of representative segments in both dialects (and that SQL run), the guardrail, and injection attempts. */

const data = generate(7, { t1: 300, t2: 40 });
// DuckDB compares instants as UTC TIMESTAMPs (no ICU in DuckDB-WASM; see duckdbUtc in core).
const utc = (x: string): string => duckdbUtc(x);
const utcOrInf = (x: string): string => duckdbUtcOrInfinite(x);
const oracle = new Oracle(data, FIELDS_FOR_TESTS, AS_OF);
let engines: Record<SqlDialect, SegmentEngine>;

beforeAll(async () => {
  const [pg, duck] = await Promise.all([postgresSegmentEngine('sql'), duckdbSegmentEngine()]);
  engines = { postgres: pg, duckdb: duck };
  await Promise.all([pg.load(data), duck.load(data)]);
});
afterAll(async () => {
  await Promise.all(Object.values(engines).map((e) => e.close()));
});

const opts = (dialect: SqlDialect, tenantId?: string) => ({ dialect, fields: FIELDS_FOR_TESTS, asOf: AS_OF, ...(tenantId ? { tenantId } : {}) });
const ids = async (d: SqlDialect, q: SegmentSql): Promise<string[]> => (await engines[d].query(q)).map((r) => r.player_id as string);

const SIMPLE = {
  all: [{ field: 'country', op: 'in', value: ['BR', 'PT'] }, { field: 'registered_at', op: 'within_last_days', value: 30 }],
};

const MIXED = {
  any: [
    { did: { type: 'payment', direction: 'deposit', status: ['approved'] }, op: 'at_least', times: 3, days: 30 },
    {
      all: [
        { sum: 'amount_minor', of: { type: 'bet.placed', amount: { op: 'gte', value: 1000 } }, op: 'between', value: [5000, 60000], days: 7 },
        { field: 'net_loss_30d', op: 'gt', value: 0 },
      ],
    },
    { not: { field: 'tags', op: 'contains', value: 'vip' } },
    { field: 'affiliate_id', op: 'starts_with', value: 'a_' },
    { field: 'self_excluded', op: 'eq', value: false },
  ],
};

describe('exact SQL, run on the engine', () => {
  it('a page of members of attribute conditions', async () => {
    const pg = compileSegment(SIMPLE, opts('postgres', 't1')).members({ after: 'p0100', limit: 50 });
    expect(pg.sql).toBe(
      'SELECT p.player_id FROM players p WHERE p.tenant_id = $1 AND p.player_id > $2 AND (p.country = ANY($3) AND ' +
      "(p.registered_at > $4::timestamptz - $5::integer * interval '24 hours' AND p.registered_at <= $4::timestamptz)) " +
      'ORDER BY p.player_id LIMIT $6::integer',
    );
    expect(pg.params).toEqual(['t1', 'p0100', ['BR', 'PT'], '2026-06-01T12:00:00.000Z', 30, 50]);
    const duck = compileSegment(SIMPLE, opts('duckdb', 't1')).members({ after: 'p0100', limit: 50 });
    expect(duck.sql).toBe(
      'SELECT p.player_id FROM players p WHERE p.tenant_id = $1 AND p.player_id > $2 AND (p.country IN ($3, $4) AND ' +
      `(${utcOrInf('p.registered_at')} > ${utc('CAST($5 AS TIMESTAMPTZ)')} - CAST($6 AS INTEGER) * INTERVAL 24 HOUR AND ${utcOrInf('p.registered_at')} <= ${utc('CAST($5 AS TIMESTAMPTZ)')})) ` +
      'ORDER BY p.player_id LIMIT CAST($7 AS INTEGER)',
    );
    expect(duck.params).toEqual(['t1', 'p0100', 'BR', 'PT', '2026-06-01T12:00:00.000Z', 30, 50]);
    const expected = oracle.members(SIMPLE as SegmentNode, 't1').filter((id) => id > 'p0100').slice(0, 50);
    expect(expected.length).toBeGreaterThan(0);
    expect(await ids('postgres', pg)).toEqual(expected);
    expect(await ids('duckdb', duck)).toEqual(expected);
  });

  it('a count over behaviour, features, tags, a prefix and a derived boolean', async () => {
    const pg = compileSegment(MIXED, opts('postgres')).count();
    expect(pg.sql).toBe(
      'SELECT count(*)::integer AS count FROM players p LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id WHERE (' +
      '(SELECT count(*) FROM events e WHERE e.tenant_id = p.tenant_id AND e.player_id = p.player_id AND e.type = $1 AND e.direction = $2 AND e.status = ANY($3) ' +
      "AND e.occurred_at > $4::timestamptz - $5::integer * interval '24 hours' AND e.occurred_at <= $4::timestamptz) >= $6::bigint OR " +
      '((SELECT coalesce(sum(e.amount_minor), 0) FROM events e WHERE e.tenant_id = p.tenant_id AND e.player_id = p.player_id AND e.type = $7 AND e.amount_minor >= $8::bigint ' +
      "AND e.occurred_at > $4::timestamptz - $9::integer * interval '24 hours' AND e.occurred_at <= $4::timestamptz) BETWEEN $10::bigint AND $11::bigint AND f.net_loss_30d > $12::bigint) OR " +
      "(p.tags @> ARRAY[$13::text]) IS NOT TRUE OR lower(p.affiliate_id) LIKE lower($14) ESCAPE '\\' OR (p.self_excluded_until > $4::timestamptz IS TRUE) = $15)",
    );
    expect(pg.params).toEqual(['payment', 'deposit', ['approved'], AS_OF, 30, 3, 'bet.placed', 1000, 7, 5000, 60000, 0, 'vip', 'a\\_%', false]);
    // DuckDB: counts and sums become per-player aggregates left-joined once, not correlated subqueries.
    const duck = compileSegment(MIXED, opts('duckdb')).count();
    expect(duck.sql).toBe(
      'SELECT CAST(count(*) AS INTEGER) AS count FROM players p LEFT JOIN player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id ' +
      'LEFT JOIN (SELECT e.tenant_id, e.player_id, count(*) AS v FROM events e WHERE e.type = $1 AND e.direction = $2 AND e.status IN ($3) ' +
      `AND ${utc('e.occurred_at')} > ${utc('CAST($4 AS TIMESTAMPTZ)')} - CAST($5 AS INTEGER) * INTERVAL 24 HOUR AND ${utc('e.occurred_at')} <= ${utc('CAST($4 AS TIMESTAMPTZ)')} ` +
      'GROUP BY e.tenant_id, e.player_id) b1 ON b1.tenant_id = p.tenant_id AND b1.player_id = p.player_id ' +
      'LEFT JOIN (SELECT e.tenant_id, e.player_id, sum(e.amount_minor) AS v FROM events e WHERE e.type = $6 AND e.amount_minor >= CAST($7 AS BIGINT) ' +
      `AND ${utc('e.occurred_at')} > ${utc('CAST($4 AS TIMESTAMPTZ)')} - CAST($8 AS INTEGER) * INTERVAL 24 HOUR AND ${utc('e.occurred_at')} <= ${utc('CAST($4 AS TIMESTAMPTZ)')} ` +
      'GROUP BY e.tenant_id, e.player_id) b2 ON b2.tenant_id = p.tenant_id AND b2.player_id = p.player_id ' +
      'WHERE (coalesce(b1.v, 0) >= CAST($9 AS BIGINT) OR (coalesce(b2.v, 0) BETWEEN CAST($10 AS BIGINT) AND CAST($11 AS BIGINT) AND f.net_loss_30d > CAST($12 AS BIGINT)) ' +
      `OR (list_contains(p.tags, $13)) IS NOT TRUE OR starts_with(lower(p.affiliate_id), lower($14)) OR (${utcOrInf('p.self_excluded_until')} > ${utc('CAST($4 AS TIMESTAMPTZ)')} IS TRUE) = $15)`,
    );
    expect(duck.params).toEqual(['payment', 'deposit', 'approved', AS_OF, 30, 'bet.placed', 1000, 7, 3, 5000, 60000, 0, 'vip', 'a_', false]);
    const n = oracle.members(MIXED as SegmentNode, 't1').length + oracle.members(MIXED as SegmentNode, 't2').length;
    expect(n).toBeGreaterThan(0);
    expect((await engines.postgres.query(pg))[0]).toEqual({ count: n });
    expect((await engines.duckdb.query(duck))[0]).toEqual({ count: n });
  });

  it('"at least once" is EXISTS in Postgres and an uncorrelated IN in DuckDB; "never" is its complement', async () => {
    const once = { all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }] };
    const never = { all: [{ did: { type: 'bet.placed' }, op: 'at_most', times: 0, days: 7 }] };
    const window = (d: SqlDialect): string => d === 'postgres'
      ? "e.occurred_at > $3::timestamptz - $4::integer * interval '24 hours' AND e.occurred_at <= $3::timestamptz"
      : `${utc('e.occurred_at')} > ${utc('CAST($3 AS TIMESTAMPTZ)')} - CAST($4 AS INTEGER) * INTERVAL 24 HOUR AND ${utc('e.occurred_at')} <= ${utc('CAST($3 AS TIMESTAMPTZ)')}`;
    const pgOnce = compileSegment(once, opts('postgres', 't1')).count();
    expect(pgOnce.sql).toBe(
      'SELECT count(*)::integer AS count FROM players p WHERE p.tenant_id = $1 AND EXISTS (SELECT 1 FROM events e WHERE ' +
      `e.tenant_id = p.tenant_id AND e.player_id = p.player_id AND e.type = $2 AND ${window('postgres')})`,
    );
    const duckNever = compileSegment(never, opts('duckdb', 't1')).count();
    expect(duckNever.sql).toBe(
      'SELECT CAST(count(*) AS INTEGER) AS count FROM players p WHERE p.tenant_id = $1 AND ((p.tenant_id, p.player_id) IN ' +
      `(SELECT e.tenant_id, e.player_id FROM events e WHERE e.tenant_id = $1 AND e.type = $2 AND ${window('duckdb')})) IS NOT TRUE`,
    );
    expect(duckNever.params).toEqual(['t1', 'bet.placed', AS_OF, 7]);
    const nOnce = oracle.members(once as SegmentNode, 't1').length;
    expect(nOnce).toBeGreaterThan(0);
    for (const d of ['postgres', 'duckdb'] as const) {
      expect((await engines[d].query(compileSegment(once, opts(d, 't1')).count()))[0], d).toEqual({ count: nOnce });
      expect((await engines[d].query(compileSegment(never, opts(d, 't1')).count()))[0], d).toEqual({ count: 300 - nOnce });
    }
  });

  it('layout local (DuckDB): player_activity keyed by player_key, last_at compared as it is; a top-level "did" is an inner join', () => {
    const asOf = utc('CAST($2 AS TIMESTAMPTZ)');
    const set = 'SELECT a.player_key FROM player_activity a WHERE a.type = $1 AND ' +
      `a.last_at > ${asOf} - CAST($3 AS INTEGER) * INTERVAL 24 HOUR AND a.last_at <= ${asOf} ` +
      `UNION ALL SELECT a.player_key FROM player_activity a WHERE a.type = $4 AND a.last_at > ${asOf} AND a.player_id IN ` +
      `(SELECT e.player_id FROM events e WHERE e.type = $5 AND ${utc('e.occurred_at')} > ${asOf} - CAST($6 AS INTEGER) * INTERVAL 24 HOUR AND ${utc('e.occurred_at')} <= ${asOf})`;
    const local = { dialect: 'duckdb' as const, fields: FIELDS_FOR_TESTS, asOf: AS_OF, layout: 'local' as const, playerActivity: true };
    const once = compileSegment({ all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }, { field: 'registered_at', op: 'more_than_days_ago', value: 30 }] }, local).count();
    expect(once.sql).toBe(
      `SELECT CAST(count(*) AS INTEGER) AS count FROM players p JOIN (${set}) s1 ON s1.player_key = p.player_key ` +
      `WHERE (TRUE AND p.registered_at <= ${asOf} - CAST($7 AS INTEGER) * INTERVAL 24 HOUR)`,
    );
    expect(once.params).toEqual(['bet.placed', AS_OF, 7, 'bet.placed', 'bet.placed', 7, 30]);
    const never = compileSegment({ all: [{ did: { type: 'bet.placed' }, op: 'at_most', times: 0, days: 7 }] }, local).count();
    expect(never.sql).toBe(`SELECT CAST(count(*) AS INTEGER) AS count FROM players p WHERE (p.player_key IN (${set})) IS NOT TRUE`);
    const raw = compileSegment({ all: [{ did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 7 }] }, local).count();
    expect(raw.sql).toContain('WHERE p.player_id IN (SELECT e.player_id FROM events e WHERE e.type = $1 AND e.direction = $2');
  });
});

function excludedBy(p: PlayerRow, bands: readonly string[]): Record<GuardrailReason, boolean> {
  const after = (v: string | null): boolean => v !== null && (v === 'infinity' || Date.parse(v) > AS_OF_MS);
  return {
    self_excluded: after(p.self_excluded_until),
    blocked: p.blocked === true,
    timed_out: after(p.timed_out_until),
    high_risk: p.risk_band !== null && bands.includes(p.risk_band),
  };
}

describe('marketing guardrail', () => {
  const rule = { marketing: true, all: [{ field: 'country', op: 'in', value: ['BR', 'PT', 'ES'] }] } as SegmentNode;

  for (const [threshold, bands] of [['high', ['high', 'very_high']], ['medium', ['medium', 'high', 'very_high']]] as const) {
    it(`removes excluded players and counts why (risk at or above ${threshold})`, async () => {
      const matched = new Set(oracle.members(rule, 't1'));
      const players = data.players.filter((p) => p.tenant_id === 't1' && matched.has(p.player_id));
      const reasons = players.map((p) => excludedBy(p, bands));
      const byReason = Object.fromEntries(
        (['self_excluded', 'blocked', 'timed_out', 'high_risk'] as const).map((r) => [r, reasons.filter((x) => x[r]).length]),
      );
      const kept = players.filter((_, i) => !Object.values(reasons[i]!).some(Boolean)).map((p) => p.player_id);
      for (const r of Object.values(byReason)) expect(r).toBeGreaterThan(0);
      for (const d of ['postgres', 'duckdb'] as const) {
        const g = withGuardrail(compileSegment(rule, opts(d, 't1')), FIELDS_FOR_TESTS, { riskBandAtOrAbove: threshold });
        const [row] = await engines[d].query(g.removals());
        expect(readGuardrailCounts(row!), d).toEqual({ matched: players.length, removed: players.length - kept.length, kept: kept.length, byReason });
        expect(await ids(d, g.members()), d).toEqual(kept);
        expect((await engines[d].query(g.count()))[0], d).toEqual({ count: kept.length });
      }
    });
  }

  it('applies to behavioural segments too, and joins features when a reason needs them', async () => {
    const behaviour = { marketing: true, all: [{ did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 2, days: 30 }] };
    const fields = registrySegmentFields(FIELDS, [
      { key: 'risk_feature', type: 'enum', values: ['low', 'high'], table: 'player_features', column: 'risk_band_feature' },
    ]);
    const g = withGuardrail(compileSegment(behaviour, { ...opts('postgres', 't1'), fields }), fields, { fieldKeys: { riskBand: 'risk_feature' } });
    expect(g.count().sql).toContain('LEFT JOIN player_features f');
    expect(g.count().sql).toContain('f.risk_band_feature = ANY(');
    const d = withGuardrail(compileSegment(behaviour, opts('duckdb', 't1')), FIELDS_FOR_TESTS);
    const [row] = await engines.duckdb.query(d.removals());
    const counts = readGuardrailCounts(row!);
    expect(counts.matched).toBe(oracle.members(behaviour as SegmentNode, 't1').length);
    expect(counts.kept + counts.removed).toBe(counts.matched);
  });

  it('fails closed when the registry lacks a field it needs, or the band is unknown', () => {
    const plain = FIELDS_WITHOUT_GUARDRAIL;
    const c = compileSegment(rule, { dialect: 'postgres', fields: plain, asOf: AS_OF });
    expect(() => withGuardrail(c, plain)).toThrow(SegmentValidationError);
    expect(() => withGuardrail(c, plain)).toThrow(`guardrail timed_out: unknown field "${DEFAULT_GUARDRAIL_FIELDS.timedOutUntil}"`);
    expect(() => withGuardrail(compileSegment(rule, opts('postgres')), FIELDS_FOR_TESTS, { riskBandAtOrAbove: 'extreme' })).toThrow(RangeError);
  });
});

describe('injection attempts never reach SQL text', () => {
  const NASTY = [
    "x' OR '1'='1", "'; DROP TABLE players; --", 'Robert\'); DROP TABLE events;--', '$1', "\\'; SELECT 1; --", '%', '_', '" OR ""="',
    'ﾠ\'\u2019; --',
  ];

  it.each(NASTY)('value %j is bound, matches literally, and breaks nothing', async (v) => {
    const rule = {
      any: [
        { field: 'brand', op: 'eq', value: v }, { field: 'affiliate_id', op: 'starts_with', value: v },
        { field: 'market', op: 'in', value: ['br', v] }, { field: 'tags', op: 'contains', value: v },
        { did: { type: 'payment', direction: v, status: [v], method: [v] }, op: 'at_least', times: 1, days: 30 },
      ],
    };
    for (const d of ['postgres', 'duckdb'] as const) {
      const c = compileSegment(rule, opts(d, v));
      for (const [q, empty] of [[c.members({ after: v, limit: 5 }), []], [c.count(), [{ count: 0 }]]] as const) {
        if (/['"]/.test(v)) expect(q.sql).not.toContain(v);
        expect(q.sql).not.toMatch(/DROP|SELECT 1;|'1'='1'/);
        expect(JSON.stringify(q.params)).toContain(JSON.stringify(v).slice(1, -1));
        expect(await engines[d].query(q)).toEqual(empty);
      }
      const t1 = compileSegment(rule, opts(d, 't1'));
      expect(await ids(d, t1.members()), d).toEqual(oracle.members(rule as SegmentNode, 't1'));
    }
    for (const e of Object.values(engines)) {
      expect(await e.exec('SELECT count(*) AS n FROM players')).toEqual([{ n: data.players.length }]);
      expect(await e.exec('SELECT count(*) AS n FROM events')).toEqual([{ n: data.events.length }]);
    }
  });

  it('rejects field names and operators that are not in the registry', () => {
    for (const field of ['country; DROP TABLE players', 'p.country', 'country--', 'COUNTRY', '"country"']) {
      expect(() => compileSegment({ all: [{ field, op: 'is_null' }] }, opts('postgres'))).toThrow(SegmentValidationError);
    }
    expect(() => compileSegment({ all: [{ field: 'country', op: "eq' OR 1=1", value: 'BR' }] }, opts('duckdb'))).toThrow(SegmentValidationError);
    expect(() => compileSegment({ all: [{ sum: 'amount_minor); DROP TABLE events; --', of: { type: 'payment' }, op: 'gt', value: 1, days: 1 }] }, opts('duckdb')))
      .toThrow(SegmentValidationError);
  });

  it('refuses a registry whose column is not a plain identifier', () => {
    expect(() => segmentFields([{ key: 'x', type: 'string', table: 'players', column: 'x; DROP TABLE players' }])).toThrow(/must match/);
    expect(() => segmentFields([{ key: 'x', type: 'string', table: 'players', column: 'X' }])).toThrow(/must match/);
  });
});
