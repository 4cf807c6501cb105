// End to end: the app started exactly as `npm start` starts it (the same
// command, on a temporary data directory and a free port), the demo
// backoffice opened in Debian's Chromium, and every panel checked against
// the real API. Screenshots go to test-artifacts/e2e/.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');
// 200 players hold 15 planted at-risk ones: enough for every split of the demo model's training (it needs 2 per split).
const PLAYERS = 200;
const READY = /Pitboss is ready in ([\d.]+) s at (\S+)/;
const KEY = /Demo key:\s+(\S+)/;

/** A port nobody listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  key: string;
  /** Seconds to ready, as the start line prints them. */
  readySecs: number;
}

/** `npm start` is `node headless-api/bin/pitboss.mjs start`: run that, wait for the ready line. */
async function startPitboss(dataDir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, ['headless-api/bin/pitboss.mjs', 'start', '--players', String(PLAYERS), '--days', '30'], {
    cwd: ROOT,
    env: { ...process.env, PITBOSS_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PITBOSS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 280_000;
  for (;;) {
    const ready = READY.exec(out);
    const key = KEY.exec(out);
    if (ready && key) return { child, output: () => out, url: ready[2]!, key: key[1]!, readySecs: Number(ready[1]) };
    const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 250))]);
    if (code !== 'wait') throw new Error(`pitboss start exited with ${code} before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pitboss start was not ready in time:\n${out}`);
    }
  }
}

/** SIGTERM, as Ctrl-C would stop it; resolves once the process has exited (and released the data directory). */
async function stopPitboss(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  const killed = setTimeout(() => started.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killed);
}

async function launchChromium(profile: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    protocolTimeout: 180_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
    ],
  });
}

/** The text of the rendered rows of the page's player table, once at least `min` show. */
async function tableRows(page: Page, min: number): Promise<string[]> {
  await page.waitForFunction(
    (n) => {
      const rows = document.querySelector('pb-player-table')?.shadowRoot?.querySelectorAll('[part~="row"]:not([part~="row-placeholder"])') ?? [];
      return [...rows].filter((r) => (r.textContent ?? '').trim() !== '').length >= n;
    },
    { timeout: 120_000, polling: 200 },
    min,
  );
  return page.evaluate(() =>
    [...document.querySelector('pb-player-table')!.shadowRoot!.querySelectorAll('[part~="row"]:not([part~="row-placeholder"])')]
      .map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim())
      .filter((t) => t !== ''),
  );
}

/** The count `<pb-segment-builder>` shows, once it shows one other than `not` (waits through debounce and the request). */
async function segmentCount(page: Page, not: number | null = null): Promise<number> {
  const handle = await page.waitForFunction(
    (previous) => {
      const text = document.querySelector('pb-segment-builder')?.shadowRoot?.querySelector('[part~="count"]')?.textContent ?? '';
      const m = /Matching players: ([\d,]+)/.exec(text);
      if (!m) return false;
      const n = Number(m[1]!.replace(/,/g, ''));
      return n !== previous ? n : false;
    },
    { timeout: 120_000, polling: 200 },
    not,
  );
  return (await handle.jsonValue()) as number;
}

/** The API's own count for a segment, with the demo key (the expected value). */
async function apiCount(started: Started, segment: object): Promise<number> {
  const res = await fetch(`${started.url}/v1/segments/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${started.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ segment, limit: 1 }),
  });
  if (res.status !== 200) throw new Error(`preview: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { count: number }).count;
}

/** A POST with headers `fetch` would not let through (`host`): status and body. */
async function rawPost(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': '0', ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Waits inside take up to 2 minutes each on a busy machine: above vitest's 60 s default.
describe('npm start: the demo backoffice, end to end in Chromium', { timeout: 240_000 }, () => {
  let dataDir = '';
  let profile = '';
  let port = 0;
  let first: Started | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'pb-e2e-data-'));
    profile = await mkdtemp(join(tmpdir(), 'pb-e2e-chromium-'));
    port = await freePort();
    first = await startPitboss(dataDir, port);
    browser = await launchChromium(profile);
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
    page.on('console', (m) => {
      // A failed request is logged by the browser too: the response listener below names its URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      // The player card asks the API whether this role may write notes with an empty note: 400 means allowed, 403 denied.
      const probe = r.status() === 400 && r.request().method() === 'POST' && /\/v1\/players\/[^/]+\/notes$/.test(r.url()) && r.request().postData() === '{}';
      if (r.status() >= 400 && !probe) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stopPitboss(first);
    await rm(profile, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('prints the URL, the backoffice and the demo key, and seeds on the first start', () => {
    const out = first!.output();
    expect(out).toContain(`first start; seeding tenant "demo" with ${PLAYERS} synthetic players`);
    // The player card's score and reasons need the demo model.
    expect(out).toMatch(/trained and activated risk model \S+ on the synthetic players/);
    expect(out).toContain(`Backoffice: ${first!.url}/backoffice/`);
    expect(first!.url).toBe(`http://127.0.0.1:${port}`);
    expect(first!.key).toMatch(/^pb_/);
  });

  it('serves the page cross-origin isolated, and the workers get their threads', async () => {
    const res = await page.goto(first!.url + '/', { waitUntil: 'domcontentloaded', timeout: 120_000 });
    expect(page.url()).toBe(`${first!.url}/backoffice/`);
    expect(res!.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res!.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForFunction(() => document.querySelector('#diag dd[data-name="onnxruntime-web threads"]'), { timeout: 120_000 });
    const diag = await page.$$eval('#diag dd', (dds) => Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset['name'], d.textContent])));
    expect(diag['crossOriginIsolated']).toBe('true');
    // ORT plans min(4, cores) threads when isolated; a 1-core machine says why it has one.
    expect(diag['onnxruntime-web threads']).toMatch(/^([2-4]|1 \(only 1 core available\))$/);
  });

  it('never hands the API key to the page: the browser works with an embed token from the server', async () => {
    const session = await page.waitForFunction(() => document.querySelector('#session')?.textContent?.includes('embed token'), { timeout: 120_000 });
    expect(session).toBeTruthy();
    const html = await (await fetch(`${first!.url}/backoffice/`)).text();
    const js = await (await fetch(`${first!.url}/backoffice/main.js`)).text();
    expect(html).not.toContain(first!.key);
    expect(js).not.toContain(first!.key);
    // Only the page itself may ask: no Origin (a script, curl) or another origin is refused.
    const bare = await fetch(`${first!.url}/backoffice/pitboss-token`, { method: 'POST' });
    expect(bare.status).toBe(403);
    expect(bare.headers.get('content-type')).toContain('application/problem+json');
    const foreign = await fetch(`${first!.url}/backoffice/pitboss-token`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    // A DNS-rebound name is same-origin with itself: refused by host name.
    const rebound = await rawPost(port, '/backoffice/pitboss-token', { host: `rebound.example:${port}`, origin: `http://rebound.example:${port}`, 'sec-fetch-site': 'same-origin' });
    expect(rebound.status).toBe(403);
    // What the page sends gets a token of role agent, valid from the page's origin only.
    const own = await rawPost(port, '/backoffice/pitboss-token', { host: `127.0.0.1:${port}`, origin: first!.url, 'sec-fetch-site': 'same-origin' });
    expect(own.status, own.body).toBe(200);
    const issued = JSON.parse(own.body) as { token: string; expiresAt: string; role: string };
    expect(issued.role).toBe('agent');
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    const asPage = await fetch(`${first!.url}/v1/players?limit=1`, { headers: { authorization: `Bearer ${issued.token}`, origin: first!.url } });
    expect(asPage.status).toBe(200);
    const elsewhere = await fetch(`${first!.url}/v1/players?limit=1`, { headers: { authorization: `Bearer ${issued.token}`, origin: 'http://evil.example' } });
    expect(elsewhere.status).toBe(403);
    const write = await fetch(`${first!.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${issued.token}`, origin: first!.url, 'content-type': 'application/x-ndjson' }, body: '{}' });
    expect(write.status).toBe(403);
  });

  it('shows the players in the table', async () => {
    const rows = await tableRows(page, 5);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    // Rows are the seeded players, money formatted from minor units.
    expect(rows.join('\n')).toMatch(/s42-p\d{7}/);
    await page.screenshot({ path: join(ARTIFACTS, 'table.png'), fullPage: true });
    expect(await page.$eval('#error', (e) => (e as HTMLElement).hidden)).toBe(true);
  });

  it('opens the player card on an activated row, with the risk score and its reasons', async () => {
    const row = (await page.waitForFunction(
      () => document.querySelector('pb-player-table')!.shadowRoot!.querySelector('[part~="row"]:not([part~="row-placeholder"])'),
      { timeout: 120_000 },
    )).asElement() as ElementHandle<HTMLElement>;
    const player = await row.evaluate((r) => (r.querySelector('[part~="cell"]')?.textContent ?? '').trim());
    const res = await fetch(`${first!.url}/v1/players/${encodeURIComponent(player)}/score`, { headers: { authorization: `Bearer ${first!.key}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    const expected = (await res.json()) as { score: number; reasons: unknown[] };
    expect(expected.reasons.length).toBeGreaterThan(0);

    await row.click({ count: 2 });
    const shown = await page.waitForFunction(
      () => {
        const gauge = document.querySelector('pb-player-card')?.shadowRoot?.querySelector('pb-risk-gauge')?.shadowRoot;
        const score = gauge?.querySelector('[part~="score"]')?.textContent?.trim();
        const reasons = [...(gauge?.querySelectorAll('[part~="reason-text"]') ?? [])].map((r) => (r.textContent ?? '').trim()).filter(Boolean);
        return score && reasons.length > 0 ? { score, reasons } : false;
      },
      { timeout: 120_000, polling: 200 },
    );
    const { score, reasons } = (await shown.jsonValue()) as { score: string; reasons: string[] };
    expect(score).toBe(String(Math.round(expected.score)));
    expect(reasons.length).toBe(Math.min(3, expected.reasons.length));
    expect(await page.$eval('pb-player-card', (c) => c.playerId)).toBe(player);
    expect(await page.$eval('#player', (s) => (s as HTMLElement).hidden)).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'player-card.png'), fullPage: true });
  });

  it('loads the players, features and events exports into DuckDB-WASM in the page', async () => {
    await page.waitForFunction(() => document.querySelector('#diag dd[data-name="Local tables"]') || !(document.querySelector('#error') as HTMLElement).hidden, { timeout: 180_000 });
    expect(await page.$eval('#error', (e) => e.textContent)).toBe('');
    const diag = await page.$$eval('#diag dd', (dds) => Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset['name'], d.textContent])));
    expect(diag['DuckDB-WASM']).toMatch(/bundle eh · 1 thread/);
    const tables = Object.fromEntries([...diag['Local tables']!.matchAll(/(\w+) (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(tables['players']).toBe(PLAYERS);
    expect(tables['features']).toBe(PLAYERS);
    expect(tables['events']).toBeGreaterThan(PLAYERS);
  });

  it('counts the segment live, and editing it changes the count', async () => {
    const before = await segmentCount(page);
    expect(before).toBe(await apiCount(first!, { all: [{ field: 'active_days_30d', op: 'gte', value: 2 }] }));
    const after = await apiCount(first!, { all: [{ field: 'active_days_30d', op: 'gte', value: 1 }] });
    // The seeded data must make the edit visible, or this check would prove nothing.
    expect(after).not.toBe(before);
    const input = await page.evaluateHandle(() => document.querySelector('pb-segment-builder')!.shadowRoot!.querySelector('input[part~="input"]'));
    const el = input.asElement() as ElementHandle<HTMLInputElement>;
    expect(await el.evaluate((i) => i.value)).toBe('2');
    await el.click({ count: 3 });
    await el.type('1');
    expect(await segmentCount(page, before)).toBe(after);
    await page.screenshot({ path: join(ARTIFACTS, 'segment.png'), fullPage: true });
  });

  it('runs SQL over the exported data in the SQL console', async () => {
    const res = await fetch(`${first!.url}/v1/players?limit=500`, { headers: { authorization: `Bearer ${first!.key}` } });
    const countries = new Set(((await res.json()) as { items: { country: string | null }[] }).items.map((p) => p.country));
    // The page's example query: players per country, joined with their features.
    const run = await page.waitForFunction(() => document.querySelector('pb-sql-console')?.shadowRoot?.querySelector('[part~="run-button"]'), { timeout: 120_000 });
    await (run.asElement() as ElementHandle<HTMLButtonElement>).click();
    await page.waitForFunction(() => /rows in \d+ ms/.test(document.querySelector('pb-sql-console')?.shadowRoot?.querySelector('[part="status"]')?.textContent ?? ''), { timeout: 180_000, polling: 200 });
    const shown = await page.waitForFunction(
      () => {
        const table = document.querySelector('pb-sql-console')!.shadowRoot!.querySelector('pb-player-table');
        const rows = [...(table?.shadowRoot?.querySelectorAll('[part~="row"]:not([part~="row-placeholder"])') ?? [])]
          .map((r) => [...r.querySelectorAll('[part~="cell"]')].map((c) => (c.textContent ?? '').trim()))
          .filter((cells) => cells.some((c) => c !== ''));
        return rows.length > 0 ? rows : false;
      },
      { timeout: 120_000, polling: 200 },
    );
    const rows = (await shown.jsonValue()) as string[][];
    const result = await page.evaluate(() => document.querySelector('pb-sql-console')!.result!.rows);
    expect(result).toBe(countries.size);
    expect(rows.length).toBe(Math.min(countries.size, rows.length));
    expect(rows.length).toBeGreaterThan(0);
    // players per country, summed over the shown rows, cannot exceed the tenant's players (all when every row shows).
    const players = rows.reduce((n, cells) => n + Number(cells[1]!.replace(/[^\d]/g, '')), 0);
    if (rows.length === countries.size) expect(players).toBe(PLAYERS);
    else expect(players).toBeLessThanOrEqual(PLAYERS);
    await page.screenshot({ path: join(ARTIFACTS, 'sql.png'), fullPage: true });
  });

  it('updates live: a deposit ingested through the API reaches the page and the table row', async () => {
    await page.waitForFunction(() => document.querySelector('#live')?.getAttribute('data-state') === 'open', { timeout: 120_000 });
    // The top row by net loss; a deposit leaves its net loss, hence its place, as it is.
    const firstRow = () =>
      page.evaluate(() => {
        const row = document.querySelector('pb-player-table')!.shadowRoot!.querySelector('[aria-rowindex="2"]:not([part~="row-placeholder"])');
        return [...(row?.querySelectorAll('[part~="cell"]') ?? [])].map((c) => (c.textContent ?? '').trim());
      });
    await tableRows(page, 1);
    const before = await firstRow();
    const player = before[0]!;
    const deposits = before[4]!;
    expect(player).toMatch(/^s42-p\d{7}$/);
    const profile = await fetch(`${first!.url}/v1/players/${player}`, { headers: { authorization: `Bearer ${first!.key}` } });
    const { currency } = (await profile.json()) as { currency: string };
    const res = await fetch(`${first!.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first!.key}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({
        schema_version: 1, type: 'payment', event_id: `e2e-dep-${Date.now()}`, player_id: player, occurred_at: new Date().toISOString(),
        payment_id: `e2e-pm-${Date.now()}`, direction: 'deposit', status: 'approved', method: 'card', amount_minor: 500_000, currency,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await page.waitForFunction((p) => document.querySelector('#live')?.textContent?.includes(`last: ${p}`), { timeout: 120_000 }, player);
    // Features are refreshed after ingestion and the stream says so (a score message): the row is read again.
    const after = await page.waitForFunction(
      (p, d) => {
        const row = document.querySelector('pb-player-table')!.shadowRoot!.querySelector('[aria-rowindex="2"]:not([part~="row-placeholder"])');
        const cells = [...(row?.querySelectorAll('[part~="cell"]') ?? [])].map((c) => (c.textContent ?? '').trim());
        return cells[0] === p && cells[4] !== d ? cells[4] : false;
      },
      { timeout: 120_000, polling: 250 },
      player,
      deposits,
    );
    const digits = (t: string) => Number(t.replace(/[^\d]/g, ''));
    expect(digits((await after.jsonValue()) as string) - digits(deposits)).toBe(500_000);
    await page.screenshot({ path: join(ARTIFACTS, 'live.png'), fullPage: true });
  });

  it('a second start reuses the data: no seeding, the same demo key, ready sooner', async () => {
    expect(errors).toEqual([]);
    await browser?.close();
    browser = undefined;
    await stopPitboss(first);
    const second = await startPitboss(dataDir, port);
    try {
      const out = second.output();
      expect(out).not.toContain('first start; seeding');
      // The bundle is reused unless a source changed in between (bundle.test.ts checks the cache itself).
      expect(out).toMatch(/\(demo page, (bundle reused|bundled in [\d.]+ s)\)/);
      expect(second.key).toBe(first!.key);
      expect(second.url).toBe(first!.url);
      console.log(`e2e: first start ready in ${first!.readySecs} s, second in ${second.readySecs} s (${PLAYERS} players)`);
      expect(second.readySecs).toBeLessThan(first!.readySecs);
      const players = await fetch(`${second.url}/v1/players?limit=500`, { headers: { authorization: `Bearer ${second.key}` } });
      expect(players.status).toBe(200);
      expect(((await players.json()) as { items: unknown[] }).items.length).toBe(PLAYERS);
    } finally {
      await stopPitboss(second);
    }
  }, 300_000);
});
