/**
 * Where the client gets its bearer credential. An API key never changes; an
 * embed token expires and is fetched again from the operator's backend
 * (never from Pitboss directly: the browser must not hold an API key).
 */
export interface TokenProvider {
  /** The credential for the next request. */
  token(signal?: AbortSignal): Promise<string>;
  /** Called after a 401: the next `token()` must not return the rejected credential. */
  invalidate(rejected: string): void;
}

/**
 * A fixed API key, for servers.
 *
 * @example
 * const client = new PitbossClient({ baseUrl: 'https://pitboss.example', auth: apiKey(process.env.PITBOSS_KEY!) });
 */
export function apiKey(key: string): TokenProvider {
  return {
    token: () => Promise.resolve(key),
    invalidate: () => undefined,
  };
}

/** What the operator's callback returns. */
export interface IssuedToken {
  token: string;
  /** Expiry as epoch milliseconds, a `Date`, or an ISO string (the API's `expires_at`). */
  expiresAt: number | Date | string;
}

export interface EmbedTokenOptions {
  /** Asks the operator's backend for a fresh token (which calls `POST /v1/embed-tokens` with its API key). */
  fetchToken: (signal?: AbortSignal) => Promise<IssuedToken>;
  /** Refresh this long before expiry, so a request never leaves with a token about to lapse. Default 30 s. */
  refreshBeforeMs?: number;
  now?: () => number;
}

/**
 * An embed token with refresh before expiry, for browsers. Concurrent callers
 * share one refresh.
 *
 * @example
 * const auth = embedToken({
 *   fetchToken: async (signal) => (await fetch('/backoffice/pitboss-token', { signal })).json(),
 * });
 */
export function embedToken(options: EmbedTokenOptions): TokenProvider {
  const margin = options.refreshBeforeMs ?? 30_000;
  const now = options.now ?? Date.now;
  let current: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const refresh = (signal?: AbortSignal): Promise<string> => {
    // The shared refresh must not die with the first caller's signal: others wait on it too.
    pending ??= options
      .fetchToken()
      .then((issued) => {
        const expiresAt = issued.expiresAt instanceof Date ? issued.expiresAt.getTime() : typeof issued.expiresAt === 'string' ? Date.parse(issued.expiresAt) : issued.expiresAt;
        if (!issued.token || !Number.isFinite(expiresAt)) throw new TypeError('fetchToken must return { token, expiresAt } with a valid expiry');
        current = { token: issued.token, expiresAt };
        return issued.token;
      })
      .finally(() => {
        pending = undefined;
      });
    return signal ? raceAbort(pending, signal) : pending;
  };

  return {
    token(signal) {
      if (current && current.expiresAt - margin > now()) return Promise.resolve(current.token);
      return refresh(signal);
    },
    invalidate(rejected) {
      if (current?.token === rejected) current = undefined;
    },
  };
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The error an aborted signal stands for (its reason, or a standard `AbortError`). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}
