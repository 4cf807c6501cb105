import { cudaProviderLibrary } from '@pitboss/ml/node';
import type { Logger } from '../app/logger.js';
import { ConfigError } from '../config.js';
import type { Config } from '../config.js';
import type { ShardedStorage } from '../storage/storage.js';
import { inProcessBackend, kserveBackend } from './backends.js';
import { ScoringService } from './service.js';

/**
 * The scoring service a process runs with: in-process unless
 * `config.scorer.url` names a KServe v2 server; attached to ingestion so
 * touched players are re-scored. In process, onnxruntime-node runs on
 * `config.scorer.provider`; `cuda` without onnxruntime-node's CUDA provider
 * installed is a `ConfigError` here, at start, rather than at the first score.
 *
 * @example
 * const scoring = scoringFromConfig(config, storage, logger);
 * createApp({ storage, logger, config: { limits: config.limits }, scoring });
 */
export function scoringFromConfig(config: Pick<Config, 'scorer'>, storage: ShardedStorage, logger: Logger): ScoringService {
  const { url, mode, onnxMinBatch, provider } = config.scorer;
  if (!url) {
    const library = cudaProviderLibrary();
    if (provider === 'cuda' && !library) {
      throw new ConfigError([
        'PITBOSS_SCORER_PROVIDER (--scorer-provider) is cuda, but onnxruntime-node has no CUDA provider installed: install it on the GPU host with `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12`, or use auto or cpu',
      ]);
    }
    const onWhat = provider === 'cpu' ? 'CPU' : library ? `CUDA where a session opens on it (${library}), else CPU` : 'CPU (no CUDA provider installed)';
    logger.info(`scoring in process: onnxruntime-node on ${onWhat}`, { provider });
  }
  const backend = url ? kserveBackend({ url, mode }) : inProcessBackend({ ...(onnxMinBatch === undefined ? {} : { onnxMinBatch }), onnx: { executionProviders: provider } });
  const scoring = new ScoringService(storage, { backend, logger });
  scoring.attach();
  return scoring;
}
