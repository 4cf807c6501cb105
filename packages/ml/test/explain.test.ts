import { describe, expect, it } from 'vitest';
import { Explainer, LOCALES, UKGC_CATEGORIES, reasonText, scoringConfig, trainModel } from '../src/index.js';
import { plantedDataset } from './fixtures.js';

const data = plantedDataset(6000, 21);
const trainedAt = '2026-01-01T00:00:00.000Z';
const f = data.names.length;

describe('explanations', () => {
  it('logistic: contributions are exact and add up to logit(x) − logit(baseline)', () => {
    const t = trainModel(data, { kind: 'logistic', target: 'risk', seed: 3, trainedAt });
    const ex = new Explainer(t.artifact);
    for (let r = 0; r < 300; r++) {
      const s = ex.explain(data.values.subarray(r * f, r * f + f));
      const sum = s.contributions.reduce((a, c) => a + c.contribution, 0);
      expect(Math.abs(sum - (s.logit - s.baselineLogit))).toBeLessThan(1e-9);
      expect(s.method).toBe('exact-linear');
    }
  });

  it('MLP: integrated gradients are complete within 1e-3 logit', () => {
    const t = trainModel(data, { kind: 'mlp', target: 'risk', seed: 3, trainedAt });
    const ex = new Explainer(t.artifact);
    let worst = 0;
    for (let r = 0; r < 300; r++) {
      const s = ex.explain(data.values.subarray(r * f, r * f + f));
      const sum = s.contributions.reduce((a, c) => a + c.contribution, 0);
      worst = Math.max(worst, Math.abs(sum - (s.logit - s.baselineLogit)));
      expect(s.method).toBe('integrated-gradients');
    }
    expect(worst).toBeLessThan(1e-3);
    // Too few steps must visibly break completeness, or the test above proves nothing.
    const z = ex.model.standardize(data.values.subarray(0, f));
    const coarse = ex.contributions(z, 1).reduce((a, b) => a + b, 0);
    const fine = ex.contributions(z).reduce((a, b) => a + b, 0);
    expect(Math.abs(coarse - fine)).toBeGreaterThan(worst);
  });

  it('top reasons raise the score, carry a UKGC category and texts in en, pt-BR and es', () => {
    const t = trainModel(data, { kind: 'logistic', target: 'risk', seed: 3, trainedAt });
    const ex = new Explainer(t.artifact);
    // A player with every planted risk signal far above the norm.
    const row = [200000, 0.8, 4, 25, 0.6, 300, 3, 30];
    const s = ex.explain(row, scoringConfig({ topReasons: 3 }));
    expect(s.band).toBe('very_high');
    expect(s.score).toBeGreaterThanOrEqual(75);
    expect(s.reasons).toHaveLength(3);
    for (const r of s.reasons) {
      expect(r.contribution).toBeGreaterThan(0);
      expect(UKGC_CATEGORIES).toContain(r.category);
      for (const l of LOCALES) expect(r.text[l]).toMatch(/\S+: \S+/);
    }
    const names = s.reasons.map((r) => r.feature);
    expect(names).toContain('cancelled_withdrawals_30d');
    const cw = s.reasons.find((r) => r.feature === 'cancelled_withdrawals_30d')!;
    expect(cw.category).toBe('patterns_of_spend');
    expect(cw.text).toEqual({
      en: 'Cancelled withdrawals: higher than usual',
      'pt-BR': 'Saques cancelados: acima do habitual',
      es: 'Retiradas canceladas: por encima de lo habitual',
    });
    const sorted = [...s.reasons].sort((a, b) => b.contribution - a.contribution);
    expect(s.reasons).toEqual(sorted);
  });

  it('falls back to the feature key for features without a label', () => {
    expect(reasonText('mystery_feature', 'below').en).toBe('mystery_feature: lower than usual');
  });
});
