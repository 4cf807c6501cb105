// The editors of behavioural conditions (event counts and sums) load with
// import() the first time the builder shows one. This file runs in a page of
// its own, so the first count added here is the one that loads them: its
// controls must be there after `updateComplete`, and focus must land on its
// first control as it does for a field condition.
import { describe, expect, it } from '@pitboss/test/harness';
import { sendKeys } from '@web/test-runner-commands';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

defineSegmentBuilder();

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
