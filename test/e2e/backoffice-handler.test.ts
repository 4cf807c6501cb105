// The demo backoffice's front handler (headless-api/src/static/backoffice.ts)
// on its own: served paths, isolation headers, ETags, what it refuses, and
// the token endpoint's checks. A real page folder and bundle folder on disk;
// the API behind it is a recording fetch (what the handler hands on is the subject).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKOFFICE_CSP, backofficeHandler, loopbackOrigins, vendorAssets } from '../../headless-api/src/static/backoffice.js';

const ORIGIN = 'http://127.0.0.1:8787';
const loopback = { incoming: { socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage };
const remote = { incoming: { socket: { remoteAddress: '192.0.2.7' } } as unknown as IncomingMessage };

describe('backofficeHandler', () => {
  let pageDir = '';
  let bundleDir = '';
  const apiCalls: Request[] = [];
  let handler: ReturnType<typeof backofficeHandler>;

  beforeAll(async () => {
    pageDir = await mkdtemp(join(tmpdir(), 'pb-bo-page-'));
    bundleDir = await mkdtemp(join(tmpdir(), 'pb-bo-bundle-'));
    await writeFile(join(pageDir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(pageDir, 'backoffice.css'), 'body{}');
    await writeFile(join(bundleDir, 'main.js'), 'console.log(1)');
    handler = backofficeHandler({
      bundle: { dir: bundleDir, hash: 'h', cached: true, ms: 0, pageDir },
      tokens: {
        apiKey: 'pb_secret',
        api: async (request) => {
          apiCalls.push(request);
          const body = (await request.json()) as { origins: string[]; role: string; ttl_seconds: number };
          return Response.json({ token: 'tok', expires_at: '2030-01-01T00:00:00.000Z', role: body.role, origins: body.origins }, { status: 201 });
        },
      },
    });
  });

  afterAll(async () => {
    await rm(pageDir, { recursive: true, force: true });
    await rm(bundleDir, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await handler(new Request(ORIGIN + path, { headers }), loopback);
    if (!(r instanceof Response)) throw new Error(`${path} was handed on to the API`);
    return r;
  };

  it('redirects / to the page and serves it cross-origin isolated, with its CSP', async () => {
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/backoffice/');
    const page = await get('/backoffice/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(page.headers.get('content-security-policy')).toBe(BACKOFFICE_CSP);
    expect(await page.text()).toContain('<title>t</title>');
  });

  it('serves bundle files, then page files, with CORP and an ETag that answers 304', async () => {
    const js = await get('/backoffice/main.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(await js.text()).toBe('console.log(1)');
    const again = await get('/backoffice/main.js', { 'if-none-match': js.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect((await get('/backoffice/backoffice.css')).status).toBe(200);
  });

  it('serves the WebAssembly and worker files from node_modules', async () => {
    for (const name of Object.keys(vendorAssets())) {
      const r = await handler(new Request(`${ORIGIN}/backoffice/vendor/${name}`, { method: 'HEAD' }), loopback);
      expect((r as Response).status, name).toBe(200);
      expect((r as Response).headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
    expect((await get('/backoffice/vendor/duckdb-eh.wasm')).headers.get('content-type')).toBe('application/wasm');
  });

  it('refuses what is not a file of the page: traversal, sources, unknown vendor files, writes', async () => {
    expect((await get('/backoffice/%2e%2e%2fpackage.json')).status).toBe(404);
    expect((await get('/backoffice/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await get('/backoffice/main.ts')).status).toBe(404);
    expect((await get('/backoffice/vendor/package.json')).status).toBe(404);
    const post = await handler(new Request(ORIGIN + '/backoffice/main.js', { method: 'POST' }), loopback);
    expect((post as Response).status).toBe(405);
  });

  it('hands API requests on, filling in Origin only for same-origin reads that lack it', async () => {
    const read = await handler(new Request(ORIGIN + '/v1/players', { headers: { 'sec-fetch-site': 'same-origin' } }), loopback);
    expect(read).toBeInstanceOf(Request);
    expect((read as Request).headers.get('origin')).toBe(ORIGIN);
    const script = await handler(new Request(ORIGIN + '/v1/players'), loopback);
    expect((script as Request).headers.get('origin')).toBeNull();
    const cross = await handler(new Request(ORIGIN + '/v1/players', { headers: { 'sec-fetch-site': 'cross-site' } }), loopback);
    expect((cross as Request).headers.get('origin')).toBeNull();
    expect(await handler(new Request(ORIGIN + '/openapi.json'), loopback)).toBeInstanceOf(Request);
  });

  it('issues embed tokens to the page only: loopback peer, same origin, loopback host name', async () => {
    const token = (headers: Record<string, string>, bindings = loopback, url = ORIGIN) =>
      handler(new Request(url + '/backoffice/pitboss-token', { method: 'POST', headers }), bindings) as Promise<Response>;
    const ok = await token({ origin: ORIGIN, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ token: 'tok', expiresAt: '2030-01-01T00:00:00.000Z', role: 'agent' });
    const call = apiCalls.at(-1)!;
    expect(new URL(call.url).pathname).toBe('/v1/embed-tokens');
    expect(call.headers.get('authorization')).toBe('Bearer pb_secret');

    expect((await token({ origin: ORIGIN, 'sec-fetch-site': 'same-origin' }, remote)).status).toBe(403);
    expect((await token({})).status).toBe(403);
    expect((await token({ origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await token({ origin: 'http://rebound.example:8787', 'sec-fetch-site': 'same-origin' }, loopback, 'http://rebound.example:8787')).status).toBe(403);
    const refused = await token({});
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.text()).not.toContain('pb_secret');
    const get = await handler(new Request(ORIGIN + '/backoffice/pitboss-token', { headers: { origin: ORIGIN } }), loopback);
    expect((get as Response).status).toBe(405);
  });

  it('lists the loopback origins the demo tenant must allow', () => {
    expect(loopbackOrigins('http://127.0.0.1:8787')).toEqual(['http://127.0.0.1:8787', 'http://localhost:8787']);
    expect(loopbackOrigins('http://10.0.0.5:8787')).toEqual(['http://10.0.0.5:8787']);
  });
});
