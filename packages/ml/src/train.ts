import type { LabelledMatrix } from './matrix.js';
import type { ModelKind, Network, Preprocessing, Transform } from './model.js';
import { sigmoid, slog } from './model.js';
import { Rng } from './random.js';

/** Options of the optimiser. Every default is what `pitboss train` uses. */
export interface TrainOptions {
  readonly kind: ModelKind;
  readonly seed: number;
  /** Hidden units of the MLP. Default 16. */
  readonly hidden?: number;
  /** Adam step size. Default 0.01 (logistic), 0.005 (MLP). */
  readonly learningRate?: number;
  /** Maximum epochs. Default 200. */
  readonly epochs?: number;
  /** Default 256. */
  readonly batchSize?: number;
  /** Epochs without a better validation loss before stopping. Default 12. */
  readonly patience?: number;
  /** L2 penalty on weights (not biases). Default 1e-4. */
  readonly l2?: number;
  /** `balanced` weighs each class by n / (2 · n_class), so rare positives count as much as negatives. Default `balanced`. */
  readonly classWeights?: 'balanced' | 'none';
}

export interface EpochProgress {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  best: boolean;
}

export interface TrainResult {
  network: Network;
  /** Epoch (1-based) whose weights were kept. */
  bestEpoch: number;
  epochsRun: number;
  validationLoss: number;
  history: EpochProgress[];
}

/** Standardised design matrix: the network's input. */
export interface Design {
  readonly z: Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly y: Uint8Array;
}

/**
 * Fits the preprocessing on training rows: `slog` for every feature listed in
 * `slogFeatures`, then mean and standard deviation of the non-missing values.
 *
 * @example
 * const pre = fitPreprocessing(train, new Set(['deposit_sum_30d']));
 */
export function fitPreprocessing(train: LabelledMatrix, slogFeatures: ReadonlySet<string>): Preprocessing {
  const f = train.names.length;
  const transforms: Transform[] = train.names.map((n) => (slogFeatures.has(n) ? 'slog' : 'identity'));
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < f; j++) {
    let n = 0;
    let s = 0;
    for (let r = 0; r < train.rows; r++) {
      let v = train.values[r * f + j]!;
      if (transforms[j] === 'slog') v = slog(v);
      if (!Number.isNaN(v)) {
        n++;
        s += v;
      }
    }
    const m = n ? s / n : 0;
    let ss = 0;
    for (let r = 0; r < train.rows; r++) {
      let v = train.values[r * f + j]!;
      if (transforms[j] === 'slog') v = slog(v);
      if (!Number.isNaN(v)) ss += (v - m) * (v - m);
    }
    const sd = n > 1 ? Math.sqrt(ss / n) : 0;
    mean.push(m);
    std.push(sd > 1e-12 ? sd : 1);
  }
  return { features: [...train.names], transforms, mean, std };
}

/**
 * Applies `pre` to a labelled matrix (same arithmetic as `ReferenceModel.standardize`).
 *
 * @example
 * const design = designMatrix(pre, train);
 */
export function designMatrix(pre: Preprocessing, m: LabelledMatrix): Design {
  const f = pre.features.length;
  const z = new Float64Array(m.rows * f);
  for (let r = 0; r < m.rows; r++) {
    for (let j = 0; j < f; j++) {
      let t = m.values[r * f + j]!;
      if (pre.transforms[j] === 'slog') t = slog(t);
      if (Number.isNaN(t)) t = pre.mean[j]!;
      z[r * f + j] = (t - pre.mean[j]!) / pre.std[j]!;
    }
  }
  return { z, rows: m.rows, features: f, y: m.labels };
}

/** Parameters flattened into one vector, with forward/backward over a batch. */
interface Net {
  readonly theta: Float64Array;
  /** Indices in `theta` that are biases (no L2). */
  readonly isBias: Uint8Array;
  /** Adds the weighted log-loss gradient of `rows` to `grad`; returns the summed weighted loss. */
  lossGrad(d: Design, rows: ArrayLike<number>, count: number, cw: readonly [number, number], grad: Float64Array | null): number;
  toNetwork(): Network;
}

function logLossOf(logit: number, y: number): number {
  // log(1 + e^-|s|) + max(s, 0) − y·s: stable for large |s|.
  return Math.log1p(Math.exp(-Math.abs(logit))) + Math.max(logit, 0) - y * logit;
}

function logisticNet(f: number): Net {
  const theta = new Float64Array(f + 1);
  const isBias = new Uint8Array(f + 1);
  isBias[f] = 1;
  return {
    theta,
    isBias,
    lossGrad(d, rows, count, cw, grad) {
      let loss = 0;
      for (let i = 0; i < count; i++) {
        const r = rows[i]!;
        const o = r * f;
        let s = theta[f]!;
        for (let j = 0; j < f; j++) s += d.z[o + j]! * theta[j]!;
        const y = d.y[r]!;
        const w = cw[y]!;
        loss += w * logLossOf(s, y);
        if (grad) {
          const g = w * (sigmoid(s) - y);
          for (let j = 0; j < f; j++) grad[j] = grad[j]! + g * d.z[o + j]!;
          grad[f] = grad[f]! + g;
        }
      }
      return loss;
    },
    toNetwork: () => ({ kind: 'logistic', weights: Array.from(theta.subarray(0, f)), bias: theta[f]! }),
  };
}

function mlpNet(f: number, h: number, rng: Rng): Net {
  // Layout: W1 (f·h, row-major f × h) | b1 (h) | w2 (h) | b2.
  const oB1 = f * h;
  const oW2 = oB1 + h;
  const oB2 = oW2 + h;
  const theta = new Float64Array(oB2 + 1);
  const isBias = new Uint8Array(theta.length);
  isBias.fill(1, oB1, oW2);
  isBias[oB2] = 1;
  const s1 = Math.sqrt(2 / (f + h));
  for (let i = 0; i < oB1; i++) theta[i] = rng.normal() * s1;
  const s2 = Math.sqrt(2 / (h + 1));
  for (let k = 0; k < h; k++) theta[oW2 + k] = rng.normal() * s2;
  const act = new Float64Array(h);
  return {
    theta,
    isBias,
    lossGrad(d, rows, count, cw, grad) {
      let loss = 0;
      for (let i = 0; i < count; i++) {
        const r = rows[i]!;
        const o = r * f;
        let s = theta[oB2]!;
        for (let k = 0; k < h; k++) {
          let a = theta[oB1 + k]!;
          for (let j = 0; j < f; j++) a += d.z[o + j]! * theta[j * h + k]!;
          const t = Math.tanh(a);
          act[k] = t;
          s += t * theta[oW2 + k]!;
        }
        const y = d.y[r]!;
        const w = cw[y]!;
        loss += w * logLossOf(s, y);
        if (grad) {
          const g = w * (sigmoid(s) - y);
          grad[oB2] = grad[oB2]! + g;
          for (let k = 0; k < h; k++) {
            const t = act[k]!;
            grad[oW2 + k] = grad[oW2 + k]! + g * t;
            const gk = g * theta[oW2 + k]! * (1 - t * t);
            grad[oB1 + k] = grad[oB1 + k]! + gk;
            for (let j = 0; j < f; j++) grad[j * h + k] = grad[j * h + k]! + gk * d.z[o + j]!;
          }
        }
      }
      return loss;
    },
    toNetwork: () => ({
      kind: 'mlp',
      hidden: h,
      activation: 'tanh',
      w1: Array.from(theta.subarray(0, oB1)),
      b1: Array.from(theta.subarray(oB1, oW2)),
      w2: Array.from(theta.subarray(oW2, oB2)),
      b2: theta[oB2]!,
    }),
  };
}

/**
 * Class weights for `y`: `balanced` gives each class half the total weight.
 *
 * @example
 * classWeightsOf(Uint8Array.from([0, 0, 0, 1]), 'balanced'); // [0.667, 2]
 */
export function classWeightsOf(y: Uint8Array, mode: 'balanced' | 'none'): [number, number] {
  if (mode === 'none') return [1, 1];
  let pos = 0;
  for (const v of y) pos += v;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return [1, 1];
  return [y.length / (2 * neg), y.length / (2 * pos)];
}

/**
 * Trains a logistic regression or an MLP with Adam on mini-batches of the
 * standardised training design, keeping the weights of the epoch with the
 * lowest (class-weighted) validation log loss. Deterministic for a seed.
 *
 * @example
 * const { network } = trainNetwork(trainDesign, validationDesign, { kind: 'mlp', seed: 1 });
 */
export function trainNetwork(
  train: Design,
  validation: Design,
  options: TrainOptions,
  onEpoch?: (p: EpochProgress) => void,
): TrainResult {
  const rng = new Rng(options.seed);
  const f = train.features;
  const net = options.kind === 'logistic' ? logisticNet(f) : mlpNet(f, options.hidden ?? 16, rng);
  const lr = options.learningRate ?? (options.kind === 'logistic' ? 0.01 : 0.005);
  const epochs = options.epochs ?? 200;
  const batch = options.batchSize ?? 256;
  const patience = options.patience ?? 12;
  const l2 = options.l2 ?? 1e-4;
  const cwMode = options.classWeights ?? 'balanced';
  const cw = classWeightsOf(train.y, cwMode);
  const cwVal = classWeightsOf(validation.y, cwMode);
  const valRows = Uint32Array.from({ length: validation.rows }, (_, i) => i);
  const valWeight = (() => {
    let s = 0;
    for (const y of validation.y) s += cwVal[y]!;
    return s || 1;
  })();

  const theta = net.theta;
  const n = theta.length;
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const grad = new Float64Array(n);
  const order = Uint32Array.from({ length: train.rows }, (_, i) => i);
  const b1 = 0.9;
  const b2 = 0.999;
  let step = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestTheta = Float64Array.from(theta);
  let bestEpoch = 0;
  let since = 0;
  const history: EpochProgress[] = [];

  for (let epoch = 1; epoch <= epochs; epoch++) {
    rng.shuffle(order);
    let trainLoss = 0;
    let trainW = 0;
    for (let start = 0; start < train.rows; start += batch) {
      const count = Math.min(batch, train.rows - start);
      const rows = order.subarray(start, start + count);
      grad.fill(0);
      trainLoss += net.lossGrad(train, rows, count, cw, grad);
      let bw = 0;
      for (let i = 0; i < count; i++) bw += cw[train.y[rows[i]!]!]!;
      trainW += bw;
      step++;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      for (let i = 0; i < n; i++) {
        const g = grad[i]! / bw + (net.isBias[i] ? 0 : l2 * theta[i]!);
        m[i] = b1 * m[i]! + (1 - b1) * g;
        v[i] = b2 * v[i]! + (1 - b2) * g * g;
        theta[i] = theta[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + 1e-8);
      }
    }
    const validationLoss = net.lossGrad(validation, valRows, validation.rows, cwVal, null) / valWeight;
    const improved = validationLoss < best - 1e-7;
    if (improved) {
      best = validationLoss;
      bestTheta = Float64Array.from(theta);
      bestEpoch = epoch;
      since = 0;
    } else since++;
    const p: EpochProgress = { epoch, trainLoss: trainLoss / (trainW || 1), validationLoss, best: improved };
    history.push(p);
    onEpoch?.(p);
    if (since >= patience) break;
  }
  theta.set(bestTheta);
  return { network: net.toNetwork(), bestEpoch, epochsRun: history.length, validationLoss: best, history };
}
