import { defineElement, type DefineResult } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import { PbRiskGauge } from './risk-gauge.component.js';

/** Registers `<pb-risk-gauge>`; safe to call more than once, and next to another copy of the library. */
export function defineRiskGauge(): DefineResult {
  return defineElement('pb-risk-gauge', PbRiskGauge, VERSION);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-risk-gauge': PbRiskGauge;
  }
}
