// The demo backoffice that `pitboss start` serves next to the API: the page
// in examples/backoffice, bundled with esbuild at start (cached by a hash of
// every input file), the DuckDB-WASM and onnxruntime-web assets straight from
// node_modules, and a token endpoint standing for the operator's backend.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ISOLATION_HEADERS, serveFile, textResponse } from './static-files.js';

/** The checkout root (this file is `headless-api/{src,dist}/static/backoffice.*`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Bumped when the build options change, so an old cache is not reused. */
const BUILD_VERSION = 1;

/** Where the page's own sources live and which entries are bundled. */
export interface BackofficeSources {
  /** The checkout root. Default {@link REPO_ROOT}. */
  root?: string;
  /** Folder with `index.html` and `main.ts`. Default `<root>/examples/backoffice`. */
  pageDir?: string;
}

/** A bundled page: the folder holding `main.js` and the workers. */
export interface BackofficeBundle {
  /** Folder with the bundle's files. */
  dir: string;
  /** Hash of the build inputs and options (names the folder). */
  hash: string;
  /** True when a previous build with the same inputs was reused. */
  cached: boolean;
  /** Time spent checking the cache and, if needed, building. */
  ms: number;
  /** The folder with `index.html` and any static files of the page. */
  pageDir: string;
}

interface Manifest {
  version: number;
  hash: string;
  /** Input path (relative to the root) → sha256 of its content. */
  inputs: Record<string, string>;
}

// Workers are loaded by URL, so they are entries of their own. The scoring
// worker takes onnxruntime-web's "use-extern-wasm" form (Emscripten glue as a
// separate .mjs, served from node_modules), which threaded pages need.
const ENTRIES = (root: string, pageDir: string) => ({
  main: join(pageDir, 'main.ts'),
  'duckdb.worker': join(root, 'wasm/src/duckdb.worker.ts'),
  'scoring.worker': join(root, 'wasm/src/scoring.worker.ts'),
});

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function parseManifest(text: string): Manifest | null {
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    return typeof m.hash === 'string' && /^[0-9a-f]+$/.test(m.hash) && typeof m.inputs === 'object' && m.inputs !== null && typeof m.version === 'number' ? (m as Manifest) : null;
  } catch {
    return null;
  }
}

async function hashInputs(root: string, inputs: Record<string, string>): Promise<boolean> {
  for (const [rel, want] of Object.entries(inputs)) {
    const bytes = await readFile(resolve(root, rel)).catch(() => null);
    if (!bytes || sha256(bytes) !== want) return false;
  }
  return true;
}

/**
 * Bundles the demo backoffice (`examples/backoffice/main.ts` and the two
 * worker entries of `@pitboss/wasm`) with esbuild into
 * `<cacheDir>/<hash>/`. Workspace packages resolve through their `source`
 * export condition, so a fresh clone needs no build step. The manifest keeps
 * the sha256 of every input file: a later start with unchanged inputs reuses
 * the folder without running esbuild.
 *
 * @example
 * const bundle = await bundleBackoffice(join(config.dataDir, 'backoffice'));
 * console.log(bundle.cached ? 'reused' : 'built', bundle.dir);
 */
export async function bundleBackoffice(cacheDir: string, sources: BackofficeSources = {}): Promise<BackofficeBundle> {
  const began = performance.now();
  const root = sources.root ?? REPO_ROOT;
  const pageDir = sources.pageDir ?? join(root, 'examples/backoffice');
  const manifestPath = join(cacheDir, 'manifest.json');
  // A missing or unreadable manifest (an interrupted first build) just means: build.
  const previous = await readFile(manifestPath, 'utf8').then((s) => parseManifest(s), () => null);
  if (previous?.version === BUILD_VERSION && (await hashInputs(root, previous.inputs))) {
    const dir = join(cacheDir, previous.hash);
    const present = await stat(join(dir, 'main.js')).then((s) => s.isFile(), () => false);
    if (present) return { dir, hash: previous.hash, cached: true, ms: performance.now() - began, pageDir };
  }

  // esbuild is a devDependency of the checkout: imported only when a build is needed.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES(root, pageDir),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source', 'onnxruntime-web-use-extern-wasm'],
    tsconfig: join(root, 'tsconfig.base.json'),
    // onnxruntime-web's glue references Node built-ins behind runtime checks it never takes in a browser.
    external: ['node:*', 'worker_threads', 'fs', 'path', 'url', 'module', 'os', 'crypto'],
    sourcemap: 'linked',
    minify: false,
    outdir: 'out',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

  const inputs: Record<string, string> = {};
  for (const rel of Object.keys(result.metafile.inputs).sort()) {
    // Virtual inputs (`<runtime>`, namespaced paths) have no file to hash.
    if (rel.includes(':') || rel.startsWith('<')) continue;
    inputs[rel] = sha256(await readFile(resolve(root, rel)));
  }
  const hash = sha256(JSON.stringify({ version: BUILD_VERSION, inputs })).slice(0, 16);
  const dir = join(cacheDir, hash);
  await mkdir(dir, { recursive: true });
  for (const file of result.outputFiles) await writeFile(join(dir, basename(file.path)), file.contents);
  await writeFile(manifestPath, JSON.stringify({ version: BUILD_VERSION, hash, inputs } satisfies Manifest) + '\n');
  // Older builds are dead weight.
  for (const entry of await readdir(cacheDir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== hash) await rm(join(cacheDir, entry.name), { recursive: true, force: true });
  }
  return { dir, hash, cached: false, ms: performance.now() - began, pageDir };
}

/** The library files the page's workers fetch, by the name they are served under. */
export function vendorAssets(root: string = REPO_ROOT): Record<string, string> {
  const require = createRequire(join(root, 'wasm/package.json'));
  const files = [
    '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm',
    '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js',
    'onnxruntime-web/ort-wasm-simd-threaded.mjs',
    'onnxruntime-web/ort-wasm-simd-threaded.wasm',
    'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs',
    'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm',
  ];
  return Object.fromEntries(files.map((f) => [basename(f), require.resolve(f)]));
}

/** What the demo token endpoint needs: the server-held key and the in-process API. */
export interface DemoTokenIssuer {
  /** The API key the server holds (never sent to the page). */
  apiKey: string;
  /** Role of the tokens handed to the page. Default `agent` (reads, sees personal data, writes nothing). */
  role?: 'admin' | 'analyst' | 'agent';
  /** Token lifetime in seconds. Default 600. */
  ttlSeconds?: number;
  /** The API's fetch handler (`app.fetch`). */
  api: (request: Request) => Response | Promise<Response>;
}

export interface BackofficeOptions {
  bundle: BackofficeBundle;
  /** Present only in the demo: `POST /backoffice/pitboss-token` exchanges the held key for an embed token. */
  tokens?: DemoTokenIssuer;
  /** Library files by served name (see {@link vendorAssets}). */
  vendor?: Record<string, string>;
}

/** The Node request behind a fetch `Request` (what `@hono/node-server` passes as the second argument). */
export interface NodeBindings {
  incoming?: IncomingMessage;
}

/** CSP of the page: own scripts only, WebAssembly compilation, workers from the page's origin, API calls to the same origin. */
export const BACKOFFICE_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

function problem(status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { ...ISOLATION_HEADERS, 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}

/**
 * The origins the page can be opened from on this listener, for the demo
 * tenant's `allowed_origins`: the printed URL, plus `localhost` when it is
 * 127.0.0.1 (and the other way round).
 *
 * @example
 * loopbackOrigins('http://127.0.0.1:8787'); // ['http://127.0.0.1:8787', 'http://localhost:8787']
 */
export function loopbackOrigins(url: string): string[] {
  const u = new URL(url);
  const port = u.port ? `:${u.port}` : '';
  const loop = u.hostname === '127.0.0.1' || u.hostname === 'localhost' ? ['127.0.0.1', 'localhost'].map((h) => `${u.protocol}//${h}${port}`) : [];
  return [...new Set([u.origin, ...loop])];
}

/**
 * A front handler for the listener: answers the backoffice's paths and
 * returns any other request (possibly with `Origin` filled in, see below) for
 * the API.
 *
 * - `GET /` redirects to `/backoffice/`; `/backoffice/` is `index.html`.
 * - `/backoffice/<file>`: the bundle's files, then the page folder's static files.
 * - `/backoffice/vendor/<file>`: DuckDB-WASM and onnxruntime-web from node_modules.
 * - `POST /backoffice/pitboss-token` (demo only): the operator-backend pattern.
 *   The server holds the API key and exchanges it for a short-lived embed
 *   token bound to the page's origin; the browser never sees the key. It
 *   answers loopback peers only, and only a same-origin request to a loopback
 *   host name, because the demo has no login of its own.
 * - Browsers omit `Origin` on same-origin GETs, and embed tokens are checked
 *   against it: a `/v1` request that says `Sec-Fetch-Site: same-origin` (a
 *   header only browsers set) and has no `Origin` gets the page's origin.
 *
 * @example
 * const front = backofficeHandler({ bundle, tokens: { apiKey: key, api: app.fetch }, vendor: vendorAssets() });
 * serve({ fetch: async (req, env) => { const r = await front(req, env); return r instanceof Response ? r : app.fetch(r, env); } });
 */
export function backofficeHandler(options: BackofficeOptions): (request: Request, bindings?: NodeBindings) => Promise<Response | Request> {
  const { bundle, tokens } = options;
  const vendor = options.vendor ?? vendorAssets();
  const pageDir = bundle.pageDir;

  const inside = (dir: string, name: string): string | null => {
    const path = resolve(dir, name);
    const rel = relative(dir, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? path : null;
  };

  async function issueToken(request: Request, bindings?: NodeBindings): Promise<Response> {
    if (!tokens) return problem(404, 'Not Found', 'no token endpoint on this server');
    if (request.method !== 'POST') return problem(405, 'Method Not Allowed', 'POST only');
    const peer = bindings?.incoming?.socket.remoteAddress ?? '';
    if (!LOOPBACK.has(peer)) {
      return problem(403, 'Forbidden', 'the demo token endpoint answers loopback clients only: it has no login. Open the page on this machine, or put your own authentication in front of a token endpoint of yours.');
    }
    const site = request.headers.get('sec-fetch-site');
    const origin = request.headers.get('origin');
    const { origin: own, hostname } = new URL(request.url);
    // A loopback host name too: a DNS-rebound name pointing at 127.0.0.1 is same-origin with itself, not with us.
    if ((site !== null && site !== 'same-origin') || origin === null || origin !== own || !LOOPBACK_NAMES.has(hostname)) {
      return problem(403, 'Forbidden', 'only the backoffice page itself may ask for a token (same-origin request with an Origin header)');
    }
    const res = await tokens.api(
      new Request(new URL('/v1/embed-tokens', own), {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ origins: [origin], role: tokens.role ?? 'agent', ttl_seconds: tokens.ttlSeconds ?? 600 }),
      }),
    );
    const body = await res.text();
    // The API's own problem+json (an origin outside allowed_origins, say) goes back as it is.
    if (!res.ok) return new Response(body, { status: res.status, headers: { ...ISOLATION_HEADERS, 'content-type': res.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' } });
    const issued = JSON.parse(body) as { token: string; expires_at: string; role: string };
    return new Response(JSON.stringify({ token: issued.token, expiresAt: issued.expires_at, role: issued.role }), {
      status: 200,
      headers: { ...ISOLATION_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  }

  return async function backoffice(request, bindings) {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith('/v1/')) {
      const safe = request.method === 'GET' || request.method === 'HEAD';
      if (safe && !request.headers.has('origin') && request.headers.get('sec-fetch-site') === 'same-origin') {
        const headers = new Headers(request.headers);
        headers.set('origin', url.origin);
        return new Request(request, { headers });
      }
      return request;
    }
    if (path === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
      return new Response(null, { status: 302, headers: { ...ISOLATION_HEADERS, location: '/backoffice/' } });
    }
    if (path === '/backoffice') return new Response(null, { status: 301, headers: { ...ISOLATION_HEADERS, location: '/backoffice/' } });
    if (!path.startsWith('/backoffice/')) return request;
    if (path === '/backoffice/pitboss-token') return issueToken(request, bindings);
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'GET only', { allow: 'GET, HEAD' });

    const name = decodeURIComponent(path.slice('/backoffice/'.length));
    let file: string | null = null;
    let headers: Record<string, string> = {};
    if (name === '' || name === 'index.html') {
      file = join(pageDir, 'index.html');
      headers = { 'content-security-policy': BACKOFFICE_CSP };
    } else if (name.startsWith('vendor/')) {
      file = vendor[name.slice('vendor/'.length)] ?? null;
    } else if (!name.includes('/') && !name.endsWith('.ts')) {
      file = inside(bundle.dir, name);
      if (file && !(await stat(file).then((s) => s.isFile(), () => false))) file = inside(pageDir, name);
    }
    const res = file ? await serveFile(request, file, { headers }) : null;
    return res ?? textResponse(404, `not found: ${path}`);
  };
}

/** Where `pitboss start` keeps the bundle: `<dataDir>/backoffice`. */
export function backofficeCacheDir(dataDir: string): string {
  return join(dataDir, 'backoffice');
}
