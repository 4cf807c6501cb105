/** Most statements a console keeps per storage key. */
export const HISTORY_LIMIT = 100;

const PREFIX = 'pitboss.sql-console.history.';

/** The subset of `Storage` the history uses (`localStorage` by default). */
export type HistoryStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The statements a console ran, oldest first, kept in `localStorage` under one
 * key per tenant (or any storage key the host picks), so two tenants on one
 * browser never see each other's SQL. Running a statement again moves it to
 * the end instead of repeating it; past {@link HISTORY_LIMIT} the oldest go.
 * A storage that throws (private mode, quota) leaves the history in memory.
 *
 * @example
 * const history = new QueryHistory('tenant-a');
 * history.add('SELECT 1');
 * history.entries; // ['SELECT 1']
 */
export class QueryHistory {
  readonly key: string;
  readonly limit: number;
  readonly #storage: HistoryStorage | null;
  #entries: string[];

  constructor(storageKey: string, options: { storage?: HistoryStorage | null; limit?: number } = {}) {
    this.key = PREFIX + storageKey;
    this.limit = Math.max(1, options.limit ?? HISTORY_LIMIT);
    this.#storage = options.storage === undefined ? (globalThis.localStorage ?? null) : options.storage;
    this.#entries = this.#read();
  }

  /** Statements, oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Records a statement (trimmed; blank ones are ignored) as the newest entry. */
  add(sql: string): void {
    const text = sql.trim();
    if (!text) return;
    this.#entries = [...this.#entries.filter((e) => e !== text), text].slice(-this.limit);
    this.#write();
  }

  /** Forgets every statement under this key. */
  clear(): void {
    this.#entries = [];
    this.#write();
  }

  #read(): string[] {
    let raw: string | null = null;
    try {
      raw = this.#storage?.getItem(this.key) ?? null;
    } catch (blocked) {
      // Storage can be disabled by the browser; the history then lives as long as the element.
      void blocked;
      return [];
    }
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) return [];
      const texts = parsed.filter((e): e is string => typeof e === 'string' && e.trim() !== '');
      return [...new Set(texts)].slice(-this.limit);
    } catch (corrupt) {
      // Another script wrote something else under our key: start over rather than fail the console.
      void corrupt;
      return [];
    }
  }

  #write(): void {
    try {
      this.#storage?.setItem(this.key, JSON.stringify(this.#entries));
    } catch (full) {
      // Quota exceeded or storage disabled: keep the history in memory only.
      void full;
    }
  }
}

/**
 * Walks a history with Alt+Up/Down the way shells do: up goes to older
 * statements, down to newer ones, and down past the newest gives back what
 * was being typed before the walk started.
 *
 * @example
 * const walk = new HistoryCursor();
 * walk.older(['a', 'b'], 'draft'); // 'b'
 * walk.older(['a', 'b'], 'b');     // 'a'
 * walk.newer(['a', 'b']);          // 'b'
 * walk.newer(['a', 'b']);          // 'draft'
 */
export class HistoryCursor {
  /** Index into the entries; `-1` means the draft (not walking). */
  #at = -1;
  #draft = '';

  /** The older entry, or `null` at the oldest (or with no history). */
  older(entries: readonly string[], current: string): string | null {
    if (!entries.length) return null;
    if (this.#at === -1) {
      this.#draft = current;
      this.#at = entries.length;
    }
    if (this.#at === 0) return null;
    this.#at = Math.min(this.#at, entries.length) - 1;
    return entries[this.#at]!;
  }

  /** The newer entry, the draft past the newest, or `null` when not walking. */
  newer(entries: readonly string[]): string | null {
    if (this.#at === -1) return null;
    this.#at++;
    if (this.#at >= entries.length) {
      this.#at = -1;
      return this.#draft;
    }
    return entries[this.#at]!;
  }

  /** Ends the walk (the user typed, or a statement ran). */
  reset(): void {
    this.#at = -1;
    this.#draft = '';
  }
}
