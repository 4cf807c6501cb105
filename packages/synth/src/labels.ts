/**
 * Ground truth written beside the events, never inside them. Definitions
 * (also in the package README):
 *
 * - `cohort`: the trajectory the generator planted for the player.
 * - `at_risk`: `cohort === 'at_risk'`. From `risk_onset_at` on, the player's
 *   behaviour drifts along the `risk_markers` planted for them, ramping up
 *   over one to four weeks.
 * - `churned`: observed, not planted. With `churn_cutoff_at = end − 30 days`,
 *   `true` when the player had wagering or deposit activity (a `bet.placed`, a
 *   `casino.round`, or a deposit `payment` of any status) before the cutoff and
 *   none in `[cutoff, end)`; `false` when they had some in both; `null` when
 *   they had none before the cutoff, or the range is 30 days or shorter.
 */
export const COHORTS = ['ordinary', 'at_risk', 'churner', 'bonus_hunter'] as const;
export type Cohort = (typeof COHORTS)[number];

/** Planted shares of each cohort (they sum to 1). */
export const COHORT_SHARES: Readonly<Record<Cohort, number>> = {
  ordinary: 0.72,
  churner: 0.15,
  at_risk: 0.07,
  bonus_hunter: 0.06,
};

export const RISK_MARKERS = [
  'deposit_escalation',
  'chasing_losses',
  'cancelled_withdrawals',
  'night_play',
  'limit_increases',
  'failed_deposits',
] as const;
export type RiskMarker = (typeof RISK_MARKERS)[number];

/** One line of the labels stream. */
export interface PlayerLabel {
  player_id: string;
  cohort: Cohort;
  at_risk: boolean;
  /** Start of the at-risk trajectory; null for other cohorts. */
  risk_onset_at: string | null;
  /** Signals planted for this at-risk player (a random subset, at least two). */
  risk_markers: RiskMarker[];
  registered_at: string;
  country: string;
  currency: string;
  churn_cutoff_at: string | null;
  churned: boolean | null;
}
