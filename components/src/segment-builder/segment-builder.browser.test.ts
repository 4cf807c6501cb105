import { describe, expect, it } from '@pitboss/test/harness';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import type { Segment } from '@pitboss/core';
import type { SegmentCountOptions, SegmentCountResult, SegmentCounter } from './count.js';
import { PbSegmentBuilder } from './segment-builder.component.js';
import type { PbSegmentChangeEvent } from './segment-builder.events.js';
import { defineSegmentBuilder } from './segment-builder.js';

defineSegmentBuilder();

async function mount(segment: Segment, setup?: (el: PbSegmentBuilder) => void): Promise<PbSegmentBuilder> {
  for (const old of document.querySelectorAll('pb-segment-builder')) old.remove();
  await resetMouse();
  const el = document.createElement('pb-segment-builder');
  el.locale = 'en';
  el.currency = 'EUR';
  el.segment = segment;
  setup?.(el);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const root = (el: HTMLElement): ShadowRoot => el.shadowRoot!;
const q = <T extends Element = HTMLElement>(el: HTMLElement, selector: string): T => {
  const found = root(el).querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
};
/** The element of the node at a validate-style path (`''` is the root). */
const node = (el: HTMLElement, path: string): HTMLElement => q(el, `[data-path="${path}"]`);
/** A control of a node, by its key (`value`, `value[1]`, `did.type`), found through its label's `for`. */
const control = <T extends HTMLElement = HTMLInputElement>(el: HTMLElement, path: string, key: string): T => {
  const id = `n-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root'}--${key.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  return q<T>(el, `#${CSS.escape(id)}`);
};
/** Inside the node at `path`. */
const inNode = <T extends HTMLElement = HTMLElement>(el: HTMLElement, path: string, selector: string): T => {
  const found = node(el, path).querySelector<T>(selector);
  if (!found) throw new Error(`nothing matches ${selector} in node ${JSON.stringify(path)}`);
  return found;
};
const active = (el: HTMLElement): HTMLElement | null => root(el).activeElement as HTMLElement | null;
const issuesAt = (el: HTMLElement, path: string): string[] =>
  [...node(el, path).querySelectorAll(':scope > .issues > .issue')].map((li) => li.textContent!.trim());
const countText = (el: HTMLElement): string => root(el).querySelector('[part~="count"]')?.textContent?.trim() ?? '';

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function click(target: Element): Promise<void> {
  target.scrollIntoView({ block: 'center' });
  const b = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)] });
}

/** Chooses an option of a native select as a user does (the popup itself is not scriptable in headless Chromium). */
async function choose(select: HTMLSelectElement, value: string): Promise<void> {
  select.focus();
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

async function chord(modifier: 'Shift' | 'Alt', key: string): Promise<void> {
  await sendKeys({ down: modifier });
  try {
    await sendKeys({ press: key });
  } finally {
    await sendKeys({ up: modifier });
  }
}

function record(el: HTMLElement): PbSegmentChangeEvent[] {
  const events: PbSegmentChangeEvent[] = [];
  el.addEventListener('pb-segment-change', (e) => events.push(e));
  return events;
}

const SAMPLE: Segment = {
  all: [
    { field: 'country', op: 'in', value: ['BR', 'PT'] },
    { field: 'deposit_sum_30d', op: 'gte', value: 150000 },
    { any: [
      { field: 'night_play_share_30d', op: 'gt', value: 0.25 },
      { not: { field: 'kyc_verified', op: 'eq', value: false } },
    ] },
    { field: 'registered_at', op: 'more_than_days_ago', value: 30 },
    { did: { type: 'payment', direction: 'deposit', status: ['approved'] }, op: 'at_least', times: 3, days: 30 },
    { sum: 'amount_minor', of: { type: 'bet.placed', product: ['casino'] }, op: 'between', value: [1000, 250050], days: 7 },
    { field: 'last_event_at', op: 'gte', value: '2026-03-01' },
  ],
};

/** A counter that records its calls and answers when the test says so. */
class ManualCounter {
  readonly calls: { segment: Segment; options: SegmentCountOptions; resolve: (r: SegmentCountResult) => void; reject: (e: unknown) => void }[] = [];
  readonly fn: SegmentCounter = (segment, options) =>
    new Promise((resolve, reject) => {
      this.calls.push({ segment, options, resolve, reject });
    });
}

describe('<pb-segment-builder>', () => {
  it('renders a segment AST: groups, negation, every editor kind, counts and sums', async () => {
    const el = await mount(SAMPLE);
    expect(inNode<HTMLSelectElement>(el, '', 'select').value).to.equal('all');
    const countries = control<HTMLSelectElement>(el, 'all[0]', 'value');
    expect(countries.multiple).to.equal(true);
    expect([...countries.selectedOptions].map((o) => o.value)).to.deep.equal(['BR', 'PT']);
    // Money: minor units shown in major units of the builder's currency.
    expect(control(el, 'all[1]', 'value').value).to.equal('1500.00');
    expect(node(el, 'all[1]').textContent).to.contain('EUR');
    expect(control<HTMLSelectElement>(el, 'all[1]', 'field').selectedOptions[0]!.textContent).to.equal('Amount deposited (30 days)');
    expect(control<HTMLSelectElement>(el, 'all[2]', 'combinator').value).to.equal('any');
    // A share is a percentage.
    expect(control(el, 'all[2].any[0]', 'value').value).to.equal('25');
    expect(node(el, 'all[2].any[1]').getAttribute('part')).to.equal('not');
    expect(control<HTMLSelectElement>(el, 'all[2].any[1].not', 'value').value).to.equal('false');
    expect(control(el, 'all[3]', 'value').value).to.equal('30');
    expect(control<HTMLSelectElement>(el, 'all[4]', 'did.type').value).to.equal('payment');
    expect(control<HTMLSelectElement>(el, 'all[4]', 'did.direction').value).to.equal('deposit');
    expect(control(el, 'all[4]', 'did.status').value).to.equal('approved');
    expect(control(el, 'all[4]', 'times').value).to.equal('3');
    expect(control<HTMLSelectElement>(el, 'all[5]', 'sum').value).to.equal('amount_minor');
    expect(control(el, 'all[5]', 'value[0]').value).to.equal('10.00');
    expect(control(el, 'all[5]', 'value[1]').value).to.equal('2500.50');
    expect(control(el, 'all[5]', 'days').value).to.equal('7');
    expect(inNode<HTMLInputElement>(el, 'all[5]', 'fieldset input[type="checkbox"]:checked').parentElement!.textContent).to.contain('Casino');
    const date = control(el, 'all[6]', 'value');
    expect(date.type).to.equal('date');
    expect(date.value).to.equal('2026-03-01');
    expect(el.valid).to.equal(true);
    expect(root(el).querySelectorAll('.issue')).to.have.length(0);
  });

  it('edits with the pointer: add, type a value, change the operator, move, negate, remove', async () => {
    const el = await mount({ all: [{ field: 'country', op: 'eq', value: 'BR' }] });
    const events = record(el);
    await click(inNode(el, '', ':scope > .add-bar [data-add="condition"]'));
    await el.updateComplete;
    expect((el.segment as { all: unknown[] }).all).to.have.length(2);
    await choose(control<HTMLSelectElement>(el, 'all[1]', 'field'), 'net_loss_30d');
    await el.updateComplete;
    await click(control(el, 'all[1]', 'value'));
    await sendKeys({ type: '12.5' });
    await el.updateComplete;
    // The new condition's first field was a date (operator `lt`), which a money field also takes.
    expect((el.segment as { all: unknown[] }).all[1]).to.deep.equal({ field: 'net_loss_30d', op: 'lt', value: 1250 });
    await choose(control<HTMLSelectElement>(el, 'all[1]', 'op'), 'between');
    await el.updateComplete;
    expect(control(el, 'all[1]', 'value[0]').value).to.equal('12.50');
    await click(control(el, 'all[1]', 'value[1]'));
    await sendKeys({ type: '99' });
    await el.updateComplete;
    expect((el.segment as { all: unknown[] }).all[1]).to.deep.equal({ field: 'net_loss_30d', op: 'between', value: [1250, 9900] });
    await click(inNode(el, 'all[1]', '[data-action="up"]'));
    await el.updateComplete;
    expect((el.segment as unknown as { all: { field: string }[] }).all.map((c) => c.field)).to.deep.equal(['net_loss_30d', 'country']);
    await click(inNode(el, 'all[1]', '[data-action="negate"]'));
    await el.updateComplete;
    expect((el.segment as { all: unknown[] }).all[1]).to.deep.equal({ not: { field: 'country', op: 'eq', value: 'BR' } });
    await click(inNode(el, 'all[0]', '[data-action="remove"]'));
    await el.updateComplete;
    expect(el.segment).to.deep.equal({ all: [{ not: { field: 'country', op: 'eq', value: 'BR' } }] });
    expect(events.length).to.be.greaterThan(5);
    expect(events.at(-1)!.detail.segment).to.equal(el.segment);
  });

  it('is operable by keyboard alone, with focus on the new or next item after add and remove', async () => {
    const el = await mount({ any: [{ field: 'country', op: 'eq', value: 'BR' }] });
    control<HTMLSelectElement>(el, '', 'combinator').focus();
    // Root combinator → first condition's field, op, value, actions (up/down disabled: skipped), negate, remove → add bar.
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await sendKeys({ press: 'Tab' });
      const a = active(el);
      order.push(a?.dataset['action'] ?? a?.dataset['add'] ?? a?.id ?? 'outside');
    }
    expect(order).to.deep.equal(['n-any-0--field', 'n-any-0--op', 'n-any-0--value', 'negate', 'remove', 'condition']);
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(active(el)?.id).to.equal('n-any-1--field');
    // Change the field by keyboard: a select takes typed letters.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    const value = active(el) as HTMLInputElement;
    expect(value.id).to.equal('n-any-1--value');
    await chord('Shift', 'Tab');
    await chord('Shift', 'Tab');
    expect(active(el)?.id).to.equal('n-any-1--field');
    // A closed select takes End and type-ahead letters: the last field, then the operator "greater than".
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'g' });
    await el.updateComplete;
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '4' });
    await el.updateComplete;
    expect((el.segment as { any: unknown[] }).any[1]).to.deep.equal({ field: 'tenure_days', op: 'gt', value: 4 });
    // Alt+↑ moves the condition holding focus and keeps focus on the same control.
    await chord('Alt', 'ArrowUp');
    await el.updateComplete;
    expect((el.segment as unknown as { any: { field: string }[] }).any.map((c) => c.field)).to.deep.equal(['tenure_days', 'country']);
    expect(active(el)?.id).to.equal('n-any-0--value');
    // Remove with Enter on the remove button: focus goes to the item now in its place.
    (inNode(el, 'any[0]', '[data-action="remove"]')).focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(active(el)?.id).to.equal('n-any-0--field');
    (inNode(el, 'any[0]', '[data-action="remove"]')).focus();
    await sendKeys({ press: 'Space' });
    await el.updateComplete;
    // The group is empty: focus lands on its "add condition" button.
    expect(active(el)?.dataset['add']).to.equal('condition');
    expect(el.segment).to.deep.equal({ any: [] });
    // Add a group with the keyboard: focus goes to its combinator.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(active(el)?.dataset['add']).to.equal('group');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(active(el)?.id).to.equal('n-any-0--combinator');
  });

  it('edits a root negation: unwrap it and negate a nested group again', async () => {
    const el = await mount({ not: { any: [{ field: 'blocked', op: 'eq', value: true }, { field: 'test_account', op: 'eq', value: true }] } });
    expect(node(el, '').getAttribute('part')).to.equal('not');
    expect(control<HTMLSelectElement>(el, 'not', 'combinator').value).to.equal('any');
    inNode(el, '', '[data-action="unwrap"]').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.segment).to.deep.equal({ any: [{ field: 'blocked', op: 'eq', value: true }, { field: 'test_account', op: 'eq', value: true }] });
    expect(active(el)?.id).to.equal('n-root--combinator');
    inNode(el, 'any[1]', '[data-action="negate"]').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect((el.segment as unknown as { any: unknown[] }).any[1]).to.deep.equal({ not: { field: 'test_account', op: 'eq', value: true } });
    expect(active(el)?.dataset['action']).to.equal('unwrap');
    expect(el.valid).to.equal(true);
  });

  it('emits pb-segment-change with the segment, validity and issues; bubbling and composed', async () => {
    const el = await mount({ all: [{ field: 'deposit_sum_30d', op: 'gt', value: 100 }] });
    const wrapper = document.createElement('div');
    document.body.append(wrapper);
    wrapper.append(el);
    await el.updateComplete;
    const events: PbSegmentChangeEvent[] = [];
    wrapper.addEventListener('pb-segment-change', (e) => events.push(e));
    const input = control(el, 'all[0]', 'value');
    input.focus();
    input.select();
    await sendKeys({ type: 'lots' });
    await el.updateComplete;
    const last = events.at(-1)!;
    expect(last.bubbles).to.equal(true);
    expect(last.composed).to.equal(true);
    expect(last.detail.valid).to.equal(false);
    expect(last.detail.segment).to.deep.equal({ all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] });
    expect(last.detail.issues.map((i) => [i.path, i.code])).to.deep.equal([['all[0].value', 'expected_number']]);
    input.select();
    await sendKeys({ type: '7,5' });
    await el.updateComplete;
    expect(events.at(-1)!.detail.valid).to.equal(true);
    expect(events.at(-1)!.detail.segment).to.deep.equal({ all: [{ field: 'deposit_sum_30d', op: 'gt', value: 750 }] });
    // What was typed stays in the box (no reformatting under the cursor).
    expect(input.value).to.equal('7,5');
    wrapper.remove();
  });

  it('shows each validation message at the condition and control it belongs to', async () => {
    const el = await mount({
      all: [
        { field: 'country', op: 'eq', value: 'BR' },
        { any: [
          { field: 'stake_mean_30d', op: 'between', value: [5000, 100] },
          { field: 'birth_year', op: 'eq', value: 1990.5 },
        ] },
        { did: { type: 'payment' }, op: 'at_least', times: 3, days: 0 },
        { any: [] },
      ],
    });
    expect(el.valid).to.equal(false);
    expect(issuesAt(el, 'all[0]')).to.deep.equal([]);
    expect(issuesAt(el, 'all[1].any[0]')).to.deep.equal(['low must not be greater than high']);
    expect(issuesAt(el, 'all[1].any[1]')).to.deep.equal(['expected a whole number']);
    expect(issuesAt(el, 'all[2]')).to.deep.equal(['expected a value from 1 to 3650']);
    expect(issuesAt(el, 'all[3]')).to.deep.equal(['expected at least one item']);
    expect(issuesAt(el, '')).to.deep.equal([]);
    // The control is marked and described by its message.
    const low = control(el, 'all[1].any[0]', 'value[0]');
    const high = control(el, 'all[1].any[0]', 'value[1]');
    const msgId = inNode(el, 'all[1].any[0]', '.issue').id;
    for (const c of [low, high]) {
      expect(c.getAttribute('aria-invalid')).to.equal('true');
      expect(c.getAttribute('aria-describedby')).to.equal(msgId);
    }
    expect(control(el, 'all[1].any[0]', 'field').hasAttribute('aria-invalid')).to.equal(false);
    expect(control(el, 'all[2]', 'days').getAttribute('aria-invalid')).to.equal('true');
    expect(control(el, 'all[2]', 'times').hasAttribute('aria-invalid')).to.equal(false);
    // Fixing a value clears its message.
    const days = control(el, 'all[2]', 'days');
    days.focus();
    days.select();
    await sendKeys({ type: '14' });
    await el.updateComplete;
    expect(issuesAt(el, 'all[2]')).to.deep.equal([]);
    expect(days.hasAttribute('aria-invalid')).to.equal(false);
  });

  it('renders player-supplied text as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const el = await mount({ all: [{ field: 'affiliate_id', op: 'in', value: [evil] }, { field: evil, op: 'eq', value: 1 }] });
    expect(control(el, 'all[0]', 'value').value).to.equal(evil);
    expect(issuesAt(el, 'all[1]')[0]).to.contain(evil);
    expect(root(el).querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('counts debounced: a burst of edits is one call, a stale count is aborted and never shown', async () => {
    const counter = new ManualCounter();
    const el = await mount({ all: [{ field: 'deposit_count_30d', op: 'gte', value: 1 }] }, (b) => {
      b.counter = counter.fn;
      b.debounce = 150;
    });
    await until(() => counter.calls.length === 1, 'the first count');
    expect(countText(el)).to.equal('Counting…');
    counter.calls[0]!.resolve({ count: 1234 });
    await until(() => countText(el) === 'Matching players: 1,234', 'the count shown');
    const input = control(el, 'all[0]', 'value');
    input.focus();
    // Three edits in one task, as fast typing does (dispatched here so that load on the machine cannot spread them out).
    for (const text of ['2', '23', '234']) {
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    expect((el.segment as unknown as { all: { value: unknown }[] }).all[0]!.value).to.equal(234);
    await until(() => counter.calls.length === 2, 'one count for the burst');
    expect(counter.calls[1]!.segment).to.deep.equal({ all: [{ field: 'deposit_count_30d', op: 'gte', value: 234 }], marketing: false });
    expect(counter.calls[1]!.options.marketing).to.equal(false);
    // An edit while that count is in flight aborts it.
    const stale = counter.calls[1]!;
    input.setSelectionRange(3, 3);
    await sendKeys({ press: 'Backspace' });
    expect(stale.options.signal.aborted).to.equal(true);
    await until(() => counter.calls.length === 3, 'the count after the abort');
    expect(counter.calls[2]!.segment).to.deep.equal({ all: [{ field: 'deposit_count_30d', op: 'gte', value: 23 }], marketing: false });
    stale.resolve({ count: 999 });
    counter.calls[2]!.resolve({ count: 42 });
    await until(() => countText(el) === 'Matching players: 42', 'the newest count');
    await new Promise((r) => setTimeout(r, 50));
    expect(countText(el)).to.equal('Matching players: 42');
    expect(el.countResult).to.deep.equal({ count: 42 });
    // An invalid segment is not counted.
    input.select();
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    expect(countText(el)).to.equal('Fix the marked conditions to see the count');
    await new Promise((r) => setTimeout(r, 400));
    expect(counter.calls).to.have.length(3);
  });

  it('shows a failing counter visibly instead of throwing', async () => {
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push(e);
    window.addEventListener('unhandledrejection', onError);
    try {
      const el = await mount({ all: [{ field: 'blocked', op: 'eq', value: true }] }, (b) => {
        b.debounce = 0;
        b.counter = async () => {
          throw new Error('shard 2 is unavailable <b>');
        };
      });
      await until(() => root(el).querySelector('[role="alert"]') !== null, 'the error');
      const alert = q(el, '[role="alert"]');
      expect(alert.textContent!.trim()).to.equal('The count failed: shard 2 is unavailable <b>');
      expect(alert.querySelector('b')).to.equal(null);
      expect(el.countStatus).to.equal('error');
      el.counter = () => Promise.resolve({ count: 3 });
      await until(() => countText(el) === 'Matching players: 3', 'recovery');
      expect(root(el).querySelector('[role="alert"]')).to.equal(null);
      expect(errors).to.deep.equal([]);
    } finally {
      window.removeEventListener('unhandledrejection', onError);
    }
  });

  it('in marketing mode passes marketing to the counter and shows the guardrail removals per reason', async () => {
    const counter = new ManualCounter();
    const el = await mount({ all: [{ field: 'country', op: 'eq', value: 'BR' }] }, (b) => {
      b.marketing = true;
      b.debounce = 0;
      b.counter = counter.fn;
    });
    await until(() => counter.calls.length === 1, 'the count');
    expect(counter.calls[0]!.options.marketing).to.equal(true);
    counter.calls[0]!.resolve({
      count: 90,
      guardrail: { matched: 100, removed: 10, kept: 90, byReason: { self_excluded: 4, blocked: 3, timed_out: 2, high_risk: 5 }, riskBandAtOrAbove: 'high' },
    });
    await until(() => countText(el) === 'Matching players: 90', 'the count');
    const reasons = Object.fromEntries([...root(el).querySelectorAll<HTMLElement>('[part="guardrail"] li[data-reason]')].map((li) => [li.dataset['reason'], li.textContent!.replace(/\s+/g, ' ').trim()]));
    expect(reasons).to.deep.equal({
      self_excluded: 'Self-excluded: 4', blocked: 'Blocked: 3', timed_out: 'Timed out: 2', high_risk: 'Risk band high or above: 5',
    });
    expect(q(el, '[part="guardrail"]').textContent).to.contain('Matched before the guardrail: 100');
    expect(q(el, '[part="guardrail"]').textContent).to.contain('Removed: 10');
    el.marketing = false;
    await until(() => counter.calls.length === 2, 'a recount without marketing');
    expect(counter.calls[1]!.options.marketing).to.equal(false);
    expect(root(el).querySelector('[part="guardrail"]')).to.equal(null);
  });

  it('switches locale: interface, registry labels, validation messages and numbers', async () => {
    const el = await mount({ all: [{ field: 'country', op: 'eq', value: 'BR' }, { field: 'net_loss_30d', op: 'gt', value: 'muito' }] }, (b) => {
      b.debounce = 0;
      b.counter = () => Promise.resolve({ count: 12345 });
    });
    expect(control<HTMLSelectElement>(el, 'all[0]', 'field').selectedOptions[0]!.textContent).to.equal('Country');
    expect(issuesAt(el, 'all[1]')).to.deep.equal(['expected a number']);
    el.locale = 'pt-BR';
    await el.updateComplete;
    expect(control<HTMLSelectElement>(el, 'all[0]', 'field').selectedOptions[0]!.textContent).to.equal('País');
    expect(issuesAt(el, 'all[1]')).to.deep.equal(['esperava um número']);
    expect(inNode(el, '', ':scope > .add-bar [data-add="condition"]').textContent).to.contain('Adicionar condição');
    el.segment = { all: [{ field: 'net_loss_30d', op: 'gt', value: 150 }] };
    await until(() => countText(el) === 'Jogadores encontrados: 12.345', 'the pt-BR count');
    expect(control(el, 'all[0]', 'value').value).to.equal('1,50');
    el.setAttribute('locale', 'es-MX');
    await el.updateComplete;
    expect(el.locale).to.equal('es');
    expect(control<HTMLSelectElement>(el, 'all[0]', 'field').selectedOptions[0]!.textContent).to.equal('Pérdida neta (30 días)');
    expect(countText(el)).to.equal('Jugadores encontrados: 12.345');
  });

  it('themes through --pb-* tokens and parts, light and dark', async () => {
    const el = await mount({ all: [{ field: 'country', op: 'eq', value: 'BR' }] });
    const bg = () => getComputedStyle(el).backgroundColor;
    expect(bg()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(bg()).to.equal('rgb(17, 24, 39)');
    el.style.setProperty('--pb-surface', 'rgb(1, 2, 3)');
    expect(bg()).to.equal('rgb(1, 2, 3)');
    for (const part of ['builder', 'group', 'condition', 'add-bar', 'add-button', 'actions', 'control', 'select']) {
      expect(root(el).querySelector(`[part~="${part}"]`), part).to.not.equal(null);
    }
  });

  it('has no axe-core violations, light and dark, with issues, negation and marketing removals', async () => {
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
    const segment = { ...SAMPLE, all: [...SAMPLE.all, { field: 'deposit_sum_30d', op: 'between', value: [5, 1] }, { any: [] }] } as Segment;
    const el = await mount(segment, (b) => {
      b.marketing = true;
      b.debounce = 0;
      b.counter = () => Promise.resolve({ count: 1, guardrail: { matched: 2, removed: 1, kept: 1, byReason: { self_excluded: 1, blocked: 0, timed_out: 0, high_risk: 0 } } });
    });
    for (const theme of ['light', 'dark'] as const) {
      el.theme = theme;
      await el.updateComplete;
      const result = await axe.run(el, { resultTypes: ['violations'] });
      expect(result.violations.map((v) => `${theme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
    }
    el.segment = { all: [{ field: 'country', op: 'eq', value: 'BR' }] };
    await until(() => countText(el) === 'Matching players: 1', 'the count');
    const result = await axe.run(el, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).to.deep.equal([]);
  });

  it('tolerates a second definition of the tag', () => {
    expect(defineSegmentBuilder()).to.equal('already-defined');
    expect(customElements.get('pb-segment-builder')).to.equal(PbSegmentBuilder);
  });
});
