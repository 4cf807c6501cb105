// The worker side of scoring.protocol.ts: onnxruntime-web on WebGPU when an
// adapter exists (or is asked for), else on WASM.
import { transfer } from 'comlink';
import { planThreads, probeWebGpu, type ThreadPlan, type WebGpuProbe } from './diagnostics.js';
import { ScoringError, settle, type Reply } from './errors.js';
import { assertFetchable } from './fetchable.js';
import type {
  ExecutionProvider,
  ModelInfo,
  ProviderPreference,
  ScoringDiagnostics,
  ScoringInitRequest,
  ScoringWorkerApi,
} from './scoring.protocol.js';

type Ort = typeof import('onnxruntime-web/wasm');
type Session = import('onnxruntime-web/wasm').InferenceSession;

const ORT_VERSION = '1.30.0';

// Both builds are imported lazily: a page that never finds a GPU never
// downloads the WebGPU build, and the other way round.
async function importOrt(provider: ExecutionProvider): Promise<Ort> {
  return provider === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
}

/** Positive-class probabilities as an owned, transferable array: `[N]`, `[N,1]` as is, `[N,2]` column 1. */
function probabilities(data: ArrayLike<number>, dims: readonly number[], rows: number): Float32Array {
  const width = dims.length >= 2 ? dims[dims.length - 1]! : 1;
  if (data.length !== rows * width) throw new ScoringError(`output has ${data.length} values for ${rows} rows (dims [${dims.join(', ')}])`);
  if (width === 1) return data instanceof Float32Array ? data.slice() : Float32Array.from(data);
  if (width !== 2) throw new ScoringError(`output of width ${width} is not a probability: expected [N], [N,1] or [N,2]`);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = data[r * 2 + 1]!;
  return out;
}

/**
 * Implements {@link ScoringWorkerApi} inside a worker; exposed by `scoring.worker.ts`.
 *
 * @example
 * expose(new ScoringEngine(), self);
 */
export class ScoringEngine implements ScoringWorkerApi {
  #request: ScoringInitRequest | null = null;
  #plan: ThreadPlan = planThreads(1);
  #webgpu: WebGpuProbe = { found: false, adapter: null, reason: 'not probed yet: call init()' };
  #ort = new Map<ExecutionProvider, Ort>();
  #session: { session: Session; info: ModelInfo; ort: Ort } | null = null;

  init(request: ScoringInitRequest): Promise<Reply<ScoringDiagnostics>> {
    return settle(async () => {
      this.#request = request;
      this.#plan = planThreads(request.maxThreads);
      this.#webgpu = await probeWebGpu();
      return this.#diagnostics();
    });
  }

  async #runtime(provider: ExecutionProvider): Promise<Ort> {
    const known = this.#ort.get(provider);
    if (known) return known;
    const request = this.#request;
    if (!request) throw new ScoringError('scoring worker is not initialised: call init() first');
    const files = provider === 'webgpu' ? request.ortWebGpu : request.ortWasm;
    for (const url of [files.wasm, files.mjs]) {
      if (url !== undefined) await assertFetchable(url, `onnxruntime-web (${provider}) could not start`).catch((e: unknown) => {
        throw new ScoringError(e instanceof Error ? e.message : String(e), { cause: e });
      });
    }
    const ort = await importOrt(provider);
    // Paths and threads must be set before the first session of each build.
    ort.env.wasm.wasmPaths = files;
    ort.env.wasm.numThreads = this.#plan.threads;
    ort.env.wasm.proxy = false;
    this.#ort.set(provider, ort);
    return ort;
  }

  load(model: Uint8Array, preference: ProviderPreference): Promise<Reply<ModelInfo>> {
    return settle(async () => {
      let provider: ExecutionProvider;
      if (preference === 'wasm') provider = 'wasm';
      else if (this.#webgpu.found) provider = 'webgpu';
      else if (preference === 'webgpu') throw new ScoringError(`WebGPU was asked for but is not available: ${this.#webgpu.reason}`);
      else provider = 'wasm';
      const ort = await this.#runtime(provider);
      let session: Session;
      try {
        session = await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      } catch (error) {
        throw new ScoringError(`cannot load the ONNX model on ${provider}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const inputName = session.inputNames[0];
      if (inputName === undefined) throw new ScoringError('the model has no input');
      const outputName = session.outputNames.includes('probability') ? 'probability' : session.outputNames[0];
      if (outputName === undefined) throw new ScoringError('the model has no output');
      const meta = session.inputMetadata[0];
      const width = meta?.isTensor ? meta.shape[1] : undefined;
      const info: ModelInfo = {
        provider,
        inputName,
        outputName,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
        features: typeof width === 'number' ? width : null,
      };
      await this.#session?.session.release();
      this.#session = { session, info, ort };
      return info;
    });
  }

  async run(input: Float32Array, rows: number): Promise<Reply<Float32Array>> {
    const reply = await settle(async () => {
      const loaded = this.#session;
      if (!loaded) throw new ScoringError('no model loaded: call load() first');
      if (!Number.isInteger(rows) || rows <= 0) throw new ScoringError(`rows must be a positive integer, got ${rows}`);
      const features = input.length / rows;
      if (!Number.isInteger(features)) throw new ScoringError(`${input.length} values do not split into ${rows} rows`);
      if (loaded.info.features !== null && loaded.info.features !== features) {
        throw new ScoringError(`the model takes ${loaded.info.features} features per row, got ${features}`);
      }
      const tensor = new loaded.ort.Tensor('float32', input, [rows, features]);
      const outputs = await loaded.session.run({ [loaded.info.inputName]: tensor }, [loaded.info.outputName]);
      const output = outputs[loaded.info.outputName];
      if (!output) throw new ScoringError(`the model returned no ${loaded.info.outputName}`);
      try {
        return probabilities(output.data as ArrayLike<number>, output.dims, rows);
      } finally {
        output.dispose();
      }
    });
    return reply.ok ? transfer(reply, [reply.value.buffer as ArrayBuffer]) : reply;
  }

  #diagnostics(): ScoringDiagnostics {
    const request = this.#request;
    const provider = this.#session?.info.provider ?? null;
    return {
      engine: 'onnxruntime-web',
      packageVersion: ORT_VERSION,
      bundle: provider,
      provider,
      ...this.#plan,
      webgpu: this.#webgpu,
      assets: request ? { wasm: request.ortWasm, webgpu: request.ortWebGpu } : null,
    };
  }

  diagnostics(): Promise<Reply<ScoringDiagnostics>> {
    return settle(async () => this.#diagnostics());
  }

  close(): Promise<Reply<void>> {
    return settle(async () => {
      const loaded = this.#session;
      this.#session = null;
      await loaded?.session.release();
    });
  }
}
