// The gutter's line numbers and the error-line highlight sit on the textarea's
// lines: line N's number has the same top and height as line N of the text,
// light and dark, at the top and scrolled, with a script longer than the editor.
import { afterAll, beforeAll, describe, expect, it } from '@pitboss/test/harness';
import { LocalAnalytics } from '@pitboss/sdk';
import { devDuckDBAssets } from '@pitboss/wasm/dev-assets';
import { defineSqlConsole } from './sql-console.js';

type PbSqlConsole = HTMLElementTagNameMap['pb-sql-console'];

defineSqlConsole();

const LINES = 60;
// Every line but the last selects a column; the last misspells FROM so DuckDB points at it.
const SCRIPT = [...Array.from({ length: LINES - 1 }, (_, i) => `${i === 0 ? 'SELECT' : '      '} ${i} AS c${i},`), `  0 AS z FRM x`].join('\n');

const shadow = (el: HTMLElement): ShadowRoot => el.shadowRoot!;
const textarea = (el: HTMLElement): HTMLTextAreaElement => shadow(el).querySelector<HTMLTextAreaElement>('[part~="input"]')!;
const numbers = (el: HTMLElement): HTMLElement[] => [...shadow(el).querySelectorAll<HTMLElement>('[part~="line-number"]')];

/** Where line `n` (1-based) of the textarea lies on the page: from its box, border, padding, line height and scroll offset. */
function textLine(ta: HTMLTextAreaElement, n: number): { top: number; height: number } {
  const cs = getComputedStyle(ta);
  const line = Number.parseFloat(cs.lineHeight);
  const top = ta.getBoundingClientRect().top + Number.parseFloat(cs.borderTopWidth) + Number.parseFloat(cs.paddingTop) + (n - 1) * line - ta.scrollTop;
  return { top, height: line };
}

/** Lines whose number is off its text line by more than half a pixel, as readable strings (empty when aligned). */
function misaligned(el: PbSqlConsole, where: string): string[] {
  const ta = textarea(el);
  const off: string[] = [];
  numbers(el).forEach((num, i) => {
    const want = textLine(ta, i + 1);
    const got = num.getBoundingClientRect();
    if (Math.abs(got.top - want.top) > 0.5 || Math.abs(got.height - want.height) > 0.5) {
      off.push(`${where}: number ${num.textContent} at top ${got.top.toFixed(1)} (height ${got.height}), its line at ${want.top.toFixed(1)} (height ${want.height})`);
    }
  });
  return off;
}

/** Scrolls the textarea as a user does and waits for the console to follow its scroll event. */
async function scrollTo(ta: HTMLTextAreaElement, top: number): Promise<void> {
  const scrolled = new Promise<void>((resolve) => ta.addEventListener('scroll', () => resolve(), { once: true }));
  ta.scrollTop = top;
  await scrolled;
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
}

async function mount(engine: LocalAnalytics | null, theme: 'light' | 'dark'): Promise<PbSqlConsole> {
  for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
  const el = document.createElement('pb-sql-console');
  el.style.width = '700px';
  el.locale = 'en';
  el.theme = theme;
  el.storageKey = `gutter-${Date.now()}-${theme}`;
  el.analytics = engine;
  document.body.append(el);
  await el.updateComplete;
  const ta = textarea(el);
  ta.value = SCRIPT;
  ta.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
  return el;
}

describe('<pb-sql-console> gutter alignment', () => {
  let local: LocalAnalytics;

  beforeAll(async () => {
    local = await LocalAnalytics.open({ duckdb: { assets: devDuckDBAssets() } });
  });
  afterAll(async () => {
    for (const old of document.querySelectorAll('pb-sql-console')) old.remove();
    await local?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}: line N's number lies on line N of the text, at the top and scrolled`, async () => {
      const el = await mount(null, theme);
      const ta = textarea(el);
      expect(numbers(el).map((n) => n.textContent)).to.deep.equal(Array.from({ length: LINES }, (_, i) => String(i + 1)));
      // The text really is laid out at that line height: its scroll height is the lines plus the padding.
      const cs = getComputedStyle(ta);
      const line = Number.parseFloat(cs.lineHeight);
      expect(ta.scrollHeight).to.be.closeTo(LINES * line + Number.parseFloat(cs.paddingTop) + Number.parseFloat(cs.paddingBottom), 1);
      expect(ta.scrollHeight, 'the script is longer than the editor').to.be.greaterThan(ta.clientHeight * 3);
      expect(misaligned(el, 'top')).to.deep.equal([]);

      for (const top of [line * 7, line * 7 + 9, ta.scrollHeight]) {
        await scrollTo(ta, top);
        expect(ta.scrollTop, 'the textarea scrolled').to.be.greaterThan(0);
        expect(misaligned(el, `scrollTop ${ta.scrollTop}`)).to.deep.equal([]);
      }
      // The last line is in view at the bottom, and so is its number, inside the gutter's box.
      const gutter = shadow(el).querySelector<HTMLElement>('[part~="gutter"]')!.getBoundingClientRect();
      const last = numbers(el).at(-1)!.getBoundingClientRect();
      expect(last.bottom).to.be.at.most(gutter.bottom + 0.5);
      expect(last.top).to.be.at.least(gutter.top - 0.5);
    });
  }

  it('the error-line highlight lies on the line DuckDB points at, scrolled with the text', async () => {
    const el = await mount(local, 'dark');
    await el.run();
    await el.updateComplete;
    expect(el.error?.location?.line, el.error?.message).to.equal(LINES);
    const ta = textarea(el);
    // Showing the error scrolls its line into view.
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    expect(ta.scrollTop).to.be.greaterThan(0);
    const check = () => {
      const want = textLine(ta, LINES);
      const highlight = shadow(el).querySelector<HTMLElement>('[part~="error-line"]')!.getBoundingClientRect();
      const number = shadow(el).querySelector<HTMLElement>('[part~="line-number-error"]')!;
      expect(number.textContent).to.equal(String(LINES));
      expect(highlight.top, 'highlight').to.be.closeTo(want.top, 0.5);
      expect(number.getBoundingClientRect().top, 'number').to.be.closeTo(want.top, 0.5);
    };
    check();
    expect(misaligned(el, 'error shown')).to.deep.equal([]);
    await scrollTo(ta, 40);
    check();
    expect(misaligned(el, 'error, scrolled back')).to.deep.equal([]);
  });
});
