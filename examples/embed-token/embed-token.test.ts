// The embed-token flow end to end: server.mjs runs as its own process (the
// operator's backend, holding the API key) against the real API (PGlite); the
// page it serves loads the player table in Chromium with an embed token. The
// test watches every request and response of the browser: the API key never
// reaches it, and the token it gets is short-lived, origin-bound and scoped.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HTTPResponse, Page } from 'puppeteer-core';
import { bundle } from '../support/bundle.mjs';
import { examplePlayers, inPage, launchChromium, pageErrors, startExampleApi, tableRows } from '../support/harness.js';
import type { ExampleApi } from '../support/harness.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('examples/embed-token: the API key stays on the operator server', () => {
  let api: ExampleApi;
  let operator: ChildProcess | undefined;
  let operatorUrl: string;
  let operatorLog = '';
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let errors: string[];
  const seen: { kind: 'request' | 'response'; method: string; url: string; headers: string; body: Promise<string> }[] = [];

  beforeAll(async () => {
    const [started] = await Promise.all([startExampleApi('exembed'), bundle(here('../html/pitboss-embed.js'), here('../html/dist/pitboss-embed.js'))]);
    api = started;
    await api.ingest(examplePlayers(12));

    operator = spawn(process.execPath, [here('./server.mjs'), '--port', '0'], {
      env: { ...process.env, PITBOSS_URL: api.url, PITBOSS_KEY: api.key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operatorUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server.mjs did not start in 60 s:\n${operatorLog}`)), 60_000);
      const read = (d: Buffer) => {
        operatorLog += d.toString();
        const m = /backoffice on (http:\/\/\S+\/)/.exec(operatorLog);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      operator!.stdout!.on('data', read);
      operator!.stderr!.on('data', read);
      operator!.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}:\n${operatorLog}`)));
    });

    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    errors = pageErrors(page);
    page.on('request', (r) => {
      seen.push({ kind: 'request', method: r.method(), url: r.url(), headers: JSON.stringify(r.headers()), body: Promise.resolve(r.postData() ?? '') });
    });
    page.on('response', (r: HTTPResponse) => {
      // An event stream never ends: its body cannot be read whole.
      const streaming = (r.headers()['content-type'] ?? '').includes('text/event-stream');
      const body = streaming || r.request().method() === 'OPTIONS' ? Promise.resolve('') : r.text().catch(() => '');
      seen.push({ kind: 'response', method: r.request().method(), url: r.url(), headers: JSON.stringify(r.headers()), body });
    });
    await page.goto(operatorUrl, { waitUntil: 'load', timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    if (operator && operator.exitCode === null) {
      const exited = new Promise((r) => operator!.once('exit', r));
      operator.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    await api?.close();
  });

  it('loads the table with an embed token, and nothing the browser sent or received holds the API key', async () => {
    const rows = await tableRows(page, 5);
    expect(rows[0], errors.join('\n')).toContain('ex-000');
    const apiCalls = seen.filter((s) => s.kind === 'request' && s.method === 'GET' && s.url.startsWith(`${api.url}/v1/players`));
    expect(apiCalls.length).toBeGreaterThan(0);
    // `pb_<id>_<secret>`: the secret is base64url, so it may hold `_` itself (split on `_`, a key once gave "g").
    const secret = /^pb_[a-z2-7]{12}_([A-Za-z0-9_-]{43})$/.exec(api.key)![1]!;
    for (const s of seen) {
      const body = await s.body;
      expect(s.url + s.headers + body, s.url).not.toContain(secret);
    }
    // The bearer the page sends to the API is the token its server handed out.
    const token = /"authorization":"Bearer ([^"]+)"/.exec(apiCalls[0]!.headers)?.[1];
    expect(token).toBeTruthy();
    expect(token).not.toContain(secret);
    const html = await inPage<string>(page, 'document.documentElement.outerHTML');
    expect(html).not.toContain(secret);
    expect(errors).toEqual([]);
  });

  it('hands out tokens only to its own origin, for the agent role, for ten minutes', async () => {
    const mine = await inPage<{ status: number; body: { token: string; expiresAt: string; role: string } }>(
      page,
      `fetch('/backoffice/pitboss-token', { method: 'POST' }).then(async (r) => ({ status: r.status, body: await r.json() }))`,
    );
    expect(mine.status).toBe(200);
    expect(mine.body.role).toBe('agent');
    const ttl = Date.parse(mine.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(5 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);

    // Another site's page (a cross-site POST carries its Origin) gets nothing.
    const foreign = await fetch(new URL('/backoffice/pitboss-token', operatorUrl), { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).not.toContain('token"');

    // The token works only from the origin it names, and only for what an agent may do.
    const call = (path: string, origin: string | undefined, init: RequestInit = {}) =>
      fetch(`${api.url}${path}`, { ...init, headers: { authorization: `Bearer ${mine.body.token}`, ...(origin ? { origin } : {}), ...(init.headers ?? {}) } });
    const pageOrigin = new URL(operatorUrl).origin;
    expect((await call('/v1/players?limit=1', pageOrigin)).status).toBe(200);
    expect((await call('/v1/players?limit=1', 'http://evil.example')).status).toBe(403);
    expect((await call('/v1/players?limit=1', undefined)).status).toBe(403);
    expect((await call('/v1/keys', pageOrigin)).status).toBe(403);
    const mint = await call('/v1/embed-tokens', pageOrigin, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ origins: [pageOrigin] }),
    });
    expect(mint.status).toBe(403); // a token cannot mint tokens
  });
});
