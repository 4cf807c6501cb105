import type { Context } from 'hono';
import type { AppEnv } from './types.js';

/**
 * Response headers of one request as a plain record (lower-case names),
 * complete before the handler answers: the security headers, the request id,
 * and what middleware that know their headers before `next()` add to it (a
 * tenant's `content-security-policy`). `securityHeaders` makes it.
 */
export type HeaderRecord = Record<string, string>;

const COMPLETE = Symbol('pitboss.completeHeaders');

/**
 * Whether `res` was made by `fastJsonResponse`: its headers are the
 * request's complete `HeaderRecord`, so middleware after `next()` leave them
 * alone. Reading `res.headers` is still correct (it builds a `Headers` from
 * the record), only slower.
 */
export function hasCompleteHeaders(res: Response): boolean {
  return (res as { [COMPLETE]?: true })[COMPLETE] === true;
}

/**
 * A JSON `Response` whose headers are the request's `HeaderRecord` (plus
 * `content-type`, and `vary` when `varyAuthorization`), a plain object that
 * `@hono/node-server` writes as it is: no `Headers` that each middleware
 * edits one header at a time and the adapter copies into an object again.
 * Null without a record (an app without `securityHeaders`): answer with
 * `c.json` then. Headers set through `c.header()` are not in it; a route
 * that sets any answers with `c.json`. Routes answer through `respondJson`
 * (masking.ts), which masks the body for the caller's role first.
 *
 * Deliberately a function the route calls, not a replacement of `c.json`
 * installed per request: a closure stored on every request's context made
 * V8 pretenure per-request allocations (scavenges copying megabytes into
 * old space, 4x the GC time on GET /v1/players/{id}).
 *
 * @example
 * return fastJsonResponse(c, JSON.stringify(value), 200, false) ?? c.json(value, 200);
 */
export function fastJsonResponse(c: Context<AppEnv>, body: string, status: number, varyAuthorization: boolean): Response | null {
  const headers = c.get('responseHeaders');
  if (!headers) return null;
  headers['content-type'] = 'application/json';
  if (varyAuthorization) headers.vary = headers.vary ? `${headers.vary}, authorization` : 'authorization';
  const res = new Response(body, { status, headers });
  (res as { [COMPLETE]?: true })[COMPLETE] = true;
  return res;
}
