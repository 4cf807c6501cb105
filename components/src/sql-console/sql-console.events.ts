/** Detail of `pb-query-start`: a statement was sent to the engine. */
export interface PbQueryStartDetail {
  sql: string;
}

/** Detail of `pb-query-complete`: the result is shown. */
export interface PbQueryCompleteDetail {
  sql: string;
  /** Rows in the result. */
  rows: number;
  /** Milliseconds from sending the statement to the result being ready for the table. */
  ms: number;
  /** Result column names, in order. */
  columns: readonly string[];
  /** `memory`: the rows were fetched to the page; `windowed`: they are read one window at a time. */
  kind: 'memory' | 'windowed';
}

/** Detail of `pb-query-error`: the statement failed or was cancelled. */
export interface PbQueryErrorDetail {
  sql: string;
  /** The engine's error (a `DuckDBQueryError` or `QueryCancelledError` from `@pitboss/wasm`). */
  error: unknown;
  /** The message as shown (without DuckDB's `LINE n:` excerpt). */
  message: string;
  /** 1-based line and column in the editor the error points at, when DuckDB said. */
  line: number | null;
  column: number | null;
  /** True when the query was cancelled (Escape or the cancel button). */
  cancelled: boolean;
  ms: number;
}

/** Detail of `pb-export-load`: an API export was loaded as a local table. */
export interface PbExportLoadDetail {
  table: string;
  rows: number;
  bytes: number;
  ms: number;
}

export type PbQueryStartEvent = CustomEvent<PbQueryStartDetail>;
export type PbQueryCompleteEvent = CustomEvent<PbQueryCompleteDetail>;
export type PbQueryErrorEvent = CustomEvent<PbQueryErrorDetail>;
export type PbExportLoadEvent = CustomEvent<PbExportLoadDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pb-query-start': PbQueryStartEvent;
    'pb-query-complete': PbQueryCompleteEvent;
    'pb-query-error': PbQueryErrorEvent;
    'pb-export-load': PbExportLoadEvent;
  }
  interface HTMLElementEventMap {
    'pb-query-start': PbQueryStartEvent;
    'pb-query-complete': PbQueryCompleteEvent;
    'pb-query-error': PbQueryErrorEvent;
    'pb-export-load': PbExportLoadEvent;
  }
}
