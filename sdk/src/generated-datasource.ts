import type { DataQuery, DataSource, DataSourceChange, RowBase } from './datasource.js';
import { throwIfAborted } from './datasource.js';

/** How a `GeneratedDataSource` makes its rows. */
export interface GeneratedDataSourceOptions<R extends RowBase> {
  /** Number of rows. */
  count: number;
  /** Builds the row at `index` in natural order; must be pure (same index, same row). */
  row: (index: number) => R;
  /**
   * Keys along which the natural order is already ascending. Sorting by one of
   * them ascending is the natural order and descending is its reverse; no other
   * sort is possible without materialising the rows.
   */
  orderedBy?: readonly string[];
}

/**
 * A `DataSource` whose rows are computed on demand from their index, so a
 * table can show 10,000,000 rows without any of them being held in memory.
 * Meant for demos, benchmarks and tests at scale; live changes go through
 * `update` (kept as overrides by id) and `reset`.
 *
 * @example
 * const source = new GeneratedDataSource({
 *   count: 10_000_000,
 *   row: (i) => ({ id: `p${i}`, seq: i, name: `Player ${i + 1}` }),
 *   orderedBy: ['seq'],
 * });
 * table.dataSource = source;
 */
export class GeneratedDataSource<R extends RowBase> implements DataSource<R, never> {
  readonly sortableKeys: ReadonlySet<string>;
  #count: number;
  readonly #row: (index: number) => R;
  readonly #overrides = new Map<string, R>();
  readonly #listeners = new Set<(change: DataSourceChange<R>) => void>();

  constructor(options: GeneratedDataSourceOptions<R>) {
    if (!Number.isSafeInteger(options.count) || options.count < 0) throw new RangeError(`count must be a non-negative integer, got ${options.count}`);
    this.#count = options.count;
    this.#row = options.row;
    this.sortableKeys = new Set(options.orderedBy ?? []);
  }

  async count(query: DataQuery<never>, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    this.#check(query);
    return this.#count;
  }

  async window(start: number, end: number, query: DataQuery<never>, signal?: AbortSignal): Promise<R[]> {
    throwIfAborted(signal);
    this.#check(query);
    const from = Math.max(0, Math.min(start, this.#count));
    const to = Math.max(from, Math.min(end, this.#count));
    const reversed = query.sort[0]?.direction === 'desc';
    const rows: R[] = new Array(to - from);
    for (let i = from; i < to; i++) {
      const natural = reversed ? this.#count - 1 - i : i;
      const made = this.#row(natural);
      rows[i - from] = this.#overrides.get(made.id) ?? made;
    }
    return rows;
  }

  subscribe(listener: (change: DataSourceChange<R>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replaces rows by id (they keep their position) and notifies subscribers. */
  update(rows: readonly R[]): void {
    for (const row of rows) this.#overrides.set(row.id, row);
    if (rows.length) this.#emit({ kind: 'update', rows });
  }

  /** Changes the row count (dropping overrides) and notifies subscribers to refetch. */
  reset(count: number = this.#count): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    this.#count = count;
    this.#overrides.clear();
    this.#emit({ kind: 'reset' });
  }

  #check(query: DataQuery<never>): void {
    if (query.filter !== undefined) throw new TypeError('GeneratedDataSource does not filter');
    if (query.sort.length > 1) throw new TypeError('GeneratedDataSource sorts by one key at a time');
    const key = query.sort[0]?.key;
    if (key !== undefined && !this.sortableKeys.has(key)) throw new TypeError(`GeneratedDataSource cannot sort by ${JSON.stringify(key)}`);
  }

  #emit(change: DataSourceChange<R>): void {
    for (const l of this.#listeners) l(change);
  }
}
