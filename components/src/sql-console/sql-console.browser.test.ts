import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { LocalAnalytics, LocalDataSource, MemoryDataSource } from '@pitboss/sdk';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import type { PbPlayerTable } from '../player-table/player-table.component.js';
import { ArrowDataSource } from './arrow-datasource.js';
import type { SqlConsoleEngine } from './engine.js';
import { defineSqlConsole } from './sql-console.js';

type PbSqlConsole = HTMLElementTagNameMap['pb-sql-console'];

const N = 1000;
const MARKUP = '<img src=x onerror="window.__pbPwned=1">';
const names = Array.from({ length: N }, (_, i) => (i === 7 ? MARKUP : `Player ${i}`));

defineSqlConsole();

const root = (el: HTMLElement): ShadowRoot => el.shadowRoot!;
const part = <E extends Element = HTMLElement>(el: HTMLElement, name: string): E | null => root(el).querySelector<E>(`[part~="${name}"]`);
const textarea = (el: HTMLElement): HTMLTextAreaElement => part<HTMLTextAreaElement>(el, 'input')!;
const table = (el: HTMLElement): PbPlayerTable => part(el, 'results') as unknown as PbPlayerTable;
const rowTexts = (t: PbPlayerTable, col = 0): string[] =>
  [...root(t).querySelectorAll<HTMLElement>('.body [role="row"]')].map((r) => r.querySelectorAll('[role="gridcell"]')[col]!.textContent!.trim());
const headerTexts = (t: PbPlayerTable): string[] => [...root(t).querySelectorAll<HTMLElement>('[role="columnheader"]')].map((h) => h.textContent!.trim());

function center(node: Element): [number, number] {
  const b = node.getBoundingClientRect();
  return [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)];
}

async function chord(modifier: 'Control' | 'Alt', key: string): Promise<void> {
  await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  await sendKeys({ up: modifier });
}

function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(name, (e) => resolve(e as GlobalEventHandlersEventMap[K]), { once: true }));
}

let mounted = 0;
async function mount(engine: SqlConsoleEngine | null, setup?: (el: PbSqlConsole) => void): Promise<PbSqlConsole> {
  for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
  const el = document.createElement('pb-sql-console');
  el.style.width = '900px';
  el.locale = 'en';
  el.storageKey = `test-${Date.now()}-${++mounted}`;
  el.analytics = engine;
  setup?.(el);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Sets the editor's text the way typing does (input event), so the console sees it. */
async function setSql(el: PbSqlConsole, sql: string): Promise<void> {
  const ta = textarea(el);
  ta.value = sql;
  ta.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

async function shownRows(el: PbSqlConsole): Promise<PbPlayerTable> {
  await el.updateComplete;
  const t = table(el);
  expect(t, 'results table').to.not.equal(null);
  await t.updateComplete;
  await t.whenIdle();
  return t;
}

describe('<pb-sql-console> on DuckDB-WASM', () => {
  let local: LocalAnalytics;

  beforeAll(async () => {
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets() } });
    const ipc = tableToIPC(
      tableFromArrays({
        player_id: Array.from({ length: N }, (_, i) => `p-${String(i).padStart(4, '0')}`),
        name: names,
        country: Array.from({ length: N }, (_, i) => ['GB', 'BR', 'PT'][i % 3]!),
        net_loss: Float64Array.from({ length: N }, (_, i) => (i * 37) % 500 + 0.5),
      }),
      'stream',
    );
    expect(await local.loadArrow('players', ipc)).to.equal(N);
  });
  afterAll(async () => {
    for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
    await local?.close();
  });

  it('runs with Ctrl+Enter from the editor and shows the result in the table', async () => {
    const el = await mount(local);
    textarea(el).focus();
    const done = nextEvent(document, 'pb-query-complete');
    await sendKeys({ type: 'SELECT country, count(*)::INTEGER AS n FROM players GROUP BY 1 ORDER BY 1' });
    expect(el.value).to.match(/^SELECT country/);
    await chord('Control', 'Enter');
    const event = await done;
    expect(event.detail.rows).to.equal(3);
    expect(event.detail.columns).to.deep.equal(['country', 'n']);
    expect(event.detail.kind).to.equal('memory');
    expect(event.detail.ms).to.be.a('number').and.to.be.at.least(0);
    expect(event.composed && event.bubbles, 'bubbles out of the shadow root').to.equal(true);
    const t = await shownRows(el);
    expect(headerTexts(t)).to.deep.equal(['country', 'n']);
    expect(rowTexts(t, 0)).to.deep.equal(['BR', 'GB', 'PT']);
    expect(rowTexts(t, 1)).to.deep.equal(['333', '334', '333']);
    expect(part(el, 'status')!.textContent).to.match(/^3 rows in \d+ ms$/);
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(root(el).activeElement, 'focus stays in the editor').to.equal(textarea(el));
  });

  it('runs with the Run button; a column called id or a duplicate name stays its own column', async () => {
    const el = await mount(local);
    await setSql(el, "SELECT 'x' AS id, 1 AS a, 2 AS a\n;");
    const done = nextEvent(el, 'pb-query-complete');
    await sendMouse({ type: 'click', position: center(part(el, 'run-button')!) });
    const event = await done;
    expect(event.detail.rows).to.equal(1);
    const t = await shownRows(el);
    expect(headerTexts(t)).to.deep.equal(['id', 'a', 'a_1']);
    expect([0, 1, 2].map((c) => rowTexts(t, c)[0])).to.deep.equal(['x', '1', '2']);
    expect(el.history.at(-1)).to.equal("SELECT 'x' AS id, 1 AS a, 2 AS a\n;");
  });

  it('keeps a million-row result in DuckDB and reads it a window at a time', async () => {
    const el = await mount(local);
    await setSql(el, 'SELECT i, i * 2 AS twice FROM range(1000000) t(i) ORDER BY i DESC');
    await el.run();
    expect(el.error).to.equal(null);
    expect(el.result!.rows).to.equal(1_000_000);
    expect(el.result!.kind).to.equal('windowed');
    expect(el.result!.source).to.be.instanceOf(LocalDataSource);
    const t = await shownRows(el);
    expect(rowTexts(t, 0)[0]).to.equal('999,999');
    await t.scrollToRow(999_999, 'end');
    const last = root(t).querySelector<HTMLElement>('.body [role="row"][data-r="999999"] [role="gridcell"][data-c="1"]');
    expect(last?.textContent?.trim()).to.equal('0');
    expect(root(t).querySelectorAll('.body [role="row"]').length, 'only the visible rows are rendered').to.be.below(60);
  });

  it('windows a large result of an engine without a DuckDB client on the page, sortable', async () => {
    const engine: SqlConsoleEngine = { query: (sql) => local.query(sql) };
    const el = await mount(engine, (c) => (c.memoryRowLimit = 100));
    await el.run('SELECT i AS n FROM range(5000) t(i)');
    expect(el.result!.kind).to.equal('windowed');
    expect(el.result!.source).to.be.instanceOf(ArrowDataSource);
    const t = await shownRows(el);
    expect(rowTexts(t)[0]).to.equal('0');
    t.sort = [{ key: 'c0', direction: 'desc' }];
    await t.whenIdle();
    expect(rowTexts(t).slice(0, 2)).to.deep.equal(['4,999', '4,998']);
    const small = await mount(engine);
    await small.run('SELECT 1 AS one');
    expect(small.result!.source).to.be.instanceOf(MemoryDataSource);
  });

  it('marks the line and column a DuckDB error points at, with a role=alert message', async () => {
    const el = await mount(local);
    const sql = 'SELECT player_id,\n  country\nFROM players\nWHERE net_loss > 10\nORDER BY nme';
    await setSql(el, sql);
    const failed = nextEvent(document, 'pb-query-error');
    await el.run();
    const event = await failed;
    expect(event.detail.cancelled).to.equal(false);
    expect([event.detail.line, event.detail.column]).to.deep.equal([5, 10]);
    expect(event.detail.message).to.match(/^Binder Error: .*nme/);
    await el.updateComplete;
    const alert = part(el, 'error')!;
    expect(alert.getAttribute('role')).to.equal('alert');
    expect(alert.textContent).to.match(/^Line 5, column 10: Binder Error: /);
    expect(alert.textContent, 'the console wrapper never shows').to.not.contain('pb_sql_console');
    const marked = root(el).querySelectorAll('[part~="line-number-error"]');
    expect([...marked].map((n) => n.textContent)).to.deep.equal(['5']);
    expect(part(el, 'error-mark')!.textContent).to.equal('nme');
    expect(textarea(el).getAttribute('aria-invalid')).to.equal('true');
    expect(textarea(el).getAttribute('aria-describedby')).to.contain('error');
    expect(textarea(el).selectionStart, 'the caret is put at the error').to.equal(sql.indexOf('nme'));

    // A statement that is not wrapped (DDL): its positions need no correction.
    await setSql(el, 'CREATE TABLE t1 (a INTEGER,\n  b VARCHAR,, c INTEGER)');
    await el.run();
    expect(el.error!.message).to.match(/^Parser Error: syntax error at or near ","/);
    expect(el.error!.location).to.include({ line: 2, column: 13 });
    // An error DuckDB gives no place for: the message alone.
    await setSql(el, 'CREATE TABLE t2 (a VARCHR2)');
    await el.run();
    expect(el.error!.message).to.match(/^Catalog Error: Type with name VARCHR2 does not exist/);
    expect(el.error!.location).to.equal(null);
    expect(part(el, 'line-number-error')).to.equal(null);
    // A syntax error inside a wrapped query with a CTE.
    await setSql(el, 'WITH x AS (SELECT 1 AS v)\nSELEC v FROM x');
    await el.run();
    expect(el.error!.message).to.match(/^Parser Error: syntax error at or near "SELEC"/);
    expect(el.error!.location).to.include({ line: 2, column: 1 });
    // Typing moves the text under the mark: the mark goes, the message stays until the next run.
    textarea(el).focus();
    await sendKeys({ type: ' ' });
    await el.updateComplete;
    expect(part(el, 'error-mark')).to.equal(null);
    expect(part(el, 'error')).to.not.equal(null);
    await setSql(el, 'SELECT 1');
    await el.run();
    expect(part(el, 'error')).to.equal(null);
    expect(textarea(el).getAttribute('aria-invalid')).to.equal('false');
  });

  it('cancels a long query with Escape and with the Cancel button, and keeps working', async () => {
    const el = await mount(local);
    const slow = 'SELECT sum(hash(i)) AS h FROM range(20000000000) t(i)';
    await setSql(el, slow);
    textarea(el).focus();
    const started = nextEvent(el, 'pb-query-start');
    const failed = nextEvent(el, 'pb-query-error');
    const t0 = performance.now();
    await chord('Control', 'Enter');
    await started;
    await el.updateComplete;
    expect(el.running).to.equal(true);
    expect(part<HTMLButtonElement>(el, 'cancel-button')!.disabled).to.equal(false);
    await new Promise((r) => setTimeout(r, 300));
    await sendKeys({ press: 'Escape' });
    const event = await failed;
    expect(event.detail.cancelled).to.equal(true);
    expect(performance.now() - t0).to.be.below(20_000);
    await el.updateComplete;
    expect(el.running).to.equal(false);
    expect(part(el, 'status')!.textContent).to.equal('Query cancelled');
    expect(part(el, 'error'), 'a cancel is not an error').to.equal(null);

    const running = el.run(slow);
    await nextEvent(el, 'pb-query-start');
    await new Promise((r) => setTimeout(r, 300));
    await el.updateComplete;
    const again = nextEvent(el, 'pb-query-error');
    part<HTMLButtonElement>(el, 'cancel-button')!.click();
    expect((await again).detail.cancelled).to.equal(true);
    await running;
    await el.run('SELECT 40 + 2 AS answer');
    const t = await shownRows(el);
    expect(rowTexts(t)).to.deep.equal(['42']);
  });

  it('with an engine that cannot cancel, Escape drops the result and the console is free again', async () => {
    const engine: SqlConsoleEngine = { query: (sql) => local.query(sql) };
    const el = await mount(engine);
    const started = nextEvent(el, 'pb-query-start');
    const running = el.run('SELECT sum(hash(i)) AS h FROM range(200000000) t(i)');
    await started;
    const failed = nextEvent(el, 'pb-query-error');
    const t0 = performance.now();
    expect(await el.cancel()).to.equal(true);
    const event = await failed;
    expect(event.detail.cancelled).to.equal(true);
    expect(performance.now() - t0, 'not waiting for the engine').to.be.below(1000);
    await running;
    expect(el.running).to.equal(false);
    expect(el.result).to.equal(null);
    // The engine still finishes the dropped query first; the next one answers after it.
    await el.run('SELECT 5 AS n');
    expect(rowTexts(await shownRows(el))).to.deep.equal(['5']);
  });

  it('walks the history with Alt+Up/Down, deduplicated and kept per storage key', async () => {
    const el = await mount(local);
    const key = el.storageKey;
    for (const sql of ['SELECT 1 AS a', 'SELECT 2 AS b', 'SELECT 1 AS a']) await el.run(sql);
    expect(el.history).to.deep.equal(['SELECT 2 AS b', 'SELECT 1 AS a']);
    await setSql(el, 'SELECT draft');
    textarea(el).focus();
    await chord('Alt', 'ArrowUp');
    expect(textarea(el).value).to.equal('SELECT 1 AS a');
    await chord('Alt', 'ArrowUp');
    expect(textarea(el).value).to.equal('SELECT 2 AS b');
    await chord('Alt', 'ArrowUp');
    expect(textarea(el).value, 'stays at the oldest').to.equal('SELECT 2 AS b');
    await chord('Alt', 'ArrowDown');
    expect(textarea(el).value).to.equal('SELECT 1 AS a');
    await chord('Alt', 'ArrowDown');
    expect(textarea(el).value, 'back to what was typed').to.equal('SELECT draft');
    expect(el.value).to.equal('SELECT draft');

    const picker = part<HTMLSelectElement>(el, 'history')!;
    picker.value = '0';
    picker.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(textarea(el).value).to.equal('SELECT 2 AS b');
    // Setting `value` shows it, also when it is what the property held before the user typed over it.
    el.value = 'SELECT 3';
    await el.updateComplete;
    await setSql(el, 'SELECT 3 typed');
    el.value = 'SELECT 3';
    await el.updateComplete;
    expect(textarea(el).value).to.equal('SELECT 3');

    const same = await mount(local, (c) => (c.storageKey = key));
    expect(same.history).to.deep.equal(['SELECT 2 AS b', 'SELECT 1 AS a']);
    const other = await mount(local, (c) => (c.storageKey = `${key}-other`));
    expect(other.history).to.deep.equal([]);
    localStorage.removeItem(`pitboss.sql-console.history.${key}`);
  });

  it('renders player-supplied text and error text as text, never as markup', async () => {
    const el = await mount(local);
    await el.run("SELECT name FROM players WHERE player_id = 'p-0007'");
    const t = await shownRows(el);
    expect(rowTexts(t)).to.deep.equal([MARKUP]);
    expect(root(t).querySelector('img')).to.equal(null);
    await el.run(`SELECT "<b>bold</b>" FROM players`);
    const alert = part(el, 'error')!;
    expect(alert.textContent).to.contain('<b>bold</b>');
    expect(alert.querySelector('b')).to.equal(null);
    const picker = part<HTMLSelectElement>(el, 'history')!;
    expect(picker.querySelector('b, img')).to.equal(null);
    expect((window as unknown as { __pbPwned?: number }).__pbPwned).to.equal(undefined);
  });

  it('speaks pt-BR and es, numbers included', async () => {
    const el = await mount(local, (c) => (c.locale = 'pt-BR'));
    expect(part(el, 'run-button')!.textContent).to.equal('Executar');
    await el.run('SELECT 1234.5::DOUBLE AS v');
    let t = await shownRows(el);
    expect(rowTexts(t)).to.deep.equal(['1.234,5']);
    expect(part(el, 'status')!.textContent).to.match(/^1 linhas em \d+ ms$/);
    el.locale = 'es';
    await el.updateComplete;
    expect(part(el, 'run-button')!.textContent).to.equal('Ejecutar');
    expect(part(el, 'cancel-button')!.textContent).to.equal('Cancelar');
    t = await shownRows(el);
    await t.whenIdle();
    expect(rowTexts(t)).to.deep.equal(['1234,5']);
    await el.run('SELEC 1');
    expect(part(el, 'error')!.textContent).to.match(/^Línea 1, columna 1: Parser Error/);
  });

  it('opens DuckDB itself with a dynamic import on the first run, not before', async () => {
    let opened = 0;
    const el = await mount(null, (c) => {
      c.openEngine = async () => {
        opened++;
        const { openLocalEngine } = await import('./open-engine.js');
        return openLocalEngine({ assets: devDuckDBAssets() });
      };
    });
    expect(opened).to.equal(0);
    await el.run('SELECT 42 AS answer');
    expect(opened).to.equal(1);
    expect(el.analytics).to.be.instanceOf(LocalAnalytics);
    expect(rowTexts(await shownRows(el))).to.deep.equal(['42']);
    await el.run('SELECT 43 AS answer');
    expect(opened).to.equal(1);
    await (el.analytics as LocalAnalytics).close();

    // The default opener: the same module, with the console's duckdb options.
    const plain = await mount(null, (c) => (c.duckdb = { assets: devDuckDBAssets() }));
    await plain.run('SELECT 7 AS n');
    expect(rowTexts(await shownRows(plain))).to.deep.equal(['7']);
    await (plain.analytics as LocalAnalytics).close();
  });

  it('has no axe-core violations, light and dark, with a result and with an error', async () => {
    if (!('axe' in window)) {
      await new Promise<void>((resolve, reject) => {
        const script = document.createElement('script');
        script.src = '/node_modules/axe-core/axe.min.js';
        script.onload = () => resolve();
        script.onerror = () => reject(new Error('axe-core did not load from node_modules'));
        document.head.append(script);
      });
    }
    const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } }).axe;
    const el = await mount(local, (c) => (c.client = { fetchResponse: () => Promise.reject(new Error('not used')) }));
    await el.run('SELECT country, count(*) AS n FROM players GROUP BY 1');
    await shownRows(el);
    for (const theme of ['light', 'dark'] as const) {
      el.theme = theme;
      await el.updateComplete;
      await table(el).whenIdle();
      const result = await axe.run(el, { resultTypes: ['violations'] });
      expect(result.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
    }
    await setSql(el, 'SELECT 1,\n  2 FRM x');
    await el.run();
    expect(part(el, 'error')).to.not.equal(null);
    const result = await axe.run(el, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
  });

  it('themes through --pb-* tokens', async () => {
    const el = await mount(local);
    const bg = () => getComputedStyle(el).backgroundColor;
    expect(bg()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(bg()).to.equal('rgb(17, 24, 39)');
    el.style.setProperty('--pb-surface', 'rgb(1, 2, 3)');
    expect(bg()).to.equal('rgb(1, 2, 3)');
  });
});
