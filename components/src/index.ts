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
export type { DuckDBCounterOptions, LocalSegmentEngine } from './segment-builder/counters.js';
export { segmentBuilderMessages } from './segment-builder/segment-builder.messages.js';
export type { SegmentBuilderMessages } from './segment-builder/segment-builder.messages.js';
export { defineElement } from './shared/define.js';
export type { DefineResult, VersionedElement } from './shared/define.js';
export { emit } from './shared/events.js';
export { Formatter, formatter, resolveLocale, LOCALES } from './shared/format.js';
export type { PbLocale, DateStyle } from './shared/format.js';
export { messages } from './shared/messages.js';
export type { Messages } from './shared/messages.js';
export { themeTokens } from './shared/theme.js';
export { VERSION } from './shared/version.js';

/** Registers every component of this package (each skips a tag already defined). */
export { definePlayerTable as defineAll } from './player-table/player-table.js';
