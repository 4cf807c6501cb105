import type { DataQuery, DataSource, RowBase } from '@pitboss/sdk';

interface InFlight {
  first: number;
  last: number;
  controller: AbortController;
  done: Promise<void>;
}

/** What the cache tells its owner. */
export interface RowCacheHost {
  /** New rows arrived (or changed); re-render the visible ones. */
  rowsChanged(): void;
  /** A window request failed with something other than an abort. */
  rowsFailed(error: unknown): void;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

/**
 * The table's window onto a `DataSource`: rows are fetched in fixed blocks,
 * only for the range the table asks for, and at most `maxBlocks` blocks are
 * kept (least recently stored first out), so the rows are never all held.
 * Requests made in the same task are coalesced into one `window()` call per
 * contiguous run of missing blocks; a request whose blocks have scrolled out
 * of the wanted range is aborted through its `AbortSignal`.
 */
export class RowCache<R extends RowBase, F = unknown> {
  readonly #blocks = new Map<number, R[]>();
  readonly #ids = new Map<string, number>();
  readonly #inFlight = new Set<InFlight>();
  #source: DataSource<R, F> | null = null;
  #query: DataQuery<F> = { sort: [] };
  #count = 0;
  #wanted: [number, number] | null = null;
  #scheduled = false;
  #generation = 0;

  constructor(
    readonly host: RowCacheHost,
    readonly blockSize = 64,
    readonly maxBlocks = 32,
  ) {}

  /** Points the cache at a source, query and row count; drops everything held or pending. */
  reset(source: DataSource<R, F> | null, query: DataQuery<F>, count: number): void {
    this.#generation++;
    for (const f of this.#inFlight) f.controller.abort();
    this.#inFlight.clear();
    this.#blocks.clear();
    this.#ids.clear();
    this.#source = source;
    this.#query = query;
    this.#count = count;
  }

  /** The row at `index`, if its block is held. */
  get(index: number): R | undefined {
    return this.#blocks.get(Math.floor(index / this.blockSize))?.[index % this.blockSize];
  }

  /** True while a window request is pending. */
  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  /** Number of rows held (for tests and diagnostics: it stays bounded). */
  get heldRows(): number {
    let n = 0;
    for (const b of this.#blocks.values()) n += b.length;
    return n;
  }

  /** Asks for rows `[first, last]` (inclusive); fetching starts at the end of the current task. */
  want(first: number, last: number): void {
    if (this.#count === 0 || !this.#source) return;
    const lo = Math.max(0, first);
    const hi = Math.min(this.#count - 1, last);
    if (hi < lo) return;
    this.#wanted = this.#wanted && this.#scheduled ? [Math.min(this.#wanted[0], lo), Math.max(this.#wanted[1], hi)] : [lo, hi];
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  /** Fetches rows `[first, last)` for a one-off need (e.g. a range selection), using held rows where it can. */
  async range(first: number, last: number, signal?: AbortSignal): Promise<R[]> {
    const out: R[] = [];
    let allHeld = true;
    for (let i = first; i < last; i++) {
      const row = this.get(i);
      if (!row) {
        allHeld = false;
        break;
      }
      out.push(row);
    }
    if (allHeld) return out;
    if (!this.#source) return [];
    return this.#source.window(first, last, this.#query, signal);
  }

  /** Replaces held rows by id; returns how many were held. */
  update(rows: readonly R[]): number {
    let n = 0;
    for (const row of rows) {
      const index = this.#ids.get(row.id);
      if (index === undefined) continue;
      const block = this.#blocks.get(Math.floor(index / this.blockSize));
      if (!block) continue;
      block[index % this.blockSize] = row;
      n++;
    }
    return n;
  }

  /** Resolves when no request is pending. */
  async idle(): Promise<void> {
    while (this.#scheduled || this.#inFlight.size) {
      if (this.#scheduled) await Promise.resolve();
      else await Promise.all([...this.#inFlight].map((f) => f.done));
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const wanted = this.#wanted;
    const source = this.#source;
    if (!wanted || !source) return;
    const b0 = Math.floor(wanted[0] / this.blockSize);
    const b1 = Math.floor(wanted[1] / this.blockSize);
    for (const f of this.#inFlight) {
      if (f.last < b0 || f.first > b1) {
        f.controller.abort();
        this.#inFlight.delete(f);
      }
    }
    let runStart = -1;
    for (let b = b0; b <= b1 + 1; b++) {
      const missing = b <= b1 && !this.#blocks.has(b) && !this.#pending(b);
      if (missing && runStart < 0) runStart = b;
      if (!missing && runStart >= 0) {
        this.#fetch(source, runStart, b - 1);
        runStart = -1;
      }
    }
  }

  #pending(block: number): boolean {
    for (const f of this.#inFlight) if (block >= f.first && block <= f.last) return true;
    return false;
  }

  #fetch(source: DataSource<R, F>, firstBlock: number, lastBlock: number): void {
    const generation = this.#generation;
    const controller = new AbortController();
    const start = firstBlock * this.blockSize;
    const end = Math.min(this.#count, (lastBlock + 1) * this.blockSize);
    const entry: InFlight = { first: firstBlock, last: lastBlock, controller, done: Promise.resolve() };
    entry.done = source.window(start, end, this.#query, controller.signal).then(
      (rows) => {
        this.#inFlight.delete(entry);
        if (generation !== this.#generation || controller.signal.aborted) return;
        for (let b = firstBlock; b <= lastBlock; b++) {
          const from = (b - firstBlock) * this.blockSize;
          this.#store(b, rows.slice(from, from + this.blockSize));
        }
        this.host.rowsChanged();
      },
      (error: unknown) => {
        this.#inFlight.delete(entry);
        if (generation !== this.#generation || isAbort(error, controller.signal)) return;
        this.host.rowsFailed(error);
      },
    );
    this.#inFlight.add(entry);
  }

  #store(block: number, rows: R[]): void {
    this.#drop(block);
    this.#blocks.set(block, rows);
    rows.forEach((r, i) => this.#ids.set(r.id, block * this.blockSize + i));
    const keep = this.#wanted ? [Math.floor(this.#wanted[0] / this.blockSize), Math.floor(this.#wanted[1] / this.blockSize)] : [block, block];
    for (const b of this.#blocks.keys()) {
      if (this.#blocks.size <= this.maxBlocks) break;
      if (b >= keep[0]! && b <= keep[1]!) continue;
      this.#drop(b);
    }
  }

  #drop(block: number): void {
    const rows = this.#blocks.get(block);
    if (!rows) return;
    for (const r of rows) this.#ids.delete(r.id);
    this.#blocks.delete(block);
  }
}
