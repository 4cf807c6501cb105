import { RISK_BANDS } from '@pitboss/core';
import type { RiskBand } from '@pitboss/core';

/** Risk bands, lowest first: core's `RISK_BANDS`, which storage and segments use too. */
export const BANDS = RISK_BANDS;
export type Band = RiskBand;

/** Lowest score (0-100, inclusive) of each band above `none`. Strictly increasing. */
export interface BandThresholds {
  readonly low: number;
  readonly medium: number;
  readonly high: number;
  readonly very_high: number;
}

/** Per-tenant scoring settings. */
export interface ScoringConfig {
  readonly thresholds: BandThresholds;
  /** Reasons attached to each score. */
  readonly topReasons: number;
}

/**
 * Defaults for a calibrated probability of harm: a score is the probability
 * in percent, so `high` (≥ 50) means "more likely than not".
 */
export const DEFAULT_BAND_THRESHOLDS: BandThresholds = { low: 10, medium: 25, high: 50, very_high: 75 };
export const DEFAULT_SCORING_CONFIG: ScoringConfig = { thresholds: DEFAULT_BAND_THRESHOLDS, topReasons: 3 };

export class ScoringConfigError extends Error {
  override readonly name = 'ScoringConfigError';
}

/**
 * A tenant's config over the defaults, validated.
 *
 * @example
 * const cfg = scoringConfig({ thresholds: { low: 5, medium: 15, high: 40, very_high: 70 } });
 */
export function scoringConfig(overrides: { thresholds?: Partial<BandThresholds>; topReasons?: number } = {}): ScoringConfig {
  const thresholds = { ...DEFAULT_BAND_THRESHOLDS, ...overrides.thresholds };
  const seq = [0, thresholds.low, thresholds.medium, thresholds.high, thresholds.very_high, 100];
  for (let i = 1; i < seq.length - 1; i++) {
    const v = seq[i]!;
    if (!Number.isFinite(v) || v <= seq[i - 1]! || v > 100) {
      throw new ScoringConfigError(
        `band thresholds must increase strictly within (0, 100]: ${JSON.stringify(thresholds)}`,
      );
    }
  }
  const topReasons = overrides.topReasons ?? DEFAULT_SCORING_CONFIG.topReasons;
  if (!Number.isInteger(topReasons) || topReasons < 0) throw new ScoringConfigError(`topReasons must be a non-negative integer, got ${topReasons}`);
  return { thresholds, topReasons };
}

/**
 * Score 0-100: the calibrated probability in percent, rounded to an integer.
 *
 * @example
 * toScore(0.437); // 44
 */
export function toScore(probability: number): number {
  return Math.min(100, Math.max(0, Math.round(probability * 100)));
}

/**
 * The band a score falls in.
 *
 * @example
 * bandOf(44, DEFAULT_BAND_THRESHOLDS); // 'medium'
 */
export function bandOf(score: number, thresholds: BandThresholds = DEFAULT_BAND_THRESHOLDS): Band {
  if (score >= thresholds.very_high) return 'very_high';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  if (score >= thresholds.low) return 'low';
  return 'none';
}
