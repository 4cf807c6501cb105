import type { DuckDBClient } from '@pitboss/wasm';
import type { DataQuery, DataSource, DataSourceChange, RowBase } from './datasource.js';
import { throwIfAborted } from './datasource.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a checked identifier; anything else is refused, never escaped into SQL. */
export function quoteIdent(name: string): string {
  if (!IDENT.test(name)) throw new RangeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export interface LocalDataSourceOptions {
  /** Column whose value becomes the row's `id`. Default `player_id`. */
  idColumn?: string;
  /** Columns `window` may sort by; default every column of the table. */
  sortableKeys?: readonly string[];
}

/**
 * A `DataSource` over a table in DuckDB-WASM (in the worker): `count` is
 * `COUNT(*)`, a window is `ORDER BY … LIMIT … OFFSET …`, which DuckDB
 * answers from memory quickly enough at local sizes (no keyset needed).
 * NULL sorts as the greatest value and ties break on the id column, the
 * same order as the API and `MemoryDataSource`. Filters are not supported
 * yet: the worker protocol has no bound parameters, and values are never
 * spliced into SQL text; load the subset to browse instead.
 *
 * @example
 * const source = new LocalDataSource(db, 'players');
 * table.dataSource = source;
 * await analytics.loadExport('players'); source.reload();
 */
export class LocalDataSource<R extends RowBase = RowBase & Record<string, unknown>> implements DataSource<R, undefined> {
  readonly sortableKeys: ReadonlySet<string> | 'all';
  #db: DuckDBClient;
  #table: string;
  #id: string;
  #listeners = new Set<(change: DataSourceChange<R>) => void>();

  constructor(db: DuckDBClient, table: string, options: LocalDataSourceOptions = {}) {
    this.#db = db;
    this.#table = quoteIdent(table);
    this.#id = options.idColumn ?? 'player_id';
    quoteIdent(this.#id);
    this.sortableKeys = options.sortableKeys ? new Set(options.sortableKeys) : 'all';
  }

  async count(query: DataQuery<undefined>, signal?: AbortSignal): Promise<number> {
    throwIfAborted(signal);
    if (query.filter !== undefined) throw new TypeError('LocalDataSource does not filter');
    const t = await this.#db.queryTable(`SELECT count(*)::DOUBLE AS n FROM ${this.#table}`);
    throwIfAborted(signal);
    return Number(t.get(0)?.n ?? 0);
  }

  async window(start: number, end: number, query: DataQuery<undefined>, signal?: AbortSignal): Promise<R[]> {
    throwIfAborted(signal);
    if (query.filter !== undefined) throw new TypeError('LocalDataSource does not filter');
    const offset = Math.max(0, Math.floor(start));
    const limit = Math.max(0, Math.floor(end) - offset);
    if (limit === 0) return [];
    const keys = query.sort.map((s) => {
      if (this.sortableKeys !== 'all' && !this.sortableKeys.has(s.key)) throw new RangeError(`cannot sort by ${JSON.stringify(s.key)}`);
      return `${quoteIdent(s.key)} ${s.direction === 'desc' ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`;
    });
    keys.push(`${quoteIdent(this.#id)} ASC`);
    // limit and offset are integers computed above, not caller text.
    const t = await this.#db.queryTable(`SELECT * FROM ${this.#table} ORDER BY ${keys.join(', ')} LIMIT ${limit} OFFSET ${offset}`);
    throwIfAborted(signal);
    const names = t.schema.fields.map((f) => f.name);
    return t.toArray().map((row: Record<string, unknown>) => {
      // Arrow's rows are proxies over the columns: copy them into plain objects a table can keep.
      const plain: Record<string, unknown> = {};
      for (const k of names) plain[k] = row[k];
      plain.id = String(plain[this.#id]);
      return plain as R;
    });
  }

  subscribe(listener: (change: DataSourceChange<R>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells subscribers the table was reloaded: they refetch count and window. */
  reload(): void {
    for (const l of this.#listeners) l({ kind: 'reset' });
  }
}
