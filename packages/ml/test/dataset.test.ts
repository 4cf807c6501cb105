import { describe, expect, it } from 'vitest';
import { FEATURE_KEYS } from '@pitboss/core';
import { TrainingDataError, datasetFromStoredRows } from '../src/index.js';

const row = (player_id: string, v: number | string | null) => Object.fromEntries([['player_id', player_id], ...FEATURE_KEYS.map((k) => [k, v])]);

describe('datasetFromStoredRows (pitboss train --from db)', () => {
  it('keeps players with features and a label, in player-id order whatever order the shards answered in', () => {
    const rows = [row('p3', '30'), row('p1', 10), row('p2', null), row('p4', 40)];
    const labels = [{ player_id: 'p1', label: 1 }, { player_id: 'p3', label: 0 }, { player_id: 'p2', label: true }, { player_id: 'gone', label: 1 }];
    const a = datasetFromStoredRows(rows, labels, { tenant: 't', target: 'risk' });
    const b = datasetFromStoredRows([...rows].reverse(), [...labels].reverse(), { tenant: 't', target: 'risk' });
    expect(a.matrix.ids).toEqual(['p1', 'p2', 'p3']);
    expect([...a.matrix.labels]).toEqual([1, 1, 0]);
    expect(a.matrix.values[0]).toBe(10);
    expect(Number.isNaN(a.matrix.values[FEATURE_KEYS.length])).toBe(true);
    expect(a.matrix.values[2 * FEATURE_KEYS.length]).toBe(30);
    expect([...b.matrix.values].map(String)).toEqual([...a.matrix.values].map(String));
    expect(a.unlabelled).toBe(1);
    expect(a.labelsWithoutFeatures).toBe(1);
  });

  it('says what is missing', () => {
    expect(() => datasetFromStoredRows([row('p1', 1)], [], { tenant: 'acme', target: 'churn' })).toThrow(TrainingDataError);
    expect(() => datasetFromStoredRows([row('p1', 1)], [], { tenant: 'acme', target: 'churn' })).toThrow(/tenant acme has no churn labels: post outcomes with POST \/v1\/labels/);
    expect(() => datasetFromStoredRows([], [{ player_id: 'p1', label: 1 }], { tenant: 'acme', target: 'risk' })).toThrow(/no stored player features/);
    expect(() => datasetFromStoredRows([row('p1', 1)], [{ player_id: 'p9', label: 1 }], { tenant: 'acme', target: 'risk' })).toThrow(/none of the 1 risk labels/);
    expect(() => datasetFromStoredRows([row('p1', 1)], [{ player_id: 'p1', label: 2 }], { tenant: 'acme', target: 'risk' })).toThrow(/expected 0 or 1/);
  });
});
