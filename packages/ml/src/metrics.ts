import type { Band, BandThresholds } from './bands.js';
import { BANDS, bandOf, toScore } from './bands.js';

/**
 * Area under the ROC curve (probability that a random positive outranks a
 * random negative; ties count half). NaN when one class is absent.
 *
 * @example
 * rocAuc([0.1, 0.9], [0, 1]); // 1
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]!]) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Area under the precision-recall curve as average precision (the step-wise
 * sum of precision at each recall increase; tied scores enter together).
 *
 * @example
 * prAuc([0.1, 0.9], [0, 1]); // 1
 */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i] ? 1 : 0;
  if (total === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let groupTp = 0;
    while (j < n && scores[idx[j]!] === scores[idx[i]!]) {
      if (labels[idx[j]!]) groupTp++;
      j++;
    }
    tp += groupTp;
    seen += j - i;
    if (groupTp) ap += (groupTp / total) * (tp / seen);
    i = j;
  }
  return ap;
}

/**
 * Expected calibration error over `bins` equal-width probability bins: the
 * row-weighted mean of |mean predicted − observed positive rate|.
 *
 * @example
 * expectedCalibrationError([0.5, 0.5], [0, 1]); // 0
 */
export function expectedCalibrationError(probabilities: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): number {
  const n = probabilities.length;
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    sumP[b] = sumP[b]! + p;
    sumY[b] = sumY[b]! + (labels[i] ? 1 : 0);
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b]) e += Math.abs(sumP[b]! - sumY[b]!);
  return n ? e / n : Number.NaN;
}

/**
 * Mean log loss of probabilities (clipped to [1e-15, 1 − 1e-15]).
 *
 * @example
 * logLoss([0.5], [1]); // 0.693
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]!));
    s -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / probabilities.length;
}

/** One row of the per-band table. */
export interface BandMetrics {
  band: Band;
  /** Rows whose score falls in this band. */
  count: number;
  /** Positive rate inside the band. */
  positiveRate: number;
  /** Flagging every row at this band or above: precision and recall. */
  precisionAtOrAbove: number;
  recallAtOrAbove: number;
}

/**
 * Precision and recall per risk band: "flag everyone in this band or above".
 *
 * @example
 * const table = bandMetrics(probabilities, labels, DEFAULT_BAND_THRESHOLDS);
 */
export function bandMetrics(probabilities: ArrayLike<number>, labels: ArrayLike<number>, thresholds: BandThresholds): BandMetrics[] {
  const level = new Uint8Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) level[i] = BANDS.indexOf(bandOf(toScore(probabilities[i]!), thresholds));
  let totalPos = 0;
  for (let i = 0; i < labels.length; i++) totalPos += labels[i] ? 1 : 0;
  return BANDS.map((band, b) => {
    let count = 0;
    let pos = 0;
    let flagged = 0;
    let tp = 0;
    for (let i = 0; i < level.length; i++) {
      const y = labels[i] ? 1 : 0;
      if (level[i] === b) {
        count++;
        pos += y;
      }
      if (level[i]! >= b) {
        flagged++;
        tp += y;
      }
    }
    return {
      band,
      count,
      positiveRate: count ? pos / count : Number.NaN,
      precisionAtOrAbove: flagged ? tp / flagged : Number.NaN,
      recallAtOrAbove: totalPos ? tp / totalPos : Number.NaN,
    };
  });
}

/** Held-out evaluation of a model. */
export interface Evaluation {
  rows: number;
  positives: number;
  rocAuc: number;
  prAuc: number;
  /** Expected calibration error, 10 equal-width bins. */
  ece: number;
  logLoss: number;
  brier: number;
  bands: BandMetrics[];
}

/**
 * Every metric of the model card on one split.
 *
 * @example
 * const ev = evaluate(probabilities, labels, DEFAULT_BAND_THRESHOLDS);
 */
export function evaluate(probabilities: ArrayLike<number>, labels: ArrayLike<number>, thresholds: BandThresholds): Evaluation {
  let positives = 0;
  let brier = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] ? 1 : 0;
    positives += y;
    brier += (probabilities[i]! - y) ** 2;
  }
  return {
    rows: labels.length,
    positives,
    rocAuc: rocAuc(probabilities, labels),
    prAuc: prAuc(probabilities, labels),
    ece: expectedCalibrationError(probabilities, labels),
    logLoss: logLoss(probabilities, labels),
    brier: labels.length ? brier / labels.length : Number.NaN,
    bands: bandMetrics(probabilities, labels, thresholds),
  };
}
