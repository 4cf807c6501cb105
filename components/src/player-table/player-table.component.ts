import { LitElement, html, noChange, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { DataQuery, DataSource, DataSourceChange, RowBase, SortSpec } from '@pitboss/sdk';
import { emit } from '../shared/events.js';
import { formatter, resolveLocale, type PbLocale } from '../shared/format.js';
import { LocaleController } from '../shared/locales.js';
import { messages } from '../shared/messages.js';
import { themeTokens } from '../shared/theme.js';
import { VERSION } from '../shared/version.js';
import { columnAlign, formatCell, riskBand, cellValue, type PbColumn, type RiskBand } from './columns.js';
import { RowCache } from './row-cache.js';
import { ScrollScale } from './scroll-scale.js';
import { styles } from './player-table.styles.js';
import type {} from './player-table.events.js';

/** How rows can be selected. */
export type SelectionMode = 'none' | 'single' | 'multi';

/** Light, dark, or following `prefers-color-scheme`. */
export type PbTheme = 'light' | 'dark' | 'auto';

type Status = 'idle' | 'loading' | 'ready' | 'error';

interface FormattedCell {
  text: string;
  band: RiskBand | null;
}

const DEFAULT_WIDTH = 160;
const DEFAULT_MIN_WIDTH = 48;
const RESIZE_STEP = 16;
/** A shift-range selection fetches its rows; past this many it stops, so a click cannot materialise 10M rows. */
export const MAX_RANGE_SELECTION = 100_000;

function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * A player grid over any `DataSource`, smooth from ten rows to ten million:
 * only the visible window is fetched and rendered, and past ~8M px of rows the
 * scroll range is scaled so every row stays reachable.
 *
 * Keyboard (ARIA grid pattern): arrows move the active cell; Home/End go to the
 * first/last column, Ctrl+Home/End to the first/last row; PageUp/PageDown move
 * by a page; Space toggles the row's selection (Shift+arrows extend it); Enter
 * activates the row; on a header, Enter/Space sort and Alt+Left/Right resize.
 *
 * @summary Virtualised, sortable, selectable player table with ARIA grid semantics.
 * @tag pb-player-table
 *
 * @fires pb-selection-change - The selection changed; `detail.selectedIds` and `detail.rows`.
 * @fires pb-sort-change - A header asked for a new sort; cancelable (`preventDefault` keeps the current sort).
 * @fires pb-column-resize - A column was resized by pointer or keyboard; `detail.key`, `detail.width`.
 * @fires pb-row-activate - A row was activated with Enter or a double click; `detail.row`, `detail.index`.
 * @fires pb-load-error - The DataSource rejected a request; `detail.error`.
 *
 * @csspart table - The scrolling grid (`role="grid"`).
 * @csspart header - The sticky header row group.
 * @csspart header-row - The header row.
 * @csspart header-cell - A column header.
 * @csspart header-label - The text of a column header.
 * @csspart sort-indicator - The sort arrow of a column header.
 * @csspart resize-handle - The drag handle at a column header's right edge.
 * @csspart body - The row group of the visible rows.
 * @csspart row - A data row (`row-selected` is added when selected, `row-placeholder` while loading).
 * @csspart row-selected - A selected row.
 * @csspart row-placeholder - A row whose data has not arrived yet.
 * @csspart cell - A data cell.
 * @csspart value - The text of a data cell (except risk scores).
 * @csspart risk - A risk score in a `risk` column (with `risk-low`, `risk-medium` or `risk-high`).
 * @csspart status - The loading, empty or error message (with `loading`, `empty` or `error`).
 * @csspart error-detail - The error's own message in the error state.
 * @csspart retry-button - The retry button in the error state.
 *
 * @cssprop --pb-accent - Accent colour (focus ring, selection); the other colours derive from it and the two below.
 * @cssprop --pb-surface - Background colour.
 * @cssprop --pb-text - Text colour.
 * @cssprop --pb-border - Border colour; default mixes text into surface.
 * @cssprop --pb-font - Font family.
 * @cssprop --pb-radius - Corner radius.
 * @cssprop --pb-space - Base spacing unit.
 * @cssprop --pb-table-header-background - Header background; default a raised surface.
 * @cssprop --pb-table-row-hover - Background of a hovered row.
 * @cssprop --pb-table-row-selected - Background of a selected row.
 * @cssprop --pb-table-cell-padding - Cell padding.
 * @cssprop --pb-table-font-size - Font size of the table.
 */
export class PbPlayerTable<R extends RowBase = RowBase, F = unknown> extends LitElement {
  static override styles = [themeTokens, styles];

  // Reactive properties, declared here rather than with decorators (each decorator compiles to a
  // helper call per property: 0.6 KB gzip of the bundle across the components); each is documented
  // where its field is declared below.
  static override properties = {
    dataSource: { attribute: false },
    columns: { attribute: false },
    filter: { attribute: false },
    sort: { attribute: false },
    locale: { reflect: true, converter: { fromAttribute: (v: string | null) => resolveLocale(v) } },
    selectionMode: { attribute: 'selection-mode' },
    rowHeight: { type: Number, attribute: 'row-height' },
    theme: { reflect: true },
    label: {},
  };

  /** Version of the library that defined this class; registration compares it with an existing definition. */
  static readonly version = VERSION;

  /** Where rows come from; the table asks it for the count and for the visible window only. */
  dataSource: DataSource<R, F> | null = null;

  /** The columns, in display order, with their formats. */
  columns: readonly PbColumn<R>[] = [];

  /** Filter passed to the DataSource with every request; `undefined` shows all rows. */
  filter: F | undefined = undefined;

  /** Current sort; set it to sort programmatically, header clicks update it. */
  sort: readonly SortSpec[] = [];

  /** Locale for numbers, money, dates and interface text: `en`, `pt-BR` or `es`. */
  locale: PbLocale = resolveLocale(globalThis.document?.documentElement.lang || globalThis.navigator?.language);

  /** Loads the interface text of `locale` when it is not built in (pt-BR, es) and re-renders when it arrives. */
  readonly #localeText = new LocaleController(this);

  /** Also waits for the text of `locale` to arrive (pt-BR and es load on first use), so after `await updateComplete` the component speaks its locale. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#localeText.settle(() => super.getUpdateComplete());
  }

  /** How rows are selected: `none`, `single` or `multi` (Ctrl/Meta toggles, Shift selects a range). */
  selectionMode: SelectionMode = 'multi';

  /** Height of every row in px; rows have one fixed height so any index maps to an offset. */
  rowHeight = 32;

  /** Colour scheme: `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PbTheme = 'light';

  /** Accessible name of the grid. */
  label = '';

  readonly #cache = new RowCache<R, F>({
    rowsChanged: () => {
      this.requestUpdate();
    },
    rowsFailed: (error) => this.#fail(error),
  });
  #status: Status = 'idle';
  #error: unknown = null;
  #count = 0;
  #countController: AbortController | null = null;
  #countDone: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;
  #virtualTop = 0;
  #scrollTop = 0;
  #expectedScrollTop = 0;
  #viewport = 0;
  #headerHeight = 0;
  #firstRowsShown = false;
  readonly #widths = new Map<string, number>();
  #activeRow = -1;
  #activeCol = 0;
  #focusAfterRender = false;
  readonly #selected = new Map<string, R>();
  #anchor: number | null = null;
  #rangeController: AbortController | null = null;
  #resizeObserver: ResizeObserver | null = null;
  #cellWidths: string[] = [];
  #keys = new Map<number, number>();
  #tabRow = -1;
  #wheelDelta = 0;
  #wheelFrame = 0;
  #nextKey = 0;
  readonly #formatted = new WeakMap<R, { columns: readonly PbColumn<R>[]; locale: PbLocale; cells: readonly FormattedCell[] }>();

  /** Number of rows the DataSource reported for the current filter. */
  get rowCount(): number {
    return this.#count;
  }

  /** Ids of the selected rows, in the order they were selected. */
  get selectedIds(): readonly string[] {
    return [...this.#selected.keys()];
  }

  /** Index of the row holding the roving tab stop (`-1`: the header). */
  get activeRow(): number {
    return this.#activeRow;
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroller');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#observeSize();
    if (this.dataSource && !this.#unsubscribe) {
      this.#subscribe();
      if (this.hasUpdated) this.#reload();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#countController?.abort();
    this.#rangeController?.abort();
    this.#cache.reset(null, this.#query(), 0);
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = null;
    cancelAnimationFrame(this.#wheelFrame);
    this.#wheelFrame = 0;
    this.#wheelDelta = 0;
  }

  /**
   * Scrolls so row `index` (0-based, in the current sort) is in view and makes
   * it the active row (the grid's tab stop). Resolves once its rows are shown.
   */
  async scrollToRow(index: number, align: 'start' | 'center' | 'end' | 'nearest' = 'start'): Promise<void> {
    await this.#countDone;
    await this.updateComplete;
    if (this.#count === 0) return;
    const row = Math.min(Math.max(0, Math.floor(index)), this.#count - 1);
    this.#activeRow = row;
    const scale = this.#scale();
    this.#setVirtualTop(scale.offsetFor(row, align, this.#virtualTop));
    await this.whenIdle();
  }

  /** Resolves when the count and the visible rows have arrived and been rendered. */
  async whenIdle(): Promise<void> {
    // Wheel input waiting for the next frame is applied now: a tab in the background gets no frames.
    if (this.#wheelFrame) this.#applyWheel();
    do {
      await this.#countDone;
      await this.updateComplete;
      await this.#cache.idle();
      await this.updateComplete;
    } while (this.#cache.busy || this.isUpdatePending);
  }

  /** Fetches the count and the visible rows again (after an error, or when the source changed outside `subscribe`). */
  reload(): void {
    this.#reload();
  }

  /** Clears the selection (emits `pb-selection-change` if it was not empty). */
  clearSelection(): void {
    if (this.#selected.size === 0) return;
    this.#selected.clear();
    this.#anchor = null;
    this.#emitSelection();
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('dataSource')) {
      this.#unsubscribe?.();
      this.#unsubscribe = null;
      if (this.isConnected && this.dataSource) this.#subscribe();
      // Ids of another source mean nothing here: drop the selection, and say so.
      if (this.#selected.size) {
        this.#selected.clear();
        this.#emitSelection();
      }
      this.#anchor = null;
      this.#activeRow = -1;
    }
    if (changed.has('dataSource') || changed.has('filter') || changed.has('sort')) {
      this.#virtualTop = 0;
      this.#setScrollTop(0);
      this.#reload();
    }
    if (changed.has('columns')) this.#activeCol = Math.min(this.#activeCol, Math.max(0, this.columns.length - 1));
  }

  protected override firstUpdated(): void {
    const scroller = this.#scroller!;
    scroller.addEventListener('wheel', this.#onWheel, { passive: false });
    this.#observeSize();
    this.#measure();
  }

  protected override updated(): void {
    if (this.#focusAfterRender) {
      this.#focusAfterRender = false;
      this.#activeElement()?.focus({ preventScroll: true });
    }
  }

  protected override render(): TemplateResult {
    const scale = this.#scale();
    const rh = this.rowHeight;
    const first = this.#count ? scale.firstRow(this.#virtualTop) : 0;
    const n = Math.max(0, Math.min(this.#count - first, scale.visibleRows));
    const indexes = Array.from({ length: n }, (_, i) => first + i);
    // When the active row is scrolled out of the rendered window, the header keeps the tab stop.
    this.#tabRow = this.#activeRow >= first && this.#activeRow < first + n ? this.#activeRow : -1;
    if (n) this.#cache.want(first, first + n - 1);
    if (!this.#firstRowsShown && n && this.#cache.get(first)) this.#firstRowsShown = true;
    this.#cellWidths = this.columns.map((c) => `width: ${this.#width(c)}px`);
    const totalWidth = this.columns.reduce((w, c) => w + this.#width(c), 0);
    const busy = this.#status === 'loading' || this.#cache.busy;
    return html`
      <div
        class="scroller"
        part="table"
        role="grid"
        aria-label=${this.label || nothing}
        aria-rowcount=${this.#count + 1}
        aria-colcount=${this.columns.length}
        aria-multiselectable=${this.selectionMode === 'multi' ? 'true' : nothing}
        aria-busy=${busy ? 'true' : 'false'}
        style="--_row-height: ${rh}px"
        @scroll=${this.#onScroll}
        @keydown=${this.#onKeyDown}
        @focusin=${this.#onFocusIn}
      >
        <div class="head" role="rowgroup" part="header">
          <div class="row" role="row" part="header-row" aria-rowindex="1" data-r="-1">${this.columns.map((c, ci) => this.#renderHeader(c, ci))}</div>
        </div>
        <div class="spacer" style="height: ${scale.scrollHeight}px; width: ${totalWidth}px"></div>
        <div
          class="body"
          role="rowgroup"
          part="body"
          style="transform: translateY(${this.#scrollTop + this.#headerHeight}px); height: ${this.#viewport}px; width: ${totalWidth}px"
          @click=${this.#onBodyClick}
          @dblclick=${this.#onBodyDblClick}
        >
          <div style="transform: translateY(${first * rh - this.#virtualTop}px)">
            ${repeat(indexes, this.#rowKeys(indexes), (i) => this.#renderRow(i))}
          </div>
        </div>
      </div>
      ${this.#renderStatus()}
    `;
  }

  #renderHeader(column: PbColumn<R>, ci: number): TemplateResult {
    const sortable = this.#sortable(column);
    const current = this.sort[0]?.key === column.key ? this.sort[0].direction : null;
    const label = column.label;
    return html`<div
      class="th ${sortable ? 'sortable' : ''} align-${columnAlign(column as PbColumn<never>)}"
      style=${this.#cellWidths[ci] ?? ''}
      role="columnheader"
      part="header-cell"
      aria-colindex=${ci + 1}
      aria-sort=${current === 'asc' ? 'ascending' : current === 'desc' ? 'descending' : nothing}
      tabindex=${this.#tabIndex(-1, ci)}
      data-c=${ci}
      @click=${() => this.#toggleSort(ci)}
    >
      <span class="label" part="header-label">${label}</span>
      <span class="sort" part="sort-indicator" aria-hidden="true">${current === 'asc' ? '▲' : current === 'desc' ? '▼' : ''}</span>
      <div
        class="resize"
        part="resize-handle"
        aria-hidden="true"
        @pointerdown=${(e: PointerEvent) => this.#startResize(e, ci)}
        @click=${(e: Event) => e.stopPropagation()}
      ></div>
    </div>`;
  }

  /**
   * Keys for `repeat`: a row still in view keeps its key (its element and text
   * stay as they are), and a row coming into view takes the key of one that
   * left, so its element is reused rather than built. Scrolling by a few rows
   * thus rewrites a few rows, a jump rewrites each row once, and no DOM is
   * created after the first render, while DOM order stays visual order.
   */
  #rowKeys(indexes: readonly number[]): (index: number) => number {
    const previous = this.#keys;
    const wanted = new Set(indexes);
    const free: number[] = [];
    for (const [index, key] of previous) if (!wanted.has(index)) free.push(key);
    const next = new Map<number, number>();
    // Freed keys are handed out in their old order, so after a jump the keys keep
    // their DOM order and `repeat` moves no element.
    let f = 0;
    for (const index of indexes) next.set(index, previous.get(index) ?? free[f++] ?? this.#nextKey++);
    this.#keys = next;
    return (index) => next.get(index)!;
  }

  #renderRow(index: number): TemplateResult {
    const row = this.#cache.get(index);
    const selected = row !== undefined && this.#selected.has(row.id);
    const part = row ? (selected ? 'row row-selected' : 'row') : 'row row-placeholder';
    const cells = row ? this.#cells(row) : null;
    return html`<div
      class="row ${row ? '' : 'placeholder'}"
      role="row"
      part=${part}
      aria-rowindex=${index + 2}
      data-r=${index}
      aria-selected=${this.selectionMode === 'none' ? nothing : selected ? 'true' : 'false'}
      aria-busy=${row ? 'false' : 'true'}
    >
      ${this.columns.map((c, ci) => {
        // A placeholder keeps its element's previous text (hidden by CSS) rather than
        // blanking it, so a jump writes each cell's text once, when its row arrives.
        const cell = cells?.[ci];
        return html`<div
          class="cell align-${columnAlign(c as PbColumn<never>)}"
          style=${this.#cellWidths[ci] ?? ''}
          role="gridcell"
          part="cell"
          aria-colindex=${ci + 1}
          tabindex=${this.#tabIndex(index, ci)}
          data-c=${ci}
        ><span class=${cell ? (cell.band ? `risk ${cell.band}` : '') : noChange} part=${cell ? (cell.band ? `risk risk-${cell.band}` : 'value') : noChange}
            >${cell ? cell.text : noChange}</span
          ></div>`;
      })}
    </div>`;
  }

  /** Formatted cells of a row, cached per row object (rows are replaced, never mutated, on update). */
  #cells(row: R): readonly FormattedCell[] {
    const hit = this.#formatted.get(row);
    if (hit && hit.columns === this.columns && hit.locale === this.locale) return hit.cells;
    const fmt = formatter(this.locale);
    const cells = this.columns.map((c): FormattedCell => {
      const text = formatCell(c, row, fmt);
      const value = c.format === 'risk' && !c.formatter ? cellValue(c, row) : undefined;
      return { text, band: typeof value === 'number' ? riskBand(value) : null };
    });
    this.#formatted.set(row, { columns: this.columns, locale: this.locale, cells });
    return cells;
  }

  #renderStatus(): TemplateResult | typeof nothing {
    const msgs = messages(this.locale);
    const top = `top: ${this.#headerHeight}px`;
    if (this.#status === 'error') {
      const detail = this.#error instanceof Error ? this.#error.message : String(this.#error);
      return html`<div class="status error" part="status error" role="alert" style=${top}>
        <span>${msgs.error}</span>
        <span class="error-detail" part="error-detail">${detail}</span>
        <button part="retry-button" @click=${() => this.#reload()}>${msgs.retry}</button>
      </div>`;
    }
    if (this.#status === 'loading' || (this.#status === 'ready' && this.#count > 0 && !this.#firstRowsShown)) {
      return html`<div class="status loading" part="status loading" role="status" style=${top}>${msgs.loading}</div>`;
    }
    if (this.#count === 0) {
      return html`<div class="status empty" part="status empty" role="status" style=${top}>${msgs.empty}</div>`;
    }
    return nothing;
  }

  #query(): DataQuery<F> {
    return this.filter === undefined ? { sort: this.sort } : { sort: this.sort, filter: this.filter };
  }

  #scale(): ScrollScale {
    return new ScrollScale(this.#count, this.rowHeight, this.#viewport);
  }

  #width(column: PbColumn<R>): number {
    return this.#widths.get(column.key) ?? column.width ?? DEFAULT_WIDTH;
  }

  #sortable(column: PbColumn<R>): boolean {
    const keys = this.dataSource?.sortableKeys;
    if (column.sortable === false || !keys) return false;
    return keys === 'all' || keys.has(column.key);
  }

  #tabIndex(row: number, col: number): string {
    return row === this.#tabRow && col === this.#activeCol ? '0' : '-1';
  }

  #activeElement(): HTMLElement | null {
    const selector = this.#activeRow < 0 ? `.th[data-c="${this.#activeCol}"]` : `.body [data-r="${this.#activeRow}"] > [data-c="${this.#activeCol}"]`;
    return this.renderRoot.querySelector<HTMLElement>(selector);
  }

  #subscribe(): void {
    const source = this.dataSource;
    if (!source) return;
    this.#unsubscribe = source.subscribe((change) => this.#onChange(change));
  }

  #onChange(change: DataSourceChange<R>): void {
    if (change.kind === 'reset') {
      this.#reload();
      return;
    }
    for (const row of change.rows) if (this.#selected.has(row.id)) this.#selected.set(row.id, row);
    if (this.#cache.update(change.rows) > 0) this.requestUpdate();
  }

  #reload(): void {
    this.#countController?.abort();
    this.#rangeController?.abort();
    const source = this.dataSource;
    const query = this.#query();
    this.#cache.reset(null, query, 0);
    this.#error = null;
    this.#firstRowsShown = false;
    if (!source) {
      this.#status = 'idle';
      this.#count = 0;
      this.#countDone = Promise.resolve();
      this.requestUpdate();
      return;
    }
    const controller = new AbortController();
    this.#countController = controller;
    this.#status = 'loading';
    this.requestUpdate();
    this.#countDone = source.count(query, controller.signal).then(
      (count) => {
        if (controller.signal.aborted) return;
        this.#count = count;
        this.#cache.reset(source, query, count);
        this.#status = 'ready';
        this.#setVirtualTop(this.#virtualTop);
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        this.#fail(error);
      },
    );
  }

  #fail(error: unknown): void {
    this.#status = 'error';
    this.#error = error;
    this.requestUpdate();
    emit(this, 'pb-load-error', { error });
  }

  #observeSize(): void {
    if (this.#resizeObserver || !this.isConnected) return;
    const scroller = this.#scroller;
    if (!scroller) return;
    this.#resizeObserver = new ResizeObserver(() => this.#measure());
    this.#resizeObserver.observe(scroller);
    const head = this.renderRoot.querySelector('.head');
    if (head) this.#resizeObserver.observe(head);
  }

  #measure(): void {
    const scroller = this.#scroller;
    const head = this.renderRoot.querySelector<HTMLElement>('.head');
    if (!scroller || !head) return;
    const headerHeight = head.offsetHeight;
    const viewport = Math.max(0, scroller.clientHeight - headerHeight);
    if (viewport === this.#viewport && headerHeight === this.#headerHeight) return;
    this.#viewport = viewport;
    this.#headerHeight = headerHeight;
    this.#setVirtualTop(this.#virtualTop);
  }

  /** Moves the virtual offset and the native scroll position together. */
  #setVirtualTop(virtualTop: number): void {
    const scale = this.#scale();
    this.#virtualTop = scale.clamp(virtualTop);
    this.#setScrollTop(scale.toScroll(this.#virtualTop));
    this.requestUpdate();
  }

  #setScrollTop(scrollTop: number): void {
    // Compared with the last known offset, not read back: reading scrollTop here would force a layout per wheel event.
    const scroller = this.#scroller;
    if (scroller && Math.abs(this.#scrollTop - scrollTop) >= 0.5) scroller.scrollTop = scrollTop;
    this.#expectedScrollTop = scrollTop;
    this.#scrollTop = scrollTop;
  }

  readonly #onScroll = (): void => {
    const scroller = this.#scroller;
    if (!scroller) return;
    const scrollTop = scroller.scrollTop;
    const scale = this.#scale();
    this.#scrollTop = scrollTop;
    if (!scale.scaled) {
      this.#virtualTop = scale.clamp(scrollTop);
    } else if (Math.abs(scrollTop - this.#expectedScrollTop) > 1) {
      // Someone else moved the scrollbar (a drag, a touch fling): map its position.
      // Our own writes come back rounded, so within a pixel the exact virtual offset is kept.
      this.#virtualTop = scale.toVirtual(scrollTop);
      this.#expectedScrollTop = scrollTop;
    }
    this.requestUpdate();
  };

  /**
   * Scaled, one wheel pixel would move `ratio` (≈40 at 10M rows) virtual pixels;
   * the wheel is taken over so it moves rows at their natural speed, while the
   * scrollbar still spans every row.
   */
  readonly #onWheel = (e: WheelEvent): void => {
    const scale = this.#scale();
    if (!scale.scaled || e.ctrlKey || e.deltaY === 0) return;
    const unit = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? this.rowHeight : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? this.#viewport : 1;
    e.preventDefault();
    if (e.deltaX) this.#scroller!.scrollLeft += e.deltaX * unit;
    // Several wheel events can arrive in one frame: sum them and render once, in the frame.
    this.#wheelDelta += e.deltaY * unit;
    if (!this.#wheelFrame) this.#wheelFrame = requestAnimationFrame(this.#applyWheel);
  };

  readonly #applyWheel = (): void => {
    cancelAnimationFrame(this.#wheelFrame);
    this.#wheelFrame = 0;
    const delta = this.#wheelDelta;
    this.#wheelDelta = 0;
    if (delta) this.#setVirtualTop(this.#virtualTop + delta);
  };

  readonly #onFocusIn = (e: FocusEvent): void => {
    const cell = this.#cellFrom(e);
    if (!cell) return;
    if (cell.row !== this.#activeRow || cell.col !== this.#activeCol) {
      this.#activeRow = cell.row;
      this.#activeCol = cell.col;
      this.requestUpdate();
    }
  };

  /** The cell an event came from: `data-c` is on cells and headers, `data-r` on their row (one attribute per row, not per cell, to rewrite on a jump). */
  #cellFrom(e: Event): { row: number; col: number } | null {
    let col: number | null = null;
    for (const node of e.composedPath()) {
      if (node === this) break;
      if (!(node instanceof HTMLElement)) continue;
      if (col === null && node.dataset['c'] !== undefined) col = Number(node.dataset['c']);
      else if (col !== null && node.dataset['r'] !== undefined) return { row: Number(node.dataset['r']), col };
    }
    return null;
  }

  readonly #onKeyDown = (e: KeyboardEvent): void => {
    const cols = this.columns.length;
    if (!cols) return;
    const last = this.#count - 1;
    const page = Math.max(1, Math.floor(this.#viewport / this.rowHeight) - 1);
    const mod = e.ctrlKey || e.metaKey;
    let row = this.#activeRow;
    let col = this.#activeCol;
    switch (e.key) {
      case 'ArrowDown':
        row = Math.min(last, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(-1, row - 1);
        break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        const step = e.key === 'ArrowRight' ? 1 : -1;
        if (e.altKey && row === -1) {
          e.preventDefault();
          this.#resizeBy(col, step * RESIZE_STEP);
          return;
        }
        col = Math.min(cols - 1, Math.max(0, col + step));
        break;
      }
      case 'PageDown':
        row = Math.min(last, Math.max(0, row) + page);
        break;
      case 'PageUp':
        row = row < 0 ? -1 : Math.max(0, row - page);
        break;
      case 'Home':
        col = 0;
        if (mod) row = last >= 0 ? 0 : -1;
        break;
      case 'End':
        col = cols - 1;
        if (mod) row = last;
        break;
      case 'Enter':
      case ' ': {
        e.preventDefault();
        if (row === -1) {
          this.#toggleSort(col);
          return;
        }
        const data = this.#cache.get(row);
        if (!data) return;
        if (e.key === 'Enter') emit(this, 'pb-row-activate', { row: data, index: row });
        else this.#select(row, e.shiftKey ? 'range' : mod || this.selectionMode === 'multi' ? 'toggle' : 'replace');
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    const vertical = e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'PageDown' || e.key === 'PageUp';
    const from = this.#activeRow;
    this.#moveTo(row, col);
    if (e.shiftKey && vertical && row >= 0 && this.selectionMode === 'multi') {
      if (this.#anchor === null) this.#anchor = Math.max(0, from);
      this.#select(row, 'range');
    }
  };

  #moveTo(row: number, col: number): void {
    this.#activeRow = row;
    this.#activeCol = col;
    if (row >= 0) this.#setVirtualTop(this.#scale().offsetFor(row, 'nearest', this.#virtualTop));
    this.#focusAfterRender = true;
    this.requestUpdate();
  }

  readonly #onBodyClick = (e: MouseEvent): void => {
    const cell = this.#cellFrom(e);
    if (!cell || cell.row < 0 || !this.#cache.get(cell.row)) return;
    this.#activeRow = cell.row;
    this.#activeCol = cell.col;
    const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'replace';
    this.#select(cell.row, mode, e.shiftKey && (e.ctrlKey || e.metaKey));
    this.requestUpdate();
  };

  readonly #onBodyDblClick = (e: MouseEvent): void => {
    const cell = this.#cellFrom(e);
    const row = cell && cell.row >= 0 ? this.#cache.get(cell.row) : undefined;
    if (cell && row) emit(this, 'pb-row-activate', { row, index: cell.row });
  };

  /**
   * Applies a selection gesture to row `index`: `replace` selects only it,
   * `toggle` flips it, `range` selects from the anchor to it (keeping the rest
   * when `additive`). Ranges fetch their rows, at most `MAX_RANGE_SELECTION`.
   */
  #select(index: number, mode: 'replace' | 'toggle' | 'range', additive = false): void {
    if (this.selectionMode === 'none') return;
    const row = this.#cache.get(index);
    if (this.selectionMode === 'single' || (mode === 'range' && this.#anchor === null)) mode = mode === 'toggle' ? 'toggle' : 'replace';
    if (mode !== 'range') {
      if (!row) return;
      this.#rangeController?.abort();
      const had = this.#selected.has(row.id);
      if (mode === 'replace' || this.selectionMode === 'single') this.#selected.clear();
      if (mode === 'toggle' && had) this.#selected.delete(row.id);
      else this.#selected.set(row.id, row);
      this.#anchor = index;
      this.#emitSelection();
      this.requestUpdate();
      return;
    }
    const anchor = this.#anchor!;
    let lo = Math.min(anchor, index);
    let hi = Math.max(anchor, index);
    if (hi - lo + 1 > MAX_RANGE_SELECTION) {
      if (index > anchor) hi = lo + MAX_RANGE_SELECTION - 1;
      else lo = hi - MAX_RANGE_SELECTION + 1;
    }
    this.#rangeController?.abort();
    const controller = new AbortController();
    this.#rangeController = controller;
    this.#cache.range(lo, hi + 1, controller.signal).then(
      (rows) => {
        if (controller.signal.aborted) return;
        if (!additive) this.#selected.clear();
        for (const r of rows) this.#selected.set(r.id, r);
        this.#emitSelection();
        this.requestUpdate();
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        this.#fail(error);
      },
    );
  }

  #emitSelection(): void {
    emit(this, 'pb-selection-change', { selectedIds: [...this.#selected.keys()], rows: [...this.#selected.values()] });
  }

  #toggleSort(ci: number): void {
    const column = this.columns[ci];
    if (!column || !this.#sortable(column)) return;
    const current = this.sort[0]?.key === column.key ? this.sort[0].direction : null;
    const next: SortSpec[] = current === null ? [{ key: column.key, direction: 'asc' }] : current === 'asc' ? [{ key: column.key, direction: 'desc' }] : [];
    if (!emit(this, 'pb-sort-change', { sort: next })) return;
    this.sort = next;
  }

  #setWidth(column: PbColumn<R>, width: number): void {
    this.#widths.set(column.key, Math.max(column.minWidth ?? DEFAULT_MIN_WIDTH, Math.round(width)));
    this.requestUpdate();
  }

  #resizeBy(ci: number, delta: number): void {
    const column = this.columns[ci];
    if (!column) return;
    this.#setWidth(column, this.#width(column) + delta);
    emit(this, 'pb-column-resize', { key: column.key, width: this.#width(column) });
  }

  #startResize(e: PointerEvent, ci: number): void {
    const column = this.columns[ci];
    if (!column || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const startWidth = this.#width(column);
    const move = (ev: PointerEvent): void => this.#setWidth(column, startWidth + ev.clientX - startX);
    const end = (): void => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
      if (this.#width(column) !== startWidth) emit(this, 'pb-column-resize', { key: column.key, width: this.#width(column) });
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  }
}
