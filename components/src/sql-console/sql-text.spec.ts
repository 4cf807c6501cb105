import { describe, expect, it } from '@pitboss/test/harness';
import { describeSqlError, locate } from './sql-error.js';
import { isBlankSql } from './sql-blank.js';
import { isSingleQuery, scanSql } from './sql-text.js';

describe('scanSql / isSingleQuery', () => {
  it('counts statements outside strings, quoted names and comments', () => {
    expect(scanSql("SELECT ';' AS a, \"x;y\" -- ;\n/* ; */ FROM t;").statements).to.equal(1);
    expect(scanSql('SELECT 1; SELECT 2;;').statements).to.equal(2);
    expect(scanSql('  -- nothing\n ; ').statements).to.equal(0);
    expect(scanSql("SELECT 'it''s;'").statements).to.equal(1);
  });

  it('reads the first keyword and drops a trailing semicolon and comment', () => {
    expect(scanSql('-- top\n  with x as (select 1) select * from x; -- end')).to.deep.equal({
      statements: 1,
      keyword: 'WITH',
      body: '-- top\n  with x as (select 1) select * from x',
    });
  });

  it('keeps queries, not DDL, DML, PRAGMA or several statements', () => {
    for (const q of ['SELECT 1', 'from players', 'VALUES (1)', '(SELECT 1) UNION ALL (SELECT 2)', 'WITH a AS (SELECT 1) SELECT * FROM a;', 'PIVOT t ON a USING sum(b)']) {
      expect(isSingleQuery(q), q).to.equal(true);
    }
    for (const q of ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (1)', 'PRAGMA version', 'DESCRIBE t', 'SELECT 1; SELECT 2', '', '-- only a comment']) {
      expect(isSingleQuery(q), q).to.equal(false);
    }
  });
});

describe('isBlankSql', () => {
  it('says what scanSql says about holding no statement', () => {
    const cases = [
      '', '   ', ';', ' ;; \n ;', '-- only a comment', '-- a\n-- b\n;', '/* block */', '/* unclosed', '/* a */ ; -- b',
      '-- ----------\n', 'SELECT 1', ' x', "''", '""', "'--'", '"/*"', '/* a */ x */', '-- a\nb', '/* a */b', '-;', '/', '*/',
      '-- ' + '-'.repeat(5000) + '\nX', '/*' + ' '.repeat(5000) + '*/X', '-- a'.repeat(2000) + '\nX',
    ];
    for (const q of cases) expect(isBlankSql(q), JSON.stringify(q.slice(0, 40))).to.equal(scanSql(q).statements === 0);
  });
});

describe('locate / describeSqlError', () => {
  it('maps offsets to 1-based lines and columns', () => {
    expect(locate('ab\ncd', 0)).to.deep.equal({ line: 1, column: 1, offset: 0 });
    expect(locate('ab\ncd', 4)).to.deep.equal({ line: 2, column: 2, offset: 4 });
    expect(locate('ab', 99)).to.deep.equal({ line: 1, column: 3, offset: 2 });
  });

  it('takes DuckDB byte positions off the wrapper and counts UTF-8 as characters', () => {
    const prefix = 'CREATE OR REPLACE TEMP TABLE r AS\n';
    const sql = "SELECT 'ção',\n  2 FRM x";
    const sent = prefix + sql;
    const bytePosition = new TextEncoder().encode(sent.slice(0, sent.indexOf('x'))).length;
    const error = { message: 'Parser Error: syntax error at or near "x"\n\nLINE 3:   2 FRM x\n                ^', details: { position: String(bytePosition) } };
    expect(describeSqlError(error, sql, sent, prefix)).to.deep.equal({
      message: 'Parser Error: syntax error at or near "x"',
      location: { line: 2, column: 9, offset: sql.indexOf('x') },
    });
  });

  it('falls back to the LINE excerpt and its caret, also when DuckDB shortened the line', () => {
    const prefix = 'CREATE OR REPLACE TEMP TABLE r AS\n';
    const sql = 'SELECT a\nFROM t\nORDER BY nme';
    const error = new Error('Binder Error: Referenced column "nme" not found in FROM clause!\nCandidate bindings: "a"\n\nLINE 4: ORDER BY nme\n                 ^');
    expect(describeSqlError(error, sql, prefix + sql, prefix)).to.deep.equal({
      message: 'Binder Error: Referenced column "nme" not found in FROM clause!\nCandidate bindings: "a"',
      location: { line: 3, column: 10, offset: sql.indexOf('nme') },
    });
    const long = `SELECT ${'x, '.repeat(40)}nme FROM t`;
    const shortened = new Error(`Binder Error: no nme\n\nLINE 1: ...x, x, nme FROM t\n${' '.repeat('LINE 1: ...x, x, '.length)}^`);
    expect(describeSqlError(shortened, long, long, '').location).to.deep.equal(locate(long, long.indexOf('nme')));
  });

  it('gives the message alone when DuckDB names no place', () => {
    expect(describeSqlError(new Error('Catalog Error: Type with name VARCHR2 does not exist!'), 'x', 'x', '')).to.deep.equal({
      message: 'Catalog Error: Type with name VARCHR2 does not exist!',
      location: null,
    });
  });
});
