import type { Database } from './pool.js';
import { refreshFeatures } from './writes.js';

/** Most players recomputed by one statement: bounds its memory and lock time. */
const CHUNK = 5000;
/** Pause before retrying a database whose refresh failed (down, timeout). */
const RETRY_MS = 1000;

/**
 * Brings features of touched players up to date after their events commit,
 * off the request path. Players are queued per database and tenant and
 * coalesced: a player touched by ten batches while a refresh runs is
 * recomputed once, from all of its events. A failed refresh keeps its players
 * queued and retries, so an outage delays features but never loses them.
 */
export class FeatureRefresher {
  #pending = new Map<Database, Map<string, Set<string>>>();
  #running = new Map<Database, Promise<void>>();
  #retry = new Map<Database, NodeJS.Timeout>();
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

  constructor(private readonly timeoutMs: number) {}

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
    this.#pending.clear();
    await Promise.all(this.#running.values());
    this.#wake();
  }

  #isIdle(): boolean {
    return this.#running.size === 0 && this.#retry.size === 0;
  }

  #wake(): void {
    if (this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #kick(db: Database): void {
    if (this.#closed || this.#running.has(db) || this.#retry.has(db)) return;
    const run = this.#drain(db).finally(() => {
      this.#running.delete(db);
      this.#wake();
    });
    this.#running.set(db, run);
  }

  async #drain(db: Database): Promise<void> {
    const tenants = this.#pending.get(db);
    while (tenants && tenants.size > 0 && !this.#closed) {
      const [tenantId, players] = tenants.entries().next().value as [string, Set<string>];
      const chunk = [...players].slice(0, CHUNK);
      for (const p of chunk) players.delete(p);
      if (players.size === 0) tenants.delete(tenantId);
      try {
        await refreshFeatures(db, tenantId, chunk, new Date(), this.timeoutMs);
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
        }, RETRY_MS);
        timer.unref();
        this.#retry.set(db, timer);
        return;
      }
      if (this.onRefreshed) await this.onRefreshed(tenantId, chunk);
    }
  }
}
