// The React and Vue examples end to end, one suite for both: bundle the app
// with esbuild, serve it from the embed-token operator server against the real
// API (PGlite), render it in Chromium, and check rows and the pb-* events the
// framework wires up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle, Page } from 'puppeteer-core';
import { openExamplePage } from './example-page.js';
import type { ExamplePage } from './example-page.js';
import { tableRows, waitInPage } from './harness.js';

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
    let ex: ExamplePage;
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      ex = await openExamplePage({ prefix: example.prefix, root: here('.'), entry: here(example.entry), out: here('./dist/app.js'), players: 25 });
      ({ page, errors } = ex);
    }, 180_000);

    afterAll(async () => {
      await ex?.close();
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
