import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { ExportQuery, ExportTable } from '@pitboss/sdk';
import { emit } from '../shared/events.js';
import { resolveLocale, type PbLocale } from '../shared/format.js';
import { LocaleController } from '../shared/locales.js';
import { themeTokens } from '../shared/theme.js';
import { VERSION } from '../shared/version.js';
import type { PbColumn } from '../player-table/columns.js';
import type { PbTheme } from '../player-table/player-table.component.js';
import { definePlayerTable } from '../player-table/player-table.js';
import type { LoadedTable, QueryResult, ResultRow, ResultRunner, SentSql, SqlConsoleEngine } from './engine.js';
import type { ExportClient } from './export-loader.js';
import { HistoryCursor, QueryHistory } from './history.js';
import type { ConsoleDuckDBOptions } from './open-engine.js';
import { fill } from '../shared/messages.js';
import { sqlConsoleMessages, type SqlConsoleMessages } from './sql-console.messages.js';
import { styles } from './sql-console.styles.js';
import { isBlankSql } from './sql-blank.js';
import type { SqlLocation } from './sql-text.js';
import type {} from './sql-console.events.js';

type State = 'idle' | 'opening' | 'running';

/** The error `<pb-sql-console>` shows: DuckDB's message and the place in the editor it points at. */
export interface SqlConsoleError {
  message: string;
  location: SqlLocation | null;
}

const LINE_HEIGHT = 20;

function cancelledError(): DOMException {
  return new DOMException('The query was cancelled', 'AbortError');
}

/** Rejects when `signal` aborts (a cancel of an engine that cannot cancel). */
function abandoned(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type RunSupport = typeof import('./run-support.js');
let runSupport: Promise<RunSupport> | null = null;
/** The run machinery (run-support.ts), imported on the first run or export load; a failed import is tried again next time. */
function loadRunSupport(): Promise<RunSupport> {
  runSupport ??= import('./run-support.js').catch((error: unknown) => {
    runSupport = null;
    throw error;
  });
  return runSupport;
}

/**
 * An SQL console over DuckDB-WASM (or any engine with `query`): an editor
 * with line numbers, run and cancel, a history per tenant, results in
 * `<pb-player-table>`, errors marked at the line and column DuckDB points
 * at, and a control that loads the API's exports as local tables. Once the
 * data is loaded, queries need no network.
 *
 * The console never pulls DuckDB into the page's bundle: pass an engine
 * (`analytics`, e.g. `LocalAnalytics` from `@pitboss/sdk`), or let it open
 * one with a dynamic `import()` on the first run.
 *
 * Keyboard: Ctrl+Enter (Cmd+Enter on macOS) runs, Escape cancels a running
 * query, Alt+Up / Alt+Down walk the history (Down past the newest brings
 * back what was being typed).
 *
 * @summary In-browser SQL console: editor, run/cancel, history, results table, export loading.
 * @tag pb-sql-console
 *
 * @fires pb-query-start - A statement was sent; `detail.sql`.
 * @fires pb-query-complete - The result is shown; `detail.rows`, `detail.ms`, `detail.columns`, `detail.kind`.
 * @fires pb-query-error - The statement failed or was cancelled; `detail.message`, `detail.line`, `detail.column`, `detail.cancelled`, `detail.error`.
 * @fires pb-export-load - An API export was loaded as a local table; `detail.table`, `detail.rows`, `detail.bytes`, `detail.ms`.
 *
 * @csspart toolbar - The row with the run and cancel buttons and the history.
 * @csspart run-button - The run button.
 * @csspart cancel-button - The cancel button.
 * @csspart history - The history picker (a `select`).
 * @csspart editor - The editor frame (gutter and text).
 * @csspart gutter - The line numbers.
 * @csspart line-number - One line number (`line-number-error` is added on the line an error points at).
 * @csspart line-number-error - The line number of the line an error points at.
 * @csspart input - The `textarea` holding the SQL.
 * @csspart error-line - The highlight behind the line an error points at.
 * @csspart error-mark - The underline under the token an error points at.
 * @csspart hint - The keyboard shortcuts hint.
 * @csspart error - The error message (`role="alert"`).
 * @csspart status - Running, row count and time, cancelled (`role="status"`).
 * @csspart results - The `<pb-player-table>` showing the result.
 * @csspart loader - The export loading control.
 * @csspart load-table - The export picker.
 * @csspart load-button - The load button.
 * @csspart progress - The progress bar while an export downloads.
 * @csspart load-status - Progress and result of the last load.
 * @csspart load-error - Why the last load failed (`role="alert"`).
 * @csspart tables - The list of local tables.
 * @csspart table-item - One local table with its row count.
 * @csspart table-name - The name of a local table.
 *
 * @cssprop --pb-accent - Accent colour (run button, focus ring); the other colours derive from it and the two below.
 * @cssprop --pb-surface - Background colour.
 * @cssprop --pb-text - Text colour.
 * @cssprop --pb-danger - Colour of errors.
 * @cssprop --pb-font - Font family of the interface.
 * @cssprop --pb-radius - Corner radius.
 * @cssprop --pb-space - Base spacing unit.
 * @cssprop --pb-console-editor-height - Height of the editor; default 180px.
 * @cssprop --pb-console-results-height - Height of the results table; default 320px.
 * @cssprop --pb-console-code-font - Font family of the editor; default the system monospace.
 * @cssprop --pb-console-code-size - Font size of the editor; default 13px.
 * @cssprop --pb-console-gutter-background - Background of the line numbers.
 * @cssprop --pb-console-error-line - Background of the line an error points at.
 */
export class PbSqlConsole extends LitElement {
  static override styles = [themeTokens, styles];

  // Reactive properties, declared here rather than with decorators (each decorator compiles to a
  // helper call per property: 0.6 KB gzip of the bundle across the components); each is documented
  // where its field is declared below.
  static override properties = {
    analytics: { attribute: false },
    client: { attribute: false },
    openEngine: { attribute: false },
    duckdb: { attribute: false },
    value: {},
    locale: { reflect: true, converter: { fromAttribute: (v: string | null) => resolveLocale(v) } },
    theme: { reflect: true },
    storageKey: { attribute: 'storage-key' },
    exportTables: { attribute: false },
    exportQuery: { attribute: false },
    memoryRowLimit: { type: Number, attribute: 'memory-row-limit' },
  };

  /** Version of the library that defined this class; registration compares it with an existing definition. */
  static readonly version = VERSION;

  /** The engine SQL runs on: `LocalAnalytics` from `@pitboss/sdk`, or any object with `query` (and optionally `cancel`, `loadArrow`, `tables`, `db`). Left empty, one is opened on the first run and set here. */
  analytics: SqlConsoleEngine | null = null;

  /** The API client exports are loaded with (`PitbossClient`); the load control is shown only when it is set. */
  client: ExportClient | null = null;

  /** Opens an engine when `analytics` is empty; default: `LocalAnalytics.open({ duckdb })`, imported on first use. */
  openEngine: (() => Promise<SqlConsoleEngine>) | null = null;

  /** Options for the database the console opens itself: asset URLs, and `opfsPath` to keep loaded data across reloads (offline). */
  duckdb: ConsoleDuckDBOptions = undefined;

  /** The SQL in the editor. */
  value = '';

  /** Locale of the interface text and of numbers in results: `en`, `pt-BR` or `es`. */
  locale: PbLocale = resolveLocale(globalThis.document?.documentElement.lang || globalThis.navigator?.language);

  /** Loads the interface text of `locale` when it is not built in (pt-BR, es) and re-renders when it arrives. */
  readonly #localeText = new LocaleController(this);

  /** Also waits for the text of `locale` to arrive (pt-BR and es load on first use), so after `await updateComplete` the component speaks its locale. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#localeText.settle(() => super.getUpdateComplete());
  }

  /** Colour scheme: `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  theme: PbTheme = 'light';

  /** Key of the history in `localStorage`; use the tenant id so tenants sharing a browser keep their own history. */
  storageKey = 'default';

  /** Exports the load control offers. */
  exportTables: readonly ExportTable[] = ['players', 'events', 'features'];

  /** Time range or segment applied to every export load. */
  exportQuery: ExportQuery = {};

  /** Results up to this many rows are fetched to the page; larger ones stay in DuckDB and are read one window at a time. */
  memoryRowLimit = 10_000;

  #runner: ResultRunner | null = null;
  /** run-support.ts once imported (before the first run or load shows anything). */
  #support: RunSupport | null = null;
  readonly #cursor = new HistoryCursor();
  #history: QueryHistory | null = null;
  #state: State = 'idle';
  #status = '';
  #error: SqlConsoleError | null = null;
  #result: QueryResult | null = null;
  #columns: PbColumn<ResultRow>[] = [];
  #run: Promise<void> | null = null;
  #abort: AbortController | null = null;
  #opening: Promise<SqlConsoleEngine> | null = null;
  #tables: readonly LoadedTable[] = [];
  #load: { table: ExportTable; received: number } | null = null;
  #loadStatus = '';
  #loadError = '';
  #selectedExport: ExportTable | null = null;

  /** True while a query runs (or the engine is starting for one). */
  get running(): boolean {
    return this.#state !== 'idle';
  }

  /** The last result shown: columns, row count, and whether its rows were fetched or are windowed. */
  get result(): QueryResult | null {
    return this.#result;
  }

  /** The error shown, with the place in the editor it points at. */
  get error(): SqlConsoleError | null {
    return this.#error;
  }

  /** Statements run under this `storageKey`, oldest first. */
  get history(): readonly string[] {
    return this.#historyStore().entries;
  }

  /** Local tables and their row counts, as last read from the engine. */
  get tables(): readonly LoadedTable[] {
    return this.#tables;
  }

  get #textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The results table is part of this component: register it with it (a no-op when already defined).
    definePlayerTable();
  }

  /**
   * Runs `sql` (default: the editor's text). Resolves when the result (or the
   * error) is shown; a call while a query runs waits for that one instead.
   *
   * @example
   * await consoleEl.run('SELECT type, count(*) FROM events GROUP BY 1');
   */
  run(sql: string = this.value): Promise<void> {
    if (this.#run) return this.#run;
    if (isBlankSql(sql)) return Promise.resolve();
    this.#run = this.#execute(sql);
    return this.#run;
  }

  /**
   * Cancels the running query (the engine's `cancel`, else the result is
   * dropped when it arrives). Resolves to whether a query was running.
   */
  async cancel(): Promise<boolean> {
    if (this.#state === 'idle' || !this.#abort || this.#abort.signal.aborted) return false;
    this.#abort.abort(cancelledError());
    if (this.#state === 'running') {
      try {
        await this.analytics?.cancel?.();
      } catch (error) {
        // The run is already marked cancelled: its result is dropped when the engine finishes.
        console.warn('[pitboss] <pb-sql-console> the engine could not cancel; the result will be dropped', error);
      }
    }
    return true;
  }

  /**
   * Downloads an API export through `client` and loads it as a local table of
   * the same name (replacing it); resolves to its row count.
   *
   * @example
   * await consoleEl.loadExport('events');
   */
  async loadExport(table: ExportTable): Promise<number> {
    if (!this.client) throw new TypeError('<pb-sql-console> has no client to load exports with');
    const m = this.#messages;
    this.#load = { table, received: 0 };
    this.#loadStatus = fill(m.loading, { table, received: this.#bytes(0) });
    this.#loadError = '';
    this.requestUpdate();
    const t0 = performance.now();
    try {
      const { downloadExport } = await loadRunSupport();
      const bytes = await downloadExport(this.client, table, this.exportQuery, (received) => {
        this.#load = { table, received };
        this.#loadStatus = fill(m.loading, { table, received: this.#bytes(received) });
        this.requestUpdate();
      });
      const engine = await this.#engine();
      if (!engine.loadArrow) throw new TypeError('the engine cannot load Arrow data (no loadArrow)');
      const size = bytes.byteLength;
      const rows = await engine.loadArrow(table, bytes, { replace: true });
      this.#loadStatus = fill(this.#messages.loaded, { table, rows: this.#count(rows) });
      this.requestUpdate();
      emit(this, 'pb-export-load', { table, rows, bytes: size, ms: performance.now() - t0 });
      await this.#refreshTables();
      return rows;
    } catch (error) {
      this.#loadStatus = '';
      this.#loadError = `${fill(this.#messages.loadFailed, { table })}: ${errorMessage(error)}`;
      throw error;
    } finally {
      this.#load = null;
      this.requestUpdate();
    }
  }

  /** Moves keyboard focus to the editor. */
  override focus(options?: FocusOptions): void {
    this.#textarea?.focus(options);
  }

  get #messages(): SqlConsoleMessages {
    return sqlConsoleMessages(this.locale);
  }

  #historyStore(): QueryHistory {
    if (!this.#history || this.#history.key !== `pitboss.sql-console.history.${this.storageKey}`) this.#history = new QueryHistory(this.storageKey);
    return this.#history;
  }

  #count(n: number): string {
    return new Intl.NumberFormat(this.locale).format(n);
  }

  #bytes(n: number): string {
    const mb = n >= 1_000_000;
    return new Intl.NumberFormat(this.locale, { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', maximumFractionDigits: mb ? 1 : 0 }).format(mb ? n / 1_000_000 : n / 1000);
  }

  #engine(): Promise<SqlConsoleEngine> {
    if (this.analytics) return Promise.resolve(this.analytics);
    if (!this.#opening) {
      const open = this.openEngine ?? (() => import('./open-engine.js').then((m) => m.openLocalEngine(this.duckdb)));
      this.#opening = open().then(
        (engine) => {
          this.analytics = engine;
          this.#opening = null;
          return engine;
        },
        (error: unknown) => {
          this.#opening = null;
          throw error;
        },
      );
    }
    return this.#opening;
  }

  async #refreshTables(): Promise<void> {
    const engine = this.analytics;
    if (!engine?.tables) return;
    try {
      this.#tables = await engine.tables();
    } catch (error) {
      // The list is a convenience: a failure to read it must not hide the query's own outcome.
      this.#tables = [];
      console.warn('[pitboss] <pb-sql-console> could not list tables', error);
    }
    this.requestUpdate();
  }

  async #execute(sql: string): Promise<void> {
    const m = this.#messages;
    this.#historyStore().add(sql);
    this.#cursor.reset();
    const abort = new AbortController();
    this.#abort = abort;
    this.#error = null;
    this.#result = null;
    this.#columns = [];
    this.#state = this.analytics ? 'running' : 'opening';
    this.#status = this.analytics ? m.running : m.opening;
    this.requestUpdate();
    let sent: SentSql = { sql, prefix: '' };
    let t0 = performance.now();
    // The outcome's event is sent once the element shows it (and is idle again).
    let announce: () => void;
    try {
      const [engine, support] = await Promise.all([this.#engine(), loadRunSupport()]);
      this.#support = support;
      abort.signal.throwIfAborted();
      const runner = (this.#runner ??= new support.ResultRunner());
      sent = runner.plan(engine, sql);
      this.#state = 'running';
      this.#status = this.#messages.running;
      this.requestUpdate();
      emit(this, 'pb-query-start', { sql });
      t0 = performance.now();
      const work = runner.run(engine, sent, this.memoryRowLimit, abort.signal);
      // With an engine-side cancel the engine rejects; without one, the result is dropped when it arrives.
      const result = await (engine.cancel ? work : Promise.race([work, abandoned(abort.signal)]));
      abort.signal.throwIfAborted();
      const ms = performance.now() - t0;
      this.#result = result;
      this.#columns = this.#resultColumns(result);
      this.#status = fill(this.#messages.done, { rows: this.#count(result.rows), ms: Math.round(ms) });
      announce = () => emit(this, 'pb-query-complete', { sql, rows: result.rows, ms, columns: result.columns.map((c) => c.name), kind: result.kind });
    } catch (error) {
      const ms = performance.now() - t0;
      const cancelled = abort.signal.aborted || (error instanceof Error && error.name === 'QueryCancelledError');
      if (cancelled) {
        this.#status = this.#messages.cancelled;
        announce = () => emit(this, 'pb-query-error', { sql, error, message: this.#messages.cancelled, line: null, column: null, cancelled: true, ms });
      } else {
        // Only an error of the statement as sent points into the editor's text (not one of the follow-up reads).
        const failedSql = (error as { sql?: unknown } | null)?.sql;
        // Without run-support (its import failed) the message is shown without a place.
        const support = this.#support;
        const info = (typeof failedSql === 'string' && failedSql !== sent.sql) || !support ? { message: errorMessage(error), location: null } : support.describeSqlError(error, sql, sent.sql, sent.prefix);
        this.#error = info;
        this.#status = '';
        announce = () => {
          if (info.location && sql === this.value) this.#showLocation(info.location);
          emit(this, 'pb-query-error', { sql, error, message: info.message, line: info.location?.line ?? null, column: info.location?.column ?? null, cancelled: false, ms });
        };
      }
    } finally {
      if (this.#abort === abort) this.#abort = null;
      this.#state = 'idle';
      this.requestUpdate();
    }
    await this.updateComplete;
    // Cleared before the event: a run() from a listener starts a new query.
    this.#run = null;
    announce();
    // A statement may have created or dropped tables.
    if (this.#result || this.#error) await this.#refreshTables();
  }

  #resultColumns(result: QueryResult): PbColumn<ResultRow>[] {
    const locale = this.locale;
    // A result exists only after a run, so run-support is loaded.
    const { formatResultValue, isNumericColumn } = this.#support!;
    return result.columns.map((c) => ({
      key: c.key,
      label: c.name,
      width: Math.min(320, Math.max(96, c.name.length * 9 + 40)),
      align: isNumericColumn(c) ? 'end' : 'start',
      formatter: (value: unknown) => formatResultValue(value, c, locale),
    }));
  }

  #showLocation(location: SqlLocation): void {
    const ta = this.#textarea;
    if (!ta) return;
    ta.focus();
    ta.setSelectionRange(location.offset, location.offset);
    const top = (location.line - 1) * LINE_HEIGHT;
    if (top < ta.scrollTop || top + LINE_HEIGHT > ta.scrollTop + ta.clientHeight) ta.scrollTop = Math.max(0, top - LINE_HEIGHT);
    this.#syncScroll();
  }

  #syncScroll = (): void => {
    const ta = this.#textarea;
    if (!ta) return;
    const gutter = this.renderRoot.querySelector<HTMLElement>('.gutter-lines');
    const backdrop = this.renderRoot.querySelector<HTMLElement>('.backdrop-lines');
    if (gutter) gutter.style.transform = `translateY(${-ta.scrollTop}px)`;
    if (backdrop) backdrop.style.transform = `translate(${-ta.scrollLeft}px, ${-ta.scrollTop}px)`;
  };

  #onInput = (event: Event): void => {
    this.value = (event.target as HTMLTextAreaElement).value;
    this.#cursor.reset();
    // The marked place no longer matches the text; the message stays until the next run.
    if (this.#error?.location) this.#error = { message: this.#error.message, location: null };
  };

  #onEditorKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.run();
      return;
    }
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      const entries = this.#historyStore().entries;
      const text = event.key === 'ArrowUp' ? this.#cursor.older(entries, this.value) : this.#cursor.newer(entries);
      if (text === null) return;
      event.preventDefault();
      this.#replaceText(text);
    }
  };

  #onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.running) {
      event.preventDefault();
      void this.cancel();
    }
  };

  #replaceText(text: string): void {
    this.value = text;
    if (this.#error?.location) this.#error = { message: this.#error.message, location: null };
    void this.updateComplete.then(() => {
      const ta = this.#textarea;
      ta?.setSelectionRange(text.length, text.length);
      this.#syncScroll();
    });
  }

  #onHistoryPick = (event: Event): void => {
    const select = event.target as HTMLSelectElement;
    const entries = this.#historyStore().entries;
    const text = entries[Number(select.value)];
    select.value = '';
    if (text === undefined) return;
    this.#cursor.reset();
    this.#replaceText(text);
    this.#textarea?.focus();
  };

  #onLoad = (): void => {
    const table = this.#selectedExport ?? this.exportTables[0];
    if (!table || this.#load) return;
    // The error is shown in the load area (role=alert); the returned promise is for callers of loadExport().
    this.loadExport(table).catch(() => undefined);
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') && this.#result) this.#columns = this.#resultColumns(this.#result);
    if (changed.has('analytics') && this.analytics && !this.#run) void this.#refreshTables();
  }

  protected override updated(): void {
    // The text area shows `value`, compared with the text it holds (the user types into it), as lit's
    // `live()` directive would do in a binding; here, `live()` and its helpers stay out of the bundle.
    const ta = this.#textarea;
    if (ta && ta.value !== this.value) ta.value = this.value;
    this.#syncScroll();
  }

  protected override render(): TemplateResult {
    const m = this.#messages;
    const busy = this.#state !== 'idle';
    const lines = this.value.split('\n');
    const loc = this.#error?.location ?? null;
    const entries = this.#historyStore().entries;
    return html`
      <div class="bar" part="toolbar" @keydown=${this.#onKeyDown}>
        <button type="button" part="run-button" ?disabled=${busy} @click=${() => void this.run()}>${m.run}</button>
        <button type="button" part="cancel-button" ?disabled=${!busy} @click=${() => void this.cancel()}>${m.cancel}</button>
        <select part="history" aria-label=${m.history} ?disabled=${!entries.length} @change=${this.#onHistoryPick}>
          <option value="" selected>${entries.length ? m.history : m.historyEmpty}</option>
          ${[...entries].reverse().map((e, i) => html`<option value=${entries.length - 1 - i}>${e.replace(/\s+/g, ' ').slice(0, 80)}</option>`)}
        </select>
      </div>
      <div class="editor" part="editor" @keydown=${this.#onKeyDown}>
        <div class="gutter" part="gutter" aria-hidden="true">
          <div class="gutter-lines">
            ${lines.map((_, i) =>
              loc?.line === i + 1
                ? html`<div class="err" part="line-number line-number-error">${i + 1}</div>`
                : html`<div part="line-number">${i + 1}</div>`,
            )}
          </div>
        </div>
        <div class="code">
          ${loc && this.#support ? this.#support.errorBackdrop(lines, loc) : nothing}
          <textarea
            part="input"
            spellcheck="false"
            autocapitalize="off"
            autocomplete="off"
            wrap="off"
            aria-label=${m.editor}
            aria-describedby="hint${this.#error ? ' error' : ''}"
            aria-invalid=${this.#error ? 'true' : 'false'}
            @input=${this.#onInput}
            @keydown=${this.#onEditorKeyDown}
            @scroll=${this.#syncScroll}
          ></textarea>
        </div>
      </div>
      <p class="hint" part="hint" id="hint">${m.shortcuts}</p>
      ${this.#error
        ? html`<p part="error" id="error" role="alert">${loc
            ? `${fill(m.errorAt, { line: loc.line, column: loc.column })}: ${this.#error.message}`
            : this.#error.message || m.error}</p>`
        : nothing}
      <div part="status" role="status" aria-live="polite">${this.#status}</div>
      ${this.#result && this.#result.rows > 0
        ? html`<pb-player-table
            part="results"
            label=${m.results}
            selection-mode="none"
            locale=${this.locale}
            theme=${this.theme}
            .columns=${this.#columns}
            .dataSource=${this.#result.source}
          ></pb-player-table>`
        : this.#result
          ? html`<p part="status empty">${m.noRows}</p>`
          : nothing}
      ${this.client ? this.#renderLoader(m) : nothing}
      ${this.#tables.length
        ? html`<ul part="tables" aria-label=${m.tables}>
            ${this.#tables.map((t) => html`<li part="table-item"><span part="table-name">${t.name}</span> ${fill(m.rowCount, { rows: this.#count(t.rows) })}</li>`)}
          </ul>`
        : nothing}
    `;
  }

  #renderLoader(m: SqlConsoleMessages): TemplateResult {
    const loading = this.#load;
    return html`<div class="bar" part="loader">
      <select
        part="load-table"
        aria-label=${m.loadTable}
        ?disabled=${!!loading}
        @change=${(e: Event) => {
          this.#selectedExport = (e.target as HTMLSelectElement).value as ExportTable;
        }}
      >
        ${this.exportTables.map((t) => html`<option value=${t} ?selected=${t === (this.#selectedExport ?? this.exportTables[0])}>${t}</option>`)}
      </select>
      <button type="button" part="load-button" ?disabled=${!!loading} @click=${this.#onLoad}>${m.load}</button>
      ${loading ? html`<progress part="progress" aria-label=${this.#loadStatus}></progress>` : nothing}
      <span part="load-status" role="status">${this.#loadStatus}</span>
      ${this.#loadError ? html`<p part="load-error" role="alert">${this.#loadError}</p>` : nothing}
    </div>`;
  }
}
