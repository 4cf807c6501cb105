// The React and Vue examples end to end, one suite for both: bundle the app
// with esbuild, serve it from the embed-token operator server against the real
// API (PGlite), render it in Chromium, and check rows and the pb-* events the
// framework wires up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { startOperatorServer } from '../embed-token/server.mjs';
import { bundle } from './bundle.mjs';
import { examplePlayers, launchChromium, pageErrors, startExampleApi, tableRows, waitInPage } from './harness.js';
import type { ExampleApi } from './harness.js';

export interface FrameworkExample {
  /** Suite title. */
  title: string;
  /** Database prefix for this suite's API. */
  prefix: string;
  /** The example's folder (a file URL ending in `/`) and its entry module inside it. */
  folder: URL;
  entry: string;
  /** How the example passes data and listens, as the tests' names say it. */
  binding: string;
  events: string;
}

const text = (testId: string) => `document.querySelector('[data-testid="${testId}"]')?.textContent`;

export function frameworkExampleSuite(example: FrameworkExample): void {
  const here = (p: string) => new URL(p, example.folder).pathname;
  describe(example.title, () => {
    let api: ExampleApi;
    let operator: { url: string; close(): Promise<void> };
    let chromium: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      const [started] = await Promise.all([startExampleApi(example.prefix), bundle(here(example.entry), here('./dist/app.js'))]);
      api = started;
      await api.ingest(examplePlayers(25));
      await api.storage.featuresSettled();
      operator = await startOperatorServer({ apiUrl: api.url, apiKey: api.key, root: here('.'), port: 0 });
      chromium = await launchChromium();
      page = await chromium.browser.newPage();
      errors = pageErrors(page);
      await page.goto(operator.url, { waitUntil: 'load', timeout: 60_000 });
    }, 180_000);

    afterAll(async () => {
      await chromium?.close();
      await operator?.close();
      await api?.close();
    });

    const cell = async (row: number) =>
      (await page.evaluateHandle(`document.querySelector('pb-player-table').shadowRoot.querySelector('[part~="row"][data-r="${row}"] [role="gridcell"]')`)) as ElementHandle<Element>;

    it(`renders the API players through ${example.binding}`, async () => {
      const rows = await tableRows(page, 5);
      expect(rows[0], errors.join('\n')).toContain('ex-000');
      expect(rows[0]).toContain('GB');
      expect(rows[3]).toContain('ex-003');
      expect(await page.evaluate(`document.querySelector('pb-player-table').rowCount`)).toBe(25);
    });

    it(`${example.events} on a click and a double click`, async () => {
      await (await cell(1)).click();
      await waitInPage(page, `${text('selected')} === 'Selected: ex-001'`, 30_000);
      await (await cell(4)).click({ count: 2 });
      await waitInPage(page, `${text('opened')}?.includes('ex-004')`, 30_000);
      expect(await page.evaluate(text('opened'))).toContain('BR'); // ex-004: countries cycle GB, BR, ES
      expect(errors).toEqual([]);
    });
  });
}
