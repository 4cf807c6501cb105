import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { LocalAnalytics, LocalDataSource, PitbossClient, apiKey } from '@pitboss/sdk';
import type { EventInput, PlayerSummary } from '@pitboss/sdk';

/**
 * The browser end to end: PitbossClient in Chromium against the real API
 * (served same-origin by sdk/web-test-runner.config.mjs), its Arrow exports
 * loaded into DuckDB-WASM, and the local answers compared with the API's.
 */
describe('LocalAnalytics over the real API exports', () => {
  let client: PitbossClient;
  let local: LocalAnalytics;
  const ago = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  // Ingest plus opening DuckDB-WASM takes ~59 s on a loaded machine, against mocha's 60 s default hook timeout.
  beforeAll(async function (this: { timeout?(ms: number): void }) {
    this?.timeout?.(300_000);
    const { key, base } = (await (await fetch('/__pitboss/test-key')).json()) as { key: string; base: string };
    client = new PitbossClient({ baseUrl: location.origin + base, auth: apiKey(key) });
    const events: EventInput[] = [];
    for (let i = 0; i < 40; i++) {
      const id = `w-${String(i).padStart(3, '0')}`;
      events.push({ schema_version: 1, type: 'player.updated', event_id: `reg-${id}`, player_id: id, occurred_at: ago(900), profile: { registered_at: ago(900), country: ['GB', 'BR'][i % 2], currency: 'EUR', brand: 'acme' } });
      for (let j = 0; j < i % 4; j++) {
        events.push({ schema_version: 1, type: 'payment', event_id: `pay-${id}-${j}`, player_id: id, occurred_at: ago(60 + j), payment_id: `pm-${id}-${j}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: 1000 * (j + 1), currency: 'EUR' });
      }
    }
    const report = await client.ingestEvents(events);
    expect(report.rejected).to.equal(0);
    local = await LocalAnalytics.open({ client, duckdb: { assets: devDuckDBAssets() } });
  });
  afterAll(async () => {
    await local?.close();
  });

  it('loads the events export and answers like the API', async () => {
    expect(await local.loadExport('events')).to.equal(40 + 60);
    const t = await local.query(`SELECT player_id, sum(amount_minor)::DOUBLE AS deposits FROM events WHERE type = 'payment' GROUP BY 1 ORDER BY 1`);
    const localSums = new Map(t.toArray().map((r: { player_id: string; deposits: number }) => [r.player_id, r.deposits]));
    const remote: PlayerSummary[] = [];
    for await (const p of client.players({ limit: 100 })) remote.push(p);
    expect(remote.length).to.equal(40);
    for (const p of remote) expect(localSums.get(p.player_id) ?? 0, p.player_id).to.equal(p.features.deposit_sum_30d ?? 0);
  });

  it('a LocalDataSource over the players export pages like the API', async () => {
    expect(await local.loadExport('players')).to.equal(40);
    const source = new LocalDataSource(local.db, 'players');
    const page = await client.listPlayers({ sort: 'player_id', order: 'desc', limit: 15 });
    const rows = await source.window(0, 15, { sort: [{ key: 'player_id', direction: 'desc' }] });
    expect(rows.map((r) => r.id)).to.deep.equal(page.items.map((p) => p.player_id));
    expect(await source.count({ sort: [] })).to.equal(40);
  });
});
