import { randomBytes } from 'node:crypto';
import { toEventRow } from '@pitboss/core';
import type { Event } from '@pitboss/core';

/**
 * The in-process bus behind `GET /v1/stream`: what ingestion (and scoring)
 * publish after commit, fanned out to the subscribers of the same tenant,
 * with a bounded per-tenant replay buffer so that a client reconnecting with
 * `Last-Event-ID` gets what it missed.
 *
 * Ids are `<epoch>-<seq>`: `epoch` is random per bus (per process start),
 * `seq` counts up per tenant. An id from another epoch (the server
 * restarted), from the future, or older than the buffer cannot be resumed:
 * the subscriber is told to `reset` (re-read its state, then follow on).
 */

/** Kinds of live messages (the SSE `event:` field). */
export type LiveKind = 'event' | 'score';

/** One published message. `data` is serialised once, shared by every subscriber. */
export interface LiveMessage {
  id: string;
  kind: LiveKind;
  data: string;
}

/**
 * Why a resume failed, or why a subscriber must re-read its state:
 * `relay-gap` — this process lost its link to the other API processes for a
 * while (see `relayThroughPostgres`), so what they published meanwhile never
 * reached it.
 */
export type ResetReason = 'unknown-id' | 'too-old' | 'server-restarted' | 'relay-gap';

/** What a subscriber receives. */
export interface LiveListener {
  message(message: LiveMessage): void;
  /**
   * Messages may have been missed while subscribed (`relay-gap`): re-read
   * state, then follow on from `head` (the id of the tenant's newest message).
   */
  reset?(reason: ResetReason, head: string | null): void;
  /** The bus closed (shutdown); the subscription is over. */
  closed(): void;
}

/** A subscription: what was missed (or why it cannot be replayed), and how to leave. */
export interface Subscription {
  /** Messages after the given `Last-Event-ID`, oldest first; empty without one. */
  replay: LiveMessage[];
  /** Set when the `Last-Event-ID` could not be resumed. */
  reset: ResetReason | null;
  /** Id of the newest message of the tenant now (null before the first): a client that resets resumes from here. */
  head: string | null;
  unsubscribe(): void;
}

export interface LiveBusOptions {
  /** Messages kept per tenant for resumption; default 1000. */
  replay?: number;
}

interface TenantChannel {
  seq: number;
  /** Resuming from a seq ≤ this crosses a relay gap (0: none). */
  gapAt: number;
  /** Ring of the newest min(seq, replay) messages: seq `s` sits at `ring[s % ring.length]`. */
  ring: (LiveMessage | undefined)[];
  listeners: Set<LiveListener>;
}

/**
 * A message whose `data` is serialised on first read: a batch published while
 * nobody listens is only read if a client later resumes into it.
 */
class DeferredMessage<T> implements LiveMessage {
  #item: T | undefined;
  #toData: ((item: T) => unknown) | undefined;
  #data: string | undefined;

  constructor(readonly id: string, readonly kind: LiveKind, item: T, toData: (item: T) => unknown) {
    this.#item = item;
    this.#toData = toData;
  }

  get data(): string {
    if (this.#data === undefined) {
      this.#data = JSON.stringify(this.#toData!(this.#item!));
      this.#item = undefined;
      this.#toData = undefined;
    }
    return this.#data;
  }
}

/**
 * An in-process publish/subscribe bus, one channel per tenant.
 *
 * @example
 * const bus = new LiveBus({ replay: 1000 });
 * const sub = bus.subscribe('acme', { message: (m) => send(m), closed: () => end() }, lastEventId);
 * bus.publish('acme', 'event', { event_id: 'e1', type: 'bet.placed' });
 * sub.unsubscribe();
 */
export class LiveBus {
  /** Distinguishes this process's ids from those of an earlier run. */
  readonly epoch = randomBytes(6).toString('base64url');
  readonly #replay: number;
  readonly #channels = new Map<string, TenantChannel>();
  #closed = false;
  /** Called with every message published here (not with those relayed in), to carry it to other processes. */
  forward: ((tenant: string, kind: LiveKind, data: unknown) => void) | null = null;

  constructor(options: LiveBusOptions = {}) {
    this.#replay = options.replay ?? 1000;
    if (!Number.isInteger(this.#replay) || this.#replay < 1) throw new RangeError('replay must be a positive integer');
  }

  #channel(tenant: string): TenantChannel {
    let ch = this.#channels.get(tenant);
    if (!ch) this.#channels.set(tenant, (ch = { seq: 0, gapAt: 0, ring: new Array<LiveMessage | undefined>(this.#replay), listeners: new Set() }));
    return ch;
  }

  /** Gives `message` the channel's next seq slot in the ring (the oldest falls out once it is full). */
  #keep(ch: TenantChannel, message: LiveMessage): void {
    ch.ring[ch.seq % this.#replay] = message;
  }

  /**
   * Publishes to every subscriber of `tenant` and keeps the message for
   * replay. Returns it (with its id). A no-op returning null once closed.
   *
   * @example
   * bus.publish('acme', 'score', { player_id: 'p1', score: 71, band: 'high' });
   */
  publish(tenant: string, kind: LiveKind, data: unknown, options: { relayed?: boolean } = {}): LiveMessage | null {
    if (this.#closed) return null;
    if (!options.relayed) this.forward?.(tenant, kind, data);
    const ch = this.#channel(tenant);
    const message: LiveMessage = { id: `${this.epoch}-${++ch.seq}`, kind, data: JSON.stringify(data) };
    this.#keep(ch, message);
    for (const l of ch.listeners) l.message(message);
    return message;
  }

  /**
   * Publishes one message per item, in order, as `publish(tenant, kind,
   * toData(item))` would. While the tenant has no subscriber and nothing
   * forwards, only the newest `replay` items can ever be read (by a client
   * resuming later): the others only take their ids, and the kept ones are
   * converted and serialised when first read. `toData` must be pure.
   *
   * @example
   * bus.publishAll('acme', 'event', events, liveEvent);
   */
  publishAll<T>(tenant: string, kind: LiveKind, items: readonly T[], toData: (item: T) => unknown): void {
    if (this.#closed || items.length === 0) return;
    const ch = this.#channel(tenant);
    if (this.forward || ch.listeners.size > 0) {
      for (const item of items) this.publish(tenant, kind, toData(item));
      return;
    }
    const skipped = Math.max(0, items.length - this.#replay);
    ch.seq += skipped;
    for (let i = skipped; i < items.length; i++) {
      ch.seq++;
      this.#keep(ch, new DeferredMessage(`${this.epoch}-${ch.seq}`, kind, items[i]!, toData));
    }
  }

  /**
   * Subscribes to a tenant's messages. With `lastEventId`, the messages after
   * it come back in `replay` (delivered by the caller before any live one),
   * or `reset` says why they cannot.
   *
   * @example
   * const { replay, reset, unsubscribe } = bus.subscribe('acme', listener, req.header('last-event-id'));
   */
  subscribe(tenant: string, listener: LiveListener, lastEventId?: string): Subscription {
    const ch = this.#channel(tenant);
    let replay: LiveMessage[] = [];
    let reset: ResetReason | null = null;
    if (lastEventId !== undefined && lastEventId !== '') {
      const m = /^([\w-]+)-(\d{1,15})$/.exec(lastEventId);
      const seq = m ? Number(m[2]) : NaN;
      if (!m) reset = 'unknown-id';
      else if (m[1] !== this.epoch) reset = 'server-restarted';
      else if (seq > ch.seq) reset = 'unknown-id';
      else if (seq < ch.seq - Math.min(ch.seq, this.#replay)) reset = 'too-old';
      else if (seq <= ch.gapAt) reset = 'relay-gap';
      else for (let s = seq + 1; s <= ch.seq; s++) replay.push(ch.ring[s % this.#replay]!);
    }
    const head = ch.seq > 0 ? `${this.epoch}-${ch.seq}` : null;
    if (this.#closed) {
      queueMicrotask(() => listener.closed());
    } else {
      ch.listeners.add(listener);
    }
    return { replay, reset, head, unsubscribe: () => void ch.listeners.delete(listener) };
  }

  /**
   * Marks a gap: messages from other processes may have been lost (the relay
   * was down). Every subscriber now gets `reset('relay-gap')`, and a later
   * resume from an id at or before this point gets `relay-gap` too instead
   * of a replay that would silently miss them.
   *
   * @example
   * bus.interrupted(); // after the LISTEN connection came back
   */
  interrupted(): void {
    if (this.#closed) return;
    for (const ch of this.#channels.values()) {
      ch.gapAt = ch.seq;
      const head = ch.seq > 0 ? `${this.epoch}-${ch.seq}` : null;
      for (const l of ch.listeners) l.reset?.('relay-gap', head);
    }
  }

  /** Subscribers now, across tenants (for `/metrics` and tests). */
  get subscribers(): number {
    let n = 0;
    for (const ch of this.#channels.values()) n += ch.listeners.size;
    return n;
  }

  /**
   * Closes the bus for shutdown: every subscriber gets `closed()` (the SSE
   * route ends its response), later publishes are dropped.
   *
   * @example
   * process.on('SIGTERM', () => { bus.close(); void server.close(); });
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const ch of this.#channels.values()) {
      const listeners = [...ch.listeners];
      ch.listeners.clear();
      for (const l of listeners) l.closed();
    }
  }
}

/** What a live `event` message carries: the event's flat columns without personal data (no IP, no payload). */
export interface LiveEvent {
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

/**
 * The live message of an accepted event.
 *
 * @example
 * bus.publish('acme', 'event', liveEvent(event));
 */
export function liveEvent(event: Event): LiveEvent {
  const { row } = toEventRow(event);
  return {
    event_id: row.event_id, player_id: row.player_id, type: row.type, occurred_at: row.occurred_at, product: row.product,
    amount_minor: row.amount_minor, currency: row.currency, status: row.status, direction: row.direction,
  };
}

/** What a live `score` message carries. */
export interface LiveScore {
  player_id: string;
  score: number;
  band: string;
  probability: number;
  model_version: string;
  role: 'champion' | 'challenger';
}

/** A storage that reports committed events and stored scores (`ShardedStorage`). */
export interface CommitHook {
  onEventsCommitted(listener: (tenantId: string, events: readonly Event[]) => void): () => void;
  onScoresWritten(listener: (tenantId: string, scores: readonly LiveScore[]) => void): () => void;
}

/**
 * Publishes every event `storage` commits, and every score it stores, to
 * `bus`; returns a function that stops. A storage without those hooks
 * publishes nothing.
 *
 * @example
 * const stop = connectIngest(storage, bus);
 */
export function connectIngest(storage: object, bus: LiveBus): () => void {
  const hooks = storage as Partial<CommitHook>;
  const stops: (() => void)[] = [];
  if (typeof hooks.onEventsCommitted === 'function') {
    stops.push(hooks.onEventsCommitted.call(storage, (tenant, events) => bus.publishAll(tenant, 'event', events, liveEvent)));
  }
  if (typeof hooks.onScoresWritten === 'function') {
    stops.push(hooks.onScoresWritten.call(storage, (tenant, scores) => {
      for (const s of scores) {
        const message: LiveScore = { player_id: s.player_id, score: s.score, band: s.band, probability: s.probability, model_version: s.model_version, role: s.role };
        bus.publish(tenant, 'score', message);
      }
    }));
  }
  return () => {
    for (const stop of stops) stop();
  };
}

/** A connection that can LISTEN: node-postgres' `Client` (or a pooled one) fits. */
export interface ListenClient {
  query(text: string, params?: unknown[]): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  release?(error?: Error | boolean): void;
  end?(): Promise<void>;
}

export interface PostgresRelayOptions {
  /** Opens the dedicated LISTEN connection (e.g. a new node-postgres `Client` on the control database). */
  listen: () => Promise<ListenClient>;
  /** Runs one statement on any connection, for NOTIFY (e.g. `(sql, params) => pool.query(sql, params)`). */
  notify: (sql: string, params: unknown[]) => Promise<unknown>;
  channel?: string;
  /**
   * A NOTIFY that failed (the message reached this process's subscribers
   * only), the LISTEN connection lost, or a reconnection that failed: log it.
   */
  onError: (error: Error) => void;
  /** Called after the LISTEN connection came back (its subscribers were told to reset). */
  onReconnect?: () => void;
  /** Backoff between reconnection attempts: doubles from `minMs` to `maxMs`. Default 500 ms to 30 s. */
  retry?: { minMs?: number; maxMs?: number };
}

/** Postgres refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_NOTIFY_BYTES = 7900;

/**
 * Carries a bus's messages to the buses of other API processes through
 * Postgres LISTEN/NOTIFY (on the control database), so a subscriber sees what
 * any process ingested. Each process numbers the messages it delivers with
 * its own ids: a client that reconnects to another process gets a `reset`
 * (`server-restarted`), so keep clients on one process (sticky sessions) for
 * gap-free resume. A message too large for one NOTIFY stays local.
 *
 * When the LISTEN connection is lost (a database restart, a terminated
 * backend), it reconnects with backoff; since what other processes published
 * meanwhile never arrived, every subscriber then gets a `reset` (`relay-gap`)
 * and a resume from before the gap gets one too (`LiveBus.interrupted`).
 *
 * @example
 * const relay = await relayThroughPostgres(live, { listen: () => pool.connect(), notify: (sql, p) => pool.query(sql, p), onError: (e) => logger.error('live relay', { error: e }) });
 * // on shutdown: await relay.close();
 */
export async function relayThroughPostgres(bus: LiveBus, options: PostgresRelayOptions): Promise<{ close(): Promise<void> }> {
  const channel = options.channel ?? 'pitboss_live';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new RangeError('channel must be a lower-case SQL identifier');
  const onError = options.onError;
  const minMs = options.retry?.minMs ?? 500;
  const maxMs = Math.max(minMs, options.retry?.maxMs ?? 30_000);
  let client: ListenClient | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = minMs;

  const onNotification = (n: { channel: string; payload?: string }): void => {
    if (n.channel !== channel || !n.payload) return;
    let batch: { o: string; m: { t: string; k: LiveKind; d: unknown }[] };
    try {
      batch = JSON.parse(n.payload) as typeof batch;
      if (typeof batch.o !== 'string' || !Array.isArray(batch.m)) throw new TypeError('not a relay batch');
    } catch (error) {
      // Anyone who can connect may NOTIFY the channel: a payload that is not ours is logged, never thrown
      // from the connection's event handler (that would take the process down).
      onError(new Error(`live relay: ignored a NOTIFY on ${channel} that is not a relay batch (${(error as Error).message})`));
      return;
    }
    if (batch.o === bus.epoch) return;
    for (const m of batch.m) {
      if (typeof m?.t === 'string' && (m.k === 'event' || m.k === 'score')) bus.publish(m.t, m.k, m.d, { relayed: true });
    }
  };
  const drop = (dead: ListenClient, error: Error): void => {
    if (dead.release) dead.release(error);
    else dead.end?.().catch(() => undefined);
  };
  // The LISTEN connection died (Postgres restarted, the backend was terminated, the network
  // dropped): what other processes publish is lost until it is back, so reconnect with backoff
  // and then tell this process's subscribers to reset.
  const lost = (dead: ListenClient, error: Error): void => {
    if (client !== dead || closed) return;
    client = null;
    onError(new Error(`live relay: LISTEN connection lost (${error.message}); reconnecting`, { cause: error }));
    drop(dead, error);
    schedule();
  };
  const open = async (): Promise<void> => {
    const c = await options.listen();
    c.on('error', (error: Error) => lost(c, error));
    c.on('end', () => lost(c, new Error('connection ended')));
    c.on('notification', onNotification);
    client = c;
    try {
      // The channel is checked above: identifiers cannot be bound parameters.
      await c.query(`LISTEN ${channel}`);
    } catch (error) {
      if (client === c) client = null;
      drop(c, error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (closed) {
      client = null;
      drop(c, new Error('relay closed'));
    }
  };
  const schedule = (): void => {
    if (closed) return;
    retryTimer = setTimeout(() => {
      open().then(
        () => {
          if (closed) return;
          delay = minMs;
          bus.interrupted();
          options.onReconnect?.();
        },
        (error: unknown) => {
          onError(new Error(`live relay: reconnecting failed (${error instanceof Error ? error.message : String(error)}); next try in ${Math.min(delay * 2, maxMs)} ms`, { cause: error }));
          delay = Math.min(delay * 2, maxMs);
          schedule();
        },
      );
    }, delay);
    retryTimer.unref();
  };

  await open();
  // Messages of one tick (an ingested batch) travel together: one NOTIFY per ~8 kB, not one per event.
  let pending: string[] = [];
  const flush = (): void => {
    const parts = pending;
    pending = [];
    const head = `{"o":${JSON.stringify(bus.epoch)},"m":[`;
    let body = '';
    const send = () => {
      if (!body) return;
      options.notify('SELECT pg_notify($1, $2)', [channel, head + body + ']}']).then(undefined, (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
      body = '';
    };
    for (const part of parts) {
      if (Buffer.byteLength(head) + Buffer.byteLength(body) + Buffer.byteLength(part) + 3 > MAX_NOTIFY_BYTES) send();
      body += (body ? ',' : '') + part;
    }
    send();
  };
  bus.forward = (tenant, kind, data) => {
    const part = JSON.stringify({ t: tenant, k: kind, d: data });
    if (Buffer.byteLength(part) + 64 > MAX_NOTIFY_BYTES) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push(part);
  };
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      bus.forward = null;
      const c = client;
      client = null;
      if (!c) return;
      // A connection that hangs (the network dropped without a reset) must not hold shutdown: 2 s at most.
      let timer: NodeJS.Timeout | undefined;
      const bounded = (work: Promise<unknown>): Promise<unknown> =>
        Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]).finally(() => clearTimeout(timer));
      // UNLISTEN fails on a connection that is going away; it goes either way.
      await bounded(c.query(`UNLISTEN ${channel}`));
      if (c.release) c.release();
      else await bounded(c.end?.() ?? Promise.resolve());
    },
  };
}
