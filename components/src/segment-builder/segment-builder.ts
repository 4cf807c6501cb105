import { defineElement, type DefineResult } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import { PbSegmentBuilder } from './segment-builder.component.js';

/** Registers `<pb-segment-builder>`; safe to call more than once, and next to another copy of the library. */
export function defineSegmentBuilder(): DefineResult {
  return defineElement('pb-segment-builder', PbSegmentBuilder, VERSION);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-segment-builder': PbSegmentBuilder;
  }
}
