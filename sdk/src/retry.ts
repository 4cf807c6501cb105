import { abortReason } from './token.js';

/** How failed idempotent calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 3; 0 turns retrying off. */
  retries: number;
  /** First backoff; doubles each retry, with full jitter. Default 200 ms. */
  baseDelayMs: number;
  /** Cap of one backoff (and of a server's `Retry-After`). Default 10 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Delay before retry number `attempt` (0-based): the server's `Retry-After`
 * when it sent one, else exponential backoff with full jitter, so clients
 * that failed together do not return together.
 *
 * @example
 * backoffMs(DEFAULT_RETRY, 2, undefined) // somewhere in [0, 800]
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | undefined, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * random();
}

/**
 * Resolves after `ms`, or rejects with the signal's reason when it aborts first.
 *
 * @example
 * await sleep(500, signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
