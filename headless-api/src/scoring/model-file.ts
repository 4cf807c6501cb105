import { createHash } from 'node:crypto';
import { FEATURE_KEYS } from '@pitboss/core';
import { META, artifactFromOnnx, readOnnxMetadata } from '@pitboss/ml';
import type { ModelArtifact } from '@pitboss/ml';
import type { NewModel } from '../storage/models.js';

/** An uploaded file that is not a usable Pitboss model; the message says why. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

const VERSION = /^[\w.:+-]{1,64}$/;

/**
 * Checks that `bytes` is an ONNX file exported by `@pitboss/ml` whose
 * metadata carries a version and a feature order made only of core features
 * (the only ones stored per player), and returns what the registry stores.
 * onnxruntime loading is checked by the caller (`ModelLoader`), which needs
 * the session anyway.
 *
 * @example
 * const { model, artifact } = inspectModelFile(bytes, '# Risk model v3');
 */
export function inspectModelFile(bytes: Uint8Array, card: string | null = null): { model: NewModel; artifact: ModelArtifact } {
  let meta: Record<string, string>;
  let artifact: ModelArtifact;
  try {
    meta = readOnnxMetadata(bytes);
    artifact = artifactFromOnnx(bytes);
  } catch (error) {
    throw new ModelFileError(`not a Pitboss ONNX model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const version = meta[META.version];
  if (version === undefined || !VERSION.test(version)) throw new ModelFileError(`metadata ${META.version} is missing or not 1-64 characters of [A-Za-z0-9_.:+-]`);
  const rawOrder = meta[META.features];
  if (rawOrder === undefined) throw new ModelFileError(`metadata ${META.features} is missing`);
  let order: unknown;
  try {
    order = JSON.parse(rawOrder);
  } catch (error) {
    throw new ModelFileError(`metadata ${META.features} is not JSON`, { cause: error });
  }
  if (!Array.isArray(order) || order.length === 0 || !order.every((f): f is string => typeof f === 'string')) {
    throw new ModelFileError(`metadata ${META.features} must be a non-empty array of feature keys`);
  }
  const known = new Set<string>(FEATURE_KEYS);
  const unknown = order.filter((f) => !known.has(f));
  if (unknown.length > 0) throw new ModelFileError(`unknown features in ${META.features}: ${unknown.join(', ')}`);
  if (artifact.version !== version || JSON.stringify(artifact.preprocessing.features) !== JSON.stringify(order)) {
    throw new ModelFileError(`${META.artifact} disagrees with ${META.version}/${META.features}`);
  }
  let metrics: Record<string, unknown> | null = null;
  const rawMetrics = meta[META.metrics];
  if (rawMetrics !== undefined) {
    try {
      metrics = JSON.parse(rawMetrics) as Record<string, unknown>;
    } catch (error) {
      throw new ModelFileError(`metadata ${META.metrics} is not JSON`, { cause: error });
    }
  }
  return {
    artifact,
    model: {
      version,
      name: meta[META.name] ?? artifact.name,
      target: meta[META.target] ?? artifact.target,
      kind: meta[META.kind] ?? artifact.network.kind,
      feature_order: order,
      metrics,
      trained_at: meta[META.trainedAt] ?? null,
      card,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size_bytes: bytes.length,
      onnx: bytes,
    },
  };
}
