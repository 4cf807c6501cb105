import type { PbLocale } from '../shared/format.js';
import { localeTables } from '../shared/locales.js';

/** Interface text of `<pb-sql-console>`. `{name}` placeholders are filled by `fill` (shared/messages.ts). */
export interface SqlConsoleMessages {
  /** Accessible name of the editor. */
  editor: string;
  /** Hint under the editor naming the shortcuts. */
  shortcuts: string;
  run: string;
  cancel: string;
  history: string;
  historyEmpty: string;
  opening: string;
  running: string;
  /** `{rows}` formatted row count, `{ms}` milliseconds. */
  done: string;
  noRows: string;
  cancelled: string;
  /** `{line}`, `{column}`. */
  errorAt: string;
  /** `{line}`. */
  errorAtLine: string;
  /** Prefix of the error message without a place. */
  error: string;
  results: string;
  load: string;
  loadTable: string;
  /** `{table}`, `{received}` bytes so far (formatted). */
  loading: string;
  /** `{table}`, `{rows}`. */
  loaded: string;
  /** `{table}`. */
  loadFailed: string;
  tables: string;
  /** `{rows}` formatted row count. */
  rowCount: string;
  /** Marks the line number of the line an error points at, for screen readers. */
  errorLine: string;
}

const EN: SqlConsoleMessages = {
  editor: 'SQL',
  shortcuts: 'Ctrl+Enter runs, Escape cancels, Alt+Up and Alt+Down walk the history',
  run: 'Run',
  cancel: 'Cancel',
  history: 'History',
  historyEmpty: 'No queries yet',
  opening: 'Starting the database…',
  running: 'Running…',
  done: '{rows} rows in {ms} ms',
  noRows: 'The query returned no rows',
  cancelled: 'Query cancelled',
  errorAt: 'Line {line}, column {column}',
  errorAtLine: 'Line {line}',
  error: 'Query failed',
  results: 'Query results',
  load: 'Load',
  loadTable: 'Export to load',
  loading: 'Loading {table}… {received}',
  loaded: 'Loaded {table}: {rows} rows',
  loadFailed: 'Could not load {table}',
  tables: 'Tables',
  rowCount: '{rows} rows',
  errorLine: 'error',
};

/** The console's interface text for a locale: English until `loadLocale(locale)` has loaded `pt-BR` or `es` (the component does so itself). */
export function sqlConsoleMessages(locale: PbLocale): SqlConsoleMessages {
  return localeTables(locale)?.sqlConsole ?? EN;
}

