import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { sendMouse } from '@web/test-runner-commands';
import { LocalAnalytics, PitbossClient, PitbossNetworkError, apiKey } from '@pitboss/sdk';
import type { EventInput } from '@pitboss/sdk';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { defineSqlConsole } from './sql-console.js';

/**
 * The console end to end against the real API (served same-origin by
 * sdk/web-test-runner.config.mjs, PGlite behind it): events ingested through
 * PitbossClient, the exports loaded through the console's load control into
 * DuckDB-WASM kept in OPFS, queried; then the API is made unreachable and the
 * same queries still answer, also after DuckDB is closed and reopened.
 */
defineSqlConsole();

type PbSqlConsole = HTMLElementTagNameMap['pb-sql-console'];
const PLAYERS = 30;
const OPFS_DIR = 'pitboss-test-sql-console';
const ANSWER_SQL = "SELECT count(DISTINCT player_id)::INTEGER AS payers, sum(amount_minor)::DOUBLE AS deposits FROM events WHERE type = 'payment'";

const root = (el: HTMLElement): ShadowRoot => el.shadowRoot!;
const part = <E extends Element = HTMLElement>(el: HTMLElement, name: string): E | null => root(el).querySelector<E>(`[part~="${name}"]`);

function center(node: Element): [number, number] {
  const b = node.getBoundingClientRect();
  return [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)];
}

function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(name, (e) => resolve(e as GlobalEventHandlersEventMap[K]), { once: true }));
}

async function cells(el: PbSqlConsole): Promise<string[]> {
  await el.updateComplete;
  const table = part(el, 'results') as unknown as HTMLElementTagNameMap['pb-player-table'];
  await table.updateComplete;
  await table.whenIdle();
  return [...root(table).querySelectorAll<HTMLElement>('.body [role="row"][data-r="0"] [role="gridcell"]')].map((c) => c.textContent!.trim());
}

async function mount(setup: (el: PbSqlConsole) => void): Promise<PbSqlConsole> {
  for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
  const el = document.createElement('pb-sql-console');
  el.locale = 'en';
  el.storageKey = `api-${Date.now()}`;
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('<pb-sql-console> over the real API exports', () => {
  let client: PitbossClient;
  let local: LocalAnalytics | null = null;
  const opfsPath = `${OPFS_DIR}/${Date.now().toString(36)}.db`;
  const pageFetch = window.fetch;
  let deposits = 0;
  let payers = 0;
  let events = 0;

  // The API starts (PGlite, migrations) on the first request of the run: on a loaded machine that took 50 s.
  beforeAll(async function (this: { timeout?(ms: number): void }) {
    this.timeout?.(240_000);
    // A tenant of this suite's own: the other suites sharing the API count their rows.
    const { key, base } = (await (await fetch('/__pitboss/test-key?tenant=sqlconsole')).json()) as { key: string; base: string };
    client = new PitbossClient({ baseUrl: location.origin + base, auth: apiKey(key), retry: { retries: 0 } });
    const ago = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const batch: EventInput[] = [];
    for (let i = 0; i < PLAYERS; i++) {
      const id = `sc-${String(i).padStart(3, '0')}`;
      batch.push({ schema_version: 1, type: 'player.updated', event_id: `reg-${id}`, player_id: id, occurred_at: ago(600), profile: { registered_at: ago(600), country: 'BR', currency: 'BRL', brand: 'acme' } });
      if (i % 3) payers++;
      for (let j = 0; j < i % 3; j++) {
        const amount = 500 * (i + j + 1);
        deposits += amount;
        batch.push({ schema_version: 1, type: 'payment', event_id: `pay-${id}-${j}`, player_id: id, occurred_at: ago(30 + j), payment_id: `pm-${id}-${j}`, direction: 'deposit', status: 'approved', method: 'pix', amount_minor: amount, currency: 'BRL' });
      }
    }
    events = batch.length;
    const report = await client.ingestEvents(batch);
    expect(report.rejected).to.equal(0);
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets(), opfsPath } });
    expect((await local.db.diagnostics()).persistence.persistent, 'OPFS is available in Chromium').to.equal(true);
  });

  afterAll(async () => {
    window.fetch = pageFetch;
    for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
    await local?.close();
    const dir = await navigator.storage.getDirectory();
    await dir.removeEntry(OPFS_DIR, { recursive: true }).catch(() => undefined);
  });

  it('loads exports with the load control, queries them, and still answers with the API gone', async () => {
    const el = await mount((c) => {
      c.analytics = local;
      c.client = client;
    });
    // Events through the control: pick the export, press Load.
    const picker = part<HTMLSelectElement>(el, 'load-table')!;
    picker.value = 'events';
    picker.dispatchEvent(new Event('change'));
    const loaded = nextEvent(el, 'pb-export-load');
    // What the load area showed while the export downloaded.
    const seen = new Set<string>();
    const watch = new MutationObserver(() => {
      const status = part(el, 'load-status')?.textContent;
      if (status) seen.add(status);
      if (part(el, 'progress')) seen.add('<progress>');
    });
    watch.observe(root(el), { subtree: true, childList: true, characterData: true });
    await sendMouse({ type: 'click', position: center(part(el, 'load-button')!) });
    const first = await loaded;
    watch.disconnect();
    expect([...seen].some((t) => /^Loading events… \d+ kB$/.test(t)), [...seen].join(' | ')).to.equal(true);
    expect(seen.has('<progress>')).to.equal(true);
    expect(first.detail).to.include({ table: 'events', rows: events });
    expect(first.detail.bytes).to.be.above(0);
    await el.updateComplete;
    expect(part(el, 'load-status')!.textContent).to.equal(`Loaded events: ${events} rows`);
    expect(await el.loadExport('players')).to.equal(PLAYERS);
    await el.updateComplete;
    const listed = [...root(el).querySelectorAll('[part~="table-item"]')].map((n) => n.textContent!.replace(/\s+/g, ' ').trim());
    expect(listed).to.deep.equal([`events ${events} rows`, `players ${PLAYERS} rows`]);

    await el.run(ANSWER_SQL);
    expect(await cells(el)).to.deep.equal([String(payers), new Intl.NumberFormat('en').format(deposits)]);
    await el.run('SELECT count(*)::INTEGER AS n FROM players');
    expect(await cells(el)).to.deep.equal([String(PLAYERS)]);

    // The API becomes unreachable for the page: every request to it fails at the network level.
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/pitboss-api')) return Promise.reject(new TypeError('Failed to fetch'));
      return pageFetch(input, init);
    };
    const down = await client.listPlayers({ limit: 1 }).then(() => null, (e: unknown) => e);
    expect(down, 'the API is really out of reach').to.be.instanceOf(PitbossNetworkError);
    await el.loadExport('events').catch(() => undefined);
    await el.updateComplete;
    expect(part(el, 'load-error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'load-error')!.textContent).to.match(/^Could not load events: /);
    await el.run(ANSWER_SQL);
    expect(el.error).to.equal(null);
    expect(await cells(el)).to.deep.equal([String(payers), new Intl.NumberFormat('en').format(deposits)]);
  });

  it('answers after DuckDB is closed and reopened from OPFS, with no API client at all', async () => {
    expect(window.fetch, 'still offline').to.not.equal(pageFetch);
    await local!.close();
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets(), opfsPath } });
    const el = await mount((c) => {
      c.analytics = local;
    });
    expect(part(el, 'loader'), 'no client, no load control').to.equal(null);
    await el.run(ANSWER_SQL);
    expect(await cells(el)).to.deep.equal([String(payers), new Intl.NumberFormat('en').format(deposits)]);
    expect(el.tables.map((t) => [t.name, t.rows])).to.deep.equal([['events', events], ['players', PLAYERS]]);
  });
});
