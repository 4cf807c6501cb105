import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { LocalAnalytics, LocalDataSource, MemoryDataSource } from '@pitboss/sdk';
import type { DataQuery, RowBase } from '@pitboss/sdk';

interface Row extends RowBase { player_id: string; country: string; net_loss: number | null }

const N = 1000;
const rows: Row[] = Array.from({ length: N }, (_, i) => {
  const id = `p-${String((i * 7919) % N).padStart(4, '0')}`;
  return { id, player_id: id, country: ['GB', 'BR', 'PT'][i % 3]!, net_loss: i % 11 === 0 ? null : (i * 37) % 500 };
});

describe('LocalAnalytics and LocalDataSource in DuckDB-WASM', () => {
  let local: LocalAnalytics;
  beforeAll(async () => {
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets() } });
    const ipc = tableToIPC(tableFromArrays({
      player_id: rows.map((r) => r.player_id),
      country: rows.map((r) => r.country),
      net_loss: rows.map((r) => r.net_loss),
    }), 'stream');
    expect(await local.loadArrow('players', ipc)).to.equal(N);
  });
  afterAll(async () => {
    await local?.close();
  });

  it('runs SQL and returns Arrow', async () => {
    const t = await local.query('SELECT country, count(*)::INTEGER AS n FROM players GROUP BY 1 ORDER BY 1');
    expect(t.toArray().map((r: { country: string; n: number }) => [r.country, r.n])).to.deep.equal([['BR', 333], ['GB', 334], ['PT', 333]]);
  });

  it('windows equal MemoryDataSource for every sort (nulls greatest, id tiebreak)', async () => {
    const source = new LocalDataSource<Row>(local.db, 'players');
    const memory = new MemoryDataSource(rows);
    // Without a sort a table has no order; the source falls back to the id, as the API does.
    const byId = [...rows].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(10, 15).map((r) => r.id);
    expect((await source.window(10, 15, { sort: [] })).map((r) => r.id)).to.deep.equal(byId);
    const queries: DataQuery<undefined>[] = [
      { sort: [{ key: 'player_id', direction: 'desc' }] },
      { sort: [{ key: 'net_loss', direction: 'asc' }] },
      { sort: [{ key: 'net_loss', direction: 'desc' }] },
      { sort: [{ key: 'country', direction: 'desc' }, { key: 'net_loss', direction: 'asc' }] },
    ];
    expect(await source.count({ sort: [] })).to.equal(N);
    for (const q of queries) {
      for (const [a, b] of [[0, 20], [95, 130], [980, 1010], [2000, 2010]] as const) {
        const got = (await source.window(a, b, q)).map((r) => [r.id, r.net_loss, r.country]);
        const want = (await memory.window(a, b, { sort: q.sort })).map((r) => [r.id, r.net_loss, r.country]);
        expect(got, `${JSON.stringify(q.sort)} ${a}..${b}`).to.deep.equal(want);
      }
    }
  });

  it('refuses sort keys that are not plain identifiers and an aborted signal', async () => {
    const source = new LocalDataSource<Row>(local.db, 'players');
    let err: unknown;
    try {
      await source.window(0, 1, { sort: [{ key: 'net_loss; DROP TABLE players', direction: 'asc' }] });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.match(/not a plain SQL identifier/);
    const ac = new AbortController();
    ac.abort();
    err = undefined;
    try {
      await source.window(0, 1, { sort: [] }, ac.signal);
    } catch (e) {
      err = e;
    }
    expect((err as Error).name).to.equal('AbortError');
  });
});
