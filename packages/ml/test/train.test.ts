import { describe, expect, it } from 'vitest';
import { FEATURES } from '@pitboss/core';
import { FEATURE_INFO, ReferenceModel, TrainingDataError, exportOnnx, rocAuc, splitStratified, trainModel } from '../src/index.js';
import { plantedDataset } from './fixtures.js';

const data = plantedDataset(8000, 11);
const trainedAt = '2026-01-01T00:00:00.000Z';

describe('trainModel', () => {
  for (const kind of ['logistic', 'mlp'] as const) {
    it(`${kind}: identical weights and ONNX bytes for a seed, different for another`, () => {
      const a = trainModel(data, { kind, target: 'risk', seed: 5, trainedAt, epochs: 15 });
      const b = trainModel(data, { kind, target: 'risk', seed: 5, trainedAt, epochs: 15 });
      const c = trainModel(data, { kind, target: 'risk', seed: 6, trainedAt, epochs: 15 });
      expect(JSON.stringify(b.artifact)).toBe(JSON.stringify(a.artifact));
      expect(Buffer.from(exportOnnx(b.artifact, { metrics: b.test })).equals(Buffer.from(exportOnnx(a.artifact, { metrics: a.test })))).toBe(true);
      expect(JSON.stringify(c.artifact.network)).not.toBe(JSON.stringify(a.artifact.network));
    });

    it(`${kind}: learns the planted structure and is calibrated on held-out rows`, () => {
      const t = trainModel(data, { kind, target: 'risk', seed: 1, trainedAt });
      // The best any model can do on the same test rows: rank by the true logit.
      const oracleTest = splitStratified({ names: ['true_logit'], rows: data.rows, values: data.trueLogit, labels: data.labels }, { validation: 0.2, test: 0.2 }, 1).test;
      const oracle = rocAuc(oracleTest.values, oracleTest.labels);
      expect(t.test.rocAuc).toBeGreaterThan(0.8);
      expect(t.test.rocAuc).toBeGreaterThan(oracle - 0.03);
      expect(t.test.prAuc).toBeGreaterThan(2 * (t.test.positives / t.test.rows));
      // Class weights inflate raw probabilities; Platt scaling must bring them back.
      expect(t.test.ece).toBeLessThan(0.03);
      expect(t.testUncalibrated.ece).toBeGreaterThan(t.test.ece);
      expect(t.training.bestEpoch).toBeLessThan(t.training.epochsRun + 1);
      expect(t.data.train + t.data.validation + t.data.test).toBe(data.rows);
    });
  }

  it('uses the slog transform on heavy-tailed money features only', () => {
    const t = trainModel(data, { kind: 'logistic', target: 'risk', seed: 1, trainedAt, epochs: 2 });
    const pre = t.artifact.preprocessing;
    expect(pre.transforms[pre.features.indexOf('deposit_sum_7d')]).toBe('slog');
    expect(pre.transforms[pre.features.indexOf('night_play_share_30d')]).toBe('identity');
  });

  it('refuses labels too rare to fill every split', () => {
    const labels = new Uint8Array(data.rows);
    labels[0] = 1;
    labels[1] = 1;
    expect(() => trainModel({ ...data, labels }, { kind: 'logistic', target: 'risk', seed: 1 })).toThrow(TrainingDataError);
  });

  it('imputes a missing value with the training mean', () => {
    const t = trainModel(data, { kind: 'mlp', target: 'risk', seed: 1, trainedAt, epochs: 2 });
    const m = new ReferenceModel(t.artifact);
    const j = t.artifact.preprocessing.features.indexOf('stake_cv_30d');
    const row = Array.from(data.values.subarray(0, 8));
    row[j] = Number.NaN;
    const atMean = [...row];
    atMean[j] = t.artifact.preprocessing.mean[j]!;
    expect(m.predictValues(row, 1)[0]).toBe(m.predictValues(atMean, 1)[0]);
  });
});

describe('feature catalogue', () => {
  it("agrees with core's feature definitions on UKGC categories and covers every feature", () => {
    for (const f of FEATURES) {
      expect(FEATURE_INFO[f.key]?.category, f.key).toBe(f.ukgc);
      for (const l of ['en', 'pt-BR', 'es'] as const) expect(FEATURE_INFO[f.key]?.label[l], `${f.key} ${l}`).toBeTruthy();
    }
  });
});
