/**
 * The storage layer's public surface, for the HTTP layer, the CLI and tests.
 * See `types.ts` for the contract and `README.md` (Storage) for the design.
 */
export { createStorage, ShardedStorage, CONTROL_DATABASE } from './storage.js';
export { StorageError, ShardUnavailableError, InvalidQueryError, StorageConfigError } from './errors.js';
export { SORT_KEYS } from './keyset.js';
export { loadMigrations } from './migrate.js';
export type { MigrationReport, MigrationScope } from './migrate.js';
export type { CreateApiKeyOptions } from './api-keys.js';
export type { PoolStats } from './pool.js';
export type { NeonSettings } from './drivers/neon.js';
export type * from './types.js';
export { SegmentStorage, MEMBER_COLUMNS, DEFAULT_RISK_BAND, riskBands } from './segments.js';
export type { SavedSegment, SegmentInput, SegmentPreview, MemberPageResult, MemberRow, GuardrailReport, EvaluateOptions } from './segments.js';
export type { AuditEntry, AuditRecord, AuditQuery } from './audit.js';
export { queueAgedFeatures, startFeatureAgeing } from './feature-ageing.js';
export type { AgedFeaturesOptions, AgedFeaturesReport, AgeingStorage, FeatureAgeing, FeatureAgeingOptions } from './feature-ageing.js';
export { PrivacyStorage } from './privacy.js';
export type { PlayerDataExport, ErasureReport, AuditFilter, RetentionReport, DeadLetterRecord } from './privacy.js';
