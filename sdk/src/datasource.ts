/**
 * The contract between data and the components: a table asks a `DataSource`
 * how many rows there are and for the rows of a window; it never holds them
 * all. Three implementations share it: in-memory (an array), local (a DuckDB
 * query in a worker) and remote (API keyset pages).
 */

/** One sort key. */
export interface SortSpec {
  key: string;
  direction: 'asc' | 'desc';
}

/** What a window is taken from: the sort and an optional filter. */
export interface DataQuery<F = unknown> {
  sort: readonly SortSpec[];
  /** Implementation-defined filter, e.g. a segment AST. `undefined` means all rows. */
  filter?: F | undefined;
}

/** A row must carry a stable id, so live updates can find it. */
export interface RowBase {
  id: string;
}

export type DataSourceChange<R extends RowBase> =
  /** These rows changed in place (same ids); a table re-renders them if visible. */
  | { kind: 'update'; rows: readonly R[] }
  /** Rows were added or removed, or everything changed: refetch count and window. */
  | { kind: 'reset' };

export interface DataSource<R extends RowBase = RowBase, F = unknown> {
  /** Total rows matching `query.filter`. */
  count(query: DataQuery<F>, signal?: AbortSignal): Promise<number>;
  /**
   * Rows `[start, end)` in `query.sort` order, at most `end - start` of them.
   * Rejects with an `AbortError` `DOMException` when `signal` aborts.
   */
  window(start: number, end: number, query: DataQuery<F>, signal?: AbortSignal): Promise<R[]>;
  /** Keys `window` can sort by; a table disables sorting on other columns. */
  readonly sortableKeys: ReadonlySet<string> | 'all';
  /** Registers a listener for live changes; returns the unsubscribe function. */
  subscribe(listener: (change: DataSourceChange<R>) => void): () => void;
}

/** Throws the standard `AbortError` when the signal has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}
