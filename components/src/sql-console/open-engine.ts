// Loaded with import() by <pb-sql-console> only when it has to open a
// database itself: this module is what pulls in the DuckDB worker client
// (@pitboss/wasm, comlink, apache-arrow), so it must stay out of the
// components bundle's static graph.
import { LocalAnalytics } from '@pitboss/sdk';
import type { SqlConsoleEngine } from './engine.js';

/** Options for the database the console opens on its own (see `openDuckDB`). */
export type ConsoleDuckDBOptions = NonNullable<Parameters<typeof LocalAnalytics.open>[0]>['duckdb'];

/** Opens `LocalAnalytics` (DuckDB-WASM in a worker) for a console that was given no engine. */
export async function openLocalEngine(duckdb: ConsoleDuckDBOptions): Promise<SqlConsoleEngine> {
  return LocalAnalytics.open(duckdb ? { duckdb } : {});
}
