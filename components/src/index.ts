export { PbPlayerTable, MAX_RANGE_SELECTION } from './player-table/player-table.component.js';
export type { SelectionMode, PbTheme } from './player-table/player-table.component.js';
export { definePlayerTable } from './player-table/player-table.js';
export { formatCell, riskBand } from './player-table/columns.js';
export type { PbColumn, ColumnFormat, RiskBand } from './player-table/columns.js';
export { ScrollScale, MAX_SCROLL_HEIGHT } from './player-table/scroll-scale.js';
export type {
  PbSelectionChangeDetail, PbSortChangeDetail, PbColumnResizeDetail, PbRowActivateDetail, PbLoadErrorDetail,
  PbSelectionChangeEvent, PbSortChangeEvent, PbColumnResizeEvent, PbRowActivateEvent, PbLoadErrorEvent,
} from './player-table/player-table.events.js';
export { PbSegmentBuilder } from './segment-builder/segment-builder.component.js';
export type { PbSegmentBuilderTheme } from './segment-builder/segment-builder.component.js';
export { defineSegmentBuilder } from './segment-builder/segment-builder.js';
export type { PbSegmentChangeDetail, PbSegmentChangeEvent } from './segment-builder/segment-builder.events.js';
export type { SegmentCounter, SegmentCountOptions, SegmentCountResult, SegmentGuardrailRemovals } from './segment-builder/count.js';
export { apiSegmentCounter, duckdbSegmentCounter, readPreviewGuardrail } from './segment-builder/counters.js';
export type { DuckDBCounterOptions, LocalResult, LocalSegmentCountOptions, LocalSegmentEngine } from './segment-builder/counters.js';
export { segmentBuilderMessages, segmentBuilderBehaviourMessages } from './segment-builder/segment-builder.messages.js';
export type { SegmentBuilderMessages } from './segment-builder/segment-builder.messages.js';
export type { SegmentBuilderBehaviourMessages } from './segment-builder/editors/behaviour.messages.js';
export { PbSqlConsole } from './sql-console/sql-console.component.js';
export type { SqlConsoleError } from './sql-console/sql-console.component.js';
export type { SqlLocation } from './sql-console/sql-text.js';
export { defineSqlConsole } from './sql-console/sql-console.js';
export type { SqlConsoleEngine, LoadedTable, QueryResult, ResultColumn, ResultRow, DuckDBClientLike } from './sql-console/engine.js';
export { ArrowDataSource } from './sql-console/arrow-datasource.js';
export type { ResultTableLike, ResultVectorLike } from './sql-console/arrow-datasource.js';
export { QueryHistory, HistoryCursor, HISTORY_LIMIT } from './sql-console/history.js';
export type { ExportClient } from './sql-console/export-loader.js';
export type { ConsoleDuckDBOptions } from './sql-console/open-engine.js';
export { sqlConsoleMessages } from './sql-console/sql-console.messages.js';
export type { SqlConsoleMessages } from './sql-console/sql-console.messages.js';
export type {
  PbQueryStartDetail, PbQueryCompleteDetail, PbQueryErrorDetail, PbExportLoadDetail,
  PbQueryStartEvent, PbQueryCompleteEvent, PbQueryErrorEvent, PbExportLoadEvent,
} from './sql-console/sql-console.events.js';
export { PbRiskGauge } from './risk-gauge/risk-gauge.component.js';
export { defineRiskGauge } from './risk-gauge/risk-gauge.js';
export type { PbScoreLoadDetail, PbScoreLoadEvent } from './risk-gauge/risk-gauge.events.js';
export { riskGaugeMessages } from './risk-gauge/risk-gauge.messages.js';
export type { RiskGaugeMessages } from './risk-gauge/risk-gauge.messages.js';
export { PbPlayerCard } from './player-card/player-card.component.js';
export { definePlayerCard } from './player-card/player-card.js';
export type {
  PbNoteAddDetail, PbNoteAddEvent, PbInteractionAddDetail, PbInteractionAddEvent, PbPlayerRefreshDetail, PbPlayerRefreshEvent,
} from './player-card/player-card.events.js';
export { playerCardMessages, playerCardTimelineMessages } from './player-card/player-card.messages.js';
export type { PlayerCardMessages } from './player-card/player-card.messages.js';
export type { PlayerCardTimelineMessages, PaymentTerm } from './player-card/timeline.messages.js';
export { defineElement } from './shared/define.js';
export type { DefineResult, VersionedElement } from './shared/define.js';
export { emit } from './shared/events.js';
export { Formatter, formatter, resolveLocale, LOCALES } from './shared/format.js';
export type { PbLocale, DateStyle } from './shared/format.js';
export { messages } from './shared/messages.js';
export { loadLocale, isLocaleLoaded } from './shared/locales.js';
export type { Messages } from './shared/messages.js';
export { themeTokens } from './shared/theme.js';
export { VERSION } from './shared/version.js';

export { defineAll, TAGS } from './define-all.js';
export type { PbTag } from './define-all.js';
