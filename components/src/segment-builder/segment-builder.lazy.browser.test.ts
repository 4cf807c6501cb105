// The validator (core's segment checker) loads with import() when a builder
// first renders, and the editors of behavioural conditions (event counts and
// sums) the first time the builder shows one. This file runs in a page of its
// own, so the first builder rendered here is the one that loads the validator,
// and the first count added here the one that loads the editors: what they
// bring must be there after `updateComplete`, and focus must land on the
// first control of a new count as it does for a field condition.
import { describe, expect, it } from '@pitboss/test/harness';
import { sendKeys } from '@web/test-runner-commands';
import type { PbSegmentChangeEvent } from './segment-builder.events.js';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

defineSegmentBuilder();

/** Whether the page has fetched a module of the builder (the dev server serves each source file apart). */
const requested = (file: string): boolean =>
  performance.getEntriesByType('resource').some((e) => e.name.includes(`/components/src/segment-builder/${file}`));

describe('<pb-segment-builder> validator, loaded when a builder first renders', () => {
  it('renders the controls at once; issues, valid, the count and pb-segment-change follow when the validator arrives', async () => {
    expect(requested('validation.ts'), 'not loaded before a builder renders').to.equal(false);
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.currency = 'EUR';
    el.segment = { all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] };
    const counted: unknown[] = [];
    el.counter = async (segment) => {
      counted.push(segment);
      return { count: 7 };
    };
    el.debounce = 0;
    const events: PbSegmentChangeEvent[] = [];
    el.addEventListener('pb-segment-change', (e) => events.push(e));
    document.body.append(el);
    try {
      // Lit renders in a microtask; the validator comes over the network, so it is not there yet.
      for (let i = 0; i < 5 && !el.hasUpdated; i++) await Promise.resolve();
      const shadow = el.shadowRoot!;
      expect(el.hasUpdated).to.equal(true);
      expect(shadow.querySelector('#n-all-0--value'), 'the controls are there').to.not.equal(null);
      expect(shadow.querySelectorAll('.issue')).to.have.length(0);
      expect(el.valid).to.equal(false);
      expect(el.issues).to.deep.equal([]);
      expect(el.countStatus).to.equal('counting');
      // An edit made by script before the validator arrives: its event waits for it.
      const combinator = shadow.querySelector<HTMLSelectElement>('#n-root--combinator')!;
      combinator.value = 'any';
      combinator.dispatchEvent(new Event('change', { bubbles: true }));
      expect(events).to.have.length(0);
      await el.updateComplete;
      expect(requested('validation.ts')).to.equal(true);
      expect(events).to.have.length(1);
      expect(events[0]!.detail.segment).to.deep.equal({ any: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] });
      expect(events[0]!.detail.valid).to.equal(false);
      expect(events[0]!.detail.issues.map((i) => [i.path, i.code])).to.deep.equal([['any[0].value', 'expected_number']]);
      expect(el.valid).to.equal(false);
      expect([...shadow.querySelectorAll('.issue')].map((li) => li.textContent!.trim())).to.deep.equal(['expected a number']);
      expect(el.countStatus).to.equal('invalid');
      expect(counted).to.deep.equal([]);
      // A valid segment set from outside validates at once now, and is counted.
      el.segment = { all: [{ field: 'deposit_sum_30d', op: 'gt', value: 100 }] };
      expect(el.valid).to.equal(true);
      await el.updateComplete;
      for (let i = 0; i < 50 && el.countStatus !== 'done'; i++) await new Promise((r) => setTimeout(r, 10));
      expect(el.countResult).to.deep.equal({ count: 7 });
      // The counter gets the normalised segment.
      expect(counted).to.deep.equal([{ all: [{ field: 'deposit_sum_30d', op: 'gt', value: 100 }], marketing: false }]);
    } finally {
      el.remove();
    }
  });

  it('a builder created after it has loaded validates before its first render', async () => {
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.segment = { all: [] };
    expect(el.valid).to.equal(false);
    expect(el.issues.map((i) => [i.path, i.code])).to.deep.equal([['all', 'empty_list']]);
  });
});

describe('<pb-segment-builder> behavioural condition editors, loaded on first use', () => {
  it('adding the first event count by keyboard shows its controls and focuses the first one', async () => {
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.currency = 'EUR';
    el.segment = { all: [{ field: 'country', op: 'eq', value: 'BR' }] };
    document.body.append(el);
    await el.updateComplete;
    const shadow = el.shadowRoot!;
    expect(shadow.querySelector('[data-path="all[1]"]')).to.equal(null);
    shadow.querySelector<HTMLButtonElement>('[data-path=""] [data-add="count"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const added = shadow.querySelector<HTMLElement>('[data-path="all[1]"]')!;
    const type = added.querySelector<HTMLSelectElement>('#n-all-1--did-type')!;
    expect(type, 'the event type control').to.not.equal(null);
    expect(type.value).to.equal('payment');
    expect(added.querySelector('#n-all-1--times')).to.not.equal(null);
    expect(added.querySelector('[role="status"]'), 'no loading note left').to.equal(null);
    expect(shadow.activeElement?.id).to.equal('n-all-1--did-type');
    // A sum uses the editors already loaded.
    shadow.querySelector<HTMLButtonElement>('[data-path=""] [data-add="sum"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(shadow.activeElement?.id).to.equal('n-all-2--sum');
    expect(el.segment).to.deep.equal({
      all: [
        { field: 'country', op: 'eq', value: 'BR' },
        { did: { type: 'payment', direction: 'deposit' }, op: 'at_least', times: 1, days: 30 },
        { sum: 'amount_minor', of: { type: 'payment', direction: 'deposit' }, op: 'gte', days: 30 },
      ],
    });
    el.remove();
  });
});
