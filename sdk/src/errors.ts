import type { Problem } from './api-types.js';

/** Base of every problem `type` URI the API uses. */
export const PROBLEM_BASE = 'https://pitboss.dev/problems/';

/**
 * An error answer of the API (`application/problem+json`), rebuilt on the
 * client: `slug` is the stable part of `type` to switch on.
 *
 * @example
 * try { await client.getPlayer('p-1'); }
 * catch (e) { if (e instanceof PitbossApiError && e.slug === 'not-found') showEmpty(); else throw e; }
 */
export class PitbossApiError extends Error {
  override readonly name = 'PitbossApiError';
  readonly status: number;
  /** The problem `type` URI. */
  readonly type: string;
  /** `type` without the Pitboss base, e.g. `not-found`; the full URI for foreign types. */
  readonly slug: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** True when the same request may succeed later (503, 429, `retryable: true`). */
  readonly retryable: boolean;
  /** The server's request id (body `request_id` or `x-request-id`): quote it when reporting. */
  readonly requestId: string | undefined;
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfter: number | undefined;
  /** The whole problem object, extension members included. */
  readonly problem: Problem;

  constructor(problem: Problem, init: { requestId?: string | undefined; retryAfter?: number | undefined; cause?: unknown } = {}) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.slug = problem.type.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.requestId = problem.request_id ?? init.requestId;
    this.retryAfter = init.retryAfter;
    this.retryable = problem.retryable === true || problem.status === 503 || problem.status === 429;
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS). Always retryable. */
export class PitbossNetworkError extends Error {
  override readonly name = 'PitbossNetworkError';
  readonly retryable = true;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/**
 * Rebuilds a `PitbossApiError` from a non-2xx response. A body that is not
 * problem+json (a proxy's HTML page) still gives a typed error with the status.
 *
 * @example
 * if (!res.ok) throw await errorFromResponse(res);
 */
export async function errorFromResponse(res: Response): Promise<PitbossApiError> {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const text = await res.text();
  const media = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/problem+json' || media === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      return new PitbossApiError(fallbackProblem(res, `unparsable ${media} body`), { requestId, retryAfter, cause });
    }
    if (isProblem(parsed)) return new PitbossApiError(parsed, { requestId, retryAfter });
  }
  return new PitbossApiError(fallbackProblem(res, text.slice(0, 200)), { requestId, retryAfter });
}

function fallbackProblem(res: Response, detail: string): Problem {
  return { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status, ...(detail ? { detail } : {}) };
}

function isProblem(v: unknown): v is Problem {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.type === 'string' && typeof o.title === 'string' && typeof o.status === 'number';
}

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - now) / 1000);
}

/** True for the `AbortError` a fetch or a DataSource call rejects with when its signal aborts. */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}
