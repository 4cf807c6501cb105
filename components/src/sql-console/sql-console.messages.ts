import type { PbLocale } from '../shared/format.js';

/** Interface text of `<pb-sql-console>`. `{name}` placeholders are filled by {@link fill}. */
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

const MESSAGES: Record<PbLocale, SqlConsoleMessages> = {
  en: {
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
  },
  'pt-BR': {
    editor: 'SQL',
    shortcuts: 'Ctrl+Enter executa, Esc cancela, Alt+↑ e Alt+↓ percorrem o histórico',
    run: 'Executar',
    cancel: 'Cancelar',
    history: 'Histórico',
    historyEmpty: 'Nenhuma consulta ainda',
    opening: 'Iniciando o banco de dados…',
    running: 'Executando…',
    done: '{rows} linhas em {ms} ms',
    noRows: 'A consulta não retornou linhas',
    cancelled: 'Consulta cancelada',
    errorAt: 'Linha {line}, coluna {column}',
    errorAtLine: 'Linha {line}',
    error: 'A consulta falhou',
    results: 'Resultados da consulta',
    load: 'Carregar',
    loadTable: 'Exportação a carregar',
    loading: 'Carregando {table}… {received}',
    loaded: '{table} carregada: {rows} linhas',
    loadFailed: 'Não foi possível carregar {table}',
    tables: 'Tabelas',
    rowCount: '{rows} linhas',
    errorLine: 'erro',
  },
  es: {
    editor: 'SQL',
    shortcuts: 'Ctrl+Enter ejecuta, Esc cancela, Alt+↑ y Alt+↓ recorren el historial',
    run: 'Ejecutar',
    cancel: 'Cancelar',
    history: 'Historial',
    historyEmpty: 'Aún no hay consultas',
    opening: 'Iniciando la base de datos…',
    running: 'Ejecutando…',
    done: '{rows} filas en {ms} ms',
    noRows: 'La consulta no devolvió filas',
    cancelled: 'Consulta cancelada',
    errorAt: 'Línea {line}, columna {column}',
    errorAtLine: 'Línea {line}',
    error: 'La consulta falló',
    results: 'Resultados de la consulta',
    load: 'Cargar',
    loadTable: 'Exportación a cargar',
    loading: 'Cargando {table}… {received}',
    loaded: '{table} cargada: {rows} filas',
    loadFailed: 'No se pudo cargar {table}',
    tables: 'Tablas',
    rowCount: '{rows} filas',
    errorLine: 'error',
  },
};

/** The console's interface text for a locale. */
export function sqlConsoleMessages(locale: PbLocale): SqlConsoleMessages {
  return MESSAGES[locale];
}

/** Replaces `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
