// Features that change with time alone. A 30-day deposit sum drops a deposit
// when it turns 31 days old, and "days since the last bet" grows every day,
// with no event to set off a refresh: a player who stops playing would keep
// the figures (and the risk or churn score) of their last active day. The
// sweep below finds players whose features were computed long ago and hands
// them to the feature refresher, whose scores then follow as after ingestion.
import type { Logger } from '../app/logger.js';
import type { Database } from './pool.js';

/** What {@link queueAgedFeatures} looks for. */
export interface AgedFeaturesOptions {
  /** Features computed longer ago than this are recomputed (milliseconds, > 0). */
  maxAgeMs: number;
  /** Only this tenant's players; every tenant's when absent. */
  tenant?: string;
  /** Most players queued per database in one call, oldest first (default 10,000). */
  limit?: number;
  /** Deadline of each database's query, milliseconds (0: none). */
  timeoutMs?: number;
}

/** What one call of {@link queueAgedFeatures} did. */
export interface AgedFeaturesReport {
  /** Players queued for a refresh, over every database. */
  queued: number;
  /** Databases that could not be read (down, timed out); their players wait for the next sweep. */
  errors: { database: number; message: string }[];
}

const DEFAULT_LIMIT = 10_000;

/** Oldest first, so that a sweep with a limit works through a backlog in order (index `player_features_computed_at`). */
const AGED_FEATURES = `SELECT tenant_id, player_id FROM player_features
WHERE computed_at < now() - $1::bigint * interval '1 millisecond' AND ($2::text IS NULL OR tenant_id = $2::text)
ORDER BY computed_at
LIMIT $3`;

/**
 * Finds, on every database, players whose features were computed more than
 * `maxAgeMs` ago and passes them to `enqueue` per tenant. A database that
 * fails is reported, not thrown: the others are still queued.
 *
 * @example
 * const report = await queueAgedFeatures(storage.databases, (db, t, ps) => refresher.enqueue(db, t, ps), { maxAgeMs: 86_400_000 });
 */
export async function queueAgedFeatures(
  databases: readonly Database[],
  enqueue: (db: Database, tenantId: string, playerIds: readonly string[]) => void,
  options: AgedFeaturesOptions,
): Promise<AgedFeaturesReport> {
  if (!(Number.isFinite(options.maxAgeMs) && options.maxAgeMs > 0)) throw new RangeError('maxAgeMs must be a positive number of milliseconds');
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!(Number.isInteger(limit) && limit > 0)) throw new RangeError('limit must be a positive integer');
  const report: AgedFeaturesReport = { queued: 0, errors: [] };
  await Promise.all(
    databases.map(async (db) => {
      let rows: { tenant_id: string; player_id: string }[];
      try {
        rows = await db.query<{ tenant_id: string; player_id: string }>(AGED_FEATURES, [Math.round(options.maxAgeMs), options.tenant ?? null, limit], {
          name: 'pb_aged_features',
          timeoutMs: options.timeoutMs ?? 0,
        });
      } catch (error) {
        report.errors.push({ database: db.index, message: error instanceof Error ? error.message : String(error) });
        return;
      }
      const byTenant = new Map<string, string[]>();
      for (const r of rows) {
        let players = byTenant.get(r.tenant_id);
        if (!players) byTenant.set(r.tenant_id, (players = []));
        players.push(r.player_id);
      }
      for (const [tenantId, players] of byTenant) enqueue(db, tenantId, players);
      report.queued += rows.length;
    }),
  );
  return report;
}

/** The storage surface the sweep needs (`ShardedStorage` has it). */
export interface AgeingStorage {
  refreshAgedFeatures(options: AgedFeaturesOptions): Promise<AgedFeaturesReport>;
  featureStatus(): { backlog: number };
}

/** Options of {@link startFeatureAgeing}. */
export interface FeatureAgeingOptions {
  /** Features older than this are recomputed (milliseconds). */
  maxAgeMs: number;
  /** Time between sweeps (default: a 24th of `maxAgeMs`, at most 10 minutes, at least 1 second). */
  everyMs?: number;
  /** Most players queued per database per sweep (default 10,000). */
  limit?: number;
  /** The refresher's backlog above which a sweep is skipped: ingestion's refreshes come first. Default: `limit`. */
  maxBacklog?: number;
  logger?: Logger;
}

/** A running sweep: `sweep()` runs one now; `stop()` ends the timer (a sweep in progress finishes). */
export interface FeatureAgeing {
  sweep(): Promise<AgedFeaturesReport | null>;
  stop(): void;
}

/**
 * Sweeps for aged features every `everyMs` until stopped. The timer does not
 * keep the process alive. Several API processes may sweep the same
 * databases: a player is then queued twice at worst, and a refresh resets
 * `computed_at`, so the next sweep passes over it.
 *
 * @example
 * const ageing = startFeatureAgeing(storage, { maxAgeMs: 24 * 3_600_000, logger });
 * // on shutdown:
 * ageing.stop();
 */
export function startFeatureAgeing(storage: AgeingStorage, options: FeatureAgeingOptions): FeatureAgeing {
  const everyMs = options.everyMs ?? Math.max(1000, Math.min(options.maxAgeMs / 24, 600_000));
  const limit = options.limit ?? DEFAULT_LIMIT;
  const maxBacklog = options.maxBacklog ?? limit;
  let running: Promise<AgedFeaturesReport | null> | null = null;
  let stopped = false;
  const once = async (): Promise<AgedFeaturesReport | null> => {
    try {
      if (storage.featureStatus().backlog > maxBacklog) return null;
      const report = await storage.refreshAgedFeatures({ maxAgeMs: options.maxAgeMs, limit });
      if (report.queued > 0) options.logger?.info('aged features queued for a refresh', { players: report.queued });
      for (const e of report.errors) options.logger?.warn('aged features sweep failed on a database', { database: e.database, error: e.message });
      return report;
    } catch (error) {
      options.logger?.error('aged features sweep failed', { error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  };
  const sweep = (): Promise<AgedFeaturesReport | null> => {
    if (stopped) return Promise.resolve(null);
    // Cleared in a callback, which runs after the assignment even when `once` returns without awaiting.
    running ??= once().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  return {
    sweep,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
