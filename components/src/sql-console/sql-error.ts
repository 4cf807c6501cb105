// Where in the editor's text a DuckDB error points (line, column, offset),
// and the mark the console draws there. Needed only once a statement has
// failed, so it loads with the rest of a run (run-support.ts), not with the
// console's element.
import { html, type TemplateResult } from 'lit';
import type { SqlLocation } from './sql-text.js';

/** Line and column (1-based) of a 0-based character offset. */
export function locate(sql: string, offset: number): SqlLocation {
  const at = Math.max(0, Math.min(offset, sql.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1, offset: at };
}

/** The parts of a DuckDB error the console reads (`DuckDBQueryError` has them; any `Error` will do). */
export interface DuckDBErrorLike {
  message?: unknown;
  details?: Readonly<Record<string, string>>;
}

/** What {@link describeSqlError} makes of a DuckDB error. */
export interface SqlErrorInfo {
  /** DuckDB's message without its `LINE n:` excerpt (the editor marks the place instead). */
  message: string;
  /** Where the error points in the editor's text, when DuckDB said. */
  location: SqlLocation | null;
}

/**
 * Reads where a DuckDB error points. DuckDB gives a byte `position` into the
 * statement it ran (in `details`, from DuckDB-WASM's JSON error) and often a
 * `LINE n:` excerpt with a caret in the message. `sent` is the statement as
 * sent, `prefix` the text the console put before the user's SQL (its
 * `CREATE TEMP TABLE … AS` wrapper), which is taken off again.
 *
 * @example
 * describeSqlError({ message: 'Parser Error: syntax error at or near "FRM"', details: { position: '12' } }, 'SELECT 1,\n  2 FRM x', 'SELECT 1,\n  2 FRM x', '');
 * // { message: 'Parser Error: syntax error at or near "FRM"', location: { line: 2, column: 5, offset: 12 } }
 */
export function describeSqlError(error: unknown, sql: string, sent: string, prefix: string): SqlErrorInfo {
  const e = (error && typeof error === 'object' ? error : {}) as DuckDBErrorLike;
  const raw = typeof e.message === 'string' ? e.message : String(error);
  const excerpt = /\n*LINE (\d+): [^\n]*(?:\n[ \t]*\^[^\n]*)?/.exec(raw);
  const message = (excerpt ? raw.slice(0, excerpt.index) + raw.slice(excerpt.index + excerpt[0].length) : raw).trim();
  const position = e.details?.position;
  if (position !== undefined && /^\d+$/.test(position)) {
    // DuckDB counts bytes of UTF-8; the editor counts UTF-16 code units.
    const bytes = new TextEncoder().encode(sent).subarray(0, Number(position));
    const offset = new TextDecoder().decode(bytes).length - prefix.length;
    if (offset >= 0 && offset <= sql.length) return { message, location: locate(sql, offset) };
  }
  if (excerpt) {
    const line = Number(excerpt[1]) - (prefix.match(/\n/g)?.length ?? 0);
    const lines = sql.split('\n');
    if (line >= 1 && line <= lines.length) {
      let offset = 0;
      for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
      return { message, location: locate(sql, offset + excerptColumn(excerpt[0], lines[line - 1]!)) };
    }
  }
  return { message, location: null };
}

/**
 * The 0-based column the caret of a `LINE n: …` excerpt points at in the
 * full line. DuckDB shortens long lines around the error with `...`, so the
 * excerpt is found in the line first; 0 when it cannot be placed.
 */
function excerptColumn(excerpt: string, line: string): number {
  const m = /(LINE \d+: )([^\n]*)\n([ \t]*)\^/.exec(excerpt);
  if (!m) return 0;
  const shown = m[2]!;
  const caret = m[3]!.length - m[1]!.length;
  const lead = shown.startsWith('...') ? 3 : 0;
  const core = shown.slice(lead).replace(/\.\.\.$/, '');
  const at = line.indexOf(core);
  if (at < 0 || caret < lead) return 0;
  return Math.min(line.length, at + caret - lead);
}

/** The layer behind the editor that marks the line and token an error points at. */
export function errorBackdrop(lines: readonly string[], loc: SqlLocation): TemplateResult {
  const text = lines[loc.line - 1] ?? '';
  const at = Math.min(loc.column - 1, text.length);
  const token = /^[^\s,;()]+/.exec(text.slice(at))?.[0] ?? (text[at] ?? ' ');
  // Only the error line carries text (transparent, for the mark's position); the lines above are empty boxes.
  return html`<div class="backdrop" aria-hidden="true">
    <div class="backdrop-lines">
      ${lines.slice(0, loc.line - 1).map(() => html`<div></div>`)}
      <div class="err" part="error-line">${text.slice(0, at)}<mark part="error-mark">${token}</mark>${text.slice(at + token.length)}</div>
    </div>
  </div>`;
}
