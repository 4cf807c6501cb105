import type { Logger } from '../app/logger.js';
import type { Config } from '../config.js';
import type { ShardedStorage } from '../storage/storage.js';
import { inProcessBackend, kserveBackend } from './backends.js';
import { ScoringService } from './service.js';

/**
 * The scoring service a process runs with: in-process unless
 * `config.scorer.url` names a KServe v2 server; attached to ingestion so
 * touched players are re-scored.
 *
 * @example
 * const scoring = scoringFromConfig(config, storage, logger);
 * createApp({ storage, logger, config: { limits: config.limits }, scoring });
 */
export function scoringFromConfig(config: Pick<Config, 'scorer'>, storage: ShardedStorage, logger: Logger): ScoringService {
  const { url, mode, onnxMinBatch } = config.scorer;
  const backend = url ? kserveBackend({ url, mode }) : inProcessBackend(onnxMinBatch === undefined ? {} : { onnxMinBatch });
  const scoring = new ScoringService(storage, { backend, logger });
  scoring.attach();
  return scoring;
}
