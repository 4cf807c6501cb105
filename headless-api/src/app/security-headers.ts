import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { problemResponse } from './errors.js';
import { hasCompleteHeaders } from './fast-json.js';
import type { HeaderRecord } from './fast-json.js';
import type { AppEnv } from './types.js';

export interface SecurityHeaderOptions {
  /** Send `Strict-Transport-Security`: only when clients reach the API over TLS (directly or through a TLS proxy). */
  hsts?: boolean;
  /** Longest accepted request URL (path and query), in characters. Default 8192. */
  maxUrlChars?: number;
  /** Largest accepted sum of header names and values, in bytes. Default 16 KiB. */
  maxHeaderBytes?: number;
  /** The HTML of `/docs`: its inline scripts get CSP hashes instead of `unsafe-inline`. */
  docsHtml?: string;
}

// No identifier or filter value of this API contains NUL, and Postgres text cannot hold one: refuse it before it reaches SQL.
const NUL_IN_URL = /%00|\u0000/;
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Characters of an absolute request URL after its origin (path and query), without parsing it again. */
function pathLength(url: string): number {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  return start === -1 ? 0 : url.length - start;
}

/**
 * The request's header names and values, in bytes (plus 4 per line: `: ` and CRLF).
 * On Node the lines as received (`incoming.rawHeaders`): reading `Headers`
 * there would build @hono/node-server's full `Headers` object on every request,
 * only to measure it. Elsewhere, the request's `Headers`.
 */
function headerBytes(c: Context<AppEnv>): number {
  let size = 0;
  const raw = (c.env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming?.rawHeaders;
  if (Array.isArray(raw)) {
    for (const part of raw as string[]) size += part.length + 2;
    return size;
  }
  c.req.raw.headers.forEach((value, name) => {
    size += name.length + value.length + 4;
  });
  return size;
}

/**
 * First middleware of the app: refuses oversized URLs (414), headers (431)
 * and URLs carrying NUL (400) before anything parses them, and sets security headers on every
 * response, errors included. `/docs` gets a CSP that allows its own inline
 * script by hash and nothing from elsewhere; every other response gets
 * `default-src 'none'` (they are JSON, never documents to run). Before the
 * handler runs it leaves these headers (and `x-request-id`) as the request's
 * `HeaderRecord` (`c.var.responseHeaders`): a response made over it by
 * `fastJsonResponse` already has them and is left alone.
 *
 * @example
 * app.use(securityHeaders({ hsts: config.tls, docsHtml: DOCS_HTML }));
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): MiddlewareHandler<AppEnv> {
  const maxUrl = options.maxUrlChars ?? 8192;
  const maxHeaders = options.maxHeaderBytes ?? 16 * 1024;
  const hashes = [...(options.docsHtml ?? '').matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  const docsCsp = `default-src 'none'; script-src ${hashes.join(' ') || "'none'"}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const fixed: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['cross-origin-resource-policy', 'same-site'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
  ];
  if (options.hsts) fixed.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);
  // Every API response's headers but the request id, copied per request into its `HeaderRecord` (fast-json.ts).
  const apiHeaders: Readonly<Record<string, string>> = { ...Object.fromEntries(fixed), 'content-security-policy': API_CSP };

  return async function setSecurityHeaders(c, next) {
    const url = c.req.url;
    const size = headerBytes(c);
    // Answered here rather than thrown: a throw would skip the headers set below.
    if (NUL_IN_URL.test(url)) c.res = problemResponse(c, 'bad-request', { detail: 'the URL contains a NUL character' });
    else if (pathLength(url) > maxUrl) c.res = problemResponse(c, 'uri-too-long', { detail: `request URL longer than ${maxUrl} characters` });
    else if (size > maxHeaders) c.res = problemResponse(c, 'headers-too-large', { detail: `request headers larger than ${maxHeaders} bytes` });
    else {
      const docs = c.req.path === '/docs';
      if (!docs) {
        // Copied with Object.assign, not spread: V8 (Node 20) adds each key after a spread (`x-request-id` here,
        // `content-type` and `vary` in fast-json.ts) through a slow path, ~3 µs each; here they are plain stores.
        const headers: HeaderRecord = Object.assign({}, apiHeaders);
        const id = c.get('requestId');
        if (id !== undefined) headers['x-request-id'] = id;
        c.set('responseHeaders', headers);
      }
      await next();
      // Made by `fastJsonResponse` over the record above: its headers already hold all of the below.
      if (!docs && hasCompleteHeaders(c.res)) return;
    }
    const h = c.res.headers;
    for (const [name, value] of fixed) h.set(name, value);
    if (c.req.path === '/docs') {
      h.set('content-security-policy', docsCsp);
      h.delete('x-frame-options');
    } else if (!h.has('content-security-policy')) {
      h.set('content-security-policy', API_CSP);
    }
    if (h.has('content-security-policy') && /frame-ancestors (?!'none')/.test(h.get('content-security-policy')!)) h.delete('x-frame-options');
  };
}
