/**
 * @pitboss/headless-api: the Hono app (runtime-agnostic), its Node listener,
 * configuration, and the sharded storage it runs on.
 */
export { createApp } from './app/app.js';
export type { CreateAppOptions, PitbossApp } from './app/app.js';
export type { ApiStorage, AppEnv, AppLimits, AppOptions, Principal, PoolStat } from './app/types.js';
export { ApiError, PROBLEMS, PROBLEM_BASE, errorHandler, notFoundHandler, problemResponse } from './app/errors.js';
export type { ApiErrorOptions, Problem, ProblemSlug } from './app/errors.js';
export { authenticate, requirePermission } from './app/auth.js';
export type { AuthOptions } from './app/auth.js';
export { ROLES, PERMISSIONS, ROLE_PERMISSIONS, PERMISSION_EXTENSION, can } from './app/permissions.js';
export type { Role, Permission } from './app/permissions.js';
export { ingestCandidates, ndjsonCandidates, valueCandidates } from './app/ingest.js';
export type { Candidate, IngestDeps, IngestReport, LineError, RetryLine, RawText } from './app/ingest.js';
export { readNdjson, readAll } from './app/body.js';
export type { BodyLine, BodyLimits } from './app/body.js';
export { createMetrics, Counter, Histogram } from './app/metrics.js';
export type { Metrics, GaugeSource } from './app/metrics.js';
export { createJsonLogger } from './app/logger.js';
export type { Logger, LogLevel, LogFields, JsonLoggerOptions } from './app/logger.js';
export { seedTenant } from './app/seed.js';
export type { SeedOptions, SeedProgress } from './app/seed.js';
export type { Lifecycle } from './app/routes/ops.js';
export { loadConfig, parseFlags, ConfigError, CONFIG_VARIABLES } from './config.js';
export type { Config } from './config.js';
export { listen, onShutdownSignal } from './server.js';
export type { RunningServer, ServeOptions } from './server.js';
export {
  createStorage, ShardedStorage, CONTROL_DATABASE, StorageError, ShardUnavailableError, InvalidQueryError, StorageConfigError, SORT_KEYS, startFeatureAgeing,
} from './storage/index.js';
export type { AgedFeaturesOptions, AgedFeaturesReport, FeatureAgeing, FeatureAgeingOptions } from './storage/index.js';
export type * from './storage/types.js';
