import type {
  EventInput, IngestReport, PlayerDetail, PlayerListQuery, PlayerPage, PlayerProfileInput, PlayerSummary, SegmentAst, SegmentPreview,
} from './api-types.js';
import type {
  PlayerNote, PlayerNotePage, PlayerScore, PlayerSeries, RgInteractionInput, RgInteractionResult, TimelinePage, TimelineQuery,
} from './api-types.js';
import type { Me } from './api-types.js';
import { PitbossApiError, PitbossNetworkError, errorFromResponse, isAbortError } from './errors.js';
import { LiveStream } from './live.js';
import type { LiveOptions } from './live.js';
import { DEFAULT_RETRY, backoffMs, sleep } from './retry.js';
import type { RetryPolicy } from './retry.js';
import type { TokenProvider } from './token.js';
import { abortReason } from './token.js';

export interface PitbossClientOptions {
  /** Origin (and optional path prefix) of the API, e.g. `https://pitboss.example`. */
  baseUrl: string;
  /** `apiKey(...)` on servers, `embedToken(...)` in browsers. */
  auth: TokenProvider;
  /** Defaults to the global `fetch`. Pass `app.fetch`-style functions to call an in-process app. */
  fetch?: (request: Request) => Promise<Response>;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: RetryInfo) => void;
  /** Headers sent with every request (a user agent, a tracing header). */
  headers?: Record<string, string>;
}

export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  error: PitbossApiError | PitbossNetworkError;
}

/** Options every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** A request through `client.request`. */
export interface RequestInit extends CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON value (sent as application/json) or a ready body with its `contentType`. */
  json?: unknown;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** Safe to send twice. Defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
}

/**
 * The typed client of the Pitboss HTTP API. `fetch`-based, so it runs in
 * browsers, workers and Node 20. Errors come back as `PitbossApiError`;
 * idempotent calls (and event ingestion, idempotent by `event_id`) are retried
 * with backoff on 503/429 and network failures, honouring `Retry-After`.
 *
 * @example
 * const client = new PitbossClient({ baseUrl: 'http://127.0.0.1:8787', auth: apiKey(key) });
 * await client.ingestEvents([{ schema_version: 1, type: 'bet.placed', event_id: 'e1', player_id: 'p1', ... }]);
 * const page = await client.listPlayers({ sort: 'net_loss_30d', order: 'desc', limit: 100 });
 */
export class PitbossClient {
  readonly baseUrl: string;
  readonly auth: TokenProvider;
  readonly #fetch: (request: Request) => Promise<Response>;
  readonly #retry: RetryPolicy;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #headers: Record<string, string>;

  constructor(options: PitbossClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth;
    // Unbound `fetch` throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? ((r) => globalThis.fetch(r));
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#onRetry = options.onRetry;
    this.#headers = { ...options.headers };
  }

  /**
   * Sends events (NDJSON). Safe to retry: the server drops `event_id`s it
   * already stored, so a 503 for a down shard re-sends the whole batch.
   *
   * @example
   * const report = await client.ingestEvents(events);
   * if (report.rejected) console.warn(report.errors);
   */
  ingestEvents(events: readonly EventInput[], options: CallOptions = {}): Promise<IngestReport> {
    const body = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    return this.request<IngestReport>('/v1/events', { ...options, method: 'POST', body, contentType: 'application/x-ndjson', idempotent: true });
  }

  /**
   * One keyset page of players.
   *
   * @example
   * let page = await client.listPlayers({ sort: 'registered_at', limit: 200 });
   * if (page.next_cursor) page = await client.listPlayers({ sort: 'registered_at', limit: 200, cursor: page.next_cursor });
   */
  listPlayers(query: PlayerListQuery = {}, options: CallOptions = {}): Promise<PlayerPage> {
    const { test_account, ...rest } = query;
    return this.request<PlayerPage>('/v1/players', {
      ...options,
      query: { ...rest, ...(test_account === undefined ? {} : { test_account: String(test_account) }) },
    });
  }

  /**
   * Every player matching `query`, page after page.
   *
   * @example
   * for await (const p of client.players({ country: 'GB' })) console.log(p.player_id);
   */
  async *players(query: Omit<PlayerListQuery, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<PlayerSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.listPlayers({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /**
   * The caller: tenant, how it authenticated (`api_key`, `jwt`, `embed_token`),
   * key id or token subject, role and the role's permissions (`GET /v1/me`).
   * Any authenticated caller may ask; a UI uses it to show only what is allowed.
   *
   * @example
   * const { role, permissions } = await client.me();
   * if (permissions.includes('notes:write')) showNoteForm();
   */
  me(options: CallOptions = {}): Promise<Me> {
    return this.request<Me>('/v1/me', options);
  }

  /**
   * A player: profile, features, latest score, recent events.
   *
   * @example
   * const p = await client.getPlayer('p-000042');
   */
  getPlayer(id: string, options: CallOptions = {}): Promise<PlayerDetail> {
    return this.request<PlayerDetail>(`/v1/players/${encodeURIComponent(id)}`, options);
  }

  /**
   * Creates or updates a profile; fields merge into what is stored.
   *
   * @example
   * await client.putPlayer('p-1', { country: 'GB', currency: 'GBP' });
   */
  putPlayer(id: string, profile: PlayerProfileInput, options: CallOptions = {}): Promise<PlayerDetail> {
    return this.request<PlayerDetail>(`/v1/players/${encodeURIComponent(id)}`, { ...options, method: 'PUT', json: profile });
  }

  /**
   * A player's latest risk score with its reasons (UKGC categories) and model
   * version. A player never scored (or an API without scoring) answers 404:
   * `PitbossApiError` with `slug === 'not-found'`.
   *
   * @example
   * const s = await client.getPlayerScore('p-1'); // { score: 71, band: 'high', reasons: [...] }
   */
  getPlayerScore(id: string, options: CallOptions = {}): Promise<PlayerScore> {
    return this.request<PlayerScore>(`/v1/players/${encodeURIComponent(id)}/score`, options);
  }

  /**
   * One page of a player's events, newest first.
   *
   * @example
   * const page = await client.playerEvents('p-1', { limit: 50, types: ['payment'] });
   * const older = page.next_cursor ? await client.playerEvents('p-1', { limit: 50, types: ['payment'], cursor: page.next_cursor }) : null;
   */
  playerEvents(id: string, query: TimelineQuery = {}, options: CallOptions = {}): Promise<TimelinePage> {
    const { types, ...rest } = query;
    return this.request<TimelinePage>(`/v1/players/${encodeURIComponent(id)}/events`, {
      ...options,
      query: { ...rest, ...(types && types.length > 0 ? { types: types.join(',') } : {}) },
    });
  }

  /**
   * Daily deposits, withdrawals, stakes, net loss and GGR of the last `days`
   * UTC days (default 90), one dense series per currency, in minor units.
   *
   * @example
   * const { series } = await client.playerSeries('p-1', { days: 30 });
   */
  playerSeries(id: string, query: { days?: number } = {}, options: CallOptions = {}): Promise<PlayerSeries> {
    return this.request<PlayerSeries>(`/v1/players/${encodeURIComponent(id)}/series`, { ...options, query: { days: query.days } });
  }

  /**
   * One page of a player's notes, newest first (the text is `'***'` for analysts).
   *
   * @example
   * const { items } = await client.playerNotes('p-1', { limit: 20 });
   */
  playerNotes(id: string, query: { limit?: number; cursor?: string } = {}, options: CallOptions = {}): Promise<PlayerNotePage> {
    return this.request<PlayerNotePage>(`/v1/players/${encodeURIComponent(id)}/notes`, { ...options, query: { ...query } });
  }

  /**
   * Adds a note to a player (agents and admins); the author is the caller.
   * Not retried: a lost answer could otherwise store the note twice.
   *
   * @example
   * const note = await client.addPlayerNote('p-1', 'Called; agreed a deposit limit.');
   */
  addPlayerNote(id: string, note: string, options: CallOptions = {}): Promise<PlayerNote> {
    return this.request<PlayerNote>(`/v1/players/${encodeURIComponent(id)}/notes`, { ...options, method: 'POST', json: { note } });
  }

  /**
   * Records a responsible-gambling interaction (an `rg.interaction` event).
   * Idempotent on `event_id`, so it is retried like ingestion; a retry that
   * finds it stored answers `duplicate: true`.
   *
   * @example
   * await client.recordInteraction('p-1', { event_id: crypto.randomUUID(), level: 'medium', channel: 'phone', action: 'limit_suggested', outcome: 'accepted' });
   */
  recordInteraction(id: string, interaction: RgInteractionInput, options: CallOptions = {}): Promise<RgInteractionResult> {
    return this.request<RgInteractionResult>(`/v1/players/${encodeURIComponent(id)}/interactions`, { ...options, method: 'POST', json: interaction, idempotent: true });
  }

  /**
   * Counts a segment and returns its first members. A read: retried like a GET.
   *
   * @example
   * const { count } = await client.previewSegment({ all: [{ field: 'country', op: 'eq', value: 'GB' }] }, { limit: 1 });
   */
  previewSegment(segment: SegmentAst, options: CallOptions & { limit?: number; marketing?: boolean } = {}): Promise<SegmentPreview> {
    const { limit, marketing, ...call } = options;
    return this.request<SegmentPreview>('/v1/segments/preview', {
      ...call,
      method: 'POST',
      json: { segment, ...(limit === undefined ? {} : { limit }), ...(marketing === undefined ? {} : { marketing }) },
      idempotent: true,
    });
  }

  /**
   * Live updates over Server-Sent Events, with reconnect and resume.
   *
   * @example
   * const live = client.live();
   * live.subscribe((e) => console.log(e.event, e.data));
   * // later: live.close();
   */
  live(options: LiveOptions = {}): LiveStream {
    return new LiveStream(this, options);
  }

  /**
   * Any JSON route: auth, retries and problem+json errors like the typed methods.
   *
   * @example
   * const models = await client.request<{ items: unknown[] }>('/v1/models');
   */
  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.fetchResponse(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
    return (await res.json()) as T;
  }

  /**
   * Downloads a whole Arrow IPC stream (`GET /v1/export/…`) and checks that
   * it is complete. A body cut short — the connection dropped mid-stream, or
   * the server failed after its first batch (a shard that went down): it then
   * ends the stream without Arrow's end-of-stream marker — is a retryable
   * `PitbossNetworkError`, never a partial table loaded as if whole.
   *
   * @example
   * const bytes = await client.fetchArrow('/v1/export/players');
   */
  async fetchArrow(path: string, init: RequestInit = {}): Promise<Uint8Array> {
    const res = await this.fetchResponse(path, { ...init, headers: { accept: 'application/vnd.apache.arrow.stream', ...init.headers } });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (cause) {
      if (isAbortError(cause)) throw cause;
      throw new PitbossNetworkError(`${init.method ?? 'GET'} ${path}: the Arrow stream was cut short (${(cause as Error)?.message ?? String(cause)})`, { cause });
    }
    if (!endsWithArrowEos(bytes)) {
      throw new PitbossNetworkError(`${init.method ?? 'GET'} ${path}: the Arrow stream ended without its end-of-stream marker after ${bytes.byteLength} bytes (cut short)`, { cause: null });
    }
    return bytes;
  }

  /**
   * Sends a request and returns the 2xx `Response` unread (for binary or
   * streamed bodies: Arrow exports, SSE). Non-2xx answers throw `PitbossApiError`.
   *
   * @example
   * const res = await client.fetchResponse('/v1/export/events', { headers: { accept: 'application/vnd.apache.arrow.stream' } });
   */
  async fetchResponse(path: string, init: RequestInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const idempotent = init.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const url = this.#url(path, init.query);
    const headers: Record<string, string> = { ...this.#headers, ...init.headers };
    let body: string | Uint8Array | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    } else if (init.contentType) headers['content-type'] = init.contentType;

    let refreshedAuth = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.auth.token(init.signal);
      let res: Response;
      try {
        res = await this.#fetch(new Request(url, {
          method,
          headers: { ...headers, authorization: `Bearer ${token}` },
          ...(body === undefined ? {} : { body: body as BodyInit }),
          ...(init.signal ? { signal: init.signal } : {}),
        }));
      } catch (cause) {
        if (isAbortError(cause) || init.signal?.aborted) throw init.signal?.aborted ? abortReason(init.signal) : cause;
        const error = new PitbossNetworkError(`${method} ${path} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
        if (!idempotent || attempt >= this.#retry.retries) throw error;
        await this.#wait(method, path, attempt, error, init.signal);
        continue;
      }
      if (res.ok) return res;
      const error = await errorFromResponse(res);
      if (res.status === 401 && !refreshedAuth) {
        // An embed token may have been revoked or expired early: fetch a new one once.
        refreshedAuth = true;
        this.auth.invalidate(token);
        const next = await this.auth.token(init.signal);
        if (next !== token) {
          attempt--;
          continue;
        }
      }
      if (!error.retryable || !idempotent || attempt >= this.#retry.retries) throw error;
      await this.#wait(method, path, attempt, error, init.signal);
    }
  }

  async #wait(method: string, path: string, attempt: number, error: PitbossApiError | PitbossNetworkError, signal: AbortSignal | undefined): Promise<void> {
    const delayMs = backoffMs(this.#retry, attempt, error instanceof PitbossApiError ? error.retryAfter : undefined);
    this.#onRetry?.({ method, path, attempt: attempt + 1, delayMs, error });
    await sleep(delayMs, signal);
  }

  #url(path: string, query: RequestInit['query']): string {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }
}

/** Arrow IPC's end-of-stream marker: a continuation token (0xFFFFFFFF) and a zero length. */
const ARROW_EOS = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0] as const;

function endsWithArrowEos(bytes: Uint8Array): boolean {
  if (bytes.byteLength < ARROW_EOS.length) return false;
  const tail = bytes.byteLength - ARROW_EOS.length;
  return ARROW_EOS.every((b, i) => bytes[tail + i] === b);
}
