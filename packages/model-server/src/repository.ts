import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readOnnxMetadata } from '@pitboss/ml';
import { openSession } from '@pitboss/ml/node';
import type { ExecutionProviderChoice, ExecutionProviderInfo } from '@pitboss/ml/node';
import { datatypeOf } from './datatypes.js';
import { InferenceError } from './errors.js';
import type { TensorMetadata } from './protocol.js';

/** A model registered at start, from a file path or the file's bytes. */
export interface ModelSource {
  name: string;
  /** Default `'1'`. Triton's rule applies: versions are positive integers. */
  version?: string;
  model: string | Uint8Array;
}

export interface RepositoryOptions {
  /** A Triton-style model repository: `<directory>/<name>/<version>/model.onnx`. */
  directory?: string;
  /** Models registered in addition to (or instead of) the directory. */
  models?: readonly ModelSource[];
  /** Intra-op threads per session; default onnxruntime's choice. */
  threads?: number;
  /**
   * Execution provider: `auto` (CUDA where onnxruntime-node's CUDA provider is
   * installed and a session opens on it, else CPU), `cpu`, `cuda` (or an
   * error), or an explicit list; default `'cpu'`. See `@pitboss/ml/node`.
   */
  executionProviders?: ExecutionProviderChoice | ('cpu' | 'cuda')[];
}

/** One loaded model version. */
export interface LoadedModel {
  readonly name: string;
  readonly version: string;
  readonly session: ort.InferenceSession;
  /** The execution provider the session runs on, and why. */
  readonly executionProvider: ExecutionProviderInfo;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  /** The ONNX file's `metadata_props`. */
  readonly properties: Readonly<Record<string, string>>;
}

const VERSION = /^[1-9][0-9]*$/;

function tensorMetadata(values: readonly ort.InferenceSession.ValueMetadata[], where: string): TensorMetadata[] {
  return values.map((v) => {
    if (!v.isTensor) throw new Error(`${where}: ${v.name} is not a tensor; only tensor inputs and outputs can be served`);
    const datatype = datatypeOf(v.type);
    if (!datatype) throw new Error(`${where}: ${v.name} has type ${v.type}, which the v2 protocol cannot carry`);
    return { name: v.name, datatype, shape: v.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
  });
}

/**
 * The models a server serves: loaded once at start, one onnxruntime session
 * per version. A request without a version gets the highest one (Triton's
 * default `latest` policy).
 *
 * @example
 * const repo = await ModelRepository.open({ directory: './models' });
 * repo.get('risk').inputs; // [{ name: 'features', datatype: 'FP32', shape: [-1, 21] }]
 * await repo.close();
 */
export class ModelRepository {
  private readonly models = new Map<string, Map<string, LoadedModel>>();

  private constructor() {}

  static async open(options: RepositoryOptions): Promise<ModelRepository> {
    const repo = new ModelRepository();
    const sources: ModelSource[] = [...(options.directory ? await scanDirectory(options.directory) : []), ...(options.models ?? [])];
    try {
      for (const source of sources) await repo.load(source, options);
    } catch (error) {
      await repo.close();
      throw error;
    }
    return repo;
  }

  private async load(source: ModelSource, options: RepositoryOptions): Promise<void> {
    const version = source.version ?? '1';
    const where = `model ${source.name} version ${version}`;
    if (!VERSION.test(version)) throw new Error(`${where}: a version must be a positive integer`);
    if (!/^[A-Za-z0-9_.-]+$/.test(source.name)) throw new Error(`${where}: a model name may hold only letters, digits, '_', '.', '-'`);
    const versions = this.models.get(source.name) ?? new Map<string, LoadedModel>();
    if (versions.has(version)) throw new Error(`${where} is registered twice`);
    const bytes = typeof source.model === 'string' ? new Uint8Array(await readFile(source.model)) : source.model;
    const { session, provider } = await openSession(bytes, options.executionProviders ?? 'cpu', (providers) => {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: providers,
        // Spinning intra-op threads steal the cores the HTTP loop needs (see @pitboss/ml OnnxNodeScorer).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      if (options.threads !== undefined) sessionOptions.intraOpNumThreads = options.threads;
      return sessionOptions;
    });
    try {
      versions.set(version, {
        name: source.name,
        version,
        session,
        executionProvider: provider,
        inputs: tensorMetadata(session.inputMetadata, where),
        outputs: tensorMetadata(session.outputMetadata, where),
        properties: readOnnxMetadata(bytes),
      });
    } catch (error) {
      await session.release();
      throw error;
    }
    this.models.set(source.name, versions);
  }

  /** Model names, sorted. */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Versions of a model, ascending; throws 404 for an unknown model. */
  versions(name: string): string[] {
    const versions = this.models.get(name);
    if (!versions) throw new InferenceError(404, `unknown model: '${name}'`);
    return [...versions.keys()].sort((a, b) => Number(a) - Number(b));
  }

  /** A model version (default: the highest); throws 404 for an unknown model or version. */
  get(name: string, version?: string): LoadedModel {
    const all = this.versions(name);
    const v = version ?? all[all.length - 1]!;
    const model = this.models.get(name)!.get(v);
    if (!model) throw new InferenceError(404, `unknown version '${v}' of model '${name}' (available: ${all.join(', ')})`);
    return model;
  }

  async close(): Promise<void> {
    const sessions = [...this.models.values()].flatMap((v) => [...v.values()].map((m) => m.session));
    this.models.clear();
    await Promise.all(sessions.map((s) => s.release()));
  }
}

/** Triton layout: every `<name>/<version>/model.onnx`; other entries (config.pbtxt, labels) are ignored. */
async function scanDirectory(directory: string): Promise<ModelSource[]> {
  const out: ModelSource[] = [];
  for (const name of (await readdir(directory)).sort()) {
    const modelDir = join(directory, name);
    if (!(await stat(modelDir)).isDirectory()) continue;
    for (const version of await readdir(modelDir)) {
      const versionDir = join(modelDir, version);
      if (!VERSION.test(version) || !(await stat(versionDir)).isDirectory()) continue;
      if ((await readdir(versionDir)).includes('model.onnx')) out.push({ name, version, model: join(versionDir, 'model.onnx') });
    }
  }
  if (out.length === 0) throw new Error(`no models in ${directory}: expected <name>/<version>/model.onnx`);
  return out;
}
