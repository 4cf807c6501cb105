import type { FeatureMatrix } from './matrix.js';
import type { ModelArtifact } from './model.js';
import { ReferenceModel, assertSameFeatures } from './model.js';

/** Output of one scoring call: one calibrated probability per row. */
export interface ScoreBatch {
  /** Calibrated probabilities, row order of the input. */
  probabilities: Float32Array | Float64Array;
  /** Model version that produced them (stored with every score). */
  modelVersion: string;
}

/**
 * The one scoring interface. Implementations: `ReferenceScorer` (pure
 * TypeScript), `OnnxNodeScorer` (`@pitboss/ml/node`, in-process
 * onnxruntime-node); a KServe v2 client implements the same shape. Inputs are
 * raw features in the model's order (`features`); explanations are computed
 * next to it by `Explainer` from the same artifact.
 *
 * @example
 * async function scoreAll(s: Scorer, m: FeatureMatrix) { return (await s.score(m)).probabilities; }
 */
export interface Scorer {
  readonly name: string;
  readonly version: string;
  /** Feature order the model expects. */
  readonly features: readonly string[];
  score(matrix: FeatureMatrix): Promise<ScoreBatch>;
  close(): Promise<void>;
}

/**
 * Scores with the TypeScript reference forward pass (float64).
 *
 * @example
 * const s = new ReferenceScorer(artifact);
 * const { probabilities } = await s.score(matrix);
 */
export class ReferenceScorer implements Scorer {
  readonly name: string;
  readonly version: string;
  readonly features: readonly string[];
  private readonly model: ReferenceModel;

  constructor(artifact: ModelArtifact) {
    this.model = new ReferenceModel(artifact);
    this.name = artifact.name;
    this.version = artifact.version;
    this.features = artifact.preprocessing.features;
  }

  async score(matrix: FeatureMatrix): Promise<ScoreBatch> {
    assertSameFeatures(this.features, matrix.names);
    return { probabilities: this.model.predictValues(matrix.values, matrix.rows), modelVersion: this.version };
  }

  async close(): Promise<void> {}
}
