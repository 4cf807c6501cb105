import type { PitbossClient } from './client.js';
import { PitbossApiError, PitbossNetworkError, isAbortError } from './errors.js';
import { backoffMs, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { parseSse } from './sse.js';

/** `event`: an accepted event's flat columns, without personal data. */
export interface LiveEventData {
  event_id: string;
  player_id: string;
  type: string;
  occurred_at: string;
  product: string | null;
  amount_minor: number | null;
  currency: string | null;
  status: string | null;
  direction: string | null;
}

/** `score`: a new score of a player. */
export interface LiveScoreData {
  player_id: string;
  [field: string]: unknown;
}

/**
 * `reset`: the stream could not resume from the id sent, or (mid-stream,
 * `relay-gap`) the server may have missed updates from other API processes;
 * re-read state, then follow on from `head`.
 */
export interface LiveResetData {
  reason: 'unknown-id' | 'too-old' | 'server-restarted' | 'relay-gap' | (string & {});
  last_event_id: string | null;
  head: string | null;
}

/**
 * One live update, by SSE event name. `dropped` (this client read too
 * slowly) and `shutdown` (the server is stopping) end the connection; the
 * stream reconnects and resumes by itself, they are passed on for display.
 * `id` is the resume point after this message.
 */
export type LiveMessage =
  | { event: 'event'; id: string; data: LiveEventData }
  | { event: 'score'; id: string; data: LiveScoreData }
  | { event: 'reset'; id: string; data: LiveResetData }
  | { event: 'dropped' | 'shutdown'; id: string; data: { reason: string; [field: string]: unknown } }
  | { event: 'unknown'; id: string; name: string; data: unknown };

const KNOWN = new Set(['event', 'score', 'reset', 'dropped', 'shutdown']);

/** Where the connection stands. */
export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveOptions {
  /** Path of the stream route. Default `/v1/stream`. */
  path?: string;
  /** Extra query parameters (e.g. `types`). */
  query?: Record<string, string>;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /** Backoff between reconnects; a server `retry:` field replaces `baseDelayMs`. `retries` is ignored: it reconnects until closed. */
  backoff?: Partial<Omit<RetryPolicy, 'retries'>>;
  /** Closes the stream when it aborts. */
  signal?: AbortSignal;
}

type Listener = (message: LiveMessage) => void;

/**
 * A live stream over `fetch` (not `EventSource`, which cannot send an
 * `Authorization` header). It reconnects with backoff when the connection
 * drops and resumes from the last event id it saw, so no update is lost or
 * repeated across a reconnect (within the server's replay window). It stops
 * for good on an error a retry cannot fix (401 after a token refresh, 403, 404).
 *
 * @example
 * const live = client.live();
 * const off = live.subscribe((m) => { if (m.event === 'event') console.log(m.data.player_id, m.data.type); });
 * live.onError((e) => console.error('live updates stopped', e));
 */
export class LiveStream {
  #client: PitbossClient;
  #options: LiveOptions;
  #listeners = new Set<Listener>();
  #stateListeners = new Set<(state: LiveState) => void>();
  #errorListeners = new Set<(error: unknown) => void>();
  #abort = new AbortController();
  #state: LiveState = 'connecting';
  #lastEventId: string;
  #error: unknown;
  /** Resolves when the reconnect loop has ended (after `close()` or a fatal error). */
  readonly done: Promise<void>;

  constructor(client: PitbossClient, options: LiveOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.#lastEventId = options.lastEventId ?? '';
    if (options.signal) {
      if (options.signal.aborted) this.#abort.abort();
      else options.signal.addEventListener('abort', () => this.close(), { once: true });
    }
    this.done = this.#run();
  }

  /** The id of the last event delivered: pass it as `lastEventId` to resume in a later session. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  get state(): LiveState {
    return this.#state;
  }

  /** The error that stopped the stream, if one did. */
  get error(): unknown {
    return this.#error;
  }

  /** Registers a listener for messages; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers a listener for state changes; returns the unsubscribe function. */
  onState(listener: (state: LiveState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Registers a listener for the fatal error (if any); returns the unsubscribe function. */
  onError(listener: (error: unknown) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Stops the stream and its reconnects. */
  close(): void {
    this.#abort.abort();
  }

  #setState(state: LiveState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const l of this.#stateListeners) l(state);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const policy = { retries: 0, baseDelayMs: 500, maxDelayMs: 15_000, ...this.#options.backoff };
    let failures = 0;
    while (!signal.aborted) {
      try {
        const res = await this.#client.fetchResponse(this.#options.path ?? '/v1/stream', {
          signal,
          ...(this.#options.query ? { query: this.#options.query } : {}),
          headers: { accept: 'text/event-stream', ...(this.#lastEventId ? { 'last-event-id': this.#lastEventId } : {}) },
          // The loop below owns reconnecting; a retry inside fetchResponse would double the backoff.
          idempotent: false,
        });
        if (!res.body) throw new PitbossNetworkError('stream response has no body', { cause: null });
        this.#setState('open');
        for await (const m of parseSse(res.body, this.#lastEventId)) {
          if ('retryMs' in m) {
            policy.baseDelayMs = m.retryMs;
            continue;
          }
          failures = 0;
          this.#lastEventId = m.lastEventId;
          const data = parseData(m.data);
          const message = (KNOWN.has(m.event) ? { event: m.event, id: m.lastEventId, data } : { event: 'unknown', id: m.lastEventId, name: m.event, data }) as LiveMessage;
          for (const l of this.#listeners) l(message);
        }
      } catch (error) {
        if (signal.aborted && isAbortError(error)) break;
        if (signal.aborted) break;
        const retryable = error instanceof PitbossApiError ? error.retryable : true;
        if (!retryable) {
          this.#error = error;
          for (const l of this.#errorListeners) l(error);
          break;
        }
      }
      if (signal.aborted) break;
      this.#setState('reconnecting');
      try {
        await sleep(backoffMs(policy, failures++, undefined), signal);
      } catch (error) {
        if (!isAbortError(error)) throw error;
      }
    }
    this.#setState('closed');
  }
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    // Non-JSON data (a plain-text heartbeat) travels as the raw string.
    if (cause instanceof SyntaxError) return data;
    throw cause;
  }
}
