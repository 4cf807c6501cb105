import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { FeatureMatrix } from './matrix.js';
import { assertSameFeatures } from './model.js';
import { META, ONNX_CONTRIBUTIONS, ONNX_INPUT, ONNX_PROBABILITY, readOnnxMetadata } from './onnx.js';
import type { ScoreBatch, Scorer } from './scorer.js';

/**
 * Which onnxruntime-node execution provider scores:
 * - `auto`: CUDA where onnxruntime-node was installed with its CUDA provider
 *   and a session opens on it (a GPU, the CUDA and cuDNN libraries), else CPU;
 * - `cpu`: always CPU;
 * - `cuda`: CUDA or an error (no silent CPU fallback).
 */
export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda';

/** The provider a session actually runs on, and why. */
export interface ExecutionProviderInfo {
  provider: 'cpu' | 'cuda';
  /** Why this provider: the choice, or why `auto` fell back to CPU. */
  reason: string;
}

/**
 * The path of onnxruntime-node's CUDA provider library, or null when it is not
 * installed. onnxruntime-node's postinstall downloads it next to its binding
 * (`bin/napi-v*\/<platform>/<arch>/`) unless told to skip (this repository's
 * `.npmrc` does: the CPU binaries ship inside the package). Install it on a GPU
 * host with `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12`.
 *
 * @example
 * if (cudaProviderLibrary()) console.log('CUDA scoring available');
 */
export function cudaProviderLibrary(): string | null {
  let root: string;
  try {
    root = dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
  } catch {
    return null;
  }
  const bin = join(root, 'bin');
  if (!existsSync(bin)) return null;
  const name = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  for (const napi of readdirSync(bin).filter((d) => d.startsWith('napi-v'))) {
    const file = join(bin, napi, process.platform, process.arch, name);
    if (existsSync(file)) return file;
  }
  return null;
}

export interface OnnxNodeScorerOptions {
  /**
   * Execution providers: a choice (see `ExecutionProviderChoice`) or an
   * explicit list in order of preference, passed to onnxruntime as is.
   * Default `'cpu'`.
   */
  executionProviders?: ExecutionProviderChoice | ('cpu' | 'cuda')[];
  /** Intra-op threads; default: onnxruntime's choice (one per physical core). */
  threads?: number;
  /**
   * Let idle intra-op threads spin-wait for work. Default false: the API
   * process shares its cores with Postgres and the event loop, and spinning
   * threads steal them; measured here (2 busy cores) batch-64k throughput
   * rose from ~0.5M to ~1.8M predictions/s with spinning off.
   */
  spin?: boolean;
}

/** One scoring call with the raw outputs, for callers that want contributions too. */
export interface OnnxRun extends ScoreBatch {
  probabilities: Float32Array;
  /** Row-major [rows × features], logistic models only. */
  contributions?: Float32Array;
}

/**
 * In-process scoring with onnxruntime-node over an exported Pitboss model.
 * Feature order, name and version come from the file's metadata.
 *
 * @example
 * const scorer = await OnnxNodeScorer.open('model.onnx');
 * const { probabilities } = await scorer.score(matrix);
 * await scorer.close();
 */
export class OnnxNodeScorer implements Scorer {
  readonly name: string;
  readonly version: string;
  readonly features: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** The execution provider the session runs on, and why. */
  readonly executionProvider: ExecutionProviderInfo;
  private readonly session: ort.InferenceSession;

  private constructor(session: ort.InferenceSession, metadata: Record<string, string>, provider: ExecutionProviderInfo) {
    this.session = session;
    this.metadata = metadata;
    this.executionProvider = provider;
    this.name = metadata[META.name] ?? 'model';
    this.version = metadata[META.version] ?? '0';
    this.features = JSON.parse(metadata[META.features] ?? '[]') as string[];
  }

  /** Opens a model from a path or the file's bytes. */
  static async open(model: string | Uint8Array, options: OnnxNodeScorerOptions = {}): Promise<OnnxNodeScorer> {
    const bytes = typeof model === 'string' ? new Uint8Array(await readFile(model)) : model;
    const { session, provider } = await openSession(bytes, options.executionProviders ?? 'cpu', (providers) => {
      const opts: ort.InferenceSession.SessionOptions = {
        executionProviders: providers,
        extra: { session: { intra_op: { allow_spinning: options.spin ? '1' : '0' } } },
      };
      if (options.threads !== undefined) opts.intraOpNumThreads = options.threads;
      return opts;
    });
    return new OnnxNodeScorer(session, readOnnxMetadata(bytes), provider);
  }

  /** Scores `rows` rows of float32 values already in the model's feature order. */
  async run(values: Float32Array, rows: number): Promise<OnnxRun> {
    const input = new ort.Tensor('float32', values, [rows, this.features.length]);
    const out = await this.session.run({ [ONNX_INPUT]: input });
    const probabilities = out[ONNX_PROBABILITY]!.data as Float32Array;
    const c = out[ONNX_CONTRIBUTIONS];
    const result: OnnxRun = { probabilities, modelVersion: this.version };
    if (c) result.contributions = c.data as Float32Array;
    return result;
  }

  async score(matrix: FeatureMatrix): Promise<OnnxRun> {
    assertSameFeatures(this.features, matrix.names);
    return this.run(Float32Array.from(matrix.values), matrix.rows);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Opens an onnxruntime-node session on the execution provider `choice` asks
 * for, with the options `optionsFor(providers)` builds. `auto` tries CUDA only
 * where its provider library is installed (onnxruntime logs an error to
 * stderr for a provider it cannot load) and falls back to CPU when the
 * session cannot open there; `cuda` never falls back.
 *
 * @example
 * const { session, provider } = await openSession(bytes, 'auto', (providers) => ({ executionProviders: providers }));
 */
export async function openSession(
  bytes: Uint8Array,
  choice: ExecutionProviderChoice | ('cpu' | 'cuda')[],
  optionsFor: (providers: ('cpu' | 'cuda')[]) => ort.InferenceSession.SessionOptions,
): Promise<{ session: ort.InferenceSession; provider: ExecutionProviderInfo }> {
  if (Array.isArray(choice)) {
    const session = await ort.InferenceSession.create(bytes, optionsFor(choice));
    return { session, provider: { provider: choice[0] ?? 'cpu', reason: `providers ${choice.join(', ')} as given` } };
  }
  if (choice === 'cpu') {
    return { session: await ort.InferenceSession.create(bytes, optionsFor(['cpu'])), provider: { provider: 'cpu', reason: 'cpu as configured' } };
  }
  const library = cudaProviderLibrary();
  if (choice === 'cuda') {
    if (!library) {
      throw new Error(
        'the CUDA execution provider is not installed: onnxruntime-node has no CUDA provider library next to its binding (install it on the GPU host with `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12`), or choose cpu or auto',
      );
    }
    return { session: await ort.InferenceSession.create(bytes, optionsFor(['cuda', 'cpu'])), provider: { provider: 'cuda', reason: 'cuda as configured' } };
  }
  if (!library) {
    return { session: await ort.InferenceSession.create(bytes, optionsFor(['cpu'])), provider: { provider: 'cpu', reason: 'auto: onnxruntime-node has no CUDA provider library installed' } };
  }
  try {
    return { session: await ort.InferenceSession.create(bytes, optionsFor(['cuda', 'cpu'])), provider: { provider: 'cuda', reason: `auto: ${library}` } };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { session: await ort.InferenceSession.create(bytes, optionsFor(['cpu'])), provider: { provider: 'cpu', reason: `auto: CUDA provider installed but the session did not open on it (${why})` } };
  }
}
