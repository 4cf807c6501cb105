import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSegment, localSegmentTables, withGuardrail } from '@pitboss/core';
import type { LocalSegmentTables, SegmentNode, SegmentSql } from '@pitboss/core';
import { FEATURES } from '@pitboss/core';
import { AS_OF, FIELDS_FOR_TESTS, generate } from './data.js';
import { duckdbSegmentEngine, postgresSegmentEngine } from './engines.js';
import type { SegmentEngine } from './engines.js';
import { Oracle } from './oracle.js';

/**
 * Every operator on every field type, behavioural counts and sums, and group
 * nesting, compiled for both dialects and run on real Postgres and DuckDB over
 * the same data: both engines return the same members as the reference
 * evaluator. A case that matches nobody or everybody proves little, so each
 * must split the tenant unless marked `edge`.
 */

const data = generate();
const oracle = new Oracle(data, FIELDS_FOR_TESTS, AS_OF);
const FEATURE_KEYS = FEATURES.map((x) => x.key);
const T1 = data.players.filter((p) => p.tenant_id === 't1').length;

type Case = [name: string, rule: SegmentNode, edge?: 'edge'];
const f = (field: string, op: string, value?: unknown): SegmentNode =>
  (value === undefined ? { field, op } : { field, op, value }) as SegmentNode;

const CASES: Case[] = [
  // enum
  ['enum eq', f('country', 'eq', 'BR')],
  ['enum neq (unknown country never matches)', f('country', 'neq', 'BR')],
  ['enum in', f('country', 'in', ['PT', 'ES'])],
  ['enum not_in', f('country', 'not_in', ['PT', 'ES'])],
  ['enum is_null', f('country', 'is_null')],
  ['enum is_not_null', f('currency', 'is_not_null')],
  ['enum risk band in', f('risk_band', 'in', ['high', 'very_high'])],
  // integer
  ['integer lt', f('birth_year', 'lt', 1970)],
  ['integer lte', f('birth_year', 'lte', 1970)],
  ['integer gt', f('birth_year', 'gt', 1990)],
  ['integer gte', f('birth_year', 'gte', 1990)],
  ['integer eq', f('birth_year', 'eq', 1980)],
  ['integer neq', f('birth_year', 'neq', 1980)],
  ['integer between', f('birth_year', 'between', [1970, 1980])],
  ['integer feature in', f('deposit_count_7d', 'in', [0, 2])],
  ['integer feature not_in', f('deposit_count_7d', 'not_in', [0, 2])],
  ['integer feature is_null (no features row counts as null)', f('days_since_last_bet', 'is_null')],
  ['integer feature lte', f('days_since_last_bet', 'lte', 7)],
  // money
  ['money gt', f('deposit_sum_30d', 'gt', 100000)],
  ['money lt negative', f('net_loss_30d', 'lt', 0)],
  ['money between', f('net_loss_30d', 'between', [-10000, 10000])],
  ['money gte', f('net_loss_30d', 'gte', 50000)],
  ['money is_not_null', f('deposit_sum_30d', 'is_not_null')],
  // number
  ['number gte', f('stake_cv_30d', 'gte', 1.5)],
  ['number lt', f('stake_cv_30d', 'lt', 0.5)],
  ['number between', f('stake_cv_30d', 'between', [0.5, 1.25])],
  ['number neq', f('stake_cv_30d', 'neq', 1)],
  // boolean
  ['boolean eq true', f('blocked', 'eq', true)],
  ['boolean eq false', f('blocked', 'eq', false)],
  ['boolean neq true (null never matches)', f('blocked', 'neq', true)],
  ['boolean is_null', f('blocked', 'is_null')],
  ['boolean test_account', f('test_account', 'eq', true)],
  ['derived boolean kyc_verified true', f('kyc_verified', 'eq', true)],
  ['derived boolean kyc_verified false', f('kyc_verified', 'eq', false)],
  ['derived boolean self_excluded true (includes infinity)', f('self_excluded', 'eq', true)],
  ['derived boolean self_excluded false', f('self_excluded', 'eq', false)],
  // string
  ['string eq is case-sensitive', f('brand', 'eq', 'Apex')],
  ['string starts_with is case-insensitive', f('brand', 'starts_with', 'apex')],
  ['string starts_with non-ASCII', f('brand', 'starts_with', 'ÇASA')],
  ['string starts_with % is literal', f('affiliate_id', 'starts_with', 'a%')],
  ['string starts_with _ is literal', f('affiliate_id', 'starts_with', 'a_')],
  ['string starts_with quote', f('affiliate_id', 'starts_with', "o'")],
  ['string starts_with backslash', f('affiliate_id', 'starts_with', 'aff\\')],
  ['string in', f('brand', 'in', ['Bolt', 'çasa'])],
  ['string not_in', f('brand', 'not_in', ['Bolt', 'çasa'])],
  ['string neq', f('market', 'neq', 'br')],
  ['string is_null', f('language', 'is_null')],
  // tags
  ['tags contains', f('tags', 'contains', 'vip')],
  ['tags is_null', f('tags', 'is_null')],
  ['not tags contains', { not: f('tags', 'contains', 'vip') }],
  // timestamp
  ['timestamp within_last_days (edges planted)', f('registered_at', 'within_last_days', 30)],
  ['timestamp more_than_days_ago (edges planted)', f('registered_at', 'more_than_days_ago', 90)],
  ['timestamp within_last_days 0', f('last_event_at', 'within_last_days', 0), 'edge'],
  ['timestamp gt date', f('registered_at', 'gt', '2026-01-01')],
  ['timestamp lte offset timestamp', f('kyc_verified_at', 'lte', '2026-03-01T09:00:00-03:00')],
  ['timestamp between', f('registered_at', 'between', ['2025-10-01', '2026-02-01T00:00:00Z'])],
  ['timestamp is_null', f('kyc_verified_at', 'is_null')],
  ['timestamp gt asOf (infinity counts)', f('self_excluded_until', 'gt', AS_OF)],
  ['timestamp lt', f('last_event_at', 'lt', '2026-05-01')],
  // behavioural counts
  ['did approved deposit at least 3 in 30 days', { did: { type: 'payment', direction: 'deposit', status: ['approved'] }, op: 'at_least', times: 3, days: 30 }],
  ['did bet at least once in 7 days (EXISTS)', { did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }],
  ['never deposited in 30 days (NOT EXISTS)', { did: { type: 'payment', direction: 'deposit' }, op: 'at_most', times: 0, days: 30 }],
  ['did live casino at most 2 in 30 days', { did: { type: 'casino.round', product: ['live_casino'] }, op: 'at_most', times: 2, days: 30 }],
  ['did big bets at least 2 in 90 days', { did: { type: 'bet.placed', amount: { op: 'gte', value: 10000 } }, op: 'at_least', times: 2, days: 90 }],
  ['did bets between amounts', { did: { type: 'bet.placed', amount: { op: 'between', value: [1000, 5000] } }, op: 'at_least', times: 2, days: 60 }],
  ['did rejected pix deposit', { did: { type: 'payment', status: ['rejected'], method: ['pix'] }, op: 'at_least', times: 1, days: 120 }],
  ['did session at least 0 times (everyone)', { did: { type: 'session.started' }, op: 'at_least', times: 0, days: 30 }, 'edge'],
  ['window edge: deposits in exactly 7 days', { did: { type: 'payment' }, op: 'at_least', times: 2, days: 7 }],
  // behavioural sums
  ['sum deposits gte', { sum: 'amount_minor', of: { type: 'payment', direction: 'deposit', status: ['approved'] }, op: 'gte', value: 50000, days: 30 }],
  ['sum casino wins gt 0', { sum: 'win_minor', of: { type: 'casino.round' }, op: 'gt', value: 0, days: 90 }],
  ['sum bonus stake eq 0 (no events sum to 0)', { sum: 'bonus_minor', of: { type: 'bet.placed' }, op: 'eq', value: 0, days: 30 }],
  ['sum stakes between', { sum: 'amount_minor', of: { type: 'bet.placed', product: ['sportsbook'] }, op: 'between', value: [5000, 60000], days: 60 }],
  ['sum withdrawals lt', { sum: 'amount_minor', of: { type: 'payment', direction: 'withdrawal' }, op: 'lt', value: 10000, days: 90 }],
  ['sum neq', { sum: 'amount_minor', of: { type: 'bonus.granted' }, op: 'neq', value: 0, days: 120 }],
  // groups
  ['any', { any: [f('country', 'eq', 'BR'), f('tags', 'contains', 'vip')] }],
  ['not all', { not: { all: [f('country', 'eq', 'BR'), f('blocked', 'eq', false)] } }],
  ['not of a null comparison is its complement', { not: f('country', 'eq', 'BR') }],
  ['nested mix', {
    all: [
      { any: [f('country', 'in', ['BR', 'PT']), f('language', 'eq', 'es')] },
      { not: { did: { type: 'payment', direction: 'deposit' }, op: 'at_most', times: 0, days: 90 } },
      { any: [f('net_loss_30d', 'gt', 0), { not: f('stake_cv_30d', 'is_not_null') }] },
    ],
  }],
  ['four conditions (bench shape)', {
    all: [
      f('country', 'in', ['BR', 'PT', 'ES']),
      f('registered_at', 'more_than_days_ago', 30),
      f('deposit_sum_30d', 'gte', 10000),
      { did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 30 },
    ],
  }],
  ['deep nesting', { not: { any: [{ not: { all: [{ not: f('blocked', 'eq', true) }, f('birth_year', 'gt', 1960)] } }, f('risk_band', 'eq', 'low')] } }],
];

/** Tenant t1's copy as LocalAnalytics holds it (its exports: no tenant_id) and the tables it derives, per DuckDB engine. */
const locals = new Map<SegmentEngine, LocalSegmentTables>();

async function deriveLocal(e: SegmentEngine): Promise<LocalSegmentTables> {
  const exports = { players: 'players', features: 'player_features', events: 'events' };
  for (const [name, table] of Object.entries(exports)) {
    await e.exec(`CREATE TABLE t1_${name} AS SELECT * EXCLUDE (tenant_id) FROM main.${table} WHERE tenant_id = 't1'`);
  }
  const columns = async (table: string): Promise<{ name: string; type: string }[]> =>
    (await e.exec(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = '${table}'`))
      .map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  const local = localSegmentTables(FIELDS_FOR_TESTS, {
    players: 't1_players', features: 't1_features', events: 't1_events',
    columns: { players: await columns('t1_players'), features: await columns('t1_features') },
  });
  for (const statement of local.statements) await e.exec(statement);
  return local;
}

let engines: SegmentEngine[] = [];
beforeAll(async () => {
  // The third engine: DuckDB in a zone far from UTC, which must change nothing (instants are compared as UTC).
  engines = await Promise.all([postgresSegmentEngine('parity'), duckdbSegmentEngine(), duckdbSegmentEngine({ timeZone: 'Pacific/Kiritimati' })]);
  await Promise.all(engines.map((e) => e.load(data)));
  for (const e of engines) if (e.dialect === 'duckdb') locals.set(e, await deriveLocal(e));
});
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
});

/**
 * Members on the raw events; the same members must come from the `playerActivity` and `lastSeenColumns` forms, and on DuckDB for
 * tenant t1 from the tables localSegmentTables derives (`layout: 'local'`, with and without player_activity),
 * else the test fails.
 */
async function members(e: SegmentEngine, rule: unknown, tenantId?: string, asOf: string = AS_OF): Promise<string[]> {
  const forms = [{}, { playerActivity: true }, { lastSeenColumns: true }].map((form) =>
    compileSegment(rule, { dialect: e.dialect, fields: FIELDS_FOR_TESTS, asOf, ...form, ...(tenantId ? { tenantId } : {}) }));
  const read = async (members: SegmentSql, count: SegmentSql): Promise<string[]> => {
    const list = (await e.query(members)).map((r) => r.player_id as string);
    const [n] = await e.query(count);
    expect(n?.count, `${e.dialect} count form`).toBe(list.length);
    return list;
  };
  const [ids, rolled, columns] = await Promise.all(forms.map((c) => read(c.members(), c.count())));
  expect(rolled, `${e.dialect}, playerActivity`).toEqual(ids);
  expect(columns, `${e.dialect}, lastSeenColumns`).toEqual(ids);
  const local = locals.get(e);
  if (local && tenantId === 't1') {
    for (const playerActivity of [false, true]) {
      const c = compileSegment(rule, { dialect: 'duckdb', fields: FIELDS_FOR_TESTS, asOf, layout: 'local', playerActivity });
      const [m, n] = [c.members(), c.count()];
      const got = await read({ sql: local.wrap(m.sql), params: m.params }, { sql: local.wrap(n.sql), params: n.params });
      expect(got, `duckdb, layout local, playerActivity ${playerActivity}`).toEqual(ids);
    }
  }
  return ids!;
}

describe('Postgres and DuckDB return the reference members', () => {
  it.each(CASES)('%s', async (_name, rule, edge) => {
    const root = 'all' in rule || 'any' in rule || 'not' in rule ? rule : { all: [rule] };
    const expected = oracle.members(compileSegment(root, { dialect: 'postgres', fields: FIELDS_FOR_TESTS, asOf: AS_OF }).segment, 't1');
    if (!edge) {
      expect(expected.length, 'the case splits the tenant').toBeGreaterThan(0);
      expect(expected.length, 'the case splits the tenant').toBeLessThan(T1);
    }
    const [pg, duck, zoned] = await Promise.all(engines.map((e) => members(e, root, 't1')));
    expect(pg, 'postgres').toEqual(expected);
    expect(duck, 'duckdb').toEqual(expected);
    expect(zoned, 'duckdb, TimeZone Pacific/Kiritimati').toEqual(expected);
  });

  it('scopes by tenant, and reads every tenant without one', async () => {
    const rule = { all: [f('country', 'eq', 'BR')] };
    for (const e of engines) {
      const t2 = await members(e, rule, 't2');
      expect(t2).toEqual(oracle.members(rule, 't2'));
      const all = await members(e, rule);
      expect(all.length).toBe(oracle.members(rule, 't1').length + t2.length);
    }
  });

  it('pages members by keyset in the same order on both engines', async () => {
    const rule = { any: [f('country', 'eq', 'BR'), f('tags', 'contains', 'vip')] };
    const expected = oracle.members(rule, 't1');
    for (const e of engines) {
      const c = compileSegment(rule, { dialect: e.dialect, fields: FIELDS_FOR_TESTS, asOf: AS_OF, tenantId: 't1' });
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await e.query(c.members(after === undefined ? { limit: 17 } : { after, limit: 17 }))).map((r) => r.player_id as string);
        seen.push(...page);
        if (page.length < 17) break;
        after = page[page.length - 1];
      }
      expect(seen, e.dialect).toEqual(expected);
    }
  });

  // Earlier asOf: players' last event of a type lies after it, so the playerActivity form must fall back to the events.
  it.each(['2026-06-20T12:00:00.000Z', '2026-05-10T00:00:00.000Z', '2026-04-01T06:00:00.000Z'])('moves relative dates with asOf %s', async (asOf) => {
    const rules: SegmentNode[] = [
      { all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }] },
      { all: [{ did: { type: 'payment' }, op: 'at_most', times: 0, days: 30 }] },
      { any: [{ did: { type: 'session.started' }, op: 'at_least', times: 1, days: 14 }, f('country', 'eq', 'BR')] },
    ];
    const oracleAt = new Oracle(data, FIELDS_FOR_TESTS, asOf);
    let splits = 0;
    for (const rule of rules) {
      const expected = oracleAt.members(rule, 't1');
      if (expected.length > 0 && expected.length < T1) splits++;
      for (const e of engines) expect(await members(e, rule, 't1', asOf), e.dialect).toEqual(expected);
    }
    expect(splits, 'some rule splits the tenant').toBeGreaterThan(0);
  });

  it('reads player_activity for type-only at least once / never, and only then', () => {
    const at = (rule: unknown): string => compileSegment(rule, { dialect: 'postgres', fields: FIELDS_FOR_TESTS, asOf: AS_OF, playerActivity: true }).count().sql;
    expect(at({ all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }] })).toContain('FROM player_activity a');
    expect(at({ all: [{ did: { type: 'bet.placed' }, op: 'at_most', times: 0, days: 7 }] })).toContain('FROM player_activity a');
    expect(at({ all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 2, days: 7 }] })).not.toContain('player_activity');
    expect(at({ all: [{ did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 7 }] })).not.toContain('player_activity');
    expect(at({ all: [{ sum: 'amount_minor', of: { type: 'payment' }, op: 'gt', value: 0, days: 7 }] })).not.toContain('player_activity');
    expect(compileSegment({ all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }] }, { dialect: 'postgres', fields: FIELDS_FOR_TESTS, asOf: AS_OF }).count().sql).not.toContain('player_activity');
  });

  it('reads the last-seen column for the same conditions with lastSeenColumns, and no player_activity', () => {
    const at = (rule: unknown): string =>
      compileSegment(rule, { dialect: 'postgres', fields: FIELDS_FOR_TESTS, asOf: AS_OF, playerActivity: true, lastSeenColumns: true }).count().sql;
    const once = at({ all: [{ did: { type: 'bet.placed' }, op: 'at_least', times: 1, days: 7 }] });
    expect(once).toContain('p.last_bet_placed_at > ');
    expect(once).not.toContain('player_activity');
    expect(at({ all: [{ did: { type: 'session.started' }, op: 'at_most', times: 0, days: 7 }] })).toContain('p.last_session_started_at');
    expect(at({ all: [{ did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 7 }] })).not.toContain('last_payment_at');
    expect(() => compileSegment({ all: [f('country', 'eq', 'BR')] }, { dialect: 'duckdb', fields: FIELDS_FOR_TESTS, asOf: AS_OF, layout: 'local', lastSeenColumns: true })).toThrow(RangeError);
  });

  it('counts the guardrail removals alike on the tables localSegmentTables derives (layout: local)', async () => {
    const rules = CASES.filter(([name]) => /feature|money|did|nested|four|any$/.test(name)).map(([, rule]) => rule);
    expect(rules.length).toBeGreaterThan(10);
    for (const e of engines) {
      const local = locals.get(e);
      if (!local) continue;
      for (const rule of rules) {
        const root = 'all' in rule || 'any' in rule || 'not' in rule ? rule : { all: [rule] };
        const joined = withGuardrail(compileSegment(root, { dialect: 'duckdb', fields: FIELDS_FOR_TESTS, asOf: AS_OF, tenantId: 't1', playerActivity: true }), FIELDS_FOR_TESTS);
        const c = compileSegment(root, { dialect: 'duckdb', fields: FIELDS_FOR_TESTS, asOf: AS_OF, layout: 'local', playerActivity: true });
        expect(c.count().sql).not.toMatch(/tenant_id|player_features/);
        const removals = withGuardrail(c, FIELDS_FOR_TESTS).removals();
        const [want] = await e.query(joined.removals());
        const [got] = await e.query({ sql: local.wrap(removals.sql), params: removals.params });
        expect(got, JSON.stringify(root)).toEqual(want);
      }
    }
    expect(() => compileSegment({ all: [f('country', 'eq', 'BR')] }, { dialect: 'postgres', fields: FIELDS_FOR_TESTS, asOf: AS_OF, layout: 'local' })).toThrow(RangeError);
    expect(() => compileSegment({ all: [f('country', 'eq', 'BR')] }, { dialect: 'duckdb', fields: FIELDS_FOR_TESTS, asOf: AS_OF, layout: 'local', tenantId: 't1' })).toThrow(RangeError);
  });

  it('reads features from a wide players table without a join (layout: wide)', async () => {
    const rules = CASES.filter(([name]) => /feature|money|number|did|nested|four|any$/.test(name)).map(([, rule]) => rule);
    expect(rules.length).toBeGreaterThan(10);
    const wide = (d: 'postgres' | 'duckdb'): string[] => [
      'CREATE SCHEMA wide',
      `CREATE TABLE wide.players AS SELECT p.*, ${FEATURE_KEYS.map((k) => `f.${k}`).join(', ')} FROM main_schema.players p LEFT JOIN main_schema.player_features f ON f.tenant_id = p.tenant_id AND f.player_id = p.player_id`.replace(/main_schema/g, d === 'postgres' ? 'public' : 'main'),
      `CREATE VIEW wide.events AS SELECT * FROM ${d === 'postgres' ? 'public' : 'main'}.events`,
      d === 'postgres' ? 'SET search_path = wide' : "SET schema = 'wide'",
    ];
    for (const e of engines) {
      for (const s of wide(e.dialect)) await e.exec(s);
      try {
        for (const rule of rules) {
          const root = 'all' in rule || 'any' in rule || 'not' in rule ? rule : { all: [rule] };
          // As storage compiles: features and last-seen times both read from the players row.
          const c = compileSegment(root, { dialect: e.dialect, fields: FIELDS_FOR_TESTS, asOf: AS_OF, tenantId: 't1', layout: 'wide', playerActivity: true, lastSeenColumns: true });
          expect(c.count().sql).not.toContain('player_features');
          const expected = oracle.members(c.segment, 't1');
          expect((await e.query(c.members())).map((r) => r.player_id as string), e.dialect).toEqual(expected);
          const kept = (await e.query(withGuardrail(c, FIELDS_FOR_TESTS).members())).map((r) => r.player_id as string);
          const blocked = new Set(data.players.filter((p) => p.tenant_id === 't1' && p.blocked === true).map((p) => p.player_id));
          expect(kept.every((id) => expected.includes(id) && !blocked.has(id)), `${e.dialect}: the guardrail applies`).toBe(true);
        }
      } finally {
        await e.exec(e.dialect === 'postgres' ? 'SET search_path = public' : "SET schema = 'main'");
      }
    }
  });
});
