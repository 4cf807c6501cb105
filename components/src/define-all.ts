import type { DefineResult } from './shared/define.js';
import { definePlayerCard } from './player-card/player-card.js';
import { definePlayerTable } from './player-table/player-table.js';
import { defineRiskGauge } from './risk-gauge/risk-gauge.js';
import { defineSegmentBuilder } from './segment-builder/segment-builder.js';
import { defineSqlConsole } from './sql-console/sql-console.js';

/** The tags this package defines. */
export const TAGS = ['pb-player-table', 'pb-segment-builder', 'pb-risk-gauge', 'pb-player-card', 'pb-sql-console'] as const;
export type PbTag = (typeof TAGS)[number];

/**
 * Registers every component of this package. Each one is skipped when its tag
 * is already defined (by this copy or another copy of the library on the
 * page); the result says what happened per tag.
 *
 * @example
 * import { defineAll } from '@pitboss/components';
 * const result = defineAll();
 * result['pb-player-table']; // 'defined' the first time, 'already-defined' after
 */
export function defineAll(): Record<PbTag, DefineResult> {
  return {
    'pb-player-table': definePlayerTable(),
    'pb-segment-builder': defineSegmentBuilder(),
    'pb-risk-gauge': defineRiskGauge(),
    'pb-player-card': definePlayerCard(),
    'pb-sql-console': defineSqlConsole(),
  };
}
