import type { Database } from './pool.js';
import { refreshFeatures } from './writes.js';

/** Most players recomputed by one statement: bounds its memory and lock time. */
const CHUNK = 5000;
/** Pause before retrying a database whose refresh failed (down, timeout). */
const RETRY_MS = 1000;
/**
 * While ingestion keeps writing to a database, a refresh there (or on another
 * database of its server) starts no sooner than this many times the previous
 * one's duration after it ended:
 * refreshes then use at most a quarter of the time, and each covers what
 * several batches touched (a refresh reads every event of its players, so
 * one per batch made sustained ingestion pay for most of its work twice).
 */
const PACE = 3;
/** Longest pause of a refresh for ingestion (bounds how stale features get under sustained load). */
const MAX_PAUSE_MS = 5000;
/**
 * A database with no ingest write for twice the usual interval between its
 * writes (at least `MIN_QUIET_MS`, at most `MAX_QUIET_MS`) is idle:
 * refreshes stop pausing. Relative, because a sender that parses and
 * validates between batches leaves gaps that are not the end of its load.
 */
const MIN_QUIET_MS = 100;
const MAX_QUIET_MS = 1000;

/**
 * Brings features of touched players up to date after their events commit,
 * off the request path. Players are queued per database and tenant and
 * coalesced: a player touched by ten batches while a refresh runs is
 * recomputed once, from all of its events. A failed refresh keeps its players
 * queued and retries, so an outage delays features but never loses them.
 * While ingestion writes to a database (`writeStarted`/`writeEnded`), its
 * refreshes are paced (see `PACE`) per server (`serverOf`): they take turns
 * with the refreshes of the other databases there, and the pause follows the
 * last refresh on the server. Paced one database at a time, four databases on
 * one server refreshed four at a time and took as much of its CPU as
 * ingestion. Once writes stop they run at once, side by side.
 */
export class FeatureRefresher {
  #pending = new Map<Database, Map<string, Set<string>>>();
  #running = new Map<Database, Promise<void>>();
  #retry = new Map<Database, NodeJS.Timeout>();
  /** Refreshes pausing for ingestion, per database. */
  #paused = new Map<Database, NodeJS.Timeout>();
  /** Earliest start of the next refresh while ingestion is writing (performance.now()). */
  #nextAt = new Map<string, number>();
  /** Ingest writes in progress, when the last one began and ended, and the smoothed interval between their starts. */
  #writes = new Map<Database, { active: number; lastStart: number; lastEnd: number; interval: number }>();
  /** Databases whose refresh waits for another refresh on their server to end (ingestion is writing). */
  #waiting = new Set<Database>();
  #idle: (() => void)[] = [];
  #closed = false;
  /** Last refresh failure per database index, cleared by the next success. */
  readonly lastError = new Map<number, Error>();
  /**
   * Called after each successful refresh with the players it covered, and
   * awaited before the next chunk (so `settled()` covers it). Must not
   * reject: it owns its errors (re-scoring logs them).
   */
  onRefreshed: ((tenantId: string, playerIds: readonly string[]) => Promise<void>) | null = null;

  constructor(
    private readonly timeoutMs: number,
    /** The server a database lives on (databases of one server share its CPU); by default each its own. */
    private readonly serverOf: (db: Database) => string = (db) => String(db.index),
  ) {}

  /** Players waiting for a refresh, over every database. */
  get backlog(): number {
    let n = 0;
    for (const tenants of this.#pending.values()) for (const players of tenants.values()) n += players.size;
    return n;
  }

  /**
   * Queues players for a refresh on `db` and starts its worker if idle.
   *
   * @example
   * refresher.enqueue(db, 'acme', ['p1', 'p2']);
   */
  enqueue(db: Database, tenantId: string, playerIds: Iterable<string>): void {
    if (this.#closed) return;
    let tenants = this.#pending.get(db);
    if (!tenants) this.#pending.set(db, (tenants = new Map()));
    let players = tenants.get(tenantId);
    if (!players) tenants.set(tenantId, (players = new Set()));
    for (const p of playerIds) players.add(p);
    this.#kick(db);
  }

  /**
   * Ingestion began writing to `db`; call `writeEnded` when its transaction is over.
   *
   * @example
   * refresher.writeStarted(db); try { await write(); } finally { refresher.writeEnded(db); }
   */
  writeStarted(db: Database): void {
    const now = performance.now();
    const w = this.#writes.get(db);
    if (!w) {
      this.#writes.set(db, { active: 1, lastStart: now, lastEnd: 0, interval: 0 });
      return;
    }
    w.active++;
    w.interval = w.interval === 0 ? now - w.lastStart : 0.7 * w.interval + 0.3 * (now - w.lastStart);
    w.lastStart = now;
  }

  /** Ingestion's write to `db` is over (committed or not). */
  writeEnded(db: Database): void {
    const w = this.#writes.get(db);
    if (!w || w.active === 0) return;
    if (--w.active > 0) return;
    w.lastEnd = performance.now();
    // A pause timed for sustained ingestion may now end sooner (once the database is quiet).
    const timer = this.#paused.get(db);
    if (timer) {
      clearTimeout(timer);
      this.#paused.delete(db);
      this.#kick(db);
    }
  }

  /**
   * Resolves when no refresh is queued, waiting to retry, or running.
   *
   * @example
   * await storage.ingest('acme', lines); await storage.featuresSettled();
   */
  settled(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops taking work, drops the queue and its consumer, and waits for the refreshes in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    // A refresh that finishes now must not hand work to its consumer (re-scoring): the storage
    // closes its pools right after this, and that work would only meet closed databases.
    this.onRefreshed = null;
    for (const timer of this.#retry.values()) clearTimeout(timer);
    this.#retry.clear();
    for (const timer of this.#paused.values()) clearTimeout(timer);
    this.#paused.clear();
    this.#waiting.clear();
    this.#pending.clear();
    await Promise.all(this.#running.values());
    this.#wake();
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && this.#retry.size === 0 && this.#paused.size === 0 && this.#waiting.size === 0;
  }

  #wake(): void {
    if (this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #kick(db: Database): void {
    if (this.#closed || this.#running.has(db) || this.#retry.has(db) || this.#paused.has(db)) return;
    this.#waiting.delete(db);
    if (!this.#pending.get(db)?.size) return;
    const wait = this.#pause(db);
    if (wait > 0) {
      this.#paused.set(db, setTimeout(() => {
        this.#paused.delete(db);
        this.#kick(db);
        this.#wake();
      }, wait));
      return;
    }
    const server = this.serverOf(db);
    if (this.#ingesting(db) && [...this.#running.keys()].some((other) => this.serverOf(other) === server)) {
      // Started by that refresh's end (below).
      this.#waiting.add(db);
      return;
    }
    const run = this.#drain(db).finally(() => {
      this.#running.delete(db);
      // Players queued while it ran (or left when it paused) get their own refresh.
      this.#kick(db);
      // Then the databases of this server that waited for it, in turn.
      for (const next of [...this.#waiting]) if (this.serverOf(next) === server) this.#kick(next);
      this.#wake();
    });
    this.#running.set(db, run);
  }

  /** Whether ingestion is writing to `db`, or wrote so recently that it still counts as busy. */
  #ingesting(db: Database): boolean {
    const w = this.#writes.get(db);
    if (!w) return false;
    if (w.active > 0) return true;
    return performance.now() - w.lastEnd < Math.min(MAX_QUIET_MS, Math.max(MIN_QUIET_MS, 2 * w.interval));
  }

  /** How long a refresh of `db` should wait for ingestion now (0: start). */
  #pause(db: Database): number {
    const now = performance.now();
    const left = (this.#nextAt.get(this.serverOf(db)) ?? 0) - now;
    if (left <= 0) return 0;
    const w = this.#writes.get(db);
    if (!w) return 0;
    if (w.active > 0) return left;
    const needed = Math.min(MAX_QUIET_MS, Math.max(MIN_QUIET_MS, 2 * w.interval));
    const quiet = now - w.lastEnd;
    return quiet >= needed ? 0 : Math.min(left, needed - quiet);
  }

  async #drain(db: Database): Promise<void> {
    const tenants = this.#pending.get(db);
    while (tenants && tenants.size > 0 && !this.#closed) {
      if (this.#pause(db) > 0) return;
      const [tenantId, players] = tenants.entries().next().value as [string, Set<string>];
      const chunk = [...players].slice(0, CHUNK);
      for (const p of chunk) players.delete(p);
      if (players.size === 0) tenants.delete(tenantId);
      try {
        const started = performance.now();
        await refreshFeatures(db, tenantId, chunk, new Date(), this.timeoutMs);
        const ended = performance.now();
        this.#nextAt.set(this.serverOf(db), ended + Math.min(MAX_PAUSE_MS, PACE * (ended - started)));
        this.lastError.delete(db.index);
      } catch (error) {
        this.lastError.set(db.index, error instanceof Error ? error : new Error(String(error)));
        if (this.#closed) return;
        let again = tenants.get(tenantId);
        if (!again) tenants.set(tenantId, (again = new Set()));
        for (const p of chunk) again.add(p);
        const timer = setTimeout(() => {
          this.#retry.delete(db);
          this.#kick(db);
          this.#wake();
        }, RETRY_MS);
        timer.unref();
        this.#retry.set(db, timer);
        return;
      }
      if (this.onRefreshed) await this.onRefreshed(tenantId, chunk);
    }
  }
}
