import { describe, expect, it } from '@pitboss/test/harness';
import { MIN_SLOPE, fitPlatt } from '../src/calibrate.js';
import { sigmoid } from '../src/model.js';

const auc = (scores: number[], labels: number[]): number => {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
  }
  return wins / pairs;
};

describe('fitPlatt', () => {
  it('fits a positive slope on logits that rank positives higher', () => {
    const logits = [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 2, 3];
    const labels = [0, 0, 0, 0, 1, 0, 1, 1, 1, 1];
    const { a } = fitPlatt(logits, labels);
    expect(a).to.be.greaterThan(0.5);
  });

  it('never flips the ranking when validation logits rank positives lower', () => {
    const logits = [-3, -2, -1, 0, 1, 2, 3, 4];
    const labels = [1, 1, 1, 0, 0, 0, 0, 0];
    const { a, b } = fitPlatt(logits, labels);
    expect(a).to.equal(MIN_SLOPE);
    const calibrated = logits.map((x) => sigmoid(a * x + b));
    expect(auc(calibrated, labels)).to.equal(auc(logits, labels));
    // With no usable slope the probabilities sit near the smoothed base rate (3 of 8).
    const mean = calibrated.reduce((s, p) => s + p, 0) / calibrated.length;
    expect(mean).to.be.closeTo(0.375, 0.05);
  });
});
