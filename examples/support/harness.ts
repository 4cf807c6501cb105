// What the example tests share: the real API (PGlite, temporary data
// directory) behind a real loopback listener, a few players in it, and a
// headless Chromium from puppeteer-core. Nothing here stands in for Pitboss.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';
import { createApp, createJsonLogger, createStorage, listen } from '@pitboss/headless-api';
import type { RunningServer, ShardedStorage } from '@pitboss/headless-api';

export interface ExampleApi {
  url: string;
  storage: ShardedStorage;
  tenant: string;
  /** An admin key of `tenant`. */
  key: string;
  /** `POST /v1/events` over HTTP with the admin key; throws unless every line is accepted or a duplicate. */
  ingest(events: readonly object[]): Promise<void>;
  close(): Promise<void>;
}

/** The API on PGlite in a fresh temporary directory, listening on a free loopback port. */
export async function startExampleApi(prefix: string): Promise<ExampleApi> {
  const dir = await mkdtemp(join(tmpdir(), `pb-ex-${prefix}-`));
  const storage = await createStorage({ driver: 'pglite', dataDir: dir });
  await storage.migrate();
  const logger = createJsonLogger({ level: 'error', write: (line) => void process.stderr.write(line + '\n') });
  // Rate limits off: a page scrolling a table pages with one key as fast as Chromium goes.
  const { app, live } = createApp({ storage, logger, config: { limits: { maxBodyBytes: 1 << 20, maxLines: 1000, maxDeadLetterChars: 8192 } }, security: { rateLimit: false } });
  const server: RunningServer = await listen({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
  const tenant = `${prefix}${Date.now().toString(36)}`;
  const { key } = await storage.createApiKey(tenant, 'admin');
  const url = server.url.replace(/\/$/, '');
  return {
    url,
    storage,
    tenant,
    key,
    async ingest(events) {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body: events.map((e) => JSON.stringify(e)).join('\n'),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`ingest: ${res.status} ${text}`);
      const report = JSON.parse(text) as { rejected: number; retryable: number };
      if (report.rejected || report.retryable) throw new Error(`ingest: ${text}`);
    },
    async close() {
      live.close();
      await server.close(200);
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * `count` players `ex-000` … with a profile and one approved deposit each
 * (`(i + 1) × 10.00` EUR), as NDJSON-ready events.
 */
export function examplePlayers(count: number, run = 'a'): object[] {
  const events: object[] = [];
  for (let i = 0; i < count; i++) {
    const player = `ex-${String(i).padStart(3, '0')}`;
    events.push({
      schema_version: 1, type: 'player.updated', event_id: `${run}-reg-${player}`, player_id: player, occurred_at: ago(600),
      profile: { registered_at: ago(6000 + i), country: ['GB', 'BR', 'ES'][i % 3], currency: 'EUR', brand: 'acme' },
    });
    events.push({
      schema_version: 1, type: 'payment', event_id: `${run}-dep-${player}`, player_id: player, occurred_at: ago(120),
      payment_id: `${run}-pm-${player}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: (i + 1) * 1000, currency: 'EUR',
    });
  }
  return events;
}

/** Debian's Chromium, headless, with a fresh profile; `close()` removes the profile. */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'pb-ex-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    protocolTimeout: 120_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Collects the page's uncaught errors and console errors, for assertion messages. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Runs `expression` (JavaScript source) in the page. Tests pass page code as
 * text: vitest's transform adds helpers (`__name`) to compiled functions that
 * do not exist in the page, so a serialised arrow function can fail there.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits until `expression` (JavaScript source) is truthy in the page; polls every 100 ms. */
export async function waitInPage(page: Page, expression: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(expression, { timeout, polling: 100 });
}

const rowsOf = (selector: string) =>
  `[...(document.querySelector(${JSON.stringify(selector)})?.shadowRoot?.querySelectorAll('[part~="row"]:not([part~="row-placeholder"])') ?? [])]`;

/**
 * The text of every rendered (non-placeholder) row of the first
 * `<pb-player-table>` matching `selector`, once at least `min` rows show
 * (waits up to `timeout` ms; a slow shared machine needs a generous one).
 */
export async function tableRows(page: Page, min: number, timeout = 60_000, selector = 'pb-player-table'): Promise<string[]> {
  await waitInPage(page, `${rowsOf(selector)}.length >= ${min}`, timeout);
  return inPage<string[]>(page, `${rowsOf(selector)}.map((r) => (r.textContent ?? '').replace(/\\s+/g, ' ').trim())`);
}
