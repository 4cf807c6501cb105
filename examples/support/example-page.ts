// One example end to end, as the html, React and Vue tests open it: the real
// API (PGlite) with example players, the example's bundle built by esbuild,
// its folder served by the embed-token operator server, and a Chromium page on it.
import type { Page } from 'puppeteer-core';
import { startOperatorServer } from '../embed-token/server.mjs';
import { bundle } from './bundle.mjs';
import { examplePlayers, launchChromium, pageErrors, startExampleApi } from './harness.js';
import type { ExampleApi } from './harness.js';

export interface ExamplePage {
  api: ExampleApi;
  page: Page;
  /** The page's uncaught and console errors, for assertion messages. */
  errors: string[];
  /** Closes Chromium, the operator server and the API. */
  close(): Promise<void>;
}

export interface ExamplePageOptions {
  /** Database prefix for this example's API. */
  prefix: string;
  /** The folder the operator server serves (absolute path). */
  root: string;
  /** The bundle's entry and output (absolute paths). */
  entry: string;
  out: string;
  /** How many example players to ingest before the page opens. */
  players: number;
}

/**
 * Starts everything an example page needs and opens it; whatever started is
 * closed again when a later step fails.
 *
 * @example
 * const ex = await openExamplePage({ prefix: 'exhtml', root: here('.'), entry: here('./app.js'), out: here('./dist/app.js'), players: 30 });
 * try { console.log(await tableRows(ex.page, 5)); } finally { await ex.close(); }
 */
export async function openExamplePage(o: ExamplePageOptions): Promise<ExamplePage> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const [api] = await Promise.all([startExampleApi(o.prefix), bundle(o.entry, o.out)]);
    closers.push(() => api.close());
    await api.ingest(examplePlayers(o.players));
    await api.storage.featuresSettled();
    const operator = await startOperatorServer({ apiUrl: api.url, apiKey: api.key, root: o.root, port: 0 });
    closers.push(() => operator.close());
    const chromium = await launchChromium();
    closers.push(() => chromium.close());
    const page = await chromium.browser.newPage();
    const errors = pageErrors(page);
    await page.goto(operator.url, { waitUntil: 'load', timeout: 60_000 });
    return { api, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
