export type { DataSource, DataQuery, DataSourceChange, RowBase, SortSpec } from './datasource.js';
export { throwIfAborted } from './datasource.js';
export { MemoryDataSource } from './memory-datasource.js';
export type { RowPredicate } from './memory-datasource.js';
export { GeneratedDataSource, type GeneratedDataSourceOptions } from './generated-datasource.js';
export type {
  Problem, LineError, RetryLine, IngestReport, PlayerSummary, PlayerScoreSummary, PlayerDetail, PlayerPage, PlayerListFilter, PlayerListQuery,
  SegmentAst, SegmentMemberRow, SegmentPreview, PlayerProfileInput, EventInput,
} from './api-types.js';
export type {
  TimelineEvent, TimelinePage, TimelineQuery, SeriesPoint, PlayerSeries, PlayerNote, PlayerNotePage, RgInteractionInput, RgInteractionResult,
  ScoreReason, PlayerScore,
} from './api-types.js';
export type { Me } from './api-types.js';
export { PitbossApiError, PitbossNetworkError, PROBLEM_BASE, errorFromResponse, parseRetryAfter, isAbortError } from './errors.js';
export { apiKey, embedToken } from './token.js';
export type { TokenProvider, IssuedToken, EmbedTokenOptions } from './token.js';
export { DEFAULT_RETRY, backoffMs } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { PitbossClient } from './client.js';
export type { PitbossClientOptions, RetryInfo, CallOptions, RequestInit as PitbossRequestInit } from './client.js';
export { LiveStream } from './live.js';
export type { LiveMessage, LiveEventData, LiveScoreData, LiveResetData, LiveOptions, LiveState } from './live.js';
export { parseSse } from './sse.js';
export type { SseMessage, SseRetry } from './sse.js';
export { RemotePlayerDataSource, PLAYER_SORT_KEYS, segmentOf } from './remote-datasource.js';
export type { PlayerRow, RemoteDataSourceOptions } from './remote-datasource.js';
export { LocalDataSource, quoteIdent } from './local-datasource.js';
export type { LocalDataSourceOptions } from './local-datasource.js';
export { LocalAnalytics } from './local-analytics.js';
export type { ExportTable, ExportQuery } from './local-analytics.js';
export { LocalSegments } from './local-segments.js';
export type { LocalGuardrailCounts, LocalRowsQuery, LocalSegmentOptions, LocalSegmentPage } from './local-segments.js';
export { LocalScorer, LocalScorerError } from './local-scorer.js';
export type { LocalModel, LocalScore, LocalScorerOptions } from './local-scorer.js';
