#!/usr/bin/env node
// An operator's backoffice server: it holds the Pitboss API key, exchanges it
// for short-lived embed tokens (POST /v1/embed-tokens) and serves a page whose
// web components call the API directly with those tokens. The key never
// leaves this process.
//
//   PITBOSS_URL=http://127.0.0.1:8787 PITBOSS_KEY=$(cat .pitboss/demo-key) node examples/embed-token/server.mjs
//   node examples/embed-token/server.mjs --root examples/react --port 3001
//
// Plain Node (no dependencies), so it reads as the pattern to copy into any backend.
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** The page this example serves unless told otherwise: the plain-HTML example. */
export const DEFAULT_ROOT = fileURLToPath(new URL('../html/', import.meta.url));

/**
 * Makes sure the tenant lets these browser origins use embed tokens and CORS
 * (`allowed_origins` of `GET/PUT /v1/tenant/settings`; needs an admin key).
 * Run once when setting up a backoffice; other settings are kept as they are.
 */
export async function allowOrigins(apiUrl, apiKey, origins) {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const res = await fetch(new URL('/v1/tenant/settings', apiUrl), { headers });
  if (!res.ok) throw new Error(`GET /v1/tenant/settings: ${res.status} ${await res.text()}`);
  const settings = await res.json();
  const missing = origins.filter((o) => !settings.allowed_origins.includes(o));
  if (missing.length === 0) return settings;
  const put = await fetch(new URL('/v1/tenant/settings', apiUrl), {
    method: 'PUT',
    headers,
    body: JSON.stringify({ ...settings, allowed_origins: [...settings.allowed_origins, ...missing] }),
  });
  if (!put.ok) throw new Error(`PUT /v1/tenant/settings: ${put.status} ${await put.text()}`);
  return put.json();
}

/**
 * Starts the operator's server.
 *
 * @param {object} options
 * @param {string} options.apiUrl  where the Pitboss API is (e.g. http://127.0.0.1:8787)
 * @param {string} options.apiKey  the operator's API key: stays on this server
 * @param {string} [options.root]  folder of the page to serve (default: examples/html)
 * @param {number} [options.port]  0 picks a free port (default 3000)
 * @param {string} [options.host]  default 127.0.0.1
 * @param {'admin'|'analyst'|'agent'} [options.role] role of the tokens (default agent: reads players, no admin)
 * @param {number} [options.ttlSeconds] token lifetime, 30..3600 (default 600)
 * @param {boolean} [options.setupOrigins] add this server's origins to the tenant's allowed origins (default true)
 * @returns {Promise<{ url: string, origins: string[], close(): Promise<void> }>}
 *
 * @example
 * const server = await startOperatorServer({ apiUrl: 'http://127.0.0.1:8787', apiKey: process.env.PITBOSS_KEY, port: 3000 });
 * console.log(`open ${server.url}`);
 */
export async function startOperatorServer(options) {
  const { apiUrl, apiKey } = options;
  if (!apiUrl || !apiKey) throw new Error('startOperatorServer needs apiUrl and apiKey');
  const root = resolve(options.root ?? DEFAULT_ROOT);
  const role = options.role ?? 'agent';
  const ttlSeconds = options.ttlSeconds ?? 600;
  const host = options.host ?? '127.0.0.1';
  let origins = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 502, { error: 'pitboss request failed' });
      else res.destroy();
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/backoffice/pitboss-config') {
      // The API's address: the page calls it directly (cross-origin, with the token).
      return send(res, 200, { apiUrl });
    }
    if (url.pathname === '/backoffice/pitboss-token') {
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      // A real backoffice checks its own user session here before handing out a token.
      // The token is bound to the origin the page runs on. Browsers send Origin on a POST, so
      // checking it also refuses tokens to other sites' pages (CSRF); only our own origins qualify.
      const origin = req.headers.origin;
      if (!origin || !origins.includes(origin)) return send(res, 403, { error: `origin ${origin ?? '(none)'} may not ask for tokens` });
      const r = await fetch(new URL('/v1/embed-tokens', apiUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ origins: [origin], role, ttl_seconds: ttlSeconds }),
      });
      const body = await r.json();
      if (r.status !== 201) return send(res, 502, { error: 'token exchange failed', status: r.status, problem: body });
      // Only the token and its expiry go to the browser.
      return send(res, 200, { token: body.token, expiresAt: body.expires_at, role: body.role });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'GET only' });
    return serveFile(res, url.pathname);
  }

  async function serveFile(res, pathname) {
    let path;
    try {
      path = resolve(join(root, decodeURIComponent(pathname)));
    } catch {
      return send(res, 400, { error: 'bad path' });
    }
    if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 404, { error: 'not found' });
    let info = await stat(path).catch(() => null);
    if (info?.isDirectory()) {
      path = join(path, 'index.html');
      info = await stat(path).catch(() => null);
    }
    if (!info?.isFile()) return send(res, 404, { error: 'not found' });
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(path).pipe(res);
  }

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 3000, host, ok);
  });
  const { port } = server.address();
  origins = [`http://${host}:${port}`, ...(host === '127.0.0.1' ? [`http://localhost:${port}`] : [])];
  try {
    if (options.setupOrigins !== false) await allowOrigins(apiUrl, apiKey, origins);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url: `${origins[0]}/`,
    origins,
    close: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      role: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('usage: node examples/embed-token/server.mjs [--root DIR] [--port 3000] [--host 127.0.0.1] [--role agent|analyst|admin]\n\nEnvironment: PITBOSS_URL (default http://127.0.0.1:8787), PITBOSS_KEY (default: the key in .pitboss/demo-key)');
    process.exit(0);
  }
  const apiUrl = process.env.PITBOSS_URL ?? 'http://127.0.0.1:8787';
  let apiKey = process.env.PITBOSS_KEY;
  if (!apiKey) {
    try {
      apiKey = readFileSync(join(process.env.PITBOSS_DATA_DIR ?? '.pitboss', 'demo-key'), 'utf8').trim();
    } catch {
      console.error('Set PITBOSS_KEY to an admin API key (or run `npm start` first: it writes .pitboss/demo-key).');
      process.exit(2);
    }
  }
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${JSON.stringify(values.port)}`);
    process.exit(2);
  }
  try {
    const server = await startOperatorServer({ apiUrl, apiKey, root: values.root, port, host: values.host, role: values.role });
    console.log(`backoffice on ${server.url} (API ${apiUrl}; tokens: role ${values.role ?? 'agent'}, origins ${server.origins.join(', ')})`);
    const stop = () => server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
