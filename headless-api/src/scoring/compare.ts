import { rocAuc } from '@pitboss/ml';

/** Score distribution of one model version over the players it scored (latest score each). */
export interface Distribution {
  players: number;
  mean: number | null;
  /** Score quantiles (0-100): p10, p25, p50, p75, p90, p99. */
  quantiles: Record<'p10' | 'p25' | 'p50' | 'p75' | 'p90' | 'p99', number> | null;
  /** Counts of scores in [0,10), [10,20), … [90,100]. */
  histogram: { from: number; to: number; count: number }[];
  /** Labelled players among them, positives, and ROC-AUC of the probability against the label (null without both classes). */
  labelled: number;
  positives: number;
  auc: number | null;
}

/**
 * Summarises scores (and labels, where posted) of one version.
 *
 * @example
 * const d = distribution([{ probability: 0.2, score: 20, label: 1 }]);
 */
export function distribution(rows: readonly { probability: number; score: number; label: number | null }[]): Distribution {
  const histogram = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 10, count: 0 }));
  const scores = rows.map((r) => r.score).sort((a, b) => a - b);
  for (const s of scores) histogram[Math.min(9, Math.floor(s / 10))]!.count++;
  // Nearest-rank quantiles: every value is a score that some player actually has.
  const q = (p: number) => scores[Math.min(scores.length - 1, Math.max(0, Math.ceil(p * scores.length) - 1))]!;
  const labelled = rows.filter((r) => r.label !== null);
  const positives = labelled.filter((r) => r.label === 1).length;
  const auc = positives > 0 && positives < labelled.length ? rocAuc(labelled.map((r) => r.probability), labelled.map((r) => r.label!)) : null;
  return {
    players: rows.length,
    mean: rows.length ? scores.reduce((a, b) => a + b, 0) / rows.length : null,
    quantiles: rows.length ? { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), p99: q(0.99) } : null,
    histogram,
    labelled: labelled.length,
    positives,
    auc,
  };
}
