import { Rng } from './random.js';

/**
 * A dense row-major matrix of feature values: `rows × names.length` doubles.
 * A missing value (SQL NULL) is `NaN`; the model's preprocessing imputes it,
 * in TypeScript and inside the ONNX graph alike.
 */
export interface FeatureMatrix {
  readonly names: readonly string[];
  readonly rows: number;
  readonly values: Float64Array;
  /** Row identifiers (player ids), when known. */
  readonly ids?: readonly string[];
}

/** A feature matrix with one binary target per row. */
export interface LabelledMatrix extends FeatureMatrix {
  /** 0 or 1 per row. */
  readonly labels: Uint8Array;
}

/** A value a feature row may hold: numbers, numeric strings (Postgres `numeric`/`bigint`), bigints, or null. */
export type FeatureValue = number | bigint | string | null | undefined;

export class FeatureMatrixError extends Error {
  override readonly name = 'FeatureMatrixError';
}

function toNumber(value: FeatureValue, name: string, row: number): number {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) {
    throw new FeatureMatrixError(`row ${row}: feature ${name} is not numeric: ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Builds a matrix from rows of features keyed by name, e.g. the rows of
 * core's compiled feature query (DuckDB `getRowObjectsJS()` or `pg` rows).
 * Columns follow `names`; a column absent from a row is missing (`NaN`).
 *
 * @example
 * const m = matrixFromRows([{ player_id: 'p1', deposit_count_7d: 3 }], ['deposit_count_7d'], 'player_id');
 * m.values[0]; // 3
 */
export function matrixFromRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  names: readonly string[],
  idColumn?: string,
): FeatureMatrix {
  const f = names.length;
  const values = new Float64Array(rows.length * f);
  const ids: string[] = [];
  rows.forEach((row, r) => {
    for (let j = 0; j < f; j++) {
      const name = names[j]!;
      values[r * f + j] = toNumber(row[name] as FeatureValue, name, r);
    }
    if (idColumn !== undefined) ids.push(String(row[idColumn]));
  });
  return idColumn === undefined ? { names: [...names], rows: rows.length, values } : { names: [...names], rows: rows.length, values, ids };
}

/**
 * Attaches binary targets by row id. Rows without a label are dropped
 * unless `missing` is 0 (then they count as negatives, as for a planted
 * label file that lists only positives).
 *
 * @example
 * const lm = withLabels(m, new Map([['p1', 1]]), 0);
 */
export function withLabels(matrix: FeatureMatrix, labels: ReadonlyMap<string, number | boolean>, missing?: 0): LabelledMatrix {
  if (!matrix.ids) throw new FeatureMatrixError('withLabels needs a matrix built with an id column');
  const keep: number[] = [];
  const y: number[] = [];
  matrix.ids.forEach((id, r) => {
    const v = labels.get(id);
    if (v === undefined) {
      if (missing === 0) {
        keep.push(r);
        y.push(0);
      }
      return;
    }
    keep.push(r);
    y.push(v === true || v === 1 ? 1 : 0);
  });
  const sub = takeRows(matrix, keep);
  return { ...sub, labels: Uint8Array.from(y) };
}

/**
 * The rows at `indices`, in that order (labels follow when present).
 *
 * @example
 * const firstTwo = takeRows(m, [0, 1]);
 */
export function takeRows<M extends FeatureMatrix>(matrix: M, indices: readonly number[] | Uint32Array): M {
  const f = matrix.names.length;
  const values = new Float64Array(indices.length * f);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    values.set(matrix.values.subarray(r * f, r * f + f), i * f);
  }
  const out: Record<string, unknown> = { names: matrix.names, rows: indices.length, values };
  if (matrix.ids) out.ids = Array.from(indices, (r) => matrix.ids![r]!);
  const labels = (matrix as Partial<LabelledMatrix>).labels;
  if (labels) out.labels = Uint8Array.from(indices, (r) => labels[r]!);
  return out as unknown as M;
}

/** Train / validation / test partitions of one labelled matrix. */
export interface Splits {
  train: LabelledMatrix;
  validation: LabelledMatrix;
  test: LabelledMatrix;
}

/**
 * Stratified seeded split: each class is shuffled with `seed` and cut by the
 * fractions, so rare positives land in every part in proportion.
 *
 * @example
 * const { train, validation, test } = splitStratified(lm, { validation: 0.2, test: 0.2 }, 7);
 */
export function splitStratified(
  matrix: LabelledMatrix,
  fractions: { validation: number; test: number },
  seed: number,
): Splits {
  const rng = new Rng(seed);
  const parts: [number[], number[], number[]] = [[], [], []];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let r = 0; r < matrix.rows; r++) if (matrix.labels[r] === cls) idx.push(r);
    rng.shuffle(idx);
    const nTest = Math.round(idx.length * fractions.test);
    const nVal = Math.round(idx.length * fractions.validation);
    parts[2].push(...idx.slice(0, nTest));
    parts[1].push(...idx.slice(nTest, nTest + nVal));
    parts[0].push(...idx.slice(nTest + nVal));
  }
  for (const p of parts) p.sort((a, b) => a - b);
  return { train: takeRows(matrix, parts[0]), validation: takeRows(matrix, parts[1]), test: takeRows(matrix, parts[2]) };
}
