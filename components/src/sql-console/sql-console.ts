import { defineElement, type DefineResult } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import { definePlayerTable } from '../player-table/player-table.js';
import { PbSqlConsole } from './sql-console.component.js';

/** Registers `<pb-sql-console>` (and the `<pb-player-table>` it shows results in); safe to call more than once. */
export function defineSqlConsole(): DefineResult {
  definePlayerTable();
  return defineElement('pb-sql-console', PbSqlConsole, VERSION);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-sql-console': PbSqlConsole;
  }
}
