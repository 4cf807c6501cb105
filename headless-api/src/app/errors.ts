import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { InvalidQueryError, ShardUnavailableError } from '../storage/errors.js';
import type { AppEnv } from './types.js';

/** Base of every problem `type` URI. The slugs below are stable: clients may switch on them. */
export const PROBLEM_BASE = 'https://pitboss.dev/problems/';

/** Every problem the API returns, with its default status and title. */
export const PROBLEMS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'validation-failed': { status: 400, title: 'Request failed validation' },
  'empty-body': { status: 400, title: 'Request body is empty' },
  'malformed-json': { status: 400, title: 'Request body is not valid JSON' },
  'invalid-encoding': { status: 400, title: 'Request body is not valid UTF-8' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Permission denied' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflicts with the current state' },
  'precondition-failed': { status: 412, title: 'The resource changed since you read it' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'uri-too-long': { status: 414, title: 'Request URL too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'shard-unavailable': { status: 503, title: 'A storage shard is unavailable' },
  'not-ready': { status: 503, title: 'Service not ready' },
  'shutting-down': { status: 503, title: 'Server is shutting down' },
  overloaded: { status: 503, title: 'Too many requests in flight' },
  internal: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemSlug = keyof typeof PROBLEMS;

/** An RFC 9457 problem details object, plus Pitboss extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  [extension: string]: unknown;
}

export interface ApiErrorOptions {
  detail?: string;
  /** Extension members merged into the problem object (e.g. `errors`, `retryable`). */
  extensions?: Record<string, unknown>;
  /** Overrides the slug's default status (e.g. 413 for a different limit). */
  status?: ContentfulStatusCode;
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error vocabulary of the HTTP layer: throw it anywhere in a handler
 * or middleware and the app's error handler turns it into problem+json.
 *
 * @example
 * throw new ApiError('not-found', { detail: `no player ${id}` });
 */
export class ApiError extends HTTPException {
  readonly slug: ProblemSlug;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(slug: ProblemSlug, options: ApiErrorOptions = {}) {
    const status = options.status ?? PROBLEMS[slug].status;
    super(status, { message: options.detail ?? PROBLEMS[slug].title, cause: options.cause });
    this.name = 'ApiError';
    this.slug = slug;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/**
 * Builds a problem+json response. Used by the error handler and by routes
 * that answer with a problem without throwing (e.g. `/readyz`).
 *
 * @example
 * return problemResponse(c, 'not-ready', { detail: 'shard 2 unreachable' });
 */
export function problemResponse(c: Context<AppEnv>, slug: ProblemSlug, options: ApiErrorOptions = {}): Response {
  const status = options.status ?? PROBLEMS[slug].status;
  const body: Problem = {
    type: PROBLEM_BASE + slug,
    title: PROBLEMS[slug].title,
    status,
    ...(options.detail !== undefined ? { detail: options.detail } : {}),
    instance: c.req.path,
    request_id: c.get('requestId'),
    ...options.extensions,
  };
  const headers = new Headers(options.headers);
  headers.set('content-type', 'application/problem+json');
  const rid = c.get('requestId');
  if (rid) headers.set('x-request-id', rid);
  return new Response(JSON.stringify(body), { status, headers });
}

const SLUG_BY_STATUS: Partial<Record<number, ProblemSlug>> = {
  400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed',
  413: 'payload-too-large', 414: 'uri-too-long', 415: 'unsupported-media-type', 429: 'rate-limited', 431: 'headers-too-large', 503: 'not-ready',
};

/**
 * The error for a request part that failed its zod schema: 400
 * `validation-failed` naming each issue's place (`in`, a JSON pointer) and message.
 * The app's validation hook and routes that validate on their own both throw it.
 *
 * @example
 * if (!result.success) throw validationFailed('param', result.error.issues);
 */
export function validationFailed(target: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiError {
  return new ApiError('validation-failed', {
    detail: `invalid ${target}`,
    extensions: { errors: issues.map((i) => ({ in: target, pointer: pointer(i.path), message: i.message })) },
  });
}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * The single place where thrown errors become responses. Known errors keep
 * their status; anything else is logged with the request id and answered as
 * a bare 500, so no message, stack, SQL or path leaks to the client.
 *
 * @example
 * app.onError(errorHandler());
 */
export function errorHandler(): ErrorHandler<AppEnv> {
  return function handleError(err, c) {
    if (err instanceof ApiError) {
      if (err.status >= 500) {
        c.get('logger')?.warn('request failed', { request_id: c.get('requestId'), problem: err.slug, detail: err.detail });
      }
      return problemResponse(c, err.slug, {
        status: err.status as ContentfulStatusCode,
        ...(err.detail !== undefined ? { detail: err.detail } : {}),
        extensions: err.extensions,
        headers: err.headers,
      });
    }
    if (err instanceof ShardUnavailableError) {
      c.get('logger')?.warn('shard unavailable', { request_id: c.get('requestId'), database: err.database, error: err.message });
      return problemResponse(c, 'shard-unavailable', {
        detail: err.database === undefined ? 'a database is unavailable; retry later' : `database ${err.database} is unavailable; retry later`,
        extensions: { retryable: true },
        headers: { 'retry-after': '1' },
      });
    }
    if (err instanceof InvalidQueryError) {
      return problemResponse(c, 'validation-failed', {
        detail: err.message,
        extensions: { errors: [{ in: 'query', pointer: '/' + err.field, message: err.message }] },
      });
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's own middleware (e.g. a malformed JSON body) throws plain HTTPExceptions.
      const slug = SLUG_BY_STATUS[err.status] ?? 'bad-request';
      return problemResponse(c, slug, { status: err.status as ContentfulStatusCode, detail: err.message });
    }
    c.get('logger')?.error('unhandled error', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      error: { name: err.name, message: err.message, stack: err.stack },
    });
    return problemResponse(c, 'internal', { detail: 'An unexpected error occurred; quote the request id when reporting it.' });
  };
}

/**
 * Unknown routes answer 404 problem+json.
 *
 * @example
 * app.notFound(notFoundHandler());
 */
export function notFoundHandler(): NotFoundHandler<AppEnv> {
  return function handleNotFound(c) {
    return problemResponse(c, 'not-found', { detail: `no route for ${c.req.method} ${c.req.path}` });
  };
}
