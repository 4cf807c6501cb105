import type { FeatureMatrix } from './matrix.js';
import type { UkgcCategory } from './categories.js';

/** Per-feature transform applied before standardisation. `slog` = sign(x)·ln(1+|x|), for heavy-tailed money and counts. */
export type Transform = 'identity' | 'slog';

/**
 * Preprocessing that travels with the model (and sits inside the ONNX
 * graph): transform, impute a missing value with the training mean, then
 * standardise with the training mean and standard deviation.
 */
export interface Preprocessing {
  /** Feature order of the model's input. */
  readonly features: readonly string[];
  readonly transforms: readonly Transform[];
  /** Mean of the transformed training values (missing values excluded); also the imputation value and the explanation baseline. */
  readonly mean: readonly number[];
  /** Standard deviation of the transformed training values; 1 where a feature is constant. */
  readonly std: readonly number[];
}

/** Platt scaling: calibrated probability = sigmoid(a · logit + b). */
export interface Calibration {
  readonly method: 'platt';
  readonly a: number;
  readonly b: number;
}

export interface LogisticNetwork {
  readonly kind: 'logistic';
  readonly weights: readonly number[];
  readonly bias: number;
}

/** F → hidden (tanh) → 1. `w1` is row-major F × hidden. */
export interface MlpNetwork {
  readonly kind: 'mlp';
  readonly hidden: number;
  readonly activation: 'tanh';
  readonly w1: readonly number[];
  readonly b1: readonly number[];
  readonly w2: readonly number[];
  readonly b2: number;
}

export type Network = LogisticNetwork | MlpNetwork;
export type ModelKind = Network['kind'];
export type Target = 'risk' | 'churn';

/** Everything needed to score, explain and export a trained model. Plain JSON. */
export interface ModelArtifact {
  readonly name: string;
  readonly version: string;
  readonly target: Target;
  /** ISO 8601. */
  readonly trainedAt: string;
  readonly preprocessing: Preprocessing;
  readonly network: Network;
  readonly calibration: Calibration;
  /** UK Gambling Commission indicator category of each input feature, in feature order. */
  readonly categories: readonly UkgcCategory[];
}

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const slog = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));

/**
 * The TypeScript reference forward pass. The ONNX export computes the same
 * operations in the same order (in float64), so the two agree to float
 * rounding; tests hold them within 1e-6.
 *
 * @example
 * const ref = new ReferenceModel(artifact);
 * const p = ref.predict(matrix); // calibrated probabilities
 */
export class ReferenceModel {
  readonly artifact: ModelArtifact;
  readonly features: number;
  private readonly slogMask: Uint8Array;
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly w: Float64Array;
  private readonly b1: Float64Array;
  private readonly w2: Float64Array;
  private readonly hidden: number;
  private readonly bias: number;

  constructor(artifact: ModelArtifact) {
    this.artifact = artifact;
    const pre = artifact.preprocessing;
    this.features = pre.features.length;
    this.slogMask = Uint8Array.from(pre.transforms, (t) => (t === 'slog' ? 1 : 0));
    this.mean = Float64Array.from(pre.mean);
    this.std = Float64Array.from(pre.std);
    const net = artifact.network;
    if (net.kind === 'logistic') {
      this.hidden = 0;
      this.w = Float64Array.from(net.weights);
      this.b1 = new Float64Array(0);
      this.w2 = new Float64Array(0);
      this.bias = net.bias;
    } else {
      this.hidden = net.hidden;
      this.w = Float64Array.from(net.w1);
      this.b1 = Float64Array.from(net.b1);
      this.w2 = Float64Array.from(net.w2);
      this.bias = net.b2;
    }
  }

  /** Raw feature row → standardised model input `z` (written into `out`). */
  standardize(raw: ArrayLike<number>, out: Float64Array = new Float64Array(this.features), offset = 0): Float64Array {
    for (let j = 0; j < this.features; j++) {
      let t = raw[offset + j]!;
      if (this.slogMask[j]) t = slog(t);
      if (Number.isNaN(t)) t = this.mean[j]!;
      out[j] = (t - this.mean[j]!) / this.std[j]!;
    }
    return out;
  }

  /** The network's uncalibrated logit for a standardised input. */
  rawLogit(z: ArrayLike<number>): number {
    const f = this.features;
    if (this.hidden === 0) {
      let s = 0;
      for (let j = 0; j < f; j++) s += z[j]! * this.w[j]!;
      return s + this.bias;
    }
    const h = this.hidden;
    let out = 0;
    for (let k = 0; k < h; k++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += z[j]! * this.w[j * h + k]!;
      out += Math.tanh(s + this.b1[k]!) * this.w2[k]!;
    }
    return out + this.bias;
  }

  /** Calibrated logit: the space in which explanations add up. */
  logit(z: ArrayLike<number>): number {
    const c = this.artifact.calibration;
    return this.rawLogit(z) * c.a + c.b;
  }

  /** Gradient of the calibrated logit with respect to `z`, written into `out`. */
  gradient(z: ArrayLike<number>, out: Float64Array = new Float64Array(this.features)): Float64Array {
    const f = this.features;
    const a = this.artifact.calibration.a;
    if (this.hidden === 0) {
      for (let j = 0; j < f; j++) out[j] = a * this.w[j]!;
      return out;
    }
    const h = this.hidden;
    out.fill(0);
    for (let k = 0; k < h; k++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += z[j]! * this.w[j * h + k]!;
      const t = Math.tanh(s + this.b1[k]!);
      const g = a * this.w2[k]! * (1 - t * t);
      for (let j = 0; j < f; j++) out[j] = out[j]! + g * this.w[j * h + k]!;
    }
    return out;
  }

  /**
   * Calibrated probabilities for every row of `values` (row-major, in the
   * model's feature order).
   */
  predictValues(values: ArrayLike<number>, rows: number): Float64Array {
    const out = new Float64Array(rows);
    const z = new Float64Array(this.features);
    for (let r = 0; r < rows; r++) {
      this.standardize(values, z, r * this.features);
      out[r] = sigmoid(this.logit(z));
    }
    return out;
  }

  /** Calibrated probabilities for a matrix whose columns match the model's features. */
  predict(matrix: FeatureMatrix): Float64Array {
    assertSameFeatures(this.artifact.preprocessing.features, matrix.names);
    return this.predictValues(matrix.values, matrix.rows);
  }
}

export class FeatureMismatchError extends Error {
  override readonly name = 'FeatureMismatchError';
}

/** Throws unless `actual` lists the model's features in the model's order. */
export function assertSameFeatures(expected: readonly string[], actual: readonly string[]): void {
  if (expected.length !== actual.length || expected.some((name, i) => actual[i] !== name)) {
    throw new FeatureMismatchError(`feature order differs: model expects [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}
