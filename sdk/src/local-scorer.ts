import { DEFAULT_SCORING_CONFIG, Explainer, META, artifactFromOnnx, bandOf, matrixFromRows, readOnnxMetadata, scoringConfig, toScore } from '@pitboss/ml';
import type { Band, ModelArtifact, Reason, ScoringConfig } from '@pitboss/ml';
import { openScorer } from '@pitboss/wasm';
import type { ModelInfo, OpenScorerOptions, ProviderPreference, Scorer } from '@pitboss/wasm';
import type { PitbossClient } from './client.js';
import { throwIfAborted } from './datasource.js';
import { PitbossApiError } from './errors.js';
import type { LiveStream } from './live.js';

/** The model a {@link LocalScorer} holds. */
export interface LocalModel {
  /** `pitboss.model_version` of the file (also the registry version). */
  version: string;
  /** Core feature keys in input column order. */
  featureOrder: readonly string[];
  /** The API's ETag (quoted SHA-256): the cache key, sent back as If-None-Match. */
  etag: string;
  /** `logistic` or `mlp`. */
  kind: string;
  /** The onnxruntime-web execution provider and input/output names. */
  session: ModelInfo;
  /**
   * Why `auto` ended on WASM although WebGPU was tried (the session failed
   * there, e.g. `@pitboss/ml`'s float64 graphs: onnxruntime-web 1.30's WebGPU
   * provider assigns no provider to their Cast nodes); `null` otherwise.
   */
  fallback: string | null;
  /** The tenant's band thresholds and reasons per score (`GET /v1/scoring/config`). */
  config: ScoringConfig;
}

/** One local score, shaped like the server's (`POST /v1/scores` items, without `role`). */
export interface LocalScore {
  player_id: string;
  /** Calibrated probability, from onnxruntime-web (float32, as onnxruntime-node gives it on the server). */
  probability: number;
  /** 0-100: `round(probability × 100)`. */
  score: number;
  band: Band;
  model_version: string;
  /** The largest positive contributions (exact for logistic models, integrated gradients for the MLP), as the server explains. */
  reasons: Reason[];
}

export interface LocalScorerOptions {
  client: PitbossClient;
  /** A scoring worker already open (shared); otherwise one is started with `scorer` options and closed by `close()`. */
  worker?: Scorer;
  scorer?: OpenScorerOptions;
  /**
   * onnxruntime-web provider: `auto` (default) uses WebGPU when an adapter
   * exists, else WASM, and falls back to WASM when WebGPU cannot run the model
   * (`model.fallback` says why); `webgpu` fails instead.
   */
  provider?: ProviderPreference;
  /**
   * Revalidate the active model (a conditional GET, 304 when unchanged) when
   * the loaded one is older than this, before scoring. Default 60 000 ms; 0:
   * before every call; `Infinity`: only through `refresh()` and `live`.
   */
  maxAgeMs?: number;
  /** A live stream of the tenant: a `score` message from another model version triggers a refresh. */
  live?: LiveStream;
}

/** The active model could not be used; `reason` says why. */
export class LocalScorerError extends Error {
  override readonly name = 'LocalScorerError';
}

interface Loaded {
  model: LocalModel;
  explainer: Explainer;
  loadedAt: number;
}

/**
 * Scores feature rows in the browser with the tenant's active model: the
 * ONNX file comes from `GET /v1/models/active/onnx` (cached by ETag, reloaded
 * when the activation changes) and runs in the `@pitboss/wasm` scoring worker
 * (onnxruntime-web). Scores, bands and reasons are computed as the server
 * computes them (`@pitboss/ml`: `toScore`, `bandOf` with the tenant's
 * thresholds, `Explainer`), so they match the server's for the same features.
 *
 * @example
 * const scorer = await LocalScorer.open({ client });
 * const local = await LocalAnalytics.open({ client });
 * await local.loadExport('events');
 * const rows = (await local.features({ asOf: new Date() })).toArray();
 * const scores = await scorer.score(rows);   // [{ player_id, probability, score, band, model_version, reasons }]
 * await scorer.close();
 */
export class LocalScorer {
  readonly #client: PitbossClient;
  readonly #worker: Scorer;
  readonly #ownsWorker: boolean;
  readonly #provider: ProviderPreference;
  readonly #maxAgeMs: number;
  #loaded: Loaded | null = null;
  #refreshing: Promise<LocalModel> | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  private constructor(client: PitbossClient, worker: Scorer, ownsWorker: boolean, options: LocalScorerOptions) {
    this.#client = client;
    this.#worker = worker;
    this.#ownsWorker = ownsWorker;
    this.#provider = options.provider ?? 'auto';
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    if (options.live) {
      this.#unsubscribe = options.live.subscribe((m) => {
        if (m.event !== 'score' || !this.#loaded) return;
        const version = m.data.model_version;
        if (typeof version === 'string' && version !== this.#loaded.model.version) void this.refresh().catch(() => undefined);
      });
    }
  }

  /**
   * Starts (or borrows) the scoring worker and loads the tenant's active model.
   * Rejects with `LocalScorerError` when no model is active.
   *
   * @example
   * const scorer = await LocalScorer.open({ client, provider: 'wasm' });
   * console.log(scorer.model?.version, scorer.model?.featureOrder);
   */
  static async open(options: LocalScorerOptions & { signal?: AbortSignal }): Promise<LocalScorer> {
    const worker = options.worker ?? (await openScorer(options.scorer ?? {}));
    const scorer = new LocalScorer(options.client, worker, options.worker === undefined, options);
    try {
      await scorer.refresh(options.signal ? { signal: options.signal } : {});
    } catch (error) {
      await scorer.close();
      throw error;
    }
    return scorer;
  }

  /** The loaded model; `null` only before the first load. */
  get model(): LocalModel | null {
    return this.#loaded?.model ?? null;
  }

  /**
   * Revalidates the active model: a conditional GET with the loaded ETag.
   * On 304 nothing changes; on 200 the new file is loaded into the worker and
   * the tenant's scoring config is read again. Concurrent calls share one request.
   *
   * @example
   * const { version } = await scorer.refresh();
   */
  refresh(options: { signal?: AbortSignal } = {}): Promise<LocalModel> {
    this.#refreshing ??= this.#refresh(options.signal).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(signal: AbortSignal | undefined): Promise<LocalModel> {
    if (this.#closed) throw new LocalScorerError('the scorer is closed');
    const current = this.#loaded;
    let res: Response;
    try {
      res = await this.#client.fetchResponse('/v1/models/active/onnx', {
        ...(signal ? { signal } : {}),
        headers: { accept: 'application/octet-stream', ...(current ? { 'if-none-match': current.model.etag } : {}) },
      });
    } catch (error) {
      if (error instanceof PitbossApiError && error.status === 304 && current) {
        current.loadedAt = Date.now();
        return current.model;
      }
      if (error instanceof PitbossApiError && error.status === 404) throw new LocalScorerError('no model is active for this tenant', { cause: error });
      throw error;
    }
    if (res.status === 304 && current) {
      current.loadedAt = Date.now();
      return current.model;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const etag = res.headers.get('etag') ?? '';
    let artifact: ModelArtifact;
    let meta: Record<string, string>;
    try {
      meta = readOnnxMetadata(bytes);
      artifact = artifactFromOnnx(bytes);
    } catch (error) {
      throw new LocalScorerError(`the active model is not a Pitboss ONNX file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const featureOrder = JSON.parse(meta[META.features] ?? '[]') as string[];
    const header = res.headers.get('pitboss-feature-order');
    if (header !== null && header !== featureOrder.join(',')) throw new LocalScorerError(`feature order header (${header}) disagrees with the file's metadata`);
    const config = await this.#config(signal);
    throwIfAborted(signal);
    // The worker takes the buffer (transferred); metadata was read above. `auto` keeps a copy to retry on WASM.
    const spare = this.#provider === 'auto' ? bytes.slice() : null;
    let session: ModelInfo;
    let fallback: string | null = null;
    try {
      session = await this.#worker.load(bytes, this.#provider);
    } catch (error) {
      if (!spare) throw error;
      fallback = `WebGPU could not run the model: ${error instanceof Error ? error.message : String(error)}`;
      session = await this.#worker.load(spare, 'wasm');
    }
    const model: LocalModel = {
      version: meta[META.version] ?? res.headers.get('pitboss-model-version') ?? '',
      featureOrder,
      etag,
      kind: artifact.network.kind,
      session,
      fallback,
      config,
    };
    this.#loaded = { model, explainer: new Explainer(artifact), loadedAt: Date.now() };
    return model;
  }

  async #config(signal: AbortSignal | undefined): Promise<ScoringConfig> {
    try {
      const raw = await this.#client.request<{ thresholds?: Partial<ScoringConfig['thresholds']>; topReasons?: number }>('/v1/scoring/config', signal ? { signal } : {});
      return scoringConfig({ ...(raw.thresholds ? { thresholds: raw.thresholds } : {}), ...(raw.topReasons !== undefined ? { topReasons: raw.topReasons } : {}) });
    } catch (error) {
      // An API without scoring routes: the defaults the server would use.
      if (error instanceof PitbossApiError && error.status === 404) return DEFAULT_SCORING_CONFIG;
      throw error;
    }
  }

  /**
   * Scores rows keyed by feature name (e.g. `LocalAnalytics.features()` or
   * the features export, `Table.toArray()`), built into the model's feature
   * order; a missing or null feature is NaN (the model imputes it, as on the
   * server). Results are in row order.
   *
   * @example
   * const [s] = await scorer.score([{ player_id: 'p1', deposit_sum_30d: 120000, ...otherFeatures }]);
   */
  async score(rows: readonly Readonly<Record<string, unknown>>[], options: { signal?: AbortSignal; idColumn?: string } = {}): Promise<LocalScore[]> {
    throwIfAborted(options.signal);
    const loaded = await this.#fresh(options.signal);
    if (rows.length === 0) return [];
    const { model, explainer } = loaded;
    const idColumn = options.idColumn ?? 'player_id';
    // Plain objects: Arrow row proxies and bigint money (Int64) become numbers, as the server's rows do.
    const plain = rows.map((r) => {
      const o: Record<string, unknown> = { [idColumn]: r[idColumn] };
      for (const k of model.featureOrder) {
        const v = r[k];
        o[k] = typeof v === 'bigint' ? Number(v) : v ?? null;
      }
      return o;
    });
    const matrix = matrixFromRows(plain, model.featureOrder, idColumn);
    const f = model.featureOrder.length;
    const probabilities = await this.#worker.score(Float32Array.from(matrix.values), matrix.rows);
    return matrix.ids!.map((id, r) => {
      const probability = probabilities[r]!;
      const score = toScore(probability);
      const why = explainer.explain(matrix.values.subarray(r * f, r * f + f), model.config);
      return { player_id: id, probability, score, band: bandOf(score, model.config.thresholds), model_version: model.version, reasons: why.reasons };
    });
  }

  async #fresh(signal: AbortSignal | undefined): Promise<Loaded> {
    const loaded = this.#loaded;
    if (!loaded || Date.now() - loaded.loadedAt >= this.#maxAgeMs) await this.refresh(signal ? { signal } : {});
    if (!this.#loaded) throw new LocalScorerError('no model loaded');
    return this.#loaded;
  }

  /**
   * Stops following the live stream and releases the model; ends the worker when this scorer started it. Idempotent.
   *
   * @example
   * await scorer.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    if (this.#ownsWorker) await this.#worker.close();
  }
}
