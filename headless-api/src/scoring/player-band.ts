import type { Band } from '@pitboss/ml';

/**
 * The value written to `players.risk_band` for an ml band. Segments and the
 * marketing guardrail read that column with core's field-registry bands
 * (`low | medium | high | severe`, a CHECK in the shard migration 0002),
 * while ml scores in five bands (`none … very_high`); the full ml band stays
 * in `player_scores.band`. `none` folds into `low` (still the lowest band,
 * not "unscored", which is NULL) and `very_high` is `severe`.
 *
 * @example
 * playerRiskBand('very_high'); // 'severe'
 */
export function playerRiskBand(band: Band): 'low' | 'medium' | 'high' | 'severe' {
  switch (band) {
    case 'none':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    case 'very_high':
      return 'severe';
  }
}
