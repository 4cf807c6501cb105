import { featureColumns } from '@pitboss/core';
import type { PlayerListFilter, PlayerSummary, SegmentAst } from './api-types.js';
import type { PitbossClient } from './client.js';
import type { DataQuery, DataSource, DataSourceChange } from './datasource.js';
import { throwIfAborted } from './datasource.js';
import type { LiveMessage, LiveStream } from './live.js';
import { abortReason } from './token.js';

/** A player row as the remote source serves it: the API's summary plus `id` (= `player_id`). */
export type PlayerRow = PlayerSummary & { id: string };

/** Keys `GET /v1/players` sorts by: the base columns and every core feature. */
export const PLAYER_SORT_KEYS: ReadonlySet<string> = new Set(['player_id', 'registered_at', 'last_event_at', ...featureColumns.map((c) => c.key)]);

export interface RemoteDataSourceOptions {
  /** Rows per API page (1..500). Default 200. */
  pageSize?: number;
  /** Pages fetched ahead of the last window, sequentially. Default 1. */
  prefetchPages?: number;
  /** Pages of rows kept per query (cursors are always kept). Default 200. */
  maxCachedPages?: number;
  /**
   * Live updates to wire to `subscribe`; by default the source opens
   * `client.live()` on the first subscriber and closes it after the last.
   * `null` turns live updates off.
   */
  live?: LiveStream | null;
  /** Coalesces bursts of live messages into one change. Default 250 ms. */
  liveDebounceMs?: number;
}

interface Page {
  rows?: PlayerRow[];
  /** In flight: shared by every caller that needs this page. */
  pending?: { promise: Promise<PlayerRow[]>; controller: AbortController; waiters: number };
}

interface QueryCache {
  key: string;
  sort: string;
  order: 'asc' | 'desc';
  filter: PlayerListFilter;
  /** `cursors[i]` fetches page i; page 0 needs none; `null` past the last page. */
  cursors: (string | null | undefined)[];
  pages: Map<number, Page>;
  /** Known once a page came back short or without a next cursor. */
  lastPage?: number;
  count?: Promise<number>;
}

/**
 * A `DataSource` over the API's keyset pages (`GET /v1/players`). Window
 * offsets map to pages; the cursor of page i+1 comes from page i, so a jump
 * to row N fetches the pages before it once, in order, and keeps their
 * cursors: later jumps anywhere up to N cost one request. Pages in flight
 * are shared between windows and aborted when no window waits on them any
 * more (fast scrolling leaves no stale request behind). A new sort or filter
 * drops the previous query's cache and aborts its requests.
 *
 * The API has no count for player lists: `count` asks `POST
 * /v1/segments/preview` for the same filter (needs `segments:read`).
 *
 * @example
 * const source = new RemotePlayerDataSource(client, { pageSize: 200 });
 * table.dataSource = source; // <pb-player-table>
 */
export class RemotePlayerDataSource implements DataSource<PlayerRow, PlayerListFilter> {
  readonly sortableKeys: ReadonlySet<string> = PLAYER_SORT_KEYS;
  readonly pageSize: number;
  /** The last error met while applying a live update (the source then reset itself). */
  lastLiveError: unknown;
  #client: PitbossClient;
  #prefetch: number;
  #maxCached: number;
  #cache: QueryCache | undefined;
  #listeners = new Set<(change: DataSourceChange<PlayerRow>) => void>();
  #liveOption: LiveStream | null | undefined;
  #live: { stream: LiveStream; owned: boolean; off: () => void } | undefined;
  #debounceMs: number;
  #pendingUpdate: { timer: ReturnType<typeof setTimeout>; ids: Set<string>; reset: boolean } | undefined;

  constructor(client: PitbossClient, options: RemoteDataSourceOptions = {}) {
    this.#client = client;
    this.pageSize = Math.max(1, Math.min(500, Math.floor(options.pageSize ?? 200)));
    this.#prefetch = Math.max(0, options.prefetchPages ?? 1);
    this.#maxCached = Math.max(2, options.maxCachedPages ?? 200);
    this.#liveOption = options.live;
    this.#debounceMs = options.liveDebounceMs ?? 250;
  }

  async count(query: DataQuery<PlayerListFilter>, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    const cache = this.#cacheFor(query);
    cache.count ??= this.#client.previewSegment(segmentOf(cache.filter), { limit: 1 }).then((p) => p.count);
    // A failed count must not stick: the next call asks again.
    cache.count.catch(() => {
      if (this.#cache === cache) delete cache.count;
    });
    return withSignal(cache.count, signal);
  }

  async window(start: number, end: number, query: DataQuery<PlayerListFilter>, signal?: AbortSignal): Promise<PlayerRow[]> {
    throwIfAborted(signal);
    start = Math.max(0, Math.floor(start));
    end = Math.floor(end);
    if (end <= start) return [];
    const cache = this.#cacheFor(query);
    const first = Math.floor(start / this.pageSize);
    const last = Math.floor((end - 1) / this.pageSize);
    const out: PlayerRow[] = [];
    for (let i = first; i <= last; i++) {
      if (cache.lastPage !== undefined && i > cache.lastPage) break;
      const rows = await this.#page(cache, i, signal);
      const from = i === first ? start - i * this.pageSize : 0;
      out.push(...rows.slice(from, Math.max(0, end - i * this.pageSize)));
    }
    this.#prefetchAfter(cache, last);
    return out;
  }

  subscribe(listener: (change: DataSourceChange<PlayerRow>) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#live && this.#liveOption !== null) {
      const stream = this.#liveOption ?? this.#client.live();
      this.#live = { stream, owned: this.#liveOption === undefined, off: stream.subscribe((m) => this.#onLive(m)) };
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#live) {
        this.#live.off();
        if (this.#live.owned) this.#live.stream.close();
        this.#live = undefined;
      }
    };
  }

  /** Drops every cached page and count and tells subscribers to refetch. */
  invalidate(): void {
    this.#dropCache();
    this.#emit({ kind: 'reset' });
  }

  #emit(change: DataSourceChange<PlayerRow>): void {
    for (const l of this.#listeners) l(change);
  }

  #onLive(message: LiveMessage): void {
    // dropped/shutdown only announce a reconnect; the stream resumes without loss, or sends `reset`.
    let ids: string[];
    switch (message.event) {
      case 'event':
      case 'score':
        ids = [message.data.player_id];
        break;
      case 'reset':
        ids = [];
        break;
      default:
        return;
    }
    let p = this.#pendingUpdate;
    if (!p) {
      p = { ids: new Set(), reset: false, timer: setTimeout(() => this.#flushLive().catch((e: unknown) => this.#liveFailed(e)), this.#debounceMs) };
      this.#pendingUpdate = p;
    }
    if (ids.length === 0) p.reset = true;
    for (const id of ids) p.ids.add(id);
  }

  /**
   * A live message names players. If all of them are on cached pages and the
   * sort key cannot have moved them (player_id, registered_at), their rows are
   * re-read and sent as an `update`; anything else (a new player, a feature
   * sort whose order may have changed) is a `reset`.
   */
  async #flushLive(): Promise<void> {
    const p = this.#pendingUpdate;
    this.#pendingUpdate = undefined;
    if (!p) return;
    const cache = this.#cache;
    const stableSort = cache !== undefined && (cache.sort === 'player_id' || cache.sort === 'registered_at');
    const cached = new Map<string, { page: Page; index: number }>();
    if (cache) {
      for (const page of cache.pages.values()) page.rows?.forEach((r, index) => cached.set(r.id, { page, index }));
    }
    if (p.reset || !stableSort || [...p.ids].some((id) => !cached.has(id))) {
      this.invalidate();
      return;
    }
    const rows: PlayerRow[] = [];
    for (const id of p.ids) {
      const detail = await this.#client.getPlayer(id);
      const row: PlayerRow = {
        id: detail.player_id, player_id: detail.player_id, registered_at: detail.registered_at, country: detail.country, currency: detail.currency,
        brand: detail.brand, blocked: detail.blocked, self_excluded_until: detail.self_excluded_until, last_event_at: detail.last_event_at, features: detail.features,
      };
      const at = cached.get(id)!;
      at.page.rows![at.index] = row;
      rows.push(row);
    }
    if (this.#cache === cache) this.#emit({ kind: 'update', rows });
  }

  /** Re-reading a changed row failed: the cached copy may be stale, so everything is refetched (which surfaces the error to the table if it persists). */
  #liveFailed(error: unknown): void {
    this.lastLiveError = error;
    this.invalidate();
  }

  #cacheFor(query: DataQuery<PlayerListFilter>): QueryCache {
    const sort = query.sort[0]?.key ?? 'player_id';
    const order = query.sort[0]?.direction ?? 'asc';
    if (!PLAYER_SORT_KEYS.has(sort)) throw new RangeError(`cannot sort players by ${JSON.stringify(sort)}; one of: ${[...PLAYER_SORT_KEYS].join(', ')}`);
    const filter = normaliseFilter(query.filter);
    const key = JSON.stringify([sort, order, filter]);
    if (this.#cache?.key !== key) {
      this.#dropCache();
      this.#cache = { key, sort, order, filter, cursors: [undefined], pages: new Map() };
    }
    return this.#cache!;
  }

  #dropCache(): void {
    const old = this.#cache;
    this.#cache = undefined;
    if (!old) return;
    for (const page of old.pages.values()) page.pending?.controller.abort(new DOMException('query changed', 'AbortError'));
  }

  /** Page `i`, fetching the pages before it first when their cursors are unknown. */
  async #page(cache: QueryCache, i: number, signal: AbortSignal | undefined): Promise<PlayerRow[]> {
    // An abort that lands while an earlier page resolves must not start the next request.
    throwIfAborted(signal);
    if (cache.cursors[i] === undefined && i > 0) {
      let known = i - 1;
      while (known > 0 && cache.cursors[known] === undefined) known--;
      for (let j = known; j < i; j++) {
        await this.#page(cache, j, signal);
        if (cache.cursors[j + 1] === null) return [];
      }
    }
    if (cache.cursors[i] === null) return [];
    let page = cache.pages.get(i);
    if (page?.rows) {
      cache.pages.delete(i);
      cache.pages.set(i, page);
      return page.rows;
    }
    if (!page?.pending) {
      page = { pending: this.#fetchPage(cache, i) };
      cache.pages.set(i, page);
    }
    const pending = page.pending!;
    pending.waiters++;
    try {
      return await withSignal(pending.promise, signal);
    } finally {
      pending.waiters--;
      // The last window waiting on it went away: the request is stale.
      if (pending.waiters === 0 && signal?.aborted && page.pending === pending) {
        pending.controller.abort(abortReason(signal));
        cache.pages.delete(i);
      }
    }
  }

  #fetchPage(cache: QueryCache, i: number): NonNullable<Page['pending']> {
    const controller = new AbortController();
    const cursor = cache.cursors[i];
    const promise = this.#client
      .listPlayers({ ...cache.filter, sort: cache.sort, order: cache.order, limit: this.pageSize, ...(cursor ? { cursor } : {}) }, { signal: controller.signal })
      .then((res) => {
        const rows = res.items.map((p) => ({ ...p, id: p.player_id }));
        cache.cursors[i + 1] = res.next_cursor;
        if (res.next_cursor === null) cache.lastPage = i;
        const page = cache.pages.get(i);
        if (page) {
          page.rows = rows;
          delete page.pending;
        }
        this.#evict(cache, i);
        return rows;
      });
    // Waiters get the rejection through `withSignal`; this handler only drops the failed entry.
    promise.catch((e: unknown) => {
      const page = cache.pages.get(i);
      if (page?.pending?.promise === promise) cache.pages.delete(i);
      return e;
    });
    return { promise, controller, waiters: 0 };
  }

  #prefetchAfter(cache: QueryCache, last: number): void {
    if (this.#prefetch === 0) return;
    const run = async () => {
      for (let i = last + 1; i <= last + this.#prefetch; i++) {
        if (this.#cache !== cache || cache.cursors[i] === null || cache.cursors[i] === undefined) return;
        if (cache.pages.get(i)) continue;
        await this.#page(cache, i, undefined);
      }
    };
    // A prefetch that fails is simply not cached; the window that needs the page asks again and sees the error.
    run().catch((e: unknown) => e);
  }

  #evict(cache: QueryCache, keep: number): void {
    for (const [i, page] of cache.pages) {
      if (cache.pages.size <= this.#maxCached) break;
      if (i !== keep && page.rows) cache.pages.delete(i);
    }
  }
}

function normaliseFilter(filter: PlayerListFilter | undefined): PlayerListFilter {
  const f: PlayerListFilter = {};
  if (filter?.country !== undefined) f.country = filter.country;
  if (filter?.currency !== undefined) f.currency = filter.currency;
  if (filter?.brand !== undefined) f.brand = filter.brand;
  if (filter?.status !== undefined) f.status = filter.status;
  if (filter?.test_account !== undefined) f.test_account = filter.test_account;
  return f;
}

/**
 * The segment that selects the same players as the list filter, so the
 * preview's count matches the list: every player (`blocked` is null or not),
 * narrowed by each filter the same way the list query narrows it.
 */
export function segmentOf(filter: PlayerListFilter): SegmentAst {
  const all: SegmentAst[] = [{ any: [{ field: 'blocked', op: 'is_null' }, { field: 'blocked', op: 'is_not_null' }] }];
  if (filter.country !== undefined) all.push({ field: 'country', op: 'eq', value: filter.country });
  if (filter.currency !== undefined) all.push({ field: 'currency', op: 'eq', value: filter.currency });
  if (filter.brand !== undefined) all.push({ field: 'brand', op: 'eq', value: filter.brand });
  if (filter.test_account !== undefined) all.push({ field: 'test_account', op: 'eq', value: filter.test_account });
  if (filter.status === 'blocked') all.push({ field: 'blocked', op: 'eq', value: true });
  else if (filter.status === 'self_excluded') all.push({ field: 'blocked', op: 'eq', value: false }, { field: 'self_excluded', op: 'eq', value: true });
  else if (filter.status === 'active') all.push({ field: 'blocked', op: 'eq', value: false }, { not: { field: 'self_excluded', op: 'eq', value: true } });
  return { all };
}

function withSignal<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
