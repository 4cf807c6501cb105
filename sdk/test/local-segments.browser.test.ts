import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { SegmentValidationError } from '@pitboss/core';
import { LocalAnalytics, LocalSegments } from '@pitboss/sdk';

// Local segment counts over tables shaped like the exports (TIMESTAMPTZ times,
// features as DOUBLE, no tenant_id), against counts worked out here from the
// same formulas. The Postgres ↔ DuckDB-WASM comparison on one data set is in
// consistency.browser.api.ts.

const AS_OF = '2026-06-01T12:00:00.000Z';
const AS_OF_S = Date.parse(AS_OF) / 1000;
const N = 300;
const ids = Array.from({ length: N }, (_, i) => i);
const country = (i: number): string => ['BR', 'GB', 'PT'][i % 3]!;
const registeredLongAgo = (i: number): boolean => i % 60 >= 30; // registered_at = as_of − (i % 60) days − 1 h
const netLoss = (i: number): number => ((i * 37) % 500) * 100;
const deposits30d = (i: number): number => Math.min(i % 5, 3); // deposits at as_of − k×10 days − 1 h, k < i % 5
const pid = (i: number): string => `p${String(i).padStart(4, '0')}`;

describe('LocalAnalytics.segmentCount (core segments compiled for DuckDB-WASM)', () => {
  let local: LocalAnalytics;
  beforeAll(async () => {
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets() } });
    await local.query(
      `CREATE TABLE players AS SELECT 'p' || lpad(CAST(i AS VARCHAR), 4, '0') AS player_id,
         ['BR', 'GB', 'PT'][i % 3 + 1] AS country,
         to_timestamp(${AS_OF_S} - (i % 60) * 86400 - 3600) AS registered_at,
         FALSE AS blocked
       FROM range(${N}) t(i)`,
    );
    await local.query(
      `CREATE TABLE events AS SELECT 'p' || lpad(CAST(i AS VARCHAR), 4, '0') AS player_id, 'e' || i || '-' || k AS event_id,
         'payment' AS type, 'deposit' AS direction, 'approved' AS status, CAST(1000 AS BIGINT) AS amount_minor,
         to_timestamp(${AS_OF_S} - k * 10 * 86400 - 3600) AS occurred_at
       FROM range(${N}) t(i), range(5) s(k) WHERE k < i % 5`,
    );
  });
  afterAll(async () => {
    await local?.close();
  });

  const expectCount = async (segment: unknown, predicate: (i: number) => boolean): Promise<void> => {
    const want = ids.filter(predicate).length;
    expect(want).to.be.greaterThan(0);
    expect(want).to.be.lessThan(N);
    expect(await local.segmentCount(segment, { asOf: AS_OF })).to.deep.equal({ count: want });
  };

  it('counts attribute conditions with relative dates (UTC TIMESTAMP arithmetic, no ICU)', async () => {
    await expectCount(
      { all: [{ field: 'country', op: 'eq', value: 'BR' }, { field: 'registered_at', op: 'more_than_days_ago', value: 30 }] },
      (i) => country(i) === 'BR' && registeredLongAgo(i),
    );
  });

  it('counts behaviour over the events table', async () => {
    await expectCount({ all: [{ did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 2, days: 30 }] }, (i) => deposits30d(i) >= 2);
    await expectCount({ all: [{ did: { type: 'payment' }, op: 'at_most', times: 0, days: 30 }] }, (i) => deposits30d(i) === 0);
  });

  it('names the export to load when a table is missing, then counts features once it is there', async () => {
    const segment = { any: [{ field: 'net_loss_30d', op: 'gt', value: 20000 }, { field: 'country', op: 'eq', value: 'PT' }] };
    let error: unknown;
    await local.segmentCount(segment, { asOf: AS_OF }).catch((e: unknown) => { error = e; });
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.contain("loadExport('features')");
    await local.query(`CREATE TABLE features AS SELECT 'p' || lpad(CAST(i AS VARCHAR), 4, '0') AS player_id, CAST(((i * 37) % 500) * 100 AS DOUBLE) AS net_loss_30d FROM range(${N}) t(i)`);
    await expectCount(segment, (i) => netLoss(i) > 20000 || country(i) === 'PT');
  });

  it('pages members in player_id order', async () => {
    const segment = { all: [{ field: 'country', op: 'in', value: ['GB', 'PT'] }] };
    const want = ids.filter((i) => country(i) !== 'BR').map(pid);
    const first = await local.segmentMembers(segment, { asOf: AS_OF, limit: 150 });
    expect(first.playerIds).to.deep.equal(want.slice(0, 150));
    expect(first.next).to.equal(want[149]);
    const rest = await local.segmentMembers(segment, { asOf: AS_OF, limit: 150, after: first.next! });
    expect(rest.playerIds).to.deep.equal(want.slice(150));
    expect(rest.next).to.equal(null);
  });

  it('derives its segment tables again after the exports change, and lists none of them', async () => {
    // Type-only "did … at least once" reads the derived player_activity.
    const segment = { all: [{ did: { type: 'payment' }, op: 'at_least', times: 1, days: 30 }] };
    const before = ids.filter((i) => deposits30d(i) > 0).length;
    expect(await local.segmentCount(segment, { asOf: AS_OF })).to.deep.equal({ count: before });
    // p0000 (i % 5 = 0) has no events: one deposit a day before asOf makes it a member.
    await local.query(`INSERT INTO events (player_id, event_id, type, direction, status, amount_minor, occurred_at)
      VALUES ('p0000', 'late', 'payment', 'deposit', 'approved', 1000, to_timestamp(${AS_OF_S} - 86400))`);
    expect(await local.segmentCount(segment, { asOf: AS_OF })).to.deep.equal({ count: before + 1 });
    // Deposits after asOf: the derived last occurrence lies after asOf, so the events decide. p0005 has
    // none in the window (not a member at asOf, one at a later asOf); p0001 has one an hour before asOf (still a member).
    await local.query(`INSERT INTO events (player_id, event_id, type, direction, status, amount_minor, occurred_at)
      VALUES ('p0005', 'future', 'payment', 'deposit', 'approved', 1000, to_timestamp(${AS_OF_S} + 86400)),
             ('p0001', 'future', 'payment', 'deposit', 'approved', 1000, to_timestamp(${AS_OF_S} + 86400))`);
    expect(await local.segmentCount(segment, { asOf: AS_OF })).to.deep.equal({ count: before + 1 });
    expect(await local.segmentCount(segment, { asOf: new Date((AS_OF_S + 2 * 86400) * 1000) })).to.deep.equal({ count: before + 2 });
    await local.query("DELETE FROM events WHERE event_id IN ('late', 'future')");
    expect(await local.segmentCount(segment, { asOf: AS_OF })).to.deep.equal({ count: before });
    expect((await local.tables()).map((t) => t.name)).to.deep.equal(['events', 'features', 'players']);
  });

  it('notices another LocalSegments deriving over the same database (player_activity dropped under it)', async () => {
    // Type-only "did": LocalAnalytics derives player_activity and reads it.
    const did = { all: [{ did: { type: 'payment' }, op: 'at_least', times: 1, days: 30 }] };
    const attribute = { all: [{ field: 'country', op: 'eq', value: 'GB' }] };
    const other = new LocalSegments(async (sql, params) => (await local.db.queryTable(sql, params)).toArray() as Record<string, unknown>[]);
    expect(await local.segmentCount(did, { asOf: AS_OF })).to.deep.equal({ count: ids.filter((i) => deposits30d(i) > 0).length });
    // The other one derives players only (an attribute count), which drops the player_activity LocalAnalytics derived;
    // made on `db` directly, so only the players table's comment tells LocalAnalytics.
    expect(await other.count(attribute, { asOf: AS_OF })).to.deep.equal({ count: ids.filter((i) => country(i) === 'GB').length });
    expect(await local.segmentCount(did, { asOf: AS_OF })).to.deep.equal({ count: ids.filter((i) => deposits30d(i) > 0).length });
  });

  it('rejects an invalid segment with core\'s located issues, and an aborted signal before any work', async () => {
    let error: unknown;
    await local.segmentCount({ all: [{ field: 'no_such_field', op: 'eq', value: 1 }] }).catch((e: unknown) => { error = e; });
    expect(error).to.be.instanceOf(SegmentValidationError);
    const controller = new AbortController();
    controller.abort();
    error = undefined;
    await local.segmentCount({ all: [{ field: 'country', op: 'eq', value: 'BR' }] }, { signal: controller.signal }).catch((e: unknown) => { error = e; });
    expect((error as Error).name).to.equal('AbortError');
  });
});
