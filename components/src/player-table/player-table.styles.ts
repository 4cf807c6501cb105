import { css } from 'lit';

export const styles = css`
  :host {
    --_header-bg: var(--pb-table-header-background, var(--_surface-raised));
    --_row-hover: var(--pb-table-row-hover, var(--_hover));
    --_row-selected: var(--pb-table-row-selected, var(--_selected));
    --_cell-padding: var(--pb-table-cell-padding, 0 var(--_space));
    display: block;
    position: relative;
    height: 480px;
    box-sizing: border-box;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    font-size: var(--pb-table-font-size, 14px);
    overflow: hidden;
  }
  :host([hidden]) {
    display: none;
  }
  .scroller {
    position: relative;
    height: 100%;
    overflow: auto;
    overflow-anchor: none;
    outline: none;
  }
  .head {
    position: sticky;
    top: 0;
    z-index: 2;
    width: max-content;
    min-width: 100%;
    background: var(--_header-bg);
    border-bottom: 1px solid var(--_border);
  }
  .row {
    display: flex;
    height: var(--_row-height);
    align-items: stretch;
  }
  .head .row {
    height: auto;
  }
  .cell,
  .th {
    flex: none;
    box-sizing: border-box;
    display: flex;
    align-items: center;
    min-width: 0;
    padding: var(--_cell-padding);
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    outline: none;
  }
  /* Body cells are plain blocks with one line of inline text (no flexbox): the
     cheapest layout for the ~100 cells rewritten on every jump. */
  .body .cell {
    display: block;
    contain: strict;
    line-height: calc(var(--_row-height) - 1px);
  }
  .body .align-end {
    text-align: end;
  }
  .body .align-center {
    text-align: center;
  }
  .th {
    position: relative;
    gap: 4px;
    min-height: 36px;
    font-weight: 600;
    user-select: none;
    cursor: default;
  }
  .th.sortable {
    cursor: pointer;
  }
  /* A header narrower than its label ellipsises the label; the sort arrow stays. Without this,
     a right-aligned (numeric) header pushed the start of its label out of view. */
  .th .label {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .align-end {
    justify-content: flex-end;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .align-center {
    justify-content: center;
  }
  .sort {
    flex: none;
    width: 1em;
    color: var(--_muted);
  }
  .resize {
    position: absolute;
    top: 0;
    right: 0;
    width: 8px;
    height: 100%;
    cursor: col-resize;
    touch-action: none;
  }
  .resize::after {
    content: '';
    position: absolute;
    top: 25%;
    right: 3px;
    height: 50%;
    border-right: 1px solid var(--_border);
  }
  .spacer {
    pointer-events: none;
  }
  .body {
    position: absolute;
    top: 0;
    left: 0;
    min-width: 100%;
    will-change: transform;
    user-select: none;
    contain: layout paint style;
  }
  /* Fixed tracks and a fixed row height make every row and cell size-independent of its
     text: with strict containment a jump relayouts each cell alone, never the body. */
  .body .row {
    contain: strict;
    width: 100%;
    border-bottom: 1px solid color-mix(in srgb, var(--_border) 60%, transparent);
    box-sizing: border-box;
  }
  .body .row:hover {
    background: var(--_row-hover);
  }
  .body .row[aria-selected='true'] {
    background: var(--_row-selected);
  }
  .placeholder .cell > span {
    display: none;
  }
  .placeholder .cell::before {
    content: '';
    display: inline-block;
    vertical-align: middle;
    width: 60%;
    height: 0.6em;
    border-radius: 3px;
    background: var(--_border);
  }
  .cell:focus-visible,
  .th:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_focus);
  }
  .risk::before {
    content: '';
    display: inline-block;
    margin-inline-end: 6px;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_ok);
  }
  .risk.medium::before {
    background: var(--_warning);
  }
  .risk.high::before {
    background: var(--_danger);
  }
  .status {
    position: absolute;
    inset: 40px 0 0 0;
    z-index: 3;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_space);
    padding: var(--_space);
    color: var(--_muted);
    background: var(--_surface);
    text-align: center;
  }
  .status.error {
    color: var(--_danger);
  }
  .error-detail {
    font-size: 0.9em;
    color: var(--_muted);
  }
  button {
    font: inherit;
    padding: 4px 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
`;
