import { defineElement, type DefineResult } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import { defineRiskGauge } from '../risk-gauge/risk-gauge.js';
import { PbPlayerCard } from './player-card.component.js';

/** Registers `<pb-player-card>` and the `<pb-risk-gauge>` it renders; safe to call more than once. */
export function definePlayerCard(): DefineResult {
  defineRiskGauge();
  return defineElement('pb-player-card', PbPlayerCard, VERSION);
}

declare global {
  interface HTMLElementTagNameMap {
    'pb-player-card': PbPlayerCard;
  }
}
