import type { DataQuery, DataSource, DataSourceChange, RowBase, SortSpec } from './datasource.js';
import { throwIfAborted } from './datasource.js';

/** A filter for the in-memory source: a predicate over rows. */
export type RowPredicate<R> = (row: R) => boolean;

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // Nulls last in ascending order, as in Postgres' default.
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * A `DataSource` over an array held in memory (or rows produced on demand by
 * `rowAt`, for very large synthetic tables that must not be materialised).
 *
 * @example
 * const source = new MemoryDataSource([{ id: 'p1', net_loss_30d: 1200 }]);
 * table.dataSource = source;
 * source.update([{ id: 'p1', net_loss_30d: 1500 }]); // the table re-renders the row
 */
export class MemoryDataSource<R extends RowBase> implements DataSource<R, RowPredicate<R>> {
  readonly sortableKeys = 'all' as const;
  #rows: R[];
  #index = new Map<string, number>();
  #listeners = new Set<(change: DataSourceChange<R>) => void>();
  #view: { key: string; order: number[] } | null = null;

  constructor(rows: readonly R[]) {
    this.#rows = [...rows];
    this.#reindex();
  }

  async count(query: DataQuery<RowPredicate<R>>, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    return query.filter ? this.#order(query).length : this.#rows.length;
  }

  async window(start: number, end: number, query: DataQuery<RowPredicate<R>>, signal?: AbortSignal): Promise<R[]> {
    throwIfAborted(signal);
    const order = this.#order(query);
    return order.slice(Math.max(0, start), Math.max(0, end)).map((i) => this.#rows[i]!);
  }

  subscribe(listener: (change: DataSourceChange<R>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replaces rows with the same ids in place and notifies subscribers. */
  update(rows: readonly R[]): void {
    const changed: R[] = [];
    for (const row of rows) {
      const i = this.#index.get(row.id);
      if (i === undefined) continue;
      this.#rows[i] = row;
      changed.push(row);
    }
    this.#view = null;
    if (changed.length) this.#emit({ kind: 'update', rows: changed });
  }

  /** Replaces every row and notifies subscribers to refetch. */
  reset(rows: readonly R[]): void {
    this.#rows = [...rows];
    this.#reindex();
    this.#view = null;
    this.#emit({ kind: 'reset' });
  }

  #emit(change: DataSourceChange<R>): void {
    for (const l of this.#listeners) l(change);
  }

  #reindex(): void {
    this.#index.clear();
    this.#rows.forEach((r, i) => this.#index.set(r.id, i));
  }

  /** Row indexes in query order; the unfiltered sort is cached between windows. */
  #order(query: DataQuery<RowPredicate<R>>): number[] {
    const key = JSON.stringify(query.sort);
    if (!query.filter && this.#view?.key === key) return this.#view.order;
    let order = this.#rows.map((_, i) => i);
    if (query.filter) order = order.filter((i) => query.filter!(this.#rows[i]!));
    if (query.sort.length) order.sort((a, b) => compareRows(this.#rows[a]!, this.#rows[b]!, query.sort));
    if (!query.filter) this.#view = { key, order };
    return order;
  }
}

function compareRows<R extends RowBase>(a: R, b: R, sort: readonly SortSpec[]): number {
  for (const s of sort) {
    const c = compareValues((a as Record<string, unknown>)[s.key], (b as Record<string, unknown>)[s.key]);
    if (c !== 0) return s.direction === 'asc' ? c : -c;
  }
  return compareValues(a.id, b.id);
}
