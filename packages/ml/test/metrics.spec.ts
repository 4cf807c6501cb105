import { describe, expect, it } from '@pitboss/test/harness';
import {
  DEFAULT_BAND_THRESHOLDS, ScoringConfigError, bandMetrics, bandOf, expectedCalibrationError, prAuc, rocAuc, scoringConfig, toScore,
} from '../src/index.js';

describe('metrics', () => {
  it('ROC-AUC counts ordered pairs, ties as half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).to.equal(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).to.equal(0.5);
    expect(rocAuc([0.9, 0.1], [0, 1])).to.equal(0);
    expect(Number.isNaN(rocAuc([0.1, 0.2], [1, 1]))).to.equal(true);
  });

  it('PR-AUC is average precision', () => {
    // Ranked: 0.8 (1), 0.4 (0), 0.35 (1), 0.1 (0): AP = ½·1 + ½·⅔.
    expect(prAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).to.be.closeTo(0.5 + 1 / 3, 1e-12);
    expect(prAuc([0.2, 0.9], [0, 1])).to.equal(1);
  });

  it('expected calibration error weighs each bin by its rows', () => {
    expect(expectedCalibrationError([0.5, 0.5], [0, 1])).to.equal(0);
    // Bin 0.9-1.0: mean 0.95, observed 0 → 0.95 over 2 of 4 rows; bin 0.1-0.2: mean 0.15, observed 1 → 0.85 over 2 of 4.
    expect(expectedCalibrationError([0.95, 0.95, 0.15, 0.15], [0, 0, 1, 1])).to.be.closeTo(0.9, 1e-12);
  });

  it('band metrics flag a band and everything above it', () => {
    const p = [0.05, 0.12, 0.3, 0.55, 0.9, 0.8];
    const y = [0, 0, 1, 0, 1, 1];
    const t = bandMetrics(p, y, DEFAULT_BAND_THRESHOLDS);
    expect(t.map((b) => b.count)).to.deep.equal([1, 1, 1, 1, 2]);
    const high = t.find((b) => b.band === 'high')!;
    expect(high.precisionAtOrAbove).to.be.closeTo(2 / 3, 1e-12);
    expect(high.recallAtOrAbove).to.be.closeTo(2 / 3, 1e-12);
    expect(t[0]!.recallAtOrAbove).to.equal(1);
  });
});

describe('scores and bands', () => {
  it('maps probabilities to 0-100 and bands by per-tenant thresholds', () => {
    expect(toScore(0.437)).to.equal(44);
    expect(bandOf(9)).to.equal('none');
    expect(bandOf(10)).to.equal('low');
    expect(bandOf(75)).to.equal('very_high');
    const strict = scoringConfig({ thresholds: { low: 5, medium: 15, high: 30, very_high: 60 } });
    expect(bandOf(44, strict.thresholds)).to.equal('high');
    expect(scoringConfig().topReasons).to.equal(3);
  });

  it('rejects thresholds that do not increase', () => {
    expect(() => scoringConfig({ thresholds: { medium: 5 } })).to.throw(ScoringConfigError);
    expect(() => scoringConfig({ thresholds: { very_high: 101 } })).to.throw(ScoringConfigError);
    expect(() => scoringConfig({ topReasons: -1 })).to.throw(ScoringConfigError);
  });
});
