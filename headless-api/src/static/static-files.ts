// Static files for pages served next to the API (the demo backoffice): each
// response carries the headers that make the page cross-origin isolated, so
// DuckDB-WASM and onnxruntime-web may start threads.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Headers on every static response: `Cross-Origin-Opener-Policy: same-origin`
 * and `Cross-Origin-Embedder-Policy: require-corp` make a page (and each
 * worker started from such a script) cross-origin isolated;
 * `Cross-Origin-Resource-Policy: same-origin` lets an isolated page load the
 * asset. The API's own JSON responses need none of these: fetch() is not
 * subject to CORP for same-origin requests.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The content type for a file name (by extension), `application/octet-stream` if unknown.
 *
 * @example
 * contentType('duckdb-eh.wasm'); // 'application/wasm'
 */
export function contentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export interface ServeFileOptions {
  /** Extra headers (a CSP for a page, for instance); they override the defaults. */
  headers?: Record<string, string>;
  /** `immutable` for content-hashed names; otherwise the browser revalidates with the ETag. */
  immutable?: boolean;
}

/**
 * Answers a GET/HEAD for one file on disk: streamed, with a weak ETag from
 * size and modification time (304 on a match), the content type and
 * {@link ISOLATION_HEADERS}. `null` when the file does not exist.
 *
 * @example
 * const res = await serveFile(request, '/srv/app/index.html', { headers: { 'content-security-policy': "default-src 'self'" } });
 */
export async function serveFile(request: Request, path: string, options: ServeFileOptions = {}): Promise<Response | null> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = new Headers({
    ...ISOLATION_HEADERS,
    'content-type': contentType(path),
    etag,
    'cache-control': options.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...options.headers,
  });
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  headers.set('content-length', String(info.size));
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}

/**
 * A small plain-text or JSON answer with {@link ISOLATION_HEADERS}.
 *
 * @example
 * return textResponse(405, 'GET only', { allow: 'GET, HEAD' });
 */
export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...ISOLATION_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers } });
}
