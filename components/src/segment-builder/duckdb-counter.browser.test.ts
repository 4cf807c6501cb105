import { tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { LocalAnalytics } from '@pitboss/sdk';
import type { Segment } from '@pitboss/core';
import { duckdbSegmentCounter } from './counters.js';
import type { LocalSegmentEngine } from './counters.js';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

/**
 * The local counter in real DuckDB-WASM over tables shaped like the exports
 * (`players`, `features`): plain counts through `LocalAnalytics.segmentCount`,
 * marketing counts through `LocalAnalytics.segmentGuardrail`, and both through
 * the SDK's `LocalSegments` over an engine that only has `query()` (its own
 * derivation of the local tables), all compared with the same rule evaluated
 * in JS, and again after the loaded data changes.
 */
defineSegmentBuilder();

const AS_OF = new Date('2026-06-01T00:00:00Z');
const N = 500;
const COUNTRIES = ['BR', 'PT', 'GB', 'ES'];
const BANDS = ['none', 'low', 'medium', 'high', 'very_high'];
const players = Array.from({ length: N }, (_, i) => ({
  player_id: `lp-${String(i).padStart(4, '0')}`,
  country: COUNTRIES[i % 4]!,
  brand: i % 7 === 0 ? "O'Brien; DROP TABLE players; --" : 'acme',
  deposit_sum_30d: (i * 7919) % 200_000,
  blocked: i % 11 === 0,
  // Excluded until after AS_OF for every 13th player, until before it for every 17th.
  self_excluded_ms: i % 13 === 0 ? AS_OF.getTime() + 86_400_000 : i % 17 === 0 ? AS_OF.getTime() - 86_400_000 : null,
  risk_band: BANDS[i % 5]!,
}));

describe('duckdbSegmentCounter in DuckDB-WASM', () => {
  let local: LocalAnalytics;
  /** (Re)creates `players` from raw_players, `blocked` as the given SQL expression over it. */
  const loadPlayers = (blocked: string) => local.query(`CREATE OR REPLACE TABLE players AS SELECT player_id, country, brand, ${blocked} AS blocked, risk_band,
      CASE WHEN self_excluded_ms IS NULL THEN NULL ELSE make_timestamp(CAST(self_excluded_ms * 1000 AS BIGINT)) END AS self_excluded_until,
      CAST(NULL AS TIMESTAMP) AS timed_out_until FROM raw_players`);
  beforeAll(async () => {
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets() } });
    await local.loadArrow('raw_players', tableFromArrays({
      player_id: players.map((p) => p.player_id),
      country: players.map((p) => p.country),
      brand: players.map((p) => p.brand),
      deposit_sum_30d: Float64Array.from(players.map((p) => p.deposit_sum_30d)),
      blocked: players.map((p) => p.blocked),
      self_excluded_ms: players.map((p) => p.self_excluded_ms),
      risk_band: players.map((p) => p.risk_band),
    }));
    // Tables shaped like the exports: players (no tenant_id, timestamps as timestamps), features apart.
    await loadPlayers('blocked');
    await local.query('CREATE TABLE features AS SELECT player_id, deposit_sum_30d FROM raw_players');
  });
  afterAll(async () => {
    await local?.close();
  });

  const counter = () => duckdbSegmentCounter(local, { asOf: () => AS_OF });
  /** An engine with only `query()` (no `segmentCount` / `segmentGuardrail`): counted with the SDK's LocalSegments over it. */
  let queryOnly: LocalSegmentEngine | null = null;
  const compiledHere = () => duckdbSegmentCounter((queryOnly ??= { query: local.query.bind(local) }), { asOf: () => AS_OF });
  const count = (segment: Segment, marketing = false, make = counter) => make()(segment, { signal: new AbortController().signal, marketing });

  it('counts like the rule evaluated in JS, through segmentCount and compiled here, values bound', async () => {
    const segment: Segment = {
      all: [
        { field: 'country', op: 'in', value: ['BR', 'PT'] },
        { any: [{ field: 'deposit_sum_30d', op: 'gte', value: 150_000 }, { not: { field: 'risk_band', op: 'neq', value: 'high' } }] },
      ],
    };
    const want = players.filter((p) => ['BR', 'PT'].includes(p.country) && (p.deposit_sum_30d >= 150_000 || p.risk_band === 'high')).length;
    expect(want).to.be.greaterThan(0);
    const evil = players.filter((p) => p.brand.startsWith("O'Brien")).length;
    for (const make of [counter, compiledHere]) {
      expect(await count(segment, false, make)).to.deep.equal({ count: want });
      expect(await count({ all: [{ field: 'brand', op: 'eq', value: "O'Brien; DROP TABLE players; --" }] }, false, make)).to.deep.equal({ count: evil });
      expect(await count({ all: [{ field: 'brand', op: 'eq', value: 'acme' }] }, false, make)).to.deep.equal({ count: N - evil });
    }
  });

  type Player = (typeof players)[number];
  const selfExcluded = (p: Player) => p.self_excluded_ms !== null && p.self_excluded_ms > AS_OF.getTime();
  const highRisk = (p: Player) => p.risk_band === 'high' || p.risk_band === 'very_high';
  /** The guardrail over `matched`, evaluated in JS. */
  const guardrailOf = (matched: readonly Player[]) => {
    const removed = matched.filter((p) => p.blocked || selfExcluded(p) || highRisk(p));
    return {
      matched: matched.length, removed: removed.length, kept: matched.length - removed.length,
      byReason: { self_excluded: matched.filter(selfExcluded).length, blocked: matched.filter((p) => p.blocked).length, timed_out: 0, high_risk: matched.filter(highRisk).length },
      riskBandAtOrAbove: 'high',
    };
  };

  it('applies the guardrail for marketing and reports removals per reason, through segmentGuardrail and compiled here', async () => {
    const want = guardrailOf(players.filter((p) => p.country === 'BR'));
    expect(want.removed).to.be.greaterThan(0);
    for (const make of [counter, compiledHere]) {
      const r = await count({ all: [{ field: 'country', op: 'eq', value: 'BR' }] }, true, make);
      expect(r).to.deep.equal({ count: want.kept, guardrail: want });
    }
    // The segment's own `marketing: true` guards it too; LocalAnalytics answers alike.
    const marked = { marketing: true, all: [{ field: 'country', op: 'eq', value: 'BR' }] } as Segment;
    expect(await count(marked, false, compiledHere)).to.deep.equal({ count: want.kept, guardrail: want });
    expect(await local.segmentGuardrail(marked, { asOf: AS_OF })).to.deep.equal(want);
  });

  it('follows the loaded data: a table loaded again, and a write through LocalAnalytics.query', async () => {
    const segment: Segment = { all: [{ field: 'country', op: 'eq', value: 'PT' }] };
    const counts = async (make: typeof counter) => [await count(segment, false, make), await count(segment, true, make)];
    const expected = (list: readonly Player[]) => {
      const g = guardrailOf(list.filter((p) => p.country === 'PT'));
      return [{ count: g.matched }, { count: g.kept, guardrail: g }];
    };
    const both = async (list: readonly Player[], what: string) => {
      const want = expected(list);
      // query()-only first: it must notice the change itself, before LocalAnalytics derives over the same database.
      expect(await counts(compiledHere), `query() only, ${what}`).to.deep.equal(want);
      expect(await counts(counter), `LocalAnalytics, ${what}`).to.deep.equal(want);
      // Its derivation replaced LocalAnalytics' (the table's comment says whose it is): the query()-only one derives again,
      // and so holds the current tables when the data changes next.
      expect(await counts(compiledHere), `query() only after LocalAnalytics, ${what}`).to.deep.equal(want);
    };
    await both(players, 'as loaded');
    // Loaded again with as many rows: every PT player blocked (only the table's oid tells the query()-only engine).
    const blockedPT = players.map((p) => ({ ...p, blocked: p.blocked || p.country === 'PT' }));
    await loadPlayers(`blocked OR country = 'PT'`);
    await both(blockedPT, 'players replaced');
    // A write in place through LocalAnalytics.query: LocalAnalytics derives again.
    await local.query(`UPDATE players SET blocked = false WHERE country = 'PT'`);
    const unblocked = players.map((p) => ({ ...p, blocked: p.country === 'PT' ? false : p.blocked }));
    expect(await counts(counter), 'LocalAnalytics, after UPDATE').to.deep.equal(expected(unblocked));
    // Rows added (a larger table): both follow.
    await local.query(`INSERT INTO players SELECT 'lp-extra-' || i, 'PT', 'acme', false, 'none', NULL, NULL FROM range(3) t(i)`);
    const grown = [...unblocked, ...[0, 1, 2].map((i) => ({ player_id: `lp-extra-${i}`, country: 'PT', brand: 'acme', deposit_sum_30d: 0, blocked: false, self_excluded_ms: null, risk_band: 'none' }))];
    await both(grown, 'rows added');
    // Back to the data the other cases read.
    await loadPlayers('blocked');
    await both(players, 'loaded again as at first');
  });

  it('drives the builder: the shown count follows the edits', async () => {
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.debounce = 0;
    el.segment = { all: [{ field: 'country', op: 'eq', value: 'GB' }] };
    el.counter = counter();
    document.body.append(el);
    const shown = () => el.shadowRoot!.querySelector('[part~="count"]')?.textContent?.trim() ?? '';
    const until = async (text: string) => {
      const end = Date.now() + 30_000;
      while (shown() !== text) {
        if (Date.now() > end) throw new Error(`count shown is ${JSON.stringify(shown())}, waited for ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until(`Matching players: ${players.filter((p) => p.country === 'GB').length}`);
    const select = el.shadowRoot!.getElementById('n-all-0--value') as HTMLSelectElement;
    select.value = 'ES';
    select.dispatchEvent(new Event('change'));
    await until(`Matching players: ${players.filter((p) => p.country === 'ES').length}`);
    el.remove();
  });
});
