import { describe, expect, it } from '@pitboss/test/harness';
import { FeatureMatrixError, matrixFromRows, splitStratified, withLabels } from '../src/index.js';
import type { LabelledMatrix } from '../src/index.js';

describe('feature matrices', () => {
  it('reads DuckDB and Postgres row shapes: numbers, bigint, numeric strings, NULL', () => {
    const rows = [
      { player_id: 'a', deposit_count_7d: 3n, net_loss_30d: '125000', stake_cv_30d: 0.5 },
      { player_id: 'b', deposit_count_7d: 0, net_loss_30d: null, stake_cv_30d: undefined },
    ];
    const m = matrixFromRows(rows, ['deposit_count_7d', 'net_loss_30d', 'stake_cv_30d'], 'player_id');
    expect(m.rows).to.equal(2);
    expect(Array.from(m.values.subarray(0, 3))).to.deep.equal([3, 125000, 0.5]);
    expect(m.values[3]).to.equal(0);
    expect(Number.isNaN(m.values[4])).to.equal(true);
    expect(Number.isNaN(m.values[5])).to.equal(true);
    expect(m.ids).to.deep.equal(['a', 'b']);
    expect(() => matrixFromRows([{ x: 'abc' }], ['x'])).to.throw(FeatureMatrixError, /not numeric/);
  });

  it('joins labels by player id and drops unlabelled rows', () => {
    const m = matrixFromRows([{ id: 'a', x: 1 }, { id: 'b', x: 2 }, { id: 'c', x: 3 }], ['x'], 'id');
    const lm = withLabels(m, new Map<string, boolean>([['c', true], ['a', false]]));
    expect(lm.ids).to.deep.equal(['a', 'c']);
    expect(Array.from(lm.labels)).to.deep.equal([0, 1]);
    expect(Array.from(lm.values)).to.deep.equal([1, 3]);
  });

  it('splits stratified and the same way for a seed', () => {
    const n = 1000;
    const m: LabelledMatrix = {
      names: ['x'],
      rows: n,
      values: Float64Array.from({ length: n }, (_, i) => i),
      labels: Uint8Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0)),
    };
    const a = splitStratified(m, { validation: 0.2, test: 0.2 }, 3);
    const b = splitStratified(m, { validation: 0.2, test: 0.2 }, 3);
    const c = splitStratified(m, { validation: 0.2, test: 0.2 }, 4);
    const pos = (x: LabelledMatrix): number => x.labels.reduce((s, y) => s + y, 0);
    expect([a.train.rows, a.validation.rows, a.test.rows]).to.deep.equal([600, 200, 200]);
    expect([pos(a.train), pos(a.validation), pos(a.test)]).to.deep.equal([60, 20, 20]);
    expect(Array.from(b.test.values)).to.deep.equal(Array.from(a.test.values));
    expect(Array.from(c.test.values)).to.not.deep.equal(Array.from(a.test.values));
    const all = new Set([...a.train.values, ...a.validation.values, ...a.test.values]);
    expect(all.size).to.equal(n);
  });
});
