import type { SimulationRange, SyntheticPlayer } from './player.js';
import { DAY, simulatePlayer } from './player.js';

/** The default start of the range: fixed, so that output is reproducible. */
export const DEFAULT_START = '2026-01-01';
const LATEST_START_MS = Date.UTC(9000, 0, 1);

export interface GenerateOptions {
  /** How many players (≥ 1). */
  players: number;
  /** Length of the range in days (1 to 3650). */
  days: number;
  /** A non-negative safe integer; the same seed gives the same output everywhere. */
  seed: number;
  /** Start of the range: `YYYY-MM-DD` (UTC midnight), an ISO 8601 timestamp, or a Date. Default `DEFAULT_START`. */
  start?: string | Date;
  /** Index of the first player to generate, to produce one slice of a larger run. Default 0. */
  firstPlayer?: number;
}

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Resolves a start and a length in days into the run's time range.
 *
 * @example
 * rangeOf('2026-01-01', 90).cutoffMs; // Date.parse('2026-03-02T00:00:00Z'): 30 days before the end
 */
export function rangeOf(start: string | Date, days: number): SimulationRange {
  checkInt('days', days, 1, 3650);
  const startMs = start instanceof Date ? start.getTime() : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(start) ? `${start}T00:00:00Z` : start);
  if (!Number.isFinite(startMs)) throw new RangeError(`start must be a date (YYYY-MM-DD) or an ISO 8601 timestamp, got ${String(start)}`);
  if (startMs < 0 || startMs > LATEST_START_MS) throw new RangeError(`start must lie between 1970-01-01 and 9000-01-01, got ${String(start)}`);
  const endMs = startMs + days * DAY;
  return { startMs, endMs, days, cutoffMs: days > 30 ? endMs - 30 * DAY : null };
}

/**
 * Generates players one at a time, each with its chronological events and its
 * ground-truth label. Lazy: memory holds one player, so callers can stream
 * millions. Pure: no I/O and no clock, runs in browsers and workers too.
 *
 * @example
 * for (const p of generate({ players: 1000, days: 90, seed: 7 })) {
 *   for (const e of p.events) send(e);
 *   labels.push(p.label);
 * }
 */
export function* generate(options: GenerateOptions): Generator<SyntheticPlayer, void, undefined> {
  const { players, seed, firstPlayer } = checkOptions(options);
  const range = rangeOf(options.start ?? DEFAULT_START, options.days);
  for (let i = firstPlayer; i < firstPlayer + players; i++) yield simulatePlayer(seed, i, range);
}

/**
 * Validates options and fills defaults; throws a RangeError naming the bad option.
 *
 * @example
 * checkOptions({ players: 10, days: 30, seed: 1 }).start; // '2026-01-01'
 */
export function checkOptions(options: GenerateOptions): Required<GenerateOptions> {
  const { players, days, seed, start = DEFAULT_START, firstPlayer = 0 } = options;
  checkInt('players', players, 1, 1e9);
  checkInt('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  checkInt('firstPlayer', firstPlayer, 0, 1e9);
  rangeOf(start, days);
  return { players, days, seed, start, firstPlayer };
}
