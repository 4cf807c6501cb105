import { throwIfAborted, type DataQuery, type DataSource, type DataSourceChange } from '@pitboss/sdk';
import type { ResultColumn, ResultRow } from './engine.js';

/** A column of an Arrow-like table: `apache-arrow`'s `Vector` fits. */
export interface ResultVectorLike {
  get(index: number): unknown;
}

/**
 * The shape of a query result the console reads: `apache-arrow`'s `Table`
 * (what `LocalAnalytics.query` returns) fits it. Columns are read by
 * position, so duplicate column names survive.
 */
export interface ResultTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string; readonly type: unknown }[] };
  getChildAt(index: number): ResultVectorLike | null;
}

/** The value at `index` of a column, `null` for a missing column. */
export function columnValue(vector: ResultVectorLike | null | undefined, index: number): unknown {
  return vector ? vector.get(index) : null;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  // Nulls last in ascending order, like MemoryDataSource and the API.
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : 1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A `DataSource` over an Arrow result already on the page (from an engine
 * without a DuckDB client, or a statement that cannot be kept in a table):
 * rows are built only for the window asked for, never for the whole result.
 * Sorting computes an index order once per sort, from the column alone.
 *
 * @example
 * table.dataSource = new ArrowDataSource(arrowTable, resultColumns(arrowTable));
 */
export class ArrowDataSource implements DataSource<ResultRow, undefined> {
  readonly sortableKeys: ReadonlySet<string>;
  readonly #table: ResultTableLike;
  readonly #columns: readonly ResultColumn[];
  #order: { key: string; index: Uint32Array } | null = null;

  constructor(table: ResultTableLike, columns: readonly ResultColumn[]) {
    this.#table = table;
    this.#columns = columns;
    this.sortableKeys = new Set(columns.map((c) => c.key));
  }

  async count(_query: DataQuery<undefined>, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    return this.#table.numRows;
  }

  async window(start: number, end: number, query: DataQuery<undefined>, signal?: AbortSignal): Promise<ResultRow[]> {
    throwIfAborted(signal);
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(this.#table.numRows, Math.floor(end));
    const order = this.#sorted(query);
    const vectors = this.#columns.map((_, j) => this.#table.getChildAt(j));
    const rows: ResultRow[] = [];
    for (let i = from; i < to; i++) {
      const at = order ? order[i]! : i;
      const row: ResultRow = { id: String(at) };
      this.#columns.forEach((c, j) => {
        row[c.key] = columnValue(vectors[j], at);
      });
      rows.push(row);
    }
    return rows;
  }

  subscribe(_listener: (change: DataSourceChange<ResultRow>) => void): () => void {
    // A finished result never changes.
    return () => undefined;
  }

  #sorted(query: DataQuery<undefined>): Uint32Array | null {
    const sort = query.sort[0];
    if (!sort) return null;
    const key = `${sort.key} ${sort.direction}`;
    if (this.#order?.key === key) return this.#order.index;
    const j = this.#columns.findIndex((c) => c.key === sort.key);
    if (j < 0) throw new RangeError(`cannot sort by ${JSON.stringify(sort.key)}`);
    const vector = this.#table.getChildAt(j);
    const n = this.#table.numRows;
    const values = Array.from({ length: n }, (_, i) => columnValue(vector, i));
    const index = Uint32Array.from({ length: n }, (_, i) => i);
    const sign = sort.direction === 'desc' ? -1 : 1;
    // Ties keep the result's own order; nulls go last ascending and first descending, as in DuckDB's default here.
    index.sort((a, b) => sign * compare(values[a], values[b]) || a - b);
    this.#order = { key, index };
    return index;
  }
}
