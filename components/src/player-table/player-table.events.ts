import type { RowBase, SortSpec } from '@pitboss/sdk';

/** Detail of `pb-selection-change`: the selection after the change. */
export interface PbSelectionChangeDetail<R extends RowBase = RowBase> {
  /** Ids of the selected rows, in the order they were selected. */
  selectedIds: readonly string[];
  /** The selected rows as last seen by the table (same order as `selectedIds`). */
  rows: readonly R[];
}

/** Detail of `pb-sort-change`: the sort about to be applied (cancel the event to keep the current one). */
export interface PbSortChangeDetail {
  sort: readonly SortSpec[];
}

/** Detail of `pb-column-resize`: a column's new width. */
export interface PbColumnResizeDetail {
  key: string;
  width: number;
}

/** Detail of `pb-row-activate`: a row was activated (Enter or double click). */
export interface PbRowActivateDetail<R extends RowBase = RowBase> {
  row: R;
  index: number;
}

/** Detail of `pb-load-error`: the DataSource rejected a count or window request. */
export interface PbLoadErrorDetail {
  error: unknown;
}

export type PbSelectionChangeEvent = CustomEvent<PbSelectionChangeDetail>;
export type PbSortChangeEvent = CustomEvent<PbSortChangeDetail>;
export type PbColumnResizeEvent = CustomEvent<PbColumnResizeDetail>;
export type PbRowActivateEvent = CustomEvent<PbRowActivateDetail>;
export type PbLoadErrorEvent = CustomEvent<PbLoadErrorDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'pb-selection-change': PbSelectionChangeEvent;
    'pb-sort-change': PbSortChangeEvent;
    'pb-column-resize': PbColumnResizeEvent;
    'pb-row-activate': PbRowActivateEvent;
    'pb-load-error': PbLoadErrorEvent;
  }
}
