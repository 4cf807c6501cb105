// What the console needs to know about SQL text without parsing it: how many
// statements it holds and whether it is a query whose result can be kept in a
// table (`CREATE TABLE … AS <query>`). Where an error points is in
// sql-error.ts, which loads with the rest of a run (run-support.ts).

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
