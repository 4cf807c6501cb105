/**
 * An error as it crosses a worker boundary: plain data that structured clone
 * keeps intact, so nothing but the class itself is lost on the way.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | null;
  /** The SQL that failed, for DuckDB errors. */
  sql?: string;
  /** DuckDB's structured error fields (`exception_type`, `error_subtype`, `position`, …). */
  details?: Record<string, string>;
  cause?: SerializedError;
}

/**
 * What every worker method resolves to. Errors travel as data instead of
 * through comlink's global `throw` handler: an embedded SDK must not change
 * how the host page's own comlink calls behave.
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/**
 * A DuckDB statement failed; `message` is DuckDB's own text.
 *
 * @example
 * try { await db.query('SELEC 1'); } catch (e) { if (e instanceof DuckDBQueryError) console.log(e.sql, e.message); }
 */
export class DuckDBQueryError extends Error {
  override name = 'DuckDBQueryError';
  /** The statement that failed. */
  readonly sql: string;
  /** DuckDB's structured fields, e.g. `{ exception_type: 'Parser', error_subtype: 'SYNTAX_ERROR', position: '0' }`. */
  readonly details: Readonly<Record<string, string>>;
  constructor(message: string, sql: string, options?: ErrorOptions & { details?: Record<string, string> }) {
    super(message, options);
    this.sql = sql;
    this.details = options?.details ?? {};
  }

  /**
   * Wraps an error raised by DuckDB-WASM. Its message is DuckDB's error as
   * JSON; it becomes the text DuckDB prints (`Parser Error: …`), the fields
   * go to `details`.
   *
   * @example
   * DuckDBQueryError.fromEngine(e, 'SELEC 1').message; // 'Parser Error: syntax error at or near "SELEC" …'
   */
  static fromEngine(thrown: unknown, sql: string): DuckDBQueryError {
    const raw = thrown instanceof Error ? thrown.message : String(thrown);
    let details: Record<string, string> = {};
    let message = raw;
    const parsed = parseJsonObject(raw);
    if (parsed) {
      details = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      if (details.exception_message !== undefined) {
        message = `${details.exception_type ?? 'DuckDB'} Error: ${details.exception_message}`;
      }
    }
    return new DuckDBQueryError(message, sql, { cause: thrown, details });
  }
}

function parseJsonObject(text: string): object | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? value : null;
  } catch (notJson) {
    // Plain-text messages that merely start with a brace are kept as they are.
    void notJson;
    return null;
  }
}

/**
 * A query stopped because `cancel()` was called.
 *
 * @example
 * const running = db.query(slowSql); await db.cancel();
 * await running.catch((e) => e instanceof QueryCancelledError);
 */
export class QueryCancelledError extends Error {
  override name = 'QueryCancelledError';
  readonly sql: string;
  constructor(sql: string, options?: ErrorOptions) {
    super('query cancelled', options);
    this.sql = sql;
  }
}

/**
 * Loading or running an ONNX model failed.
 *
 * @example
 * await scorer.score(new Float32Array(3), 1).catch((e) => e instanceof ScoringError);
 */
export class ScoringError extends Error {
  override name = 'ScoringError';
}

/**
 * Any other error thrown inside a worker; `name` keeps the original name.
 *
 * @example
 * catch (e) { if (e instanceof WorkerError) console.log(e.name, e.stack); }
 */
export class WorkerError extends Error {}

/**
 * Turns anything thrown into data that survives `postMessage`.
 *
 * @example
 * const data = serializeError(new TypeError('bad')); // { name: 'TypeError', message: 'bad', stack: '...' }
 */
export function serializeError(thrown: unknown): SerializedError {
  if (thrown instanceof Error) {
    const out: SerializedError = { name: thrown.name, message: thrown.message, stack: thrown.stack ?? null };
    if (thrown instanceof DuckDBQueryError || thrown instanceof QueryCancelledError) out.sql = thrown.sql;
    if (thrown instanceof DuckDBQueryError) out.details = { ...thrown.details };
    if (thrown.cause !== undefined) out.cause = serializeError(thrown.cause);
    return out;
  }
  return { name: 'Error', message: typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown), stack: null };
}

/**
 * Rebuilds a real `Error` (of the matching class where one exists) from its
 * serialized form; the worker's stack is kept and the main thread's appended.
 *
 * @example
 * throw rebuildError({ name: 'DuckDBQueryError', message: 'Parser Error: ...', stack: null, sql: 'SELEC 1' });
 */
export function rebuildError(data: SerializedError): Error {
  const options: ErrorOptions | undefined = data.cause ? { cause: rebuildError(data.cause) } : undefined;
  let error: Error;
  if (data.name === 'DuckDBQueryError') error = new DuckDBQueryError(data.message, data.sql ?? '', { ...options, details: data.details ?? {} });
  else if (data.name === 'QueryCancelledError') error = new QueryCancelledError(data.sql ?? '', options);
  else if (data.name === 'ScoringError') error = new ScoringError(data.message, options);
  else {
    error = new WorkerError(data.message, options);
    error.name = data.name;
  }
  const here = (error.stack ?? '').split('\n').slice(1).join('\n');
  error.stack = `${data.stack ?? `${data.name}: ${data.message}`}\n    --- rethrown on the main thread ---\n${here}`;
  return error;
}

/**
 * Runs a worker method and packs its outcome into a {@link Reply}.
 *
 * @example
 * const reply = await settle(async () => 42); // { ok: true, value: 42 }
 */
export async function settle<T>(work: () => Promise<T> | T): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (thrown) {
    return { ok: false, error: serializeError(thrown) };
  }
}

/**
 * The value of a {@link Reply}, or its error rebuilt and thrown.
 *
 * @example
 * const rows = unwrap(await remote.query('SELECT 1'));
 */
export function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw rebuildError(reply.error);
}
