import { defineElement, type DefineResult } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import { PbPlayerTable } from './player-table.component.js';

/** Registers `<pb-player-table>`; safe to call more than once, and next to another copy of the library. */
export function definePlayerTable(): DefineResult {
  return defineElement('pb-player-table', PbPlayerTable, VERSION);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-player-table': PbPlayerTable;
  }
}
