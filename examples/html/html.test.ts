// The plain-HTML example end to end: build its bundle, serve index.html from the
// embed-token operator server against the real API (PGlite), open it in
// Chromium and check the player table shows the API's players.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openExamplePage } from '../support/example-page.js';
import type { ExamplePage } from '../support/example-page.js';
import { examplePlayers, inPage, tableRows, waitInPage } from '../support/harness.js';
import type { ExampleApi } from '../support/harness.js';

const here = (p: string) => new URL(p, import.meta.url).pathname;

describe('examples/html: a script-tag page with <pb-player-table> over the API', () => {
  let ex: ExamplePage;
  let api: ExampleApi;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ex = await openExamplePage({ prefix: 'exhtml', root: here('.'), entry: here('./pitboss-embed.js'), out: here('./dist/pitboss-embed.js'), players: 30 });
    ({ api, page, errors } = ex);
  }, 180_000);

  afterAll(async () => {
    await ex?.close();
  });

  it('renders the players of the API, sorted by id, with formatted deposits', async () => {
    const rows = await tableRows(page, 5);
    expect(rows[0], errors.join('\n')).toContain('ex-000');
    expect(rows[0]).toMatch(/€\s?10\.00|10\.00\s?€/);
    expect(rows[1]).toContain('ex-001');
    await waitInPage(page, `document.querySelector('#status')?.textContent === '30 players'`);
    expect(errors).toEqual([]);
  });

  it('reacts to selection: the page listens to pb-selection-change', async () => {
    await inPage(page, `document.querySelector('pb-player-table').shadowRoot.querySelector('[part~="row"][data-r="2"] [role="gridcell"]').click()`);
    await waitInPage(page, `document.querySelector('#status')?.textContent === 'Selected ex-002'`);
  });

  it('follows live updates: a player ingested while the page is open shows up (SSE with the embed token)', async () => {
    await api.ingest(examplePlayers(31, 'live').slice(60)); // ex-030: one new player
    await waitInPage(page, `document.querySelector('pb-player-table').rowCount === 31`, 90_000);
    await inPage(page, `document.querySelector('pb-player-table').scrollToRow(30, 'end')`);
    const rows = await tableRows(page, 1);
    expect(rows.some((r) => r.includes('ex-030')), rows.join('\n')).toBe(true);
    expect(errors).toEqual([]);
  });
});
