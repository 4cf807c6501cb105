import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PitbossClient, RemotePlayerDataSource, apiKey } from '@pitboss/sdk';
import type { DataQuery, DataSourceChange, EventInput, PlayerListFilter, PlayerRow, PlayerSummary } from '@pitboss/sdk';
import { deposit, registered, startApi } from './api-server.js';
import type { ApiServer } from './api-server.js';

const N = 57;
const COUNTRIES = ['GB', 'BR', 'PT'];

describe('RemotePlayerDataSource against the real API', () => {
  let api: ApiServer;
  let client: PitbossClient;
  let admin: string;
  /**
   * A client of its own that logs the URL of every request it sends, to see
   * which pages a source fetched. Each test that counts requests gets one, so
   * an earlier test's background prefetch never lands in its log.
   */
  const tracked = (): { client: PitbossClient; sent: string[] } => {
    const sent: string[] = [];
    const own = new PitbossClient({
      baseUrl: api.url,
      auth: apiKey(admin),
      fetch: (req) => {
        sent.push(req.url);
        return fetch(req);
      },
    });
    return { client: own, sent };
  };

  beforeAll(async () => {
    api = await startApi();
    admin = await api.key('admin');
    client = new PitbossClient({ baseUrl: api.url, auth: apiKey(admin) });
    const events: EventInput[] = [];
    for (let i = 0; i < N; i++) {
      const id = `r-${String((i * 37) % N).padStart(3, '0')}`;
      events.push(registered(id, COUNTRIES[i % 3], { test_account: i % 5 === 0, ...(i % 7 === 0 ? { blocked: true } : {}), ...(i % 4 === 1 ? { currency: 'BRL' } : {}) }));
      if (i % 4 !== 0) events.push(deposit(id, 1000 + ((i * 7919) % 5000)));
    }
    const report = await client.ingestEvents(events);
    expect(report.rejected).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  async function apiList(query: DataQuery<PlayerListFilter>): Promise<PlayerSummary[]> {
    const rows: PlayerSummary[] = [];
    const sort = query.sort[0];
    for await (const p of client.players({ ...query.filter, ...(sort ? { sort: sort.key, order: sort.direction } : {}), limit: 13 })) rows.push(p);
    return rows;
  }

  const queries: [string, DataQuery<PlayerListFilter>][] = [
    ['player_id asc', { sort: [] }],
    ['registered_at desc', { sort: [{ key: 'registered_at', direction: 'desc' }] }],
    ['deposit_sum_30d desc (nulls first)', { sort: [{ key: 'deposit_sum_30d', direction: 'desc' }] }],
    ['country BR by deposit_sum_30d asc', { sort: [{ key: 'deposit_sum_30d', direction: 'asc' }], filter: { country: 'BR' } }],
    ['BRL accounts by deposit_sum_30d desc', { sort: [{ key: 'deposit_sum_30d', direction: 'desc' }], filter: { currency: 'BRL' } }],
    ['blocked', { sort: [], filter: { status: 'blocked' } }],
    ['active test accounts', { sort: [], filter: { status: 'active', test_account: true } }],
  ];

  it.each(queries)('windows equal the API pages and count equals the list: %s', async (_name, query) => {
    const expected = await apiList(query);
    expect(expected.length).toBeGreaterThan(0);
    const source = new RemotePlayerDataSource(client, { pageSize: 10, live: null });
    expect(await source.count(query)).toBe(expected.length);
    const windows: [number, number][] = [[0, 7], [25, 41], [3, 5], [9, 11], [40, 80], [0, 100], [expected.length - 1, expected.length + 5], [200, 210]];
    for (const [a, b] of windows) {
      const rows = await source.window(a, b, query);
      expect(rows.map((r) => r.id), `window ${a}..${b}`).toEqual(expected.slice(a, b).map((p) => p.player_id));
      expect(rows.map(({ id: _id, ...p }) => p)).toEqual(expected.slice(a, b));
    }
  });

  it('jumps fetch the pages before once; later jumps back and forth reuse cursors and pages', async () => {
    const { client: own, sent } = tracked();
    const source = new RemotePlayerDataSource(own, { pageSize: 5, prefetchPages: 0, live: null });
    const q: DataQuery<PlayerListFilter> = { sort: [{ key: 'registered_at', direction: 'asc' }] };
    await source.window(40, 45, q);
    expect(sent.filter((u) => u.includes('/v1/players'))).toHaveLength(9);
    sent.length = 0;
    await source.window(20, 30, q);
    await source.window(41, 44, q);
    expect(sent).toHaveLength(0);
  });

  it('prefetches the next page after a window', async () => {
    const { client: own, sent } = tracked();
    const source = new RemotePlayerDataSource(own, { pageSize: 5, prefetchPages: 2, live: null });
    const q: DataQuery<PlayerListFilter> = { sort: [] };
    await source.window(0, 5, q);
    for (let i = 0; i < 50 && sent.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toHaveLength(3);
    await source.window(5, 15, q);
    expect(sent.filter((u) => !u.includes('cursor=')).length).toBe(1);
    expect(sent.length).toBeLessThanOrEqual(5);
  });

  it('an aborted window rejects with AbortError and stops walking the pages', async () => {
    const { client: own, sent } = tracked();
    const source = new RemotePlayerDataSource(own, { pageSize: 2, prefetchPages: 0, live: null });
    const q: DataQuery<PlayerListFilter> = { sort: [{ key: 'last_event_at', direction: 'desc' }] };
    const ac = new AbortController();
    const p = source.window(50, 52, q, ac.signal);
    await new Promise((r) => setTimeout(r, 30));
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const afterAbort = sent.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.length).toBe(afterAbort);
    expect(afterAbort).toBeLessThan(26);
    expect((await source.window(50, 52, q)).map((r) => r.id)).toEqual((await apiList(q)).slice(50, 52).map((p) => p.player_id));
  });

  it('a new sort drops the old query: its requests in flight are aborted', async () => {
    const source = new RemotePlayerDataSource(client, { pageSize: 2, prefetchPages: 0, live: null });
    const old = source.window(40, 42, { sort: [{ key: 'player_id', direction: 'desc' }] }).then(() => 'resolved', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await source.window(0, 3, { sort: [{ key: 'player_id', direction: 'asc' }] });
    expect(await old).toMatchObject({ name: 'AbortError' });
    expect(fresh.map((r) => r.id)).toEqual((await apiList({ sort: [] })).slice(0, 3).map((p) => p.player_id));
  });

  it('rejects a sort key the API cannot sort by', async () => {
    const source = new RemotePlayerDataSource(client, { live: null });
    expect(source.sortableKeys.has('net_loss_30d')).toBe(true);
    await expect(source.window(0, 1, { sort: [{ key: 'email', direction: 'asc' }] })).rejects.toThrow(/cannot sort players by "email"/);
  });

  it('live: an event of a shown player is an update with the re-read row; a new player is a reset', async () => {
    const source = new RemotePlayerDataSource(client, { pageSize: 10, liveDebounceMs: 50 });
    const q: DataQuery<PlayerListFilter> = { sort: [] };
    const changes: DataSourceChange<PlayerRow>[] = [];
    const off = source.subscribe((c) => changes.push(c));
    const before = await source.window(0, 10, q);
    const target = before[3]!;
    // Give the stream time to connect before the event is committed.
    await new Promise((r) => setTimeout(r, 500));
    await client.ingestEvents([deposit(target.id, 99_999)]);
    for (let i = 0; i < 100 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(changes).toHaveLength(1);
    const change = changes[0]!;
    expect(change.kind).toBe('update');
    if (change.kind !== 'update') return;
    expect(change.rows.map((r) => r.id)).toEqual([target.id]);
    const fresh = await client.getPlayer(target.id);
    expect(change.rows[0]!.features).toEqual(fresh.features);
    expect(change.rows[0]!.last_event_at).toBe(fresh.last_event_at);
    expect((await source.window(3, 4, q))[0]).toEqual(change.rows[0]);

    await client.ingestEvents([registered('r-new')]);
    for (let i = 0; i < 100 && changes.length === 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(changes[1]).toEqual({ kind: 'reset' });
    off();
  });
});
