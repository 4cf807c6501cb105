// What the console needs to know about SQL text without parsing it: how many
// statements it holds, whether it is a query whose result can be kept in a
// table (`CREATE TABLE … AS <query>`), and where in it an error points.

/** What {@link scanSql} found. */
export interface SqlScan {
  /** Statements separated by `;` outside strings, quoted identifiers and comments (empty ones not counted). */
  statements: number;
  /** First keyword of the first statement, upper case (`SELECT`, `WITH`, `CREATE`, …); `''` when there is none. */
  keyword: string;
  /** The text with trailing `;`, whitespace and comments removed. */
  body: string;
}

// Statements DuckDB accepts after `CREATE TABLE … AS`.
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'PIVOT', 'UNPIVOT']);

/**
 * Splits SQL into statements at top-level semicolons (strings `'…'`, quoted
 * identifiers `"…"`, `--` and block comments are skipped) and reads the first
 * keyword.
 *
 * @example
 * scanSql('-- top\nSELECT 1;'); // { statements: 1, keyword: 'SELECT', body: '-- top\nSELECT 1' }
 */
export function scanSql(sql: string): SqlScan {
  let statements = 0;
  let keyword = '';
  let word = '';
  let sawCode = false;
  // End of the last significant (non-comment, non-space, non-`;`) character.
  let lastCode = 0;
  const finishWord = (): void => {
    if (word && !keyword && statements === 0) keyword = word.toUpperCase();
    word = '';
  };
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      finishWord();
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
      continue;
    }
    if (ch === '/' && next === '*') {
      finishWord();
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 1;
      continue;
    }
    if (ch === "'" || ch === '"') {
      finishWord();
      sawCode = true;
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j++;
          else break;
        }
      }
      i = Math.min(j, sql.length - 1);
      lastCode = i + 1;
      continue;
    }
    if (ch === ';') {
      finishWord();
      if (sawCode) statements++;
      sawCode = false;
      continue;
    }
    if (/\s/.test(ch)) {
      finishWord();
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) word += ch;
    else finishWord();
    sawCode = true;
    lastCode = i + 1;
  }
  finishWord();
  if (sawCode) statements++;
  return { statements, keyword, body: sql.slice(0, lastCode) };
}

/**
 * Whether `sql` is one query whose rows can be kept with `CREATE TABLE … AS`
 * (so a large result is windowed instead of fetched whole).
 *
 * @example
 * isSingleQuery('WITH t AS (SELECT 1) SELECT * FROM t;'); // true
 * isSingleQuery('CREATE TABLE x (a INT)');                 // false
 */
export function isSingleQuery(sql: string): boolean {
  const scan = scanSql(sql);
  // `(SELECT …) UNION …` starts with a parenthesis; the keyword is the first word inside it.
  return scan.statements === 1 && QUERY_KEYWORDS.has(scan.keyword);
}

/** A place in the editor, 1-based. */
export interface SqlLocation {
  line: number;
  column: number;
  /** 0-based character offset into the SQL. */
  offset: number;
}

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
