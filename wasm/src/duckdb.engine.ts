// The worker side of duckdb.protocol.ts. DuckDB itself runs in DuckDB's own
// `eh` worker (AsyncDuckDB); this worker owns the one connection, turns
// failures into typed errors and hands results back as transferred bytes.
import { AsyncDuckDB, DuckDBAccessMode, PACKAGE_VERSION, VoidLogger } from '@duckdb/duckdb-wasm';
import { tableFromIPC } from 'apache-arrow';
import { transfer } from 'comlink';
import { opfsSupport, planThreads } from './diagnostics.js';
import { assertFetchable } from './fetchable.js';
import { DuckDBQueryError, QueryCancelledError, settle, type Reply } from './errors.js';
import type { CsvLoadOptions, DuckDBDiagnostics, DuckDBOpenRequest, DuckDBWorkerApi, LoadOptions, QueryParam } from './duckdb.protocol.js';

// End-of-stream marker of the Arrow IPC stream format: continuation + zero length.
const IPC_EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

interface Running {
  sql: string;
  cancelled: boolean;
}

/**
 * SQL identifier quoting.
 *
 * @example
 * quoteIdent('a"b'); // '"a""b"'
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function sendBytes(reply: Reply<Uint8Array>): Reply<Uint8Array> {
  return reply.ok ? transfer(reply, [reply.value.buffer as ArrayBuffer]) : reply;
}

/**
 * Implements {@link DuckDBWorkerApi} inside a worker; exposed by `duckdb.worker.ts`.
 *
 * @example
 * expose(new DuckDBEngine(), self);
 */
export class DuckDBEngine implements DuckDBWorkerApi {
  #db: AsyncDuckDB | null = null;
  #conn: number | null = null;
  #diagnostics: DuckDBDiagnostics | null = null;
  #running: Running | null = null;
  // One connection runs one statement at a time: calls queue here in arrival order.
  #tail: Promise<unknown> = Promise.resolve();

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  #ready(): { db: AsyncDuckDB; conn: number } {
    if (!this.#db || this.#conn === null) throw new Error('DuckDB is not open: call open() first');
    return { db: this.#db, conn: this.#conn };
  }

  open(request: DuckDBOpenRequest): Promise<Reply<DuckDBDiagnostics>> {
    return settle(() =>
      this.#serial(async () => {
        if (this.#db) throw new Error('DuckDB is already open in this worker');
        // DuckDB's worker neither reports a missing script nor a missing .wasm
        // to AsyncDuckDB (instantiate() would wait forever): check both here.
        await assertFetchable(request.duckdbWasm, 'DuckDB-WASM could not start');
        const inner = new Worker(request.duckdbWorker);
        const innerFailed = new Promise<never>((_, reject) => {
          inner.addEventListener('error', (event: ErrorEvent) => {
            reject(new Error(`DuckDB-WASM could not start from ${request.duckdbWorker}: ${event.message || 'worker script failed to load'}`));
          }, { once: true });
        });
        const db = new AsyncDuckDB(new VoidLogger(), inner);
        try {
          await Promise.race([db.instantiate(request.duckdbWasm, null), innerFailed]);
        } catch (error) {
          await db.terminate();
          throw error instanceof Error && error.message.startsWith('DuckDB-WASM could not start')
            ? error
            : new Error(`DuckDB-WASM could not start from ${request.duckdbWasm}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        let persistence: DuckDBDiagnostics['persistence'] = { path: ':memory:', persistent: false, reason: null };
        if (request.opfsPath !== undefined) {
          const opfs = opfsSupport();
          if (opfs.available) {
            const path = `opfs://${request.opfsPath.replace(/^\/+/, '')}`;
            await db.open({ path, accessMode: DuckDBAccessMode.READ_WRITE });
            persistence = { path, persistent: true, reason: null };
          } else {
            await db.open({});
            persistence = { path: ':memory:', persistent: false, reason: opfs.reason };
          }
        } else {
          await db.open({});
        }
        this.#db = db;
        this.#conn = await db.connectInternal();
        this.#diagnostics = {
          engine: 'duckdb-wasm',
          packageVersion: PACKAGE_VERSION,
          libraryVersion: await db.getVersion(),
          bundle: 'eh',
          // The eh bundle has no threads, whatever the page's isolation: say which reason applies.
          ...planThreads(1),
          ...(globalThis.crossOriginIsolated === true ? { threadsOffReason: 'the eh bundle is single-threaded (the coi bundle is not used)' } : {}),
          assets: { duckdbWorker: request.duckdbWorker, duckdbWasm: request.duckdbWasm },
          persistence,
        };
        return this.#diagnostics;
      }),
    );
  }

  async #exec(sql: string): Promise<Uint8Array> {
    const { db, conn } = this.#ready();
    const running: Running = { sql, cancelled: false };
    this.#running = running;
    try {
      // A pending query is executed in slices (DuckDB's polling interval), so a
      // cancel() that arrives meanwhile is seen between two polls.
      let header = await db.startPendingQuery(conn, sql, false);
      while (header === null) {
        if (running.cancelled) {
          await db.cancelPendingQuery(conn);
          throw new QueryCancelledError(sql);
        }
        header = await db.pollPendingQuery(conn);
      }
      const parts = [header];
      for (;;) {
        if (running.cancelled) throw new QueryCancelledError(sql);
        const chunk = await db.fetchQueryResults(conn);
        if (chunk === null) continue;
        if (chunk.byteLength === 0) break;
        parts.push(chunk);
      }
      parts.push(IPC_EOS);
      return concat(parts);
    } catch (error) {
      if (error instanceof QueryCancelledError) throw error;
      throw DuckDBQueryError.fromEngine(error, sql);
    } finally {
      this.#running = null;
    }
  }

  // A prepared statement runs in one call (DuckDB-WASM has no pending form of
  // it), so a cancel() that arrives meanwhile rejects it when it returns.
  async #execPrepared(sql: string, params: readonly QueryParam[]): Promise<Uint8Array> {
    const { db, conn } = this.#ready();
    const running: Running = { sql, cancelled: false };
    this.#running = running;
    let statement: number | null = null;
    try {
      statement = await db.createPrepared(conn, sql);
      const bytes = await db.runPrepared(conn, statement, [...params]);
      if (running.cancelled) throw new QueryCancelledError(sql);
      return bytes;
    } catch (error) {
      if (error instanceof QueryCancelledError) throw error;
      throw DuckDBQueryError.fromEngine(error, sql);
    } finally {
      this.#running = null;
      if (statement !== null) await db.closePrepared(conn, statement).catch(() => undefined);
    }
  }

  async #scalar(sql: string): Promise<number> {
    const { db, conn } = this.#ready();
    const bytes = await db.runQuery(conn, sql).catch((e: unknown) => {
      throw DuckDBQueryError.fromEngine(e, sql);
    });
    return Number(tableFromIPC(bytes).getChild('n')?.get(0) ?? 0);
  }

  #count(table: string): Promise<number> {
    return this.#scalar(`SELECT count(*)::DOUBLE AS n FROM ${quoteIdent(table)}`);
  }

  async #exists(table: string): Promise<boolean> {
    const literal = `'${table.replaceAll("'", "''")}'`;
    return (await this.#scalar(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ${literal}`)) > 0;
  }

  async #dropIf(table: string, options: LoadOptions): Promise<void> {
    if (options.replace) await this.#exec(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
  }

  loadArrow(table: string, ipc: Uint8Array, options: LoadOptions): Promise<Reply<number>> {
    return settle(() =>
      this.#serial(async () => {
        const { db, conn } = this.#ready();
        await this.#dropIf(table, options);
        const create = !(await this.#exists(table));
        await db.insertArrowFromIPCStream(conn, ipc, { name: table, schema: 'main', create });
        return this.#count(table);
      }),
    );
  }

  loadCsv(table: string, csv: Uint8Array, options: CsvLoadOptions): Promise<Reply<number>> {
    return settle(() =>
      this.#serial(async () => {
        const { db, conn } = this.#ready();
        await this.#dropIf(table, options);
        const file = `pitboss-load-${crypto.randomUUID()}.csv`;
        await db.registerFileBuffer(file, csv);
        try {
          const create = !(await this.#exists(table));
          await db.insertCSVFromPath(conn, file, {
            name: table,
            schema: 'main',
            create,
            detect: true,
            ...(options.header !== undefined ? { header: options.header } : {}),
            ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
          });
        } finally {
          await db.dropFile(file);
        }
        return this.#count(table);
      }),
    );
  }

  async query(sql: string, params?: readonly QueryParam[]): Promise<Reply<Uint8Array>> {
    return sendBytes(await settle(() => this.#serial(() => (params && params.length > 0 ? this.#execPrepared(sql, params) : this.#exec(sql)))));
  }

  cancel(): Promise<Reply<boolean>> {
    return settle(async () => {
      const running = this.#running;
      if (!running) return false;
      running.cancelled = true;
      return true;
    });
  }

  diagnostics(): Promise<Reply<DuckDBDiagnostics>> {
    return settle(async () => {
      if (!this.#diagnostics) throw new Error('DuckDB is not open: call open() first');
      return this.#diagnostics;
    });
  }

  close(): Promise<Reply<void>> {
    return settle(() =>
      this.#serial(async () => {
        const db = this.#db;
        if (!db) return;
        this.#db = null;
        try {
          if (this.#diagnostics?.persistence.persistent && this.#conn !== null) await db.runQuery(this.#conn, 'CHECKPOINT');
          if (this.#conn !== null) await db.disconnect(this.#conn);
          // Closing the files releases OPFS access handles, so the next worker can open them.
          await db.reset();
          await db.dropFiles();
        } finally {
          this.#conn = null;
          await db.terminate();
        }
      }),
    );
  }
}
