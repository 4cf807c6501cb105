import { KServeScorer, META, ReferenceScorer } from '@pitboss/ml';
import type { FeatureMatrix, KServeMode, ModelArtifact, ScoreBatch, Scorer } from '@pitboss/ml';
import { OnnxNodeScorer } from '@pitboss/ml/node';
import type { OnnxNodeScorerOptions } from '@pitboss/ml/node';

/** A model version as the scoring backends get it. */
export interface ModelFile {
  /** Registry model name (`pitboss.model_name`). */
  name: string;
  version: string;
  features: readonly string[];
  artifact: ModelArtifact;
  bytes: Uint8Array;
}

/**
 * Where scores are computed. Every backend returns a `Scorer` (ml's one
 * scoring interface); explanations are always computed in-process by ml's
 * `Explainer` from the same artifact.
 */
export interface ScorerBackend {
  readonly kind: 'in-process' | 'kserve';
  open(model: ModelFile): Promise<Scorer>;
}

/**
 * Rows from which onnxruntime beats the TypeScript forward pass, per model
 * kind. Measured here (2 busy cores, 21 features, one intra-op thread, the
 * default float64 graph), predictions/s reference vs onnxruntime: logistic
 * 2.1M vs 0.29M at 64 rows, 2.8M vs 1.3M at 256, 1.8M vs 3.0M at 4,096;
 * MLP 21→16→1 0.17M vs 0.41M at 64 rows, 0.17M vs 1.2M at 4,096. A session
 * call costs ~0.2 ms, which a logistic model's ~0.5 µs per row repays only
 * in thousands of rows.
 */
export const DEFAULT_ONNX_MIN_BATCH = { logistic: 4096, mlp: 32 } as const;

/**
 * In-process scorer: ml's `ReferenceScorer` for small batches (re-scoring a
 * few players after ingest), onnxruntime-node (`OnnxNodeScorer`) from
 * `onnxMinBatch` rows (default per model kind: `DEFAULT_ONNX_MIN_BATCH`).
 * Both give the same probabilities within 1e-6.
 *
 * @example
 * const s = await InProcessScorer.open(model, { onnxMinBatch: 64 });
 * const { probabilities } = await s.score(matrix);
 */
export class InProcessScorer implements Scorer {
  readonly name: string;
  readonly version: string;
  readonly features: readonly string[];

  private constructor(
    private readonly reference: ReferenceScorer,
    private readonly onnx: OnnxNodeScorer,
    private readonly onnxMinBatch: number,
  ) {
    this.name = reference.name;
    this.version = reference.version;
    this.features = reference.features;
  }

  /** Opens both paths; fails if onnxruntime cannot load the file. */
  static async open(model: ModelFile, options: { onnxMinBatch?: number; onnx?: OnnxNodeScorerOptions } = {}): Promise<InProcessScorer> {
    const onnx = await OnnxNodeScorer.open(model.bytes, { threads: 1, ...options.onnx });
    return new InProcessScorer(new ReferenceScorer(model.artifact), onnx, options.onnxMinBatch ?? DEFAULT_ONNX_MIN_BATCH[model.artifact.network.kind]);
  }

  score(matrix: FeatureMatrix): Promise<ScoreBatch> {
    return matrix.rows >= this.onnxMinBatch ? this.onnx.score(matrix) : this.reference.score(matrix);
  }

  async close(): Promise<void> {
    await this.onnx.close();
  }
}

/**
 * The default backend: scoring inside the API process.
 *
 * @example
 * const backend = inProcessBackend({ onnxMinBatch: 64 });
 */
export function inProcessBackend(options: { onnxMinBatch?: number; onnx?: OnnxNodeScorerOptions } = {}): ScorerBackend {
  return { kind: 'in-process', open: (model) => InProcessScorer.open(model, options) };
}

/**
 * A remote KServe v2 server (Triton, `@pitboss/model-server`) holding the
 * registry's models under their `pitboss.model_name`, version = the registry
 * version (Triton requires positive integers there). The feature order sent
 * is the registry's, not the server's.
 *
 * @example
 * const backend = kserveBackend({ url: 'http://127.0.0.1:8000', mode: 'binary' });
 */
export function kserveBackend(options: { url: string; mode?: KServeMode; timeoutMs?: number }): ScorerBackend {
  return {
    kind: 'kserve',
    async open(model) {
      const scorer = await KServeScorer.connect({
        url: options.url,
        model: model.name,
        version: model.version,
        features: model.features,
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      // Servers that publish the ONNX metadata (@pitboss/model-server) must hold the registry's file, not another one deployed under the same version.
      const served = scorer.parameters[META.version];
      const order = scorer.parameters[META.features];
      if ((served !== undefined && served !== model.version) || (typeof order === 'string' && order !== JSON.stringify(model.features))) {
        await scorer.close();
        throw new Error(`the server's ${model.name} version ${model.version} is another model (its ${META.version} is ${JSON.stringify(served)}); deploy the registry's file`);
      }
      return scorer;
    },
  };
}
