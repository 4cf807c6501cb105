import type { LabelledMatrix } from '../src/matrix.js';
import { Rng } from '../src/random.js';
import { sigmoid } from '../src/model.js';

/** Feature names of the planted dataset (core's keys, so reasons have texts). */
export const PLANTED_FEATURES = [
  'deposit_sum_7d', 'night_play_share_30d', 'cancelled_withdrawals_30d', 'active_days_30d',
  'stake_cv_30d', 'tenure_days', 'limit_increases_90d', 'session_mean_minutes_30d',
] as const;

function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

/**
 * Players with a known risk structure: risk rises with log deposits, night
 * play, cancelled withdrawals and limit increases, and with the interaction
 * night × cancelled withdrawals (which only the MLP can represent);
 * tenure and session length are noise. `stake_cv_30d` is missing for ~10%.
 */
export function plantedDataset(rows: number, seed: number): LabelledMatrix & { trueLogit: Float64Array } {
  const rng = new Rng(seed);
  const f = PLANTED_FEATURES.length;
  const values = new Float64Array(rows * f);
  const labels = new Uint8Array(rows);
  const trueLogit = new Float64Array(rows);
  const ids: string[] = [];
  for (let r = 0; r < rows; r++) {
    const dep = Math.round(Math.exp(7 + 1.5 * rng.normal()));
    const night = Math.min(1, Math.max(0, 0.15 + 0.15 * rng.normal()));
    const cancelled = poisson(rng, 0.4);
    const active = Math.min(30, Math.max(0, Math.round(8 + 6 * rng.normal())));
    const cv = rng.next() < 0.1 ? Number.NaN : Math.abs(0.6 + 0.3 * rng.normal());
    const tenure = Math.round(rng.next() * 1500);
    const limits = poisson(rng, 0.2);
    const session = Math.max(1, 25 + 15 * rng.normal());
    const logit = -4 + 0.7 * (Math.log1p(dep) - 7) + 5 * (night - 0.15) + 0.8 * cancelled + 1.0 * limits + 3 * night * cancelled + 0.05 * (active - 8);
    trueLogit[r] = logit;
    labels[r] = rng.next() < sigmoid(logit) ? 1 : 0;
    values.set([dep, night, cancelled, active, cv, tenure, limits, session], r * f);
    ids.push(`p${r}`);
  }
  return { names: [...PLANTED_FEATURES], rows, values, labels, ids, trueLogit };
}
