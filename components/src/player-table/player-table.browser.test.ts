import { describe, expect, it } from '@pitboss/test/harness';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { GeneratedDataSource, MemoryDataSource, type DataQuery, type DataSource, type DataSourceChange, type RowBase } from '@pitboss/sdk';
import { defineElement } from '../shared/define.js';
import { VERSION } from '../shared/version.js';
import type { PbColumn } from './columns.js';
import { PbPlayerTable } from './player-table.component.js';
import type { PbSelectionChangeEvent } from './player-table.events.js';
import { definePlayerTable } from './player-table.js';

interface Player extends RowBase {
  seq: number;
  name: string;
  net_loss_minor: number;
  currency: string;
  risk: number;
  last_bet_at: string;
  bonus_ratio: number;
}

const columns: PbColumn<Player>[] = [
  { key: 'name', label: 'Player', width: 200 },
  { key: 'net_loss_minor', label: 'Net loss', format: 'money' },
  { key: 'risk', label: 'Risk', format: 'risk', width: 100 },
  { key: 'last_bet_at', label: 'Last bet', format: 'date', timeZone: 'UTC' },
  { key: 'bonus_ratio', label: 'Bonus share', format: 'percent', width: 120 },
];

function player(i: number): Player {
  return {
    id: `p${i}`,
    seq: i,
    name: `Player ${i + 1}`,
    net_loss_minor: ((i * 7919) % 1_000_000) - 200_000,
    currency: i % 2 ? 'BRL' : 'EUR',
    risk: (i * 37) % 101,
    last_bet_at: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    bonus_ratio: (i % 100) / 100,
  };
}

const players = (n: number): Player[] => Array.from({ length: n }, (_, i) => player(i));

/** Wraps a source to record every window request and whether it was aborted. */
class SpySource<R extends RowBase> implements DataSource<R, unknown> {
  readonly calls: { start: number; end: number; signal: AbortSignal | undefined }[] = [];
  countCalls = 0;
  constructor(readonly inner: DataSource<R, unknown>) {}
  get sortableKeys(): ReadonlySet<string> | 'all' {
    return this.inner.sortableKeys;
  }
  count(query: DataQuery<unknown>, signal?: AbortSignal): Promise<number> {
    this.countCalls++;
    return this.inner.count(query, signal);
  }
  window(start: number, end: number, query: DataQuery<unknown>, signal?: AbortSignal): Promise<R[]> {
    this.calls.push({ start, end, signal });
    return this.inner.window(start, end, query, signal);
  }
  subscribe(listener: (change: DataSourceChange<R>) => void): () => void {
    return this.inner.subscribe(listener);
  }
}

definePlayerTable();

async function mount<R extends RowBase>(source: DataSource<R, unknown> | null, cols: PbColumn<R>[], setup?: (el: PbPlayerTable<R>) => void): Promise<PbPlayerTable<R>> {
  for (const old of document.querySelectorAll('pb-player-table')) old.remove();
  await resetMouse();
  const el = document.createElement('pb-player-table') as unknown as PbPlayerTable<R>;
  el.style.height = '360px';
  el.style.width = '800px';
  el.locale = 'en';
  el.label = 'Players';
  el.columns = cols;
  el.dataSource = source;
  setup?.(el);
  document.body.append(el);
  await el.whenIdle();
  return el;
}

const root = (el: HTMLElement): ShadowRoot => el.shadowRoot!;
const bodyRows = (el: HTMLElement): HTMLElement[] => [...root(el).querySelectorAll<HTMLElement>('.body [role="row"]')];
const rowTexts = (el: HTMLElement, col = 0): string[] => bodyRows(el).map((r) => r.querySelectorAll('[role="gridcell"]')[col]!.textContent!.trim());
const header = (el: HTMLElement, col: number): HTMLElement => root(el).querySelectorAll<HTMLElement>('[role="columnheader"]')[col]!;
const active = (el: HTMLElement): HTMLElement | null => root(el).activeElement as HTMLElement | null;
const activeRowOf = (el: HTMLElement): string | undefined => active(el)?.closest<HTMLElement>('[role="row"]')?.dataset['r'];
/**
 * The next frame, or 100 ms: web-test-runner runs files in parallel tabs, and a tab
 * in the background gets no animation frames at all.
 */
const nextFrame = (): Promise<void> =>
  new Promise((r) => {
    requestAnimationFrame(() => r());
    setTimeout(r, 100);
  });

/**
 * Moves the grid's native scroll offset, as a scrollbar drag does. Scroll events are
 * dispatched in a frame; in a background tab (no frames) one is dispatched by hand.
 */
async function scrollGrid(el: PbPlayerTable<Player>, top: number): Promise<void> {
  const grid = root(el).querySelector<HTMLElement>('[role="grid"]')!;
  let fired = false;
  grid.addEventListener('scroll', () => (fired = true), { once: true });
  grid.scrollTop = top;
  await nextFrame();
  if (!fired) grid.dispatchEvent(new Event('scroll'));
  await el.whenIdle();
}

function center(node: Element): [number, number] {
  const b = node.getBoundingClientRect();
  return [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)];
}

async function click(node: Element, modifier?: 'Control' | 'Shift'): Promise<void> {
  if (modifier) await sendKeys({ down: modifier });
  await sendMouse({ type: 'click', position: center(node) });
  if (modifier) await sendKeys({ up: modifier });
}

/** Presses `key` with a modifier held (the runner's `press` takes one key). */
async function chord(modifier: 'Control' | 'Shift' | 'Alt', key: string): Promise<void> {
  await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  await sendKeys({ up: modifier });
}

function cellAt(el: HTMLElement, index: number, col = 0): HTMLElement {
  const cell = root(el).querySelector<HTMLElement>(`.body [role="row"][data-r="${index}"] > [role="gridcell"][data-c="${col}"]`);
  if (!cell) throw new Error(`row ${index} is not rendered`);
  return cell;
}

function nextEvent<K extends keyof GlobalEventHandlersEventMap>(target: EventTarget, name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => target.addEventListener(name, (e) => resolve(e as GlobalEventHandlersEventMap[K]), { once: true }));
}

/** A source whose count and windows wait for the test to release them. */
class GatedSource extends MemoryDataSource<Player> {
  gate: Promise<void>;
  open!: () => void;
  failWith: Error | null = null;
  constructor(rows: Player[]) {
    super(rows);
    this.gate = new Promise((r) => (this.open = r));
  }
  override async count(query: DataQuery<(row: Player) => boolean>, signal?: AbortSignal): Promise<number> {
    await this.gate;
    if (this.failWith) throw this.failWith;
    return super.count(query, signal);
  }
}

describe('<pb-player-table>', () => {
  it('renders the header and only the visible window of rows, formatted', async () => {
    const source = new SpySource(new MemoryDataSource(players(10_000)));
    const el = await mount(source, columns);
    const grid = root(el).querySelector('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).to.equal('10001');
    expect(grid.getAttribute('aria-colcount')).to.equal('5');
    expect(grid.getAttribute('aria-label')).to.equal('Players');
    expect([...root(el).querySelectorAll('[role="columnheader"]')].map((h) => h.textContent!.trim())).to.deep.equal(['Player', 'Net loss', 'Risk', 'Last bet', 'Bonus share']);
    const rows = bodyRows(el);
    expect(rows.length).to.be.within(10, 14);
    expect(rows[0]!.getAttribute('aria-rowindex')).to.equal('2');
    expect(rowTexts(el).slice(0, 2)).to.deep.equal(['Player 1', 'Player 2']);
    const cells = [...rows[1]!.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent!.trim());
    const p = player(1);
    expect(cells[1]).to.equal(new Intl.NumberFormat('en', { style: 'currency', currency: 'BRL' }).format(p.net_loss_minor / 100));
    expect(cells[2]).to.equal('37');
    expect(rows[1]!.querySelector('[part~="risk-low"]')).to.not.equal(null);
    expect(cells[3]).to.equal('Jan 1, 2026');
    expect(cells[4]).to.equal('1%');
    // Only the visible window was requested, never the whole table.
    const requested = source.calls.reduce((n, c) => n + c.end - c.start, 0);
    expect(requested).to.be.below(200);
  });

  it('ellipsises a header label wider than its column, keeping its start in view (numeric columns too)', async () => {
    const narrow: PbColumn<Player>[] = [
      { key: 'name', label: 'Player', width: 200 },
      { key: 'net_loss_minor', label: 'Net loss over the last thirty days', format: 'money', width: 90 },
    ];
    const el = await mount(new MemoryDataSource(players(5)), narrow);
    const th = root(el).querySelectorAll<HTMLElement>('[role="columnheader"]')[1]!;
    const label = th.querySelector<HTMLElement>('[part="header-label"]')!;
    expect(th.textContent!.trim()).to.equal('Net loss over the last thirty days');
    expect(label.scrollWidth).to.be.above(label.clientWidth);
    expect(getComputedStyle(label).textOverflow).to.equal('ellipsis');
    // The label starts inside its header cell: before, a right-aligned header pushed its start out to the left.
    expect(label.getBoundingClientRect().left).to.be.at.least(th.getBoundingClientRect().left);
  });

  it('formats money, dates and percentages for pt-BR and es', async () => {
    const rows = [{ ...player(0), net_loss_minor: 123456, currency: 'BRL', bonus_ratio: 0.125 }];
    const el = await mount(new MemoryDataSource(rows), columns, (t) => (t.locale = 'pt-BR'));
    const cells = [...bodyRows(el)[0]!.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent!.trim());
    expect(cells[1]).to.equal(new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' }).format(1234.56));
    expect(cells[1]).to.contain('1.234,56');
    expect(cells[3]).to.equal('1 de jan. de 2026');
    expect(cells[4]).to.equal('12,5%');
    el.locale = 'es';
    await el.whenIdle();
    expect(bodyRows(el)[0]!.querySelectorAll('[role="gridcell"]')[1]!.textContent).to.contain('1234,56');
  });

  it('renders markup in player names as text', async () => {
    const evil = '<img src=x onerror="window.__pbPwned=1"><b>bold</b>';
    const el = await mount(new MemoryDataSource([{ ...player(0), name: evil }]), columns);
    const cell = cellAt(el, 0);
    expect(cell.textContent!.trim()).to.equal(evil);
    expect(cell.querySelector('img, b')).to.equal(null);
    await nextFrame();
    expect((window as unknown as { __pbPwned?: number }).__pbPwned).to.equal(undefined);
  });

  it('sorts by clicking a header: ascending, descending, then unsorted; the event is typed and cancelable', async () => {
    const el = await mount(new MemoryDataSource(players(500)), columns);
    const events: string[] = [];
    el.addEventListener('pb-sort-change', (e) => events.push(JSON.stringify(e.detail.sort)));
    await click(header(el, 2));
    await el.whenIdle();
    expect(header(el, 2).getAttribute('aria-sort')).to.equal('ascending');
    const asc = bodyRows(el).map((r) => Number(r.querySelectorAll('[role="gridcell"]')[2]!.textContent));
    expect(asc[0]).to.equal(0);
    expect(asc).to.deep.equal([...asc].sort((a, b) => a - b));
    await click(header(el, 2));
    await el.whenIdle();
    expect(header(el, 2).getAttribute('aria-sort')).to.equal('descending');
    expect(Number(bodyRows(el)[0]!.querySelectorAll('[role="gridcell"]')[2]!.textContent)).to.equal(100);
    await click(header(el, 2));
    await el.whenIdle();
    expect(header(el, 2).hasAttribute('aria-sort')).to.equal(false);
    expect(rowTexts(el)[0]).to.equal('Player 1');
    expect(events).to.deep.equal(['[{"key":"risk","direction":"asc"}]', '[{"key":"risk","direction":"desc"}]', '[]']);
    el.addEventListener('pb-sort-change', (e) => e.preventDefault(), { once: true });
    await click(header(el, 0));
    await el.whenIdle();
    expect(el.sort).to.deep.equal([]);
  });

  it('sorts from the keyboard and leaves columns the source cannot sort inert', async () => {
    const source = new GeneratedDataSource({ count: 1000, row: player, orderedBy: ['seq'] });
    const el = await mount(source, [{ key: 'seq', label: 'Seq', format: 'number' }, ...columns]);
    cellAt(el, 0).focus();
    await sendKeys({ press: 'ArrowUp' });
    expect(active(el)).to.equal(header(el, 0));
    await sendKeys({ press: 'Enter' });
    await el.whenIdle();
    await sendKeys({ press: 'Enter' });
    await el.whenIdle();
    expect(header(el, 0).getAttribute('aria-sort')).to.equal('descending');
    expect(rowTexts(el)[0]).to.equal('999');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: ' ' });
    await el.whenIdle();
    expect(header(el, 1).hasAttribute('aria-sort')).to.equal(false);
    expect(el.sort).to.deep.equal([{ key: 'seq', direction: 'desc' }]);
  });

  it('resizes a column with the pointer and with Alt+arrows', async () => {
    const el = await mount(new MemoryDataSource(players(50)), columns);
    const events: { key: string; width: number }[] = [];
    el.addEventListener('pb-column-resize', (e) => events.push(e.detail));
    const handle = root(el).querySelectorAll('[part="resize-handle"]')[1]!;
    const before = header(el, 1).getBoundingClientRect().width;
    const [x, y] = center(handle);
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [x + 60, y] });
    await sendMouse({ type: 'up' });
    await el.updateComplete;
    expect(header(el, 1).getBoundingClientRect().width).to.be.closeTo(before + 60, 1);
    expect(cellAt(el, 0, 1).getBoundingClientRect().width).to.be.closeTo(before + 60, 1);
    expect(events).to.deep.equal([{ key: 'net_loss_minor', width: 220 }]);
    expect(el.sort).to.deep.equal([]);
    header(el, 1).focus();
    await chord('Alt', 'ArrowLeft');
    await el.updateComplete;
    expect(header(el, 1).getBoundingClientRect().width).to.be.closeTo(before + 44, 1);
    expect(events[1]).to.deep.equal({ key: 'net_loss_minor', width: 204 });
  });

  it('selects with the pointer: single, ctrl-toggle, shift-range; the event bubbles, is composed and typed', async () => {
    const el = await mount(new MemoryDataSource(players(100)), columns);
    const seen: PbSelectionChangeEvent[] = [];
    const onSelection = (e: PbSelectionChangeEvent): void => void seen.push(e);
    document.addEventListener('pb-selection-change', onSelection);
    try {
      await click(cellAt(el, 2));
      await nextFrame();
      expect(seen).to.have.length(1);
      expect(seen[0]!.bubbles).to.equal(true);
      expect(seen[0]!.composed).to.equal(true);
      expect(seen[0]!.detail.selectedIds).to.deep.equal(['p2']);
      expect(seen[0]!.detail.rows[0]!.id).to.equal('p2');
      await click(cellAt(el, 4), 'Control');
      await nextFrame();
      expect(el.selectedIds).to.deep.equal(['p2', 'p4']);
      await click(cellAt(el, 7), 'Shift');
      await nextFrame();
      expect(el.selectedIds).to.deep.equal(['p4', 'p5', 'p6', 'p7']);
      await el.updateComplete;
      const selected = bodyRows(el).filter((r) => r.getAttribute('aria-selected') === 'true').map((r) => r.getAttribute('aria-rowindex'));
      expect(selected).to.deep.equal(['6', '7', '8', '9']);
      expect(bodyRows(el)[4]!.getAttribute('part')).to.equal('row row-selected');
      await click(cellAt(el, 5), 'Control');
      await nextFrame();
      expect(el.selectedIds).to.deep.equal(['p4', 'p6', 'p7']);
      el.clearSelection();
      expect(seen.at(-1)!.detail.selectedIds).to.deep.equal([]);
    } finally {
      document.removeEventListener('pb-selection-change', onSelection);
    }
  });

  it('single selection mode keeps one row', async () => {
    const el = await mount(new MemoryDataSource(players(20)), columns, (t) => (t.selectionMode = 'single'));
    await click(cellAt(el, 1));
    await click(cellAt(el, 3), 'Control');
    await click(cellAt(el, 5), 'Shift');
    await nextFrame();
    expect(el.selectedIds).to.deep.equal(['p5']);
    expect(root(el).querySelector('[role="grid"]')!.hasAttribute('aria-multiselectable')).to.equal(false);
  });

  it('navigates with the keyboard: roving focus, arrows, Home/End, PageUp/PageDown, Ctrl+Home/End', async () => {
    const el = await mount(new MemoryDataSource(players(10_000)), columns);
    const tabStops = () => root(el).querySelectorAll('[tabindex="0"]').length;
    expect(tabStops()).to.equal(1);
    await click(cellAt(el, 0, 1));
    expect(active(el)).to.equal(cellAt(el, 0, 1));
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    expect(active(el)).to.equal(cellAt(el, 2, 1));
    expect(tabStops()).to.equal(1);
    await sendKeys({ press: 'ArrowRight' });
    expect(active(el)).to.equal(cellAt(el, 2, 2));
    await sendKeys({ press: 'End' });
    expect(active(el)!.dataset['c']).to.equal('4');
    await sendKeys({ press: 'Home' });
    expect(active(el)).to.equal(cellAt(el, 2, 0));
    await sendKeys({ press: 'PageDown' });
    await el.whenIdle();
    const page = Number(activeRowOf(el)) - 2;
    expect(page).to.be.within(7, 11);
    await sendKeys({ press: 'PageDown' });
    await sendKeys({ press: 'PageDown' });
    await el.whenIdle();
    expect(activeRowOf(el)).to.equal(String(2 + 3 * page));
    expect(active(el)!.textContent!.trim()).to.equal(`Player ${3 + 3 * page}`);
    await sendKeys({ press: 'PageUp' });
    expect(activeRowOf(el)).to.equal(String(2 + 2 * page));
    await chord('Control', 'End');
    await el.whenIdle();
    expect(active(el)!.closest('[role="row"]')!.getAttribute('aria-rowindex')).to.equal('10001');
    expect(active(el)!.dataset['c']).to.equal('4');
    await chord('Control', 'Home');
    await el.whenIdle();
    expect(active(el)).to.equal(cellAt(el, 0, 0));
    expect(active(el)!.textContent!.trim()).to.equal('Player 1');
    expect(el.activeRow).to.equal(0);
  });

  it('selects and activates from the keyboard', async () => {
    const el = await mount(new MemoryDataSource(players(100)), columns);
    cellAt(el, 3).focus();
    await sendKeys({ press: ' ' });
    await nextFrame();
    expect(el.selectedIds).to.deep.equal(['p3']);
    await chord('Shift', 'ArrowDown');
    await chord('Shift', 'ArrowDown');
    await nextFrame();
    expect(el.selectedIds).to.deep.equal(['p3', 'p4', 'p5']);
    const activated = nextEvent(el, 'pb-row-activate');
    await sendKeys({ press: 'Enter' });
    const e = await activated;
    expect(e.detail.index).to.equal(5);
    expect(e.detail.row.id).to.equal('p5');
  });

  it('tab enters the grid at its one tab stop, which stays on the header when the active row scrolls away', async () => {
    const el = await mount(new MemoryDataSource(players(1000)), columns);
    await el.scrollToRow(500);
    await scrollGrid(el, 0);
    await el.whenIdle();
    expect(root(el).querySelectorAll('[tabindex="0"]')).to.have.length(1);
    expect(root(el).querySelector('[tabindex="0"]')!.getAttribute('role')).to.equal('columnheader');
  });

  it('updates visible rows live and refetches on reset', async () => {
    const memory = new MemoryDataSource(players(1000));
    const source = new SpySource(memory);
    const el = await mount(source, columns);
    const windowsBefore = source.calls.length;
    memory.update([{ ...player(1), name: 'Renamed <b>live</b>', risk: 90 }]);
    await el.whenIdle();
    expect(cellAt(el, 1).textContent!.trim()).to.equal('Renamed <b>live</b>');
    expect(bodyRows(el)[1]!.querySelector('[part~="risk-high"]')).to.not.equal(null);
    expect(source.calls.length).to.equal(windowsBefore);
    memory.reset(players(3).map((p) => ({ ...p, name: `New ${p.name}` })));
    await el.whenIdle();
    expect(el.rowCount).to.equal(3);
    expect(rowTexts(el)).to.deep.equal(['New Player 1', 'New Player 2', 'New Player 3']);
    expect(root(el).querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('4');
  });

  it('shows loading, then empty states, in the table locale', async () => {
    const source = new GatedSource([]);
    const el = await mount(null, columns, (t) => (t.locale = 'pt-BR'));
    el.dataSource = source;
    await el.updateComplete;
    const status = () => root(el).querySelector<HTMLElement>('[part~="status"]');
    expect(status()!.getAttribute('part')).to.equal('status loading');
    expect(status()!.getAttribute('role')).to.equal('status');
    expect(status()!.textContent!.trim()).to.equal('Carregando…');
    expect(root(el).querySelector('[role="grid"]')!.getAttribute('aria-busy')).to.equal('true');
    source.open();
    await el.whenIdle();
    expect(status()!.getAttribute('part')).to.equal('status empty');
    expect(status()!.textContent!.trim()).to.equal('Nenhum jogador para mostrar');
  });

  it('shows an error with the cause as text, emits pb-load-error, and retries', async () => {
    const source = new GatedSource(players(10));
    source.failWith = new Error('shard 3 is down <script>');
    const el = await mount(null, columns);
    const failed = nextEvent(el, 'pb-load-error');
    el.dataSource = source;
    source.open();
    const e = await failed;
    expect((e.detail.error as Error).message).to.equal('shard 3 is down <script>');
    await el.updateComplete;
    const status = root(el).querySelector<HTMLElement>('[part~="status"]')!;
    expect(status.getAttribute('part')).to.equal('status error');
    expect(status.getAttribute('role')).to.equal('alert');
    expect(root(el).querySelector('[part="error-detail"]')!.textContent).to.equal('shard 3 is down <script>');
    source.failWith = null;
    await click(root(el).querySelector('[part="retry-button"]')!);
    await el.whenIdle();
    expect(root(el).querySelector('[part~="status"]')).to.equal(null);
    expect(rowTexts(el)[0]).to.equal('Player 1');
  });

  it('coalesces window requests and aborts the stale ones', async () => {
    const inner = new GeneratedDataSource({ count: 1_000_000, row: player });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const slow = new SpySource({
      sortableKeys: inner.sortableKeys,
      count: (q, s) => inner.count(q as DataQuery<never>, s),
      window: async (a, b, q, s) => {
        await hold;
        return inner.window(a, b, q as DataQuery<never>, s);
      },
      subscribe: (l) => inner.subscribe(l),
    });
    const el = await mount(null, columns);
    el.dataSource = slow;
    await new Promise((r) => setTimeout(r, 20));
    const first = slow.calls.length;
    expect(first).to.equal(1);
    const settle = () => new Promise((r) => setTimeout(r, 20));
    void el.scrollToRow(400_000);
    await settle();
    void el.scrollToRow(400_010);
    await settle();
    const done = el.scrollToRow(800_000);
    await settle();
    release();
    await done;
    const near = (row: number) => slow.calls.filter((c) => c.start <= row && c.end > row);
    // 400_010 fell in the blocks already requested for 400_000: no second request.
    expect(near(400_000)).to.have.length(1);
    expect(near(400_010)).to.deep.equal(near(400_000));
    // Scrolling on abandoned the windows at row 0 and 400_000.
    expect(near(0)[0]!.signal!.aborted).to.equal(true);
    expect(near(400_000)[0]!.signal!.aborted).to.equal(true);
    expect(near(800_000)).to.have.length(1);
    expect(near(800_000)[0]!.signal!.aborted).to.equal(false);
    expect(slow.calls).to.have.length(3);
    expect(Math.max(...slow.calls.map((c) => c.end - c.start))).to.be.at.most(128);
    expect(rowTexts(el)[0]).to.equal('Player 800001');
  });

  it('reaches the last of 10,000,000 rows: by scrollToRow, by dragging the scrollbar to the end, and by Ctrl+End', async () => {
    const source = new SpySource(new GeneratedDataSource({ count: 10_000_000, row: player }));
    const el = await mount(source, columns);
    const grid = root(el).querySelector<HTMLElement>('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).to.equal('10000001');
    expect(grid.scrollHeight).to.be.below(8_100_000);
    await el.scrollToRow(9_999_999, 'end');
    const last = bodyRows(el).at(-1)!;
    expect(last.getAttribute('aria-rowindex')).to.equal('10000001');
    expect(last.textContent).to.contain('Player 10000000');
    // The last row sits exactly at the bottom edge of the grid.
    const gridBottom = grid.getBoundingClientRect().top + grid.clientHeight;
    expect(last.getBoundingClientRect().bottom).to.be.closeTo(gridBottom, 1);
    // The header stays stuck to the top of the grid.
    expect(header(el, 0).getBoundingClientRect().top).to.be.closeTo(grid.getBoundingClientRect().top, 1);
    await el.scrollToRow(0);
    await scrollGrid(el, grid.scrollHeight);
    await el.whenIdle();
    expect(bodyRows(el).at(-1)!.textContent).to.contain('Player 10000000');
    expect(bodyRows(el).at(-1)!.getBoundingClientRect().bottom).to.be.closeTo(gridBottom, 1);
    await el.scrollToRow(5_000_000, 'start');
    expect(rowTexts(el)[0]).to.equal('Player 5000001');
    cellAt(el, 5_000_000).focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.whenIdle();
    expect(active(el)!.textContent!.trim()).to.equal('Player 5000002');
    await chord('Control', 'End');
    await el.whenIdle();
    expect(active(el)!.closest('[role="row"]')!.getAttribute('aria-rowindex')).to.equal('10000001');
    await sendKeys({ press: 'ArrowUp' });
    await el.whenIdle();
    expect(active(el)!.closest('[role="row"]')!.textContent).to.contain('Player 9999999');
    const fetched = source.calls.reduce((n, c) => n + c.end - c.start, 0);
    expect(fetched).to.be.below(2000);
  });

  it('updates the last of 10,000,000 generated rows live, then shrinks on reset', async () => {
    const source = new GeneratedDataSource({ count: 10_000_000, row: player });
    const el = await mount(source, columns);
    await el.scrollToRow(9_999_999, 'end');
    source.update([{ ...player(9_999_999), name: 'Last <i>one</i>' }]);
    await el.whenIdle();
    expect(bodyRows(el).at(-1)!.querySelector('[role="gridcell"]')!.textContent!.trim()).to.equal('Last <i>one</i>');
    source.reset(5);
    await el.whenIdle();
    expect(el.rowCount).to.equal(5);
    expect(rowTexts(el)).to.deep.equal(['Player 1', 'Player 2', 'Player 3', 'Player 4', 'Player 5']);
  });

  it('moves rows at natural speed under the wheel when the scroll range is scaled', async () => {
    const el = await mount(new GeneratedDataSource({ count: 10_000_000, row: player }), columns);
    await el.scrollToRow(1_000_000);
    const grid = root(el).querySelector<HTMLElement>('[role="grid"]')!;
    const [x, y] = center(grid);
    await sendMouse({ type: 'move', position: [x, y] });
    grid.dispatchEvent(new WheelEvent('wheel', { deltaY: 200, bubbles: true, cancelable: true, composed: true }));
    grid.dispatchEvent(new WheelEvent('wheel', { deltaY: 120, bubbles: true, cancelable: true, composed: true }));
    await nextFrame();
    await el.whenIdle();
    expect(rowTexts(el)[0]).to.equal('Player 1000011');
  });

  it('has no axe-core violations, light and dark, with selection and sort', async () => {
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
    const el = await mount(new MemoryDataSource(players(200)), columns);
    await click(cellAt(el, 1));
    await click(header(el, 1));
    await el.whenIdle();
    for (const theme of ['light', 'dark'] as const) {
      el.theme = theme;
      await el.whenIdle();
      const result = await axe.run(el, { resultTypes: ['violations'] });
      expect(result.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
    }
    const empty = await mount(new MemoryDataSource<Player>([]), columns);
    const result = await axe.run(empty, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => v.id)).to.deep.equal([]);
  });

  it('themes through --pb-* tokens and switches to dark', async () => {
    const el = await mount(new MemoryDataSource(players(5)), columns);
    const bg = () => getComputedStyle(el).backgroundColor;
    expect(bg()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(bg()).to.equal('rgb(17, 24, 39)');
    el.style.setProperty('--pb-surface', 'rgb(1, 2, 3)');
    expect(bg()).to.equal('rgb(1, 2, 3)');
  });

  it('tolerates a second definition: same version silently, another version or foreign class with a warning', () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    try {
      expect(definePlayerTable()).to.equal('already-defined');
      class SecondCopy extends PbPlayerTable {}
      expect(defineElement('pb-player-table', SecondCopy, VERSION)).to.equal('already-defined');
      expect(warnings).to.deep.equal([]);
      class OtherVersion extends PbPlayerTable {
        static override readonly version = '9.9.9';
      }
      expect(defineElement('pb-player-table', OtherVersion, '9.9.9')).to.equal('version-clash');
      expect(warnings[0]).to.contain('9.9.9');
      customElements.define('pb-test-foreign', class extends HTMLElement {});
      expect(defineElement('pb-test-foreign', PbPlayerTable, VERSION)).to.equal('foreign');
      expect(warnings).to.have.length(2);
      expect(customElements.get('pb-player-table')).to.equal(PbPlayerTable);
    } finally {
      console.warn = warn;
    }
  });
});
