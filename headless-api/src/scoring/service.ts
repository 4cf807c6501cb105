import { shardOf } from '@pitboss/core';
import { Explainer, matrixFromRows, scoringConfig, bandOf, toScore, ScoringConfigError } from '@pitboss/ml';
import type { Band, Reason, Scorer, ScoringConfig } from '@pitboss/ml';
import { OnnxNodeScorer } from '@pitboss/ml/node';
import type { Logger } from '../app/logger.js';
import type { ShardedStorage } from '../storage/storage.js';
import * as models from '../storage/models.js';
import type { Deployment, ModelInfo } from '../storage/models.js';
import * as scores from '../storage/scores.js';
import type { ScoreRow, StoredScore } from '../storage/scores.js';
import type { ModelFile, ScorerBackend } from './backends.js';
import { usesChallenger } from './challenger.js';
import { distribution } from './compare.js';
import type { Distribution } from './compare.js';
import { inspectModelFile, ModelFileError } from './model-file.js';

/** Most players re-scored in one batch after ingestion. */
const RESCORE_BATCH = 5000;

/** Why a scoring request cannot be served; the HTTP layer maps `code` to a status. */
export class ScoringError extends Error {
  override readonly name = 'ScoringError';
  constructor(
    readonly code: 'no-active-model' | 'unknown-version' | 'version-exists' | 'invalid-model' | 'invalid-config' | 'scorer-unavailable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One player's fresh score. */
export interface PlayerScore {
  player_id: string;
  score: number;
  probability: number;
  band: Band;
  model_version: string;
  role: 'champion' | 'challenger';
  reasons: Reason[];
}

/** Result of scoring a list of players now. */
export interface ScoreOutcome {
  scores: PlayerScore[];
  /** Players without stored features (unknown, or no events yet): not scored. */
  missing: string[];
}

interface Loaded {
  info: ModelInfo;
  explainer: Explainer;
  scorer: Scorer;
}

export interface ScoringServiceOptions {
  /** Where probabilities are computed (in-process by default; see `config.ts`). */
  backend: ScorerBackend;
  logger: Logger;
  /** Loaded model versions kept open (each holds an onnxruntime session or a connection); default 32. */
  cacheSize?: number;
}

/**
 * Scores players with the tenant's registered models: features from
 * `player_features`, probabilities from the configured backend, reasons from
 * ml's `Explainer`, bands from the tenant's thresholds; every score stored
 * with its model version. Build with `new ScoringService(storage, …)` and
 * call `attach()` to re-score players whenever ingestion refreshes their
 * features.
 *
 * @example
 * const scoring = new ScoringService(storage, { backend: inProcessBackend(), logger });
 * scoring.attach();
 * const { scores } = await scoring.score('acme', ['p-1']);
 */
export class ScoringService {
  readonly #storage: ShardedStorage;
  readonly #backend: ScorerBackend;
  readonly #logger: Logger;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, Promise<Loaded>>();
  readonly #pending = new Map<string, Set<string>>();
  #draining: Promise<void> | null = null;
  readonly #idle: (() => void)[] = [];
  #closed = false;
  /** Last background re-scoring failure (cleared by the next success), for `/metrics` and logs. */
  lastRescoreError: Error | null = null;

  constructor(storage: ShardedStorage, options: ScoringServiceOptions) {
    this.#storage = storage;
    this.#backend = options.backend;
    this.#logger = options.logger;
    this.#cacheSize = options.cacheSize ?? 32;
  }

  /** The backend kind (`in-process` or `kserve`). */
  get backend(): ScorerBackend['kind'] {
    return this.#backend.kind;
  }

  /**
   * Re-scores players after ingestion refreshes their features. Players are
   * queued per tenant and coalesced (a player touched by several batches
   * while a re-score runs is scored once), then scored in batches of up to
   * 5,000, off the feature refresher's path: a slow or failing scorer never
   * delays features. `settled()` waits for the queue.
   *
   * @example
   * scoring.attach(); await storage.ingest('acme', lines);
   * await storage.featuresSettled(); await scoring.settled(); // scores stored
   */
  attach(): void {
    this.#storage.onFeaturesRefreshed(async (tenantId, playerIds) => this.#enqueue(tenantId, playerIds));
  }

  /**
   * Resolves when no re-score is queued or running.
   *
   * @example
   * await storage.featuresSettled(); await scoring.settled();
   */
  settled(): Promise<void> {
    if (this.#draining === null) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Players waiting to be re-scored. */
  get backlog(): number {
    let n = 0;
    for (const ids of this.#pending.values()) n += ids.size;
    return n;
  }

  #enqueue(tenantId: string, playerIds: readonly string[]): void {
    if (this.#closed) return;
    let ids = this.#pending.get(tenantId);
    if (!ids) this.#pending.set(tenantId, (ids = new Set()));
    for (const id of playerIds) ids.add(id);
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      for (const resolve of this.#idle.splice(0)) resolve();
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.size > 0 && !this.#closed) {
      const [tenantId, ids] = this.#pending.entries().next().value as [string, Set<string>];
      const batch = [...ids].slice(0, RESCORE_BATCH);
      for (const id of batch) ids.delete(id);
      if (ids.size === 0) this.#pending.delete(tenantId);
      await this.#rescore(tenantId, batch);
    }
  }

  async #rescore(tenantId: string, playerIds: readonly string[]): Promise<void> {
    try {
      const deployment = await models.getDeployment(this.#storage.control, tenantId);
      if (deployment.active === null) return;
      await this.#scoreWith(tenantId, playerIds, deployment);
      this.lastRescoreError = null;
    } catch (error) {
      // Features are stored; the players' next event or POST /v1/scores scores them. Logged, never thrown: a background queue has no caller.
      this.lastRescoreError = error instanceof Error ? error : new Error(String(error));
      this.#logger.error('re-scoring after feature refresh failed', { tenant: tenantId, players: playerIds.length, error: this.lastRescoreError });
    }
  }

  /**
   * Validates and registers an ONNX model exported by `@pitboss/ml` (it must
   * load in onnxruntime and carry a version and a core feature order).
   *
   * @example
   * const info = await scoring.upload('acme', bytes, '# card');
   */
  async upload(tenantId: string, bytes: Uint8Array, card: string | null = null): Promise<ModelInfo> {
    let inspected: ReturnType<typeof inspectModelFile>;
    try {
      inspected = inspectModelFile(bytes, card);
      // Loading it here rejects a file onnxruntime cannot run now, not at the first score.
      const session = await OnnxNodeScorer.open(bytes, { threads: 1 });
      await session.close();
    } catch (error) {
      throw new ScoringError('invalid-model', error instanceof ModelFileError ? error.message : `onnxruntime cannot load the file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const created = await models.insertModel(this.#storage.control, tenantId, inspected.model);
    if (!created) throw new ScoringError('version-exists', `version ${inspected.model.version} is already registered; versions are immutable, export the new model with another version`);
    const info = await models.getModel(this.#storage.control, tenantId, inspected.model.version);
    if (!info) throw new Error(`model ${inspected.model.version} missing right after its insert`);
    return info;
  }

  /**
   * Model versions and the serving state.
   *
   * @example
   * const { models, deployment } = await scoring.list('acme');
   */
  async list(tenantId: string): Promise<{ models: ModelInfo[]; deployment: Deployment }> {
    const [list, deployment] = await Promise.all([models.listModels(this.#storage.control, tenantId), models.getDeployment(this.#storage.control, tenantId)]);
    return { models: list, deployment };
  }

  /**
   * One version's metadata, metrics and card, or null.
   *
   * @example
   * const info = await scoring.model('acme', '2');
   */
  model(tenantId: string, version: string): Promise<ModelInfo | null> {
    return models.getModel(this.#storage.control, tenantId, version);
  }

  /**
   * A version's ONNX file as uploaded, or null: what an in-browser scorer
   * (onnxruntime-web) loads to score like this service.
   *
   * @example
   * const bytes = await scoring.modelBytes('acme', '2');
   */
  modelBytes(tenantId: string, version: string): Promise<Uint8Array | null> {
    return models.getModelBytes(this.#storage.control, tenantId, version);
  }

  /**
   * Attaches a model card (markdown); null if the version is unknown.
   *
   * @example
   * await scoring.setCard('acme', '2', await readFile('risk.onnx.card.md', 'utf8'));
   */
  async setCard(tenantId: string, version: string, card: string): Promise<ModelInfo | null> {
    if (!(await models.setModelCard(this.#storage.control, tenantId, version, card))) return null;
    return models.getModel(this.#storage.control, tenantId, version);
  }

  /**
   * The active version and challenger.
   *
   * @example
   * const { active } = await scoring.deployment('acme');
   */
  deployment(tenantId: string): Promise<Deployment> {
    return models.getDeployment(this.#storage.control, tenantId);
  }

  /**
   * Makes a version the champion (checked to load with the configured backend first).
   *
   * @example
   * await scoring.activate('acme', '2');
   */
  async activate(tenantId: string, version: string): Promise<Deployment> {
    await this.#load(tenantId, version);
    await models.activateModel(this.#storage.control, tenantId, version);
    return this.deployment(tenantId);
  }

  /**
   * Undoes the latest activation: the previously active version serves again.
   *
   * @example
   * const { active } = await scoring.rollback('acme');
   */
  async rollback(tenantId: string): Promise<Deployment> {
    const after = await models.rollbackModel(this.#storage.control, tenantId);
    if (after === undefined) throw new ScoringError('no-active-model', 'nothing to roll back: no version is active');
    return this.deployment(tenantId);
  }

  /**
   * Sets the challenger and the share of players (by hash) it scores; null clears it.
   *
   * @example
   * await scoring.setChallenger('acme', { version: '3', share: 0.2 });
   */
  async setChallenger(tenantId: string, challenger: { version: string; share: number } | null): Promise<Deployment> {
    if (challenger) await this.#load(tenantId, challenger.version);
    await models.setChallenger(this.#storage.control, tenantId, challenger);
    return this.deployment(tenantId);
  }

  /**
   * The tenant's band thresholds and reason count (ml's defaults unless set).
   *
   * @example
   * const { thresholds } = await scoring.config('acme');
   */
  async config(tenantId: string): Promise<ScoringConfig> {
    const stored = await models.getScoringConfig(this.#storage.control, tenantId);
    return stored ? scoringConfig({ thresholds: stored.thresholds, topReasons: stored.top_reasons }) : scoringConfig();
  }

  /**
   * Validates and stores the tenant's thresholds (partial over the defaults).
   *
   * @example
   * await scoring.setConfig('acme', { thresholds: { high: 40 }, topReasons: 5 });
   */
  async setConfig(tenantId: string, overrides: Parameters<typeof scoringConfig>[0]): Promise<ScoringConfig> {
    let cfg: ScoringConfig;
    try {
      cfg = scoringConfig(overrides);
    } catch (error) {
      if (error instanceof ScoringConfigError) throw new ScoringError('invalid-config', error.message, { cause: error });
      throw error;
    }
    await models.putScoringConfig(this.#storage.control, tenantId, { thresholds: { ...cfg.thresholds }, top_reasons: cfg.topReasons });
    return cfg;
  }

  /**
   * Scores players now and stores the scores (and `players.risk_score/risk_band`).
   *
   * @example
   * const { scores, missing } = await scoring.score('acme', ['p-1', 'p-2']);
   */
  async score(tenantId: string, playerIds: readonly string[]): Promise<ScoreOutcome> {
    const deployment = await models.getDeployment(this.#storage.control, tenantId);
    if (deployment.active === null) throw new ScoringError('no-active-model', 'no model is active for this tenant: upload one (POST /v1/models) and activate it');
    return this.#scoreWith(tenantId, playerIds, deployment);
  }

  /**
   * Scores every player of the tenant that has features, in batches (e.g.
   * right after activating the first model). Returns how many were scored.
   *
   * @example
   * const n = await scoring.scoreAll('demo');
   */
  async scoreAll(tenantId: string, batch = 5000): Promise<number> {
    let n = 0;
    for (const db of this.#storage.databases) {
      let after = '';
      for (;;) {
        const rows = await db.query<{ player_id: string }>(
          'SELECT player_id FROM player_features WHERE tenant_id = $1 AND player_id > $2 ORDER BY player_id LIMIT $3',
          [tenantId, after, batch],
        );
        if (rows.length === 0) break;
        const { scores: done } = await this.score(tenantId, rows.map((r) => r.player_id));
        n += done.length;
        after = rows[rows.length - 1]!.player_id;
      }
    }
    return n;
  }

  /**
   * A player's latest stored score; null if never scored.
   *
   * @example
   * const s = await scoring.latest('acme', 'p-1');
   */
  async latest(tenantId: string, playerId: string): Promise<StoredScore | null> {
    const db = this.#storage.databases[await this.#storage.databaseOf(tenantId, playerId)]!;
    return scores.latestScore(db, tenantId, playerId);
  }

  /**
   * Stores operator-confirmed outcomes for `target` (`risk` or `churn`).
   *
   * @example
   * await scoring.label('acme', 'risk', [{ player_id: 'p-1', label: 1 }]);
   */
  async label(tenantId: string, target: string, labels: readonly { player_id: string; label: 0 | 1 }[]): Promise<void> {
    const groups = await this.#byDatabase(tenantId, labels.map((l) => l.player_id));
    const byId = new Map(labels.map((l) => [l.player_id, l.label]));
    await Promise.all(
      [...groups].map(([index, ids]) =>
        scores.writeLabels(this.#storage.databases[index]!, tenantId, ids.map((id) => ({ player_id: id, target, label: byId.get(id)! }))),
      ),
    );
  }

  /**
   * Score distributions of two versions over the players each scored
   * (latest score per player), and their ROC-AUC on players with labels
   * for the versions' target.
   *
   * @example
   * const { a, b } = await scoring.compare('acme', '1', '2');
   */
  async compare(tenantId: string, a: string, b: string): Promise<{ a: ModelInfo & { distribution: Distribution }; b: ModelInfo & { distribution: Distribution } }> {
    const one = async (version: string) => {
      const info = await models.getModel(this.#storage.control, tenantId, version);
      if (!info) throw new ScoringError('unknown-version', `no model version ${JSON.stringify(version)}`);
      const rows = (await Promise.all(this.#storage.databases.map((db) => scores.versionScores(db, tenantId, version, info.target)))).flat();
      return { ...info, distribution: distribution(rows) };
    };
    const [ra, rb] = await Promise.all([one(a), one(b)]);
    return { a: ra, b: rb };
  }

  /** Stops re-scoring (dropping the queue), waits for the batch in progress, closes every loaded scorer. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pending.clear();
    await this.#draining;
    const loaded = [...this.#cache.values()];
    this.#cache.clear();
    await Promise.all(loaded.map(async (p) => (await p).scorer.close()));
  }

  async #byDatabase(tenantId: string, playerIds: readonly string[]): Promise<Map<number, string[]>> {
    const groups = new Map<number, string[]>();
    for (const id of new Set(playerIds)) {
      const index = await this.#storage.databaseOf(tenantId, id);
      let list = groups.get(index);
      if (!list) groups.set(index, (list = []));
      list.push(id);
    }
    return groups;
  }

  async #scoreWith(tenantId: string, playerIds: readonly string[], deployment: Deployment): Promise<ScoreOutcome> {
    const cfg = await this.config(tenantId);
    const champion = await this.#load(tenantId, deployment.active!);
    const challenger = deployment.challenger && deployment.challenger.share > 0 ? await this.#load(tenantId, deployment.challenger.version) : null;
    const columns = [...new Set([...champion.info.feature_order, ...(challenger?.info.feature_order ?? [])])];
    const groups = await this.#byDatabase(tenantId, playerIds);
    const out: ScoreOutcome = { scores: [], missing: [] };
    await Promise.all(
      [...groups].map(async ([index, ids]) => {
        const db = this.#storage.databases[index]!;
        const rows = await scores.readFeatures(db, tenantId, ids, columns);
        const found = new Set(rows.map((r) => String(r.player_id)));
        for (const id of ids) if (!found.has(id)) out.missing.push(id);
        const toChallenger = challenger ? rows.filter((r) => usesChallenger(tenantId, String(r.player_id), deployment.challenger!.share)) : [];
        const toChampion = challenger ? rows.filter((r) => !usesChallenger(tenantId, String(r.player_id), deployment.challenger!.share)) : rows;
        const written: ScoreRow[] = [];
        for (const [model, role, part] of [[champion, 'champion', toChampion], [challenger, 'challenger', toChallenger]] as const) {
          if (!model || part.length === 0) continue;
          const scored = await this.#run(model, part, cfg);
          for (const s of scored) {
            out.scores.push({ ...s, role });
            written.push({ player_id: s.player_id, shard: shardOf(tenantId, s.player_id), model_version: s.model_version, role, probability: s.probability, score: s.score, band: s.band, risk_band: s.band, reasons: s.reasons });
          }
        }
        await scores.writeScores(db, tenantId, written);
        this.#storage.scoresWritten(tenantId, written);
      }),
    );
    out.scores.sort((x, y) => (x.player_id < y.player_id ? -1 : x.player_id > y.player_id ? 1 : 0));
    out.missing.sort();
    return out;
  }

  async #run(model: Loaded, rows: readonly Record<string, unknown>[], cfg: ScoringConfig): Promise<Omit<PlayerScore, 'role'>[]> {
    const names = model.info.feature_order;
    const matrix = matrixFromRows(rows, names, 'player_id');
    let probabilities: ArrayLike<number>;
    try {
      probabilities = (await model.scorer.score(matrix)).probabilities;
    } catch (error) {
      throw new ScoringError('scorer-unavailable', `scoring with model ${model.info.version} (${this.#backend.kind}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const f = names.length;
    return matrix.ids!.map((id, r) => {
      const probability = probabilities[r]!;
      const score = toScore(probability);
      const why = model.explainer.explain(matrix.values.subarray(r * f, r * f + f), cfg);
      return { player_id: id, probability, score, band: bandOf(score, cfg.thresholds), model_version: model.info.version, reasons: why.reasons };
    });
  }

  #load(tenantId: string, version: string): Promise<Loaded> {
    const key = `${tenantId}\0${version}`;
    let hit = this.#cache.get(key);
    if (hit) {
      // Re-insert: Map order is the eviction order (least recently used first).
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    hit = this.#open(tenantId, version);
    this.#cache.set(key, hit);
    hit.catch(() => this.#cache.delete(key));
    while (this.#cache.size > this.#cacheSize) {
      const [oldKey, old] = this.#cache.entries().next().value as [string, Promise<Loaded>];
      this.#cache.delete(oldKey);
      void old
        .then((m) => m.scorer.close())
        .catch((error: unknown) => this.#logger.warn('closing an evicted model failed', { error }));
    }
    return hit;
  }

  async #open(tenantId: string, version: string): Promise<Loaded> {
    const [info, bytes] = await Promise.all([models.getModel(this.#storage.control, tenantId, version), models.getModelBytes(this.#storage.control, tenantId, version)]);
    if (!info || !bytes) throw new ScoringError('unknown-version', `no model version ${JSON.stringify(version)}`);
    const { artifact } = inspectModelFile(bytes);
    const file: ModelFile = { name: info.name, version: info.version, features: info.feature_order, artifact, bytes };
    let scorer: Scorer;
    try {
      scorer = await this.#backend.open(file);
    } catch (error) {
      throw new ScoringError('scorer-unavailable', `cannot open model ${version} with the ${this.#backend.kind} scorer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { info, explainer: new Explainer(artifact), scorer };
  }
}
