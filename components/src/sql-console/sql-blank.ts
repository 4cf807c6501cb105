// Whether SQL text holds no statement: only whitespace, `;` and comments (`--` to
// the end of the line, `/* … */`, an unclosed one to the end). `run()` checks this
// before anything loads; the statement scanner (sql-text.ts) that says the same
// (`scanSql(sql).statements === 0`, pinned by sql-text.spec.ts) loads with the run
// machinery.
// Each alternative matches in one way only (a line comment runs to its line break, a block
// comment stops at its first `*/`), so a long non-blank text fails in linear time.
const BLANK = /^(?:\s|;|--[^\n]*(?:\n|$)|\/\*(?:[^*]|\*(?!\/))*(?:\*\/|$))*$/;

export function isBlankSql(sql: string): boolean {
  return BLANK.test(sql);
}
