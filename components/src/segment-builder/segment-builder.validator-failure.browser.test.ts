// When the validator (validation.ts, loaded with import() on the builder's first
// render) cannot be loaded, the builder says so and offers Retry; the count shows
// the same error. This file runs in a page of its own: an import map sends the
// validator's first request to a module that does not exist (pages may add import
// maps at run time; one only affects modules not resolved yet), so its load fails
// as a network failure would, and so does the request Retry makes again.
import { describe, expect, it } from '@pitboss/test/harness';
import type { PbSegmentBuilder } from './segment-builder.component.js';
import { defineSegmentBuilder } from './segment-builder.js';

defineSegmentBuilder();

describe('<pb-segment-builder> when its validator cannot be loaded', () => {
  it('shows an alert with Retry and the count error, keeps the controls; Retry requests it again', async () => {
    const validatorUrl = new URL('./validation.ts', import.meta.url).href;
    const map = document.createElement('script');
    map.type = 'importmap';
    map.textContent = JSON.stringify({ imports: { [validatorUrl]: new URL('./no-such-validator.ts', import.meta.url).href } });
    document.head.append(map);
    const el = document.createElement('pb-segment-builder') as PbSegmentBuilder;
    el.locale = 'en';
    el.segment = { all: [{ field: 'deposit_sum_30d', op: 'gt', value: 'lots' }] };
    el.counter = async () => ({ count: 1 });
    document.body.append(el);
    try {
      await el.updateComplete;
      const shadow = el.shadowRoot!;
      const alert = shadow.querySelector('.builder > [role="alert"]');
      expect(alert, `requested: ${performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('valid')).join(', ')}`).to.not.equal(null);
      expect(alert!.textContent).to.contain('The validation could not be loaded');
      expect(el.valid).to.equal(false);
      expect(el.countStatus).to.equal('error');
      expect(shadow.querySelector('[part~="count-error"]')!.textContent).to.contain('The validation could not be loaded');
      expect(shadow.querySelector('#n-all-0--value'), 'the controls are there').to.not.equal(null);
      const tries = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('no-such-validator')).length;
      const before = tries();
      alert!.querySelector('button')!.click();
      await el.updateComplete;
      expect(tries(), 'Retry requested the validator again').to.equal(before + 1);
      expect(shadow.querySelector('.builder > [role="alert"]'), 'still failing, still said').to.not.equal(null);
      expect(el.countStatus).to.equal('error');
    } finally {
      el.remove();
    }
  });
});
