import type { Rng, WeightTable } from './rng.js';
import { weights } from './rng.js';

/**
 * Share of sessions starting in each local hour: quiet overnight, a lunchtime
 * bump and an evening peak at 20:00–22:00, the shape operators' hourly
 * activity reports show for sportsbook and casino alike.
 */
const DAY_HOURS: WeightTable<number> = weights(
  [3, 2, 1.2, 0.8, 0.6, 0.6, 1, 1.5, 2, 2.5, 3, 3.5, 4.5, 4.5, 4, 4, 4.5, 5.5, 7, 8.5, 9.5, 9.5, 8, 5.5].map((w, h) => [h, w] as const),
);
const NIGHT_HOURS: WeightTable<number> = weights([3, 3, 2.5, 2, 1.5, 1].map((w, h) => [h, w] as const));

/**
 * A local time of day in hours (fractional), from the evening-peaked rhythm or,
 * with probability `nightShare`, from 00:00–06:00.
 *
 * @example
 * const h = localHour(rng, 0.3); // 0 <= h < 24
 */
export function localHour(rng: Rng, nightShare: number): number {
  const table = nightShare > 0 && rng.chance(nightShare) ? NIGHT_HOURS : DAY_HOURS;
  return rng.weighted(table) + rng.float();
}
